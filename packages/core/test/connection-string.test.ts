/**
 * The hand-written connection-string check (config.ts) against the SDK's own parser: whatever loadConfig
 * accepts, the SDK accepts too, and reads the same endpoint and the same key.
 *
 * The SDK's parser is `parseClientArguments` of @azure/communication-common (the regular expression
 * `/endpoint=(.*);accesskey=(.*)/i`, then `new URL` on the endpoint: http or https, a host, no path), which
 * `new CommunicationIdentityClient(connectionString)` calls in its constructor. It is looser than ours and
 * puts the whole string, key included, in its error message: that is why we keep our own. This test makes
 * sure ours never accepts what the SDK would refuse or read differently.
 */
import { parseClientArguments } from "@azure/communication-common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Config, loadConfig } from "../src/config.js";

const VARIABLE = "COMMUNICATION_SERVICES_CONNECTION_STRING";

function load(connectionString: string): Config | undefined {
  try {
    return loadConfig({ env: { [VARIABLE]: connectionString }, envFile: false });
  } catch {
    return undefined;
  }
}

/** `https://host[:port]/`, as loadConfig writes an endpoint. */
function normalise(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}/`;
}

/** What the SDK reads from a connection string, with the client constructed the way the samples do. */
function sdkReads(connectionString: string): { endpoint: string; key: string } {
  new CommunicationIdentityClient(connectionString);
  const { url, credential } = parseClientArguments(connectionString);
  return { endpoint: normalise(url), key: (credential as { key: string }).key };
}

/** Checks one string loadConfig accepted: exactly `<endpoint part>;<key part>`, and the SDK agrees. */
function expectSdkAgrees(connectionString: string, config: Config): void {
  const segments = connectionString.split(";");
  expect(segments).toHaveLength(2);
  const [, keyPart] = segments as [string, string];
  const key = keyPart.slice(keyPart.indexOf("=") + 1);
  expect(sdkReads(connectionString)).toEqual({ endpoint: config.endpoint, key });
}

// Realistic variation: what people paste from the portal, write by hand, or get from the emulator.
const resourceName = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,22}[a-z0-9])?$/);
const azureHost = fc
  .tuple(resourceName, fc.constantFrom("", ".unitedstates", ".europe", ".asiapacific"))
  .map(([name, geography]) => `${name}${geography}.communication.azure.com`);
const host = fc.oneof(
  azureHost,
  fc.ipV4(),
  fc.ipV6().map((address) => `[${address}]`),
  fc.constantFrom("localhost", "acs-emulator.localhost", "emulator.local"),
);
const keyBytes = fc.uint8Array({ minLength: 1, maxLength: 96 });
const connectionString = fc
  .record({
    endpointName: fc.mixedCase(fc.constant("endpoint")),
    scheme: fc.mixedCase(fc.constant("https")),
    host: host.chain((h) => fc.mixedCase(fc.constant(h))),
    port: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }),
    slash: fc.boolean(),
    keyName: fc.mixedCase(fc.constant("accesskey")),
    key: keyBytes.map((bytes) => Buffer.from(bytes).toString("base64")),
  })
  .map(
    (p) =>
      `${p.endpointName}=${p.scheme}://${p.host}${p.port === undefined ? "" : `:${p.port}`}${p.slash ? "/" : ""};${p.keyName}=${p.key}`,
  );

// Careless edits of a realistic string: a character slipped in or lost anywhere, parts swapped or pasted twice.
const NOISE = [
  ";",
  "=",
  "/",
  "?",
  "#",
  " ",
  "@",
  ":",
  "-",
  "_",
  "+",
  ".",
  "A",
  "e",
  "%",
  "\\",
  "[",
  "]",
  "\t",
];
type Edit = { at: number; insert?: string; remove?: number; parts?: "swap" | "twice" };
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ at: fc.nat(), insert: fc.constantFrom(...NOISE) }),
  fc.record({ at: fc.nat(), remove: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ at: fc.nat(), parts: fc.constantFrom("swap" as const, "twice" as const) }),
);
function applyEdits(value: string, edits: Edit[]): string {
  let result = value;
  for (const e of edits) {
    const at = e.at % (result.length + 1);
    const [first = "", ...rest] = result.split(";");
    if (e.parts === "swap") result = [...rest, first].join(";");
    else if (e.parts === "twice") result = `${result};${at % 2 ? first : rest.join(";")}`;
    else if (e.insert !== undefined) result = `${result.slice(0, at)}${e.insert}${result.slice(at)}`;
    else result = `${result.slice(0, at)}${result.slice(at + (e.remove ?? 0))}`;
  }
  return result;
}

describe("what loadConfig accepts as a connection string, the SDK reads the same way", () => {
  it("every realistic connection string (letter case, trailing '/', ports, IP hosts, keys of 1-96 bytes)", () => {
    fc.assert(
      fc.property(connectionString, (value) => {
        const config = load(value);
        expect(config, value).toBeDefined(); // all of them are valid: the property below is never vacuous
        expectSdkAgrees(value, config as Config);
      }),
      { numRuns: 500 },
    );
  });

  it("every edited string that loadConfig still accepts", () => {
    let accepted = 0;
    fc.assert(
      fc.property(connectionString, fc.array(edit, { minLength: 1, maxLength: 3 }), (value, edits) => {
        const edited = applyEdits(value, edits);
        const config = load(edited);
        if (config === undefined) return;
        accepted++;
        expectSdkAgrees(edited, config);
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(100); // the edits do not only produce strings we refuse
  });
});

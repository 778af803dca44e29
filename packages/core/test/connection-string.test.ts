/**
 * The hand-written connection-string check (config.ts) against the SDK's own parser: whatever loadConfig
 * accepts, the SDK accepts too, and reads the same endpoint and the same key bytes (the SDK signs with
 * `Buffer.from(key, "base64")`); and the converse for what copying does to a string (quotes, white space,
 * a trailing ';', the key in another base64 spelling): the SDK reads the original's endpoint and key bytes
 * from it, so it works, so loadConfig accepts it.
 *
 * The SDK's parser is `parseClientArguments` of @azure/communication-common (the regular expression
 * `/endpoint=(.*);accesskey=(.*)/i`, then `new URL` on the endpoint: http or https, a host, no path), which
 * `new CommunicationIdentityClient(connectionString)` calls in its constructor. It is looser than ours and
 * puts the whole string, key included, in its error message: that is why we keep our own. This test makes
 * sure ours never accepts what the SDK would refuse or read differently, nor refuses what would work.
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

/** The key's bytes, as the SDK signs with them. */
const bytes = (key: string) => Buffer.from(key, "base64").toString("hex");

/**
 * Checks one string loadConfig accepted: the SDK given the raw string (what a user's own code would do)
 * reads the endpoint loadConfig reports and the key bytes of what loadConfig hands on.
 */
function expectSdkAgrees(raw: string, config: Config): void {
  if (config.kind !== "connection-string") throw new Error(`not a connection string: ${config.kind}`);
  const sdk = sdkReads(raw);
  const ours = sdkReads(config.connectionString);
  expect(sdk.endpoint).toBe(config.endpoint);
  expect(ours.endpoint).toBe(config.endpoint);
  expect(bytes(sdk.key)).toBe(bytes(ours.key));
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

// What copying does to a string, keeping what the SDK reads from it: first to the key (another spelling of
// its bytes), then around the whole (quotes, white space, a ';').
type Copy = (value: string) => string;
const keyPart = (value: string) => value.slice(value.toLowerCase().indexOf(";accesskey=") + 11);
const withKey = (value: string, key: string) =>
  `${value.slice(0, value.length - keyPart(value).length)}${key}`;
const keySpellings: fc.Arbitrary<Copy> = fc.constantFrom<Copy>(
  (v) => v,
  (v) => withKey(v, Buffer.from(keyPart(v), "base64").toString("base64url")),
  (v) => withKey(v, keyPart(v).replace(/=+$/, "")),
  (v) =>
    withKey(
      v,
      keyPart(v)
        .replace(/(.{4})/g, "$1 ")
        .trim(),
    ),
  (v) =>
    withKey(
      v,
      keyPart(v)
        .replace(/(.{3})/g, "$1\t")
        .trim(),
    ),
  (v) => withKey(v, `${keyPart(v)}=`),
);
const wrappers: fc.Arbitrary<Copy> = fc.constantFrom<Copy>(
  (v) => `"${v}"`,
  (v) => `'${v}'`,
  (v) => `“${v}”`,
  (v) => ` ${v}`,
  (v) => `\t${v}`,
  (v) => `${v}\n`,
  (v) => `${v}\r\n`,
  (v) => `${v};`,
  (v) => `${v} ;`,
);

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

describe("what copying does to a connection string, keeping what the SDK reads, loadConfig accepts", () => {
  it("the key URL-safe, unpadded, spaced or over-padded; then quotes, white space or ';' around (up to 3)", () => {
    let tried = 0;
    fc.assert(
      fc.property(
        connectionString,
        keySpellings,
        fc.array(wrappers, { maxLength: 3 }),
        (value, spelling, around) => {
          const copied = around.reduce((text, wrap) => wrap(text), spelling(value));
          const original = sdkReads(value);
          const read = sdkReads(copied); // the premise: the SDK reads the original's endpoint and key bytes
          expect(read.endpoint).toBe(original.endpoint);
          expect(bytes(read.key)).toBe(bytes(original.key));
          tried++;
          const config = load(copied);
          expect(config, JSON.stringify(copied)).toBeDefined();
          expectSdkAgrees(copied, config as Config);
        },
      ),
      { numRuns: 1000 },
    );
    expect(tried).toBe(1000);
  });
});

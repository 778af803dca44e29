/**
 * A proxy between the quickstart and the resource (HTTPS_PROXY, ALL_PROXY, HTTP_PROXY; NO_PROXY respected,
 * as the SDK reads them): the diagnosis names the proxy, what it did (refused, wants credentials, blocked) and
 * the fix. In-process, against the standalone emulator over HTTPS. (NO_PROXY: the SDK reads it once per process,
 * so it is tried in a process of its own: e2e/live-standalone.e2e.test.ts.)
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startStandaloneEmulator } from "@acs-quickstart/emulator/server";
import { testSigningKey } from "@acs-quickstart/emulator/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type Event, freshDir, NO_STACK, runInProcess } from "./helpers/in-process.js";

let emulator: Awaited<ReturnType<typeof startStandaloneEmulator>>;
const proxies: Server[] = [];

/** A proxy that answers every CONNECT with `status` itself (never connects anywhere). */
/** A proxy that answers every CONNECT with `status` itself, with `body` (and `headers`) if given. */
async function refusingProxy(status: number, body = "", headers = ""): Promise<string> {
  const server = createServer();
  server.on("connect", (_request, socket) => {
    socket.end(
      `HTTP/1.1 ${status} Refused by the test proxy\r\nProxy-Authenticate: Basic realm="test"\r\n${headers}` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxies.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  emulator = await startStandaloneEmulator({
    port: 0,
    stateDir: freshDir(),
    signingKey: await testSigningKey(),
  });
});
afterAll(async () => {
  for (const proxy of proxies) proxy.close();
  await emulator?.close();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const live = () => ({
  COMMUNICATION_SERVICES_CONNECTION_STRING: emulator.connectionString,
  NODE_EXTRA_CA_CERTS: emulator.caPath,
  ACS_QUICKSTART_REQUEST_TIMEOUT_MS: "3000",
});
const failure = (run: { events: Event[] }) =>
  run.events.find((e) => e.event === "step-end")?.error as
    | { code: string; summary: string; fix: string }
    | undefined;

async function throughProxy(variables: Record<string, string>) {
  for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, value);
  const run = await runInProcess(["--json", "--step", "create-identity"], { env: live() });
  expect(run.stderr).not.toMatch(NO_STACK);
  return run;
}

describe("a proxy in the path is named, with what it did and the fix", () => {
  it.each([["HTTPS_PROXY"], ["https_proxy"], ["ALL_PROXY"], ["HTTP_PROXY"]])(
    "%s points at nothing: the proxy could not be reached (not 'start the emulator')",
    async (variable) => {
      const run = await throughProxy({ [variable]: "http://127.0.0.1:9" });
      expect(run.code).toBe(1);
      expect(failure(run)).toMatchObject({
        code: "proxy-unreachable",
        summary: expect.stringContaining(
          `The proxy http://127.0.0.1:9 (from ${variable}) could not be reached`,
        ),
        fix: expect.stringContaining("NO_PROXY"),
      });
      expect(run.stderr).not.toContain("npm run emulator");
    },
  );

  it("a proxy that wants credentials (407): says so, and where they go; once, not twice", async () => {
    const proxy = await refusingProxy(407);
    const run = await throughProxy({ HTTPS_PROXY: proxy });
    expect(failure(run)).toMatchObject({
      code: "proxy-authentication",
      summary: `The proxy ${proxy} (from HTTPS_PROXY) wants credentials (HTTP 407 Proxy Authentication Required).`,
      fix: expect.stringContaining("HTTPS_PROXY=http://<user>:<password>@<proxy host>:<port>"),
    });
    expect(run.stderr.match(/407/g)?.length).toBe(1);
  });

  it("credentials in the proxy's URL are never printed; a 407 then says they are not accepted", async () => {
    const proxy = await refusingProxy(407);
    const withCredentials = proxy.replace("http://", "http://learner:s3cret-proxy-password@");
    const run = await throughProxy({ HTTPS_PROXY: withCredentials });
    expect(failure(run)?.fix).toContain("does not accept the user name and password in HTTPS_PROXY");
    expect(`${run.stdout}${run.stderr}`).not.toContain("s3cret-proxy-password");
  });

  it.each([
    [403, "blocked", "", ""],
    [403, "blocked", "blocked", ""], // a body without a Content-Type: the SDK's code PARSE_ERROR
    [403, "blocked", "<html><body>Access denied</body></html>", "Content-Type: text/html\r\n"],
    [403, "blocked", '{"error":"policy"}', "Content-Type: application/json\r\n"],
    [502, "could not be reached from the proxy", "Bad Gateway", ""],
  ])(
    "a proxy that answers %i itself (%s; body %j): named, no Microsoft Entra role advice",
    async (status, what, body, headers) => {
      const proxy = await refusingProxy(status, body, headers);
      const run = await throughProxy({ HTTPS_PROXY: proxy });
      expect(failure(run)).toMatchObject({ code: "proxy-blocked", summary: expect.stringContaining(what) });
      expect(run.stderr).not.toMatch(/role|Entra/i);
    },
  );
});

describe("the service's own 403, without a proxy", () => {
  it("with an access key: no Microsoft Entra role advice", async () => {
    // The emulator standing in for the service answers 403 with a service error body.
    const admin = (await import("@acs-quickstart/emulator")).createEmulatorAdminClient({
      endpoint: emulator.url,
      accessKey: emulator.emulator.accessKey,
      ca: emulator.caPem,
    });
    await admin.addFault({ operation: "createIdentity", status: 403, times: 1 });
    const refused = await runInProcess(["--json", "--step", "create-identity"], { env: live() });
    expect(failure(refused)).toMatchObject({
      code: "forbidden",
      summary: "The service refused the request (HTTP 403 Forbidden).",
    });
    expect(refused.stderr).not.toMatch(/role assignment|Entra/);
  });
});

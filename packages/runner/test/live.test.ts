/**
 * Live mode, in-process, against the standalone emulator over HTTPS configured exactly as a real resource
 * would be (a connection string and the certificate to trust).
 */
import { createEmulatorAdminClient } from "@acs-quickstart/emulator";
import { startStandaloneEmulator } from "@acs-quickstart/emulator/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDir, runInProcess } from "./helpers/in-process.js";

// The standalone emulator over HTTPS, configured exactly as a real resource would be: live mode.
let server: Awaited<ReturnType<typeof startStandaloneEmulator>>;
let admin: ReturnType<typeof createEmulatorAdminClient>;

beforeAll(async () => {
  // An access key whose base64 has '+' and '/' (0xfb bytes), so that its URL-safe spelling differs from it
  // in more than the padding, whatever a random key would have held.
  server = await startStandaloneEmulator({
    port: 0,
    stateDir: freshDir(),
    accessKey: Buffer.alloc(32, 0xfb).toString("base64"),
  });
  admin = createEmulatorAdminClient({
    endpoint: server.url,
    accessKey: server.emulator.accessKey,
    ca: server.caPem,
  });
});
afterAll(() => server?.close());

function liveEnv(): Record<string, string> {
  return {
    ACS_QUICKSTART_STATE_DIR: freshDir(),
    COMMUNICATION_SERVICES_CONNECTION_STRING: server.connectionString,
    NODE_EXTRA_CA_CERTS: server.caPath,
    ACS_QUICKSTART_RETRY_DELAY_MS: "5",
  };
}

async function liveIdentities(): Promise<string[]> {
  const { identities } = await admin.state();
  return identities.filter((identity) => !identity.deleted).map((identity) => identity.id);
}

describe("live mode against the standalone emulator", () => {
  it("runs all six steps and leaves no identity behind", async () => {
    const run = await runInProcess(["--json"], { env: liveEnv() });
    expect(run.code, run.stderr).toBe(0);
    expect(run.events.find((e) => e.event === "summary")).toMatchObject({
      ok: true,
      mode: "live",
      steps: 6,
      leftoverIdentities: 0,
    });
    expect(run.stderr).toContain("Mode: live");
    expect(run.stderr).toContain("revocation can take up to 15 minutes");
    expect(run.stderr).not.toContain("Emulator-only check");
    expect(await liveIdentities()).toEqual([]);
  });

  it("a connection string the SDK reads as the portal's (in quotes, a trailing ';', the key URL-safe without padding) runs, with a note", async () => {
    const { connectionString } = server;
    const key = connectionString.slice(connectionString.indexOf(";accesskey=") + 11);
    const urlSafe = Buffer.from(key, "base64").toString("base64url");
    expect(key).toMatch(/\+.*\/|\/.*\+/);
    const copied = `"${connectionString.replace(key, urlSafe)};"\n`;
    const run = await runInProcess(["--json"], {
      env: { ...liveEnv(), COMMUNICATION_SERVICES_CONNECTION_STRING: copied },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.events.find((e) => e.event === "summary")).toMatchObject({ ok: true, leftoverIdentities: 0 });
    const notes = run.events.filter((e) => e.event === "notice");
    expect(notes).toEqual([
      expect.objectContaining({
        kind: "unusual-value",
        variable: "COMMUNICATION_SERVICES_CONNECTION_STRING",
        message: expect.stringMatching(/URL-safe/),
      }),
    ]);
    for (const secret of [key, urlSafe])
      expect(`${run.stdout}${run.stderr}`).not.toContain(secret.slice(0, 12));
    expect(await liveIdentities()).toEqual([]);
  });

  it("part two runs live too: says when the credential will refresh, shows revocation and scope, leaves nothing", async () => {
    const run = await runInProcess(["--part", "2", "--json"], { env: liveEnv() });
    expect(run.code, run.stderr).toBe(0);
    expect(run.events.find((e) => e.event === "summary")).toMatchObject({
      ok: true,
      mode: "live",
      steps: 2,
      leftoverIdentities: 0,
      leftoverThreads: 0,
    });
    expect(run.stderr).toMatch(
      /The credential calls its tokenRefresher at \S+Z \(in 49 min\): 10 minutes before the token expires\./,
    );
    // No virtual clock against a resource: the refresh is scheduled, not shown.
    expect(run.stderr).not.toContain("minutes pass at once");
    expect(run.stderr).toContain("Sending with the cached token: 401.");
    expect(run.stderr).toContain("Chat answers: 401.");
    expect(run.stderr).toMatch(/deleting 1 chat thread this run made…\n {2}deleted 19:acsV1_/);
    expect(await liveIdentities()).toEqual([]);
    expect((await admin.state()).chatThreads).toBe(0);
  });

  it("when a late step fails it exits 1 after its diagnosis and still deletes every identity", async () => {
    // Enough failures for the SDK's first attempt and its three retries of step 6.
    await admin.addFault({ operation: "deleteIdentity", status: 500, times: 4 });
    const run = await runInProcess(["--json"], { env: liveEnv() });
    expect(run.code).toBe(1);
    const ends = run.events.filter((e) => e.event === "step-end");
    expect(ends.at(-1)).toMatchObject({ step: "delete-identity", ok: false });
    expect(ends.slice(0, 5).every((e) => e.ok === true)).toBe(true);
    expect(run.events.find((e) => e.event === "summary")).toMatchObject({ ok: false, leftoverIdentities: 0 });
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(await liveIdentities()).toEqual([]);
  });

  it("a real connection reset and a response slower than the timeout are retried by the SDK: the run succeeds", async () => {
    // Over TCP a reset is ECONNRESET, which the SDK retries (in-process, msw reports it without a code).
    await admin.addFault({ operation: "createIdentity", reset: true, times: 2 });
    await admin.addFault({ operation: "issueAccessToken", delayMs: 3_000, times: 1 });
    const run = await runInProcess(["--json"], {
      env: { ...liveEnv(), ACS_QUICKSTART_REQUEST_TIMEOUT_MS: "300" },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.events.find((e) => e.event === "summary")).toMatchObject({ ok: true, leftoverIdentities: 0 });
    expect(await liveIdentities()).toEqual([]);
  });
});

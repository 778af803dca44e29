/**
 * Live mode, in-process, against the standalone emulator over HTTPS configured exactly as a real resource
 * would be (a connection string and the certificate to trust).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createIdentityClient } from "@acs-quickstart/core";
import { createEmulatorAdminClient } from "@acs-quickstart/emulator";
import { startStandaloneEmulator } from "@acs-quickstart/emulator/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Event, freshDir, runInProcess, summary } from "./helpers/in-process.js";

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

/** What identities.json holds. */
function stored(env: Record<string, string>) {
  const text = readFileSync(join(env.ACS_QUICKSTART_STATE_DIR as string, "identities.json"), "utf8");
  return JSON.parse(text) as {
    identities: Array<{ id: string; appUser?: string; pendingCleanup?: boolean }>;
    threads?: Array<{
      id: string;
      creator: string;
      appUser?: string;
      createdBy?: string;
      pendingCleanup?: boolean;
    }>;
  };
}

const appUserIdentity = (run: { events: Event[] }, appUser: string) =>
  run.events.find((e) => e.event === "thread-created" && e.appUser === appUser)?.identity as string;

describe("chat threads a run leaves (live, against the standalone emulator)", () => {
  it("kept with --keep: remembered with the identity that made it, listed with the command; --clean-up deletes it before the identities", async () => {
    const env = liveEnv();
    const kept = await runInProcess(["--json", "--step", "use-token", "--keep"], { env });
    expect(kept.code, kept.stderr).toBe(0);
    const created = kept.events.filter((e) => e.event === "thread-created");
    expect(created).toEqual([
      expect.objectContaining({
        step: "use-token",
        thread: expect.stringMatching(/^19:acsV1_/),
        appUser: "alice",
      }),
    ]);
    const thread = created[0]?.thread as string;
    const alice = appUserIdentity(kept, "alice");
    expect(stored(env).threads).toEqual([
      expect.objectContaining({ id: thread, creator: alice, appUser: "alice", createdBy: "use-token" }),
    ]);
    expect(stored(env).identities.find((i) => i.appUser === "alice")?.id).toBe(alice);
    expect(summary(kept)).toMatchObject({
      leftoverThreads: 1,
      threads: { leftByThisRun: [{ thread, identity: alice, appUser: "alice" }], leftByEarlierRuns: [] },
    });
    expect(kept.stderr).toContain(
      `Chat threads left by this run (--keep): ${thread} (made by alice: ${alice}).`,
    );
    expect(kept.stderr).toContain(
      "To delete every chat thread and identity stored for this resource: npm run quickstart -- --clean-up",
    );
    expect((await admin.state()).chatThreads).toBe(1);

    // A later run lists it as an earlier run's, by id and with the identity that can delete it.
    const later = await runInProcess(["--json", "--step", "create-identity"], { env });
    expect(later.code, later.stderr).toBe(0);
    expect(summary(later)).toMatchObject({
      threads: { leftByThisRun: [], leftByEarlierRuns: [{ thread, identity: alice, appUser: "alice" }] },
    });
    expect(later.stderr).toContain(`Chat threads left by earlier runs, still in `);

    const clean = await runInProcess(["--json", "--clean-up"], { env });
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.events.filter((e) => e.event === "thread-deleted")).toEqual([
      expect.objectContaining({ thread, by: "clean-up" }),
    ]);
    // The thread first: afterwards nobody could delete it.
    const order = clean.events.flatMap((e) =>
      e.event === "thread-deleted" ? ["thread"] : e.event === "identity-deleted" ? [e.identity] : [],
    );
    expect(order[0]).toBe("thread");
    expect(order).toContain(alice);
    expect(clean.stderr).toMatch(
      /Clean-up: deleting 1 chat thread an earlier run left behind…\n {2}deleted 19:acsV1_/,
    );
    expect(summary(clean)).toMatchObject({
      ok: true,
      threads: { leftByThisRun: [], leftByEarlierRuns: [], undeletable: [] },
    });
    expect((await admin.state()).chatThreads).toBe(0);
    expect(await liveIdentities()).toEqual([]);
    expect(stored(env)).toEqual({ version: 1, identities: [] });
  });

  it("a thread clean-up cannot delete stays, marked, and so does the identity that made it; the next run deletes both, thread first", async () => {
    const env = liveEnv();
    // The SDK's four attempts of the thread's deletion fail.
    await admin.addFault({ operation: "deleteChatThread", status: 500, times: 4 });
    const failed = await runInProcess(["--json", "--step", "use-token"], { env });
    expect(failed.code, failed.stderr).toBe(1);
    const thread = failed.events.find((e) => e.event === "thread-created")?.thread as string;
    const alice = appUserIdentity(failed, "alice");
    expect(summary(failed)).toMatchObject({
      ok: false,
      outcome: "cleanup-failed",
      leftoverThreads: 1,
      threads: { leftByThisRun: [{ thread, identity: alice, appUser: "alice" }] },
      identities: { leftByThisRun: [alice] },
    });
    expect(failed.stderr).toContain(
      `Clean-up: keeping ${alice}: it made a chat thread that could not be deleted.`,
    );
    expect(failed.stderr).toContain(
      `Chat threads left by this run, not deleted: ${thread} (made by alice: ${alice}).`,
    );
    expect(stored(env).threads).toEqual([expect.objectContaining({ id: thread, pendingCleanup: true })]);
    expect(stored(env).identities).toEqual([expect.objectContaining({ id: alice, pendingCleanup: true })]);
    expect(await liveIdentities()).toEqual([alice]);

    const next = await runInProcess(["--json", "--step", "create-identity"], { env });
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toMatch(
      /deleting 1 chat thread an earlier run left behind…\n {2}deleted 19:acsV1_[^\n]*\n(?:.*\n)*Clean-up: deleting 1 identity this run made and 1 identity an earlier run left behind…/,
    );
    expect((await admin.state()).chatThreads).toBe(0);
    expect(await liveIdentities()).toEqual([]);
    expect(stored(env)).toEqual({ version: 1, identities: [] });
  });

  it("a thread whose maker no longer exists cannot be deleted any more: said, by id, not silently forgotten", async () => {
    const env = liveEnv();
    const kept = await runInProcess(["--json", "--step", "use-token", "--keep"], { env });
    expect(kept.code, kept.stderr).toBe(0);
    const thread = kept.events.find((e) => e.event === "thread-created")?.thread as string;
    const alice = appUserIdentity(kept, "alice");
    // Someone deleted alice's identity meanwhile (not this quickstart: it deletes the thread first).
    const identities = await createIdentityClient(
      { kind: "connection-string", endpoint: server.url, connectionString: server.connectionString },
      { env: { NODE_EXTRA_CA_CERTS: server.caPath } },
    );
    await identities.deleteUser({ communicationUserId: alice });

    const clean = await runInProcess(["--json", "--clean-up"], { env });
    expect(clean.code).toBe(1);
    expect(clean.stderr).toContain(
      `${thread} cannot be deleted any more: the identity that made it (${alice}) no longer exists`,
    );
    expect(summary(clean)).toMatchObject({
      ok: false,
      outcome: "cleanup-failed",
      threads: { undeletable: [{ thread, identity: alice, appUser: "alice" }], leftByEarlierRuns: [] },
    });
    expect(clean.stderr).toContain(`Chat threads that cannot be deleted any more`);
    expect(stored(env)).toEqual({ version: 1, identities: [] });
    expect(await liveIdentities()).toEqual([]);
    // The emulator keeps it, as the service would: nobody of ours can delete it now.
    await admin.reset();
  });
});

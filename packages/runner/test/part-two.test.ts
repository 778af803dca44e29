/**
 * Part two offline (`npm run quickstart -- --part 2`), in-process: the token service and the chat client, on
 * the in-process emulator and its virtual clock. Both steps pass; the refresh, the revocation and the scope
 * are shown; nothing is left behind (identities, threads, the token service's port, state files).
 */
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { JWT, nothingLeft, runInProcess, storedThreads, summary } from "./helpers/in-process.js";

/** Whether something still listens on a URL's port. */
function listening(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

const tokenServiceUrl = (text: string) => /The token service listens on (http:\/\/\S+);/.exec(text)?.[1];

describe("npm run quickstart -- --part 2 (emulator)", () => {
  it("runs both steps: refresh on the virtual clock, revocation, scope; then leaves nothing behind", async () => {
    // --scopes and --expires-in are not for the token service's users (their role decides): said, not applied.
    const run = await runInProcess(["--part", "2", "--json", "--scopes", "chat,voip", "--expires-in", "90"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.events.filter((e) => e.event === "notice").map((e) => [e.kind, e.option])).toEqual([
      ["unused-option", "--scopes"],
      ["unused-option", "--expires-in"],
    ]);
    expect(run.stderr).toContain(
      "Note: --scopes chat,voip is not used by this run's steps (token-service, use-token)",
    );
    const ends = run.events.filter((e) => e.event === "step-end");
    expect(ends.map((e) => [e.step, e.ok])).toEqual([
      ["token-service", true],
      ["use-token", true],
    ]);
    expect(summary(run)).toMatchObject({ ok: true, steps: 2, leftoverIdentities: 0, leftoverThreads: 0 });

    const out = run.stderr;
    // Step 7: the service's security, as its clients meet it.
    expect(out).toContain("POST /api/token without signing in: 401 Unauthorized");
    expect(out).toContain("POST /api/sign-in as alice with a wrong password: 401 Unauthorized");
    expect(out).toMatch(/POST \/api\/token as alice: 200 OK, 'chat' scope, expires at .* \(in 59 min\)/);
    expect(out).toMatch(/with the body \{"userId":"bob"\}: 400 Bad Request/);
    expect(out).toContain("as bob: 'chat.join.limited' scope");
    expect(out).toContain("as carol: 'voip' scope");
    expect(out).toMatch(/200, 200, 200, 200, 429 \(429 Too Many Requests, Retry-After: \d+ s\)/);
    // Step 8: chat, the proactive refresh 10 minutes before expiry, revocation, scope.
    expect(out).toMatch(/alice created the thread 19:acsV1_\S+@thread\.v2/);
    expect(out).toContain("3. text             alice: Hello from alice");
    expect(out).toContain("Emulator: 50 minutes pass at once");
    expect(out).toMatch(/tokenRefresher called 10 min before the token expired/);
    expect(out).toContain("alice sent another message: the chat goes on.");
    expect(out).toContain("Sending with the cached token: 401. The SDK does not refresh on a 401");
    expect(out).toContain("Chat answers: 401.");
    expect(out).toMatch(/Clean-up: deleting 1 chat thread this run made…\n {2}deleted 19:acsV1_/);
    expect(out).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);

    // --json: a token-issued event for every token the token service issues, its app user's, masked.
    const issued = run.events.filter((e) => e.event === "token-issued");
    const created = new Set(run.events.filter((e) => e.event === "identity-created").map((e) => e.identity));
    const byStep = (step: string) => issued.filter((e) => e.step === step).map((e) => e.appUser);
    // Step 7's tour: alice, bob, carol, then alice again until the limit (4 more: the 5th is refused).
    expect(byStep("token-service")).toEqual(["alice", "bob", "carol", "alice", "alice", "alice", "alice"]);
    // Step 8: alice's first token, the proactive refresh, her token after signing in again; carol's.
    expect(byStep("use-token")).toEqual(["alice", "alice", "alice", "carol"]);
    const roles: Record<string, string[]> = { alice: ["chat"], bob: ["chat.join.limited"], carol: ["voip"] };
    for (const event of issued) {
      expect(event.scopes, JSON.stringify(event)).toEqual(roles[event.appUser as string]);
      expect(created.has(event.identity as string), JSON.stringify(event)).toBe(true);
      expect(event.token).toMatch(/^eyJ[\w-]{9}… \(\d+ characters\)$/);
    }
    // Each app user has one identity: all of alice's tokens are for the same one.
    const aliceIdentities = new Set(issued.filter((e) => e.appUser === "alice").map((e) => e.identity));
    expect(aliceIdentities.size).toBe(1);
    expect(run.stdout).not.toMatch(JWT);
    // The thread alice made, by her identity; the clean-up deleted it.
    const threads = run.events.filter((e) => e.event === "thread-created");
    expect(threads).toEqual([
      expect.objectContaining({ step: "use-token", appUser: "alice", identity: [...aliceIdentities][0] }),
    ]);
    expect(run.events.filter((e) => e.event === "thread-deleted")).toEqual([
      { v: 1, event: "thread-deleted", thread: threads[0]?.thread, by: "clean-up" },
    ]);
    nothingLeft(run);
    const url = tokenServiceUrl(out);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await listening(url as string)).toBe(false);
  });

  it("--json --show-secrets: the tokens whole", async () => {
    const run = await runInProcess(["--step", "use-token", "--json", "--show-secrets"]);
    expect(run.code, run.stderr).toBe(0);
    const tokens = run.events.filter((e) => e.event === "token-issued").map((e) => e.token as string);
    expect(tokens).toHaveLength(4);
    for (const token of tokens) expect(token).toMatch(new RegExp(`^${JWT.source}$`));
  });

  it("--step use-token runs alone: its token service starts and stops with it, its identities are deleted", async () => {
    const run = await runInProcess(["--step", "use-token", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    expect(summary(run)).toMatchObject({ ok: true, steps: 1, leftoverIdentities: 0, leftoverThreads: 0 });
    expect(run.stderr).toMatch(/Clean-up: deleting 2 identities this run made/);
    nothingLeft(run);
  });

  it("kept identities work in the next run; a kept thread the emulator no longer has (its chat lives in memory) is forgotten by --clean-up, said so", async () => {
    const kept = await runInProcess(["--step", "use-token", "--keep", "--json"]);
    expect(kept.code, kept.stderr).toBe(0);
    const thread = kept.events.find((e) => e.event === "thread-created")?.thread as string;
    expect(storedThreads(kept.stateDir).map((t) => t.id)).toEqual([thread]);
    // The kept identities were revoked on the virtual clock, 50 minutes ahead of the real one. Back on the real
    // clock, a new run's tokens for them still work: revocation goes by the order tokens were issued in, not by
    // the clock.
    const again = await runInProcess(["--step", "use-token", "--json"], {
      env: { ACS_QUICKSTART_STATE_DIR: kept.stateDir },
    });
    expect(again.code, again.stderr).toBe(0);
    const alice = kept.events.find((e) => e.event === "thread-created")?.identity;
    expect(again.events.filter((e) => e.event === "identity-created")).toEqual([]); // the kept ones, reused
    expect(again.events.find((e) => e.event === "thread-created")).toMatchObject({ identity: alice });
    expect(again.stderr).toContain("alice sent another message: the chat goes on.");
    expect(again.stderr).toContain(
      "Messages, newest first:\n  5. text             alice: Back, with a new credential",
    );
    // The in-process emulator of the next run starts without it (identities persist, chat does not): 404.
    const clean = await runInProcess(["--clean-up", "--json"], {
      env: { ACS_QUICKSTART_STATE_DIR: kept.stateDir },
    });
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stderr).toContain(`  ${thread} was already deleted`);
    expect(summary(clean)).toMatchObject({ ok: true, threads: { undeletable: [], leftByEarlierRuns: [] } });
    nothingLeft(clean);
  });

  it("a step that fails after making a thread still has its thread and identities deleted", async () => {
    // Each of the SDK's 4 attempts of the revocation fails: the step fails after the thread exists.
    const run = await runInProcess(["--step", "use-token", "--json"], {
      env: { ACS_EMULATOR_FAULTS: '[{"operation":"revokeAccessTokens","status":500,"times":4}]' },
    });
    expect(run.code).toBe(1);
    expect(run.events.find((e) => e.event === "step-end")).toMatchObject({ step: "use-token", ok: false });
    expect(run.stderr).toMatch(/deleting 1 chat thread this run made…\n {2}deleted 19:acsV1_/);
    expect(summary(run)).toMatchObject({ ok: false, leftoverIdentities: 0, leftoverThreads: 0 });
    nothingLeft(run);
  });
});

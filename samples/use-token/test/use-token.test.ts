/**
 * The client of part two against the token service of step 7 and the in-process emulator: chat with a
 * refreshing credential; the proactive refresh on a virtual clock that the emulator shares (50 minutes in
 * well under a second); a revoked token refused until a new credential is made; a voip-only token refused by
 * Chat; sign-out disposes the credential.
 */
import { useSampleEnvironment } from "@acs-quickstart/core/testing";
import { withVirtualClock } from "@acs-quickstart/emulator/virtual-clock";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import {
  type AccessToken,
  createUserCredential,
  describeMessage,
  fetchAccessToken,
  openThread,
  printMessages,
  proactiveRefreshAt,
  type SignedInUser,
  sayHello,
  signIn,
  signOut,
  signOutEverywhere,
  startThread,
  tryCreateThread,
  trySend,
} from "../src/use-token.js";
import { type StandIn, startStandIn } from "./stand-in-token-service.js";

// The emulator reads Date at every call, so a fake clock that replaces Date moves its time too.
const acs = useSampleEnvironment({ now: () => Date.now() });
const MINUTE = 60_000;
const PASSWORD = "a test password";

let service: StandIn;

beforeAll(async () => {
  service = await startStandIn(acs.client, {
    alice: { password: PASSWORD, scopes: ["chat"] },
    carol: { password: PASSWORD, scopes: ["voip"] },
  });
});
afterAll(() => service?.close());

const quiet = () => vi.spyOn(console, "log").mockImplementation(() => {});
const printed = (log: ReturnType<typeof quiet>) => log.mock.calls.flat().join("\n");
const options = { retryOptions: { maxRetries: 0 } };
const chat = async (...args: Parameters<typeof startThread>) => {
  const thread = await startThread(...args);
  await sayHello(thread, args[2]);
  return thread;
};

it("signs in, chats with a credential built on the token service's token, and signs out", async () => {
  const log = quiet();
  const alice = await signIn(service.url, "alice", PASSWORD);
  const user = await createUserCredential(alice);
  expect(Math.round((user.expiresOn.getTime() - Date.now()) / MINUTE)).toBe(60);
  const thread = await chat(acs.endpoint, user, "alice", options);
  const text = printed(log);
  expect(text).toMatch(/alice's access token expires at .*Z \(in 59 min\): eyJ/);
  expect(text).toMatch(/alice created the thread 19:acsV1_\S+@thread\.v2 \("After the token"\)/);
  expect(text).toContain("3. text             alice: Hello from alice");
  expect(text).toContain("2. topicUpdated     topic: After the token");
  expect(text).toContain("1. participantAdded 1 participant added");
  expect(text).not.toContain(alice.session);

  await signOut(alice, user);
  await expect(user.credential.getToken()).rejects.toThrow(/disposed/);
  await expect(fetchAccessToken(alice)).rejects.toMatchObject({ status: 401 });

  expect(await thread.getProperties()).toMatchObject({ topic: "After the token" });
});

it("refreshes the token proactively 10 minutes before it expires: 50 virtual minutes pass at once", async () => {
  const log = quiet();
  const started = performance.now();
  await withVirtualClock(async (clock) => {
    const alice = await signIn(service.url, "alice", PASSWORD);
    const refreshed: AccessToken[] = [];
    let onRefreshed: (token: AccessToken) => void = () => {};
    const next = new Promise<AccessToken>((resolve) => {
      onRefreshed = resolve;
    });
    const user = await createUserCredential(alice, (token) => {
      refreshed.push(token);
      onRefreshed(token);
    });
    expect(proactiveRefreshAt(user.expiresOn).getTime()).toBe(user.expiresOn.getTime() - 10 * MINUTE);
    const thread = await chat(acs.endpoint, user, "alice", options);
    await clock.pass(50 * MINUTE);
    const token = await next;
    expect(refreshed).toHaveLength(1);
    expect(token.expiresOn.getTime()).toBeGreaterThan(user.expiresOn.getTime() + 45 * MINUTE);
    expect(printed(log)).toMatch(
      /tokenRefresher called 10 min before the token expired; the new one expires at .*\(in 59 min\)/,
    );
    // The chat still works (the pipeline may still send the earlier token: it is valid for 10 minutes more).
    expect(await trySend(thread, "still here")).toBeUndefined();
    await signOut(alice, user);
  });
  expect(performance.now() - started).toBeLessThan(5_000);
});

it("after signing out everywhere the cached token is refused (401); a new credential from the token service works", async () => {
  const log = quiet();
  const alice = await signIn(service.url, "alice", PASSWORD);
  const user = await createUserCredential(alice);
  const thread = await chat(acs.endpoint, user, "alice", options);
  await signOutEverywhere(alice);
  expect(await trySend(thread, "after revocation")).toBe(401);
  // The SDK does not refresh on a 401: the same credential keeps failing.
  expect(await trySend(thread, "again")).toBe(401);
  user.credential.dispose();

  const again: SignedInUser = await signIn(service.url, "alice", PASSWORD);
  const renewed = await createUserCredential(again);
  const threadAgain = openThread(acs.endpoint, renewed, thread.threadId, options);
  expect(await trySend(threadAgain, "back")).toBeUndefined();
  expect(await printMessages(threadAgain)).toBe(4);
  await signOut(again, renewed);
  expect(printed(log)).not.toContain(again.session);
});

it("a voip-only token cannot chat: the Chat service's own status (401 on the emulator)", async () => {
  quiet();
  const carol = await signIn(service.url, "carol", PASSWORD);
  const user = await createUserCredential(carol);
  expect(await tryCreateThread(acs.endpoint, user, options)).toBe(401);
  await signOut(carol, user);
});

it("a wrong password is refused by the token service, with its status", async () => {
  await expect(signIn(service.url, "alice", "wrong")).rejects.toMatchObject({
    name: "TokenServiceError",
    status: 401,
  });
});

it("the token request honours an abort signal", async () => {
  const alice = await signIn(service.url, "alice", PASSWORD);
  const controller = new AbortController();
  controller.abort();
  await expect(fetchAccessToken(alice, controller.signal)).rejects.toThrow(/abort/i);
});

it("describes a message in one line, counting participants in words", () => {
  const added = (count: number) =>
    describeMessage({
      id: "1",
      type: "participantAdded",
      sequenceId: "4",
      version: "1",
      createdOn: new Date(),
      content: {
        participants: Array.from({ length: count }, () => ({ id: { communicationUserId: "8:acs:a_b" } })),
      },
    });
  expect(added(1)).toBe("4. participantAdded 1 participant added");
  expect(added(2)).toBe("4. participantAdded 2 participants added");
  expect(added(0)).toBe("4. participantAdded 0 participants added");
});

/**
 * Part two's client, end to end, against the token service the step's `services` started: a demo user signs
 * in and chats with a credential that refreshes itself; then what the Chat service does with a revoked token
 * and with a token that has no chat scope. On the emulator, the proactive refresh is shown on the virtual
 * clock (an hour's wait in a second); live, the output says when the credential will refresh.
 */
import { formatExpiry } from "@acs-quickstart/core";
import { DEMO_PASSWORDS } from "@acs-quickstart/token-service";
import {
  type AccessToken,
  createUserCredential,
  openThread,
  printMessages,
  proactiveRefreshAt,
  sayHello,
  signIn,
  signOut,
  signOutEverywhere,
  startThread,
  tryCreateThread,
  trySend,
  type UserCredential,
} from "@acs-quickstart/use-token";
import type { StepContext, VirtualClock } from "../step.js";

/** How long the run waits, in real time, for a refresh the virtual clock has made due. */
const REFRESH_WAIT_MS = 10_000;

export async function chatAsAppUser(context: StepContext): Promise<void> {
  const { endpoint, clientOptions, session, virtualClock } = context;
  const tokenService = context.services.tokenService?.url;
  if (!tokenService) throw new Error("The token service is not running (the step's services start it).");
  const credentials: UserCredential[] = [];
  const password = (user: string) => DEMO_PASSWORDS[user] as string;

  const flow = async (clock?: VirtualClock) => {
    const alice = await signIn(tokenService, "alice", password("alice"));
    let refreshed: (token: AccessToken) => void = () => {};
    const firstRefresh = new Promise<AccessToken>((resolve) => {
      refreshed = resolve;
    });
    const user = await createUserCredential(alice, (token) => refreshed(token));
    credentials.push(user);
    const thread = await startThread(endpoint, user, "alice", clientOptions);
    const creator = await session.appUserIdentity("alice");
    if (creator) session.threadCreated(thread.threadId, creator);
    await sayHello(thread, "alice");

    const refreshAt = proactiveRefreshAt(user.expiresOn);
    console.log(
      `The credential calls its tokenRefresher at ${formatExpiry(refreshAt)}: 10 minutes before the token expires.`,
    );
    if (clock) {
      const wait = refreshAt.getTime() - Date.now();
      console.log(
        `Emulator: ${Math.round(wait / 60_000)} minutes pass at once, on a virtual clock the SDK and the emulator share…`,
      );
      await clock.pass(wait);
      await within(REFRESH_WAIT_MS, firstRefresh, "The credential did not call its tokenRefresher.");
      const status = await trySend(thread, "Still here, with a refreshed credential", "alice");
      if (status !== undefined) throw new Error(`Chat refused a message after the refresh: ${status}.`);
      console.log("alice sent another message: the chat goes on.");
    }

    console.log(
      "alice signs out everywhere: the token service ends her sessions and revokes her access tokens.",
    );
    await signOutEverywhere(alice);
    const refused = await trySend(thread, "Sent with the cached token", "alice");
    console.log(
      refused !== undefined
        ? `Sending with the cached token: ${refused}. The SDK does not refresh on a ${refused}: the app signs in again.`
        : "Sending with the cached token still works: revocation can take up to 15 minutes to reach every service.",
    );
    await signOut(alice, user);
    const again = await signIn(tokenService, "alice", password("alice"));
    const renewed = await createUserCredential(again);
    credentials.push(renewed);
    const reopened = openThread(endpoint, renewed, thread.threadId, clientOptions);
    const status = await trySend(reopened, "Back, with a new credential", "alice");
    if (status !== undefined) throw new Error(`Chat refused the new credential: ${status}.`);
    await printMessages(reopened);
    await signOut(again, renewed);

    const carol = await signIn(tokenService, "carol", password("carol"));
    const voip = await createUserCredential(carol);
    credentials.push(voip);
    const scopeStatus = await tryCreateThread(endpoint, voip, clientOptions);
    if (scopeStatus === undefined) throw new Error("Chat accepted a token with the scope 'voip' only.");
    console.log(`carol (role caller) has a token with the scope 'voip' only. Chat answers: ${scopeStatus}.`);
    await signOut(carol, voip);
    console.log("Signed out: the credentials are disposed and stop refreshing.");
  };

  try {
    await (virtualClock ? virtualClock(flow) : flow());
  } finally {
    // A credential that refreshes proactively keeps a timer: none may outlive the step.
    for (const { credential } of credentials) credential.dispose();
  }
}

/** `promise`, or an error after `ms` of real time. */
async function within<T>(ms: number, promise: Promise<T>, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

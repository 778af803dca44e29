/**
 * @summary Step 8 (part two): use the token. A client signs in to the token service of step 7, builds an
 * AzureCommunicationTokenCredential that asks the token service for a new token before the old one expires,
 * and chats with the Chat SDK: create a thread, send a message, list the messages. Signing out disposes the
 * credential. Also: what a revoked token and a token without a chat scope get from Chat.
 * Tutorial page: docs/en/08-use-token.md
 */
import { formatExpiry, maskToken } from "@acs-quickstart/core";
import {
  ChatClient,
  type ChatClientOptions,
  type ChatMessage,
  type ChatThreadClient,
} from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";

/** A user signed in to the token service: where it is, who they are, and their session. */
export interface SignedInUser {
  tokenService: string;
  user: string;
  /** The session the token service gave at sign-in (a secret: it gets this user's tokens). */
  session: string;
}

/** An access token as the token service answers it. */
export interface AccessToken {
  token: string;
  expiresOn: Date;
}

/** A request to the token service failed: its status, and its message when it gave one. */
export class TokenServiceError extends Error {
  override name = "TokenServiceError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function post(url: string, init: { session?: string; body?: unknown; signal?: AbortSignal }) {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      ...(init.session ? { authorization: `Bearer ${init.session}` } : {}),
      ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  if (!response.ok) {
    const text = await response.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {}
    throw new TokenServiceError(response.status, `The token service answered ${response.status}: ${message}`);
  }
  return response;
}

/** Signs in to the token service with the app's own sign-in (here a user name and a password). */
export async function signIn(tokenService: string, user: string, password: string): Promise<SignedInUser> {
  const response = await post(`${tokenService}/api/sign-in`, { body: { username: user, password } });
  const { session } = (await response.json()) as { session: string };
  console.log(`${user} signed in to the token service.`);
  return { tokenService, user, session };
}

/** What the SDK passes a tokenRefresher (the `AbortSignalLike` of @azure/abort-controller). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
}

/** The same signal as the AbortSignal that fetch takes. */
function abortSignalOf(like: AbortSignalLike): AbortSignal {
  if (like instanceof AbortSignal) return like;
  const controller = new AbortController();
  if (like.aborted) controller.abort();
  else like.addEventListener("abort", () => controller.abort(), { once: true });
  return controller.signal;
}

// #region fetch-token
/** Asks the token service for an access token for the signed-in user; `abortSignal` cancels the request. */
export async function fetchAccessToken(
  app: SignedInUser,
  abortSignal?: AbortSignalLike,
): Promise<AccessToken> {
  const response = await post(`${app.tokenService}/api/token`, {
    session: app.session,
    ...(abortSignal ? { signal: abortSignalOf(abortSignal) } : {}),
  });
  const { token, expiresOn } = (await response.json()) as { token: string; expiresOn: string };
  return { token, expiresOn: new Date(expiresOn) };
}
// #endregion

/** The user's credential for the Communication Services SDKs, and when its first token expires. */
export interface UserCredential {
  credential: AzureCommunicationTokenCredential;
  expiresOn: Date;
}

/**
 * A credential that starts with a token from the token service and asks it again before that token
 * expires (`refreshProactively`: 10 minutes before). `onRefreshed` is told of each new token.
 */
export async function createUserCredential(
  app: SignedInUser,
  onRefreshed?: (token: AccessToken) => void,
): Promise<UserCredential> {
  // #region token-credential
  const initial = await fetchAccessToken(app);
  console.log(
    `${app.user}'s access token expires at ${formatExpiry(initial.expiresOn)}: ${maskToken(initial.token)}`,
  );
  let current = initial;
  const credential = new AzureCommunicationTokenCredential({
    // The SDK calls this before the token expires (refreshProactively) and whenever it has none that is valid.
    tokenRefresher: async (abortSignal) => {
      const minutesLeft = Math.round((current.expiresOn.getTime() - Date.now()) / 60_000);
      current = await fetchAccessToken(app, abortSignal);
      console.log(
        `tokenRefresher called ${minutesLeft} min before the token expired; the new one expires at ${formatExpiry(current.expiresOn)}`,
      );
      onRefreshed?.(current);
      return current.token;
    },
    refreshProactively: true,
    token: initial.token,
  });
  // #endregion
  return { credential, expiresOn: initial.expiresOn };
}

/** When a credential with `refreshProactively` calls its tokenRefresher: 10 minutes before the token expires. */
export function proactiveRefreshAt(expiresOn: Date): Date {
  return new Date(expiresOn.getTime() - 10 * 60_000);
}

/** Creates a chat thread as the credential's user. */
export async function startThread(
  endpoint: string,
  { credential }: UserCredential,
  user: string,
  options: ChatClientOptions = {},
): Promise<ChatThreadClient> {
  // #region start-thread
  const chatClient = new ChatClient(endpoint, credential, options);
  const { chatThread } = await chatClient.createChatThread({ topic: "After the token" });
  if (!chatThread) throw new Error("The thread was not created.");
  console.log(`${user} created the thread ${chatThread.id} ("${chatThread.topic}")`);
  const thread = chatClient.getChatThreadClient(chatThread.id);
  // #endregion
  return thread;
}

/** Sends a message to the thread and lists the thread's messages. */
export async function sayHello(thread: ChatThreadClient, user: string): Promise<void> {
  // #region send-and-list
  await thread.sendMessage({ content: `Hello from ${user}` }, { senderDisplayName: user });
  console.log("Messages, newest first:");
  for await (const message of thread.listMessages()) console.log(`  ${describeMessage(message)}`);
  // #endregion
}

/** A thread the credential's user takes part in (no request is sent until the thread client is used). */
export function openThread(
  endpoint: string,
  { credential }: UserCredential,
  threadId: string,
  options: ChatClientOptions = {},
): ChatThreadClient {
  return new ChatClient(endpoint, credential, options).getChatThreadClient(threadId);
}

/** `1 participant added`, `2 participants added`. */
const participantsAdded = (count: number) => `${count} participant${count === 1 ? "" : "s"} added`;

/** One line for a message: its sequence number, its type, and its content (or what a system message says). */
export function describeMessage(message: ChatMessage): string {
  const what =
    message.type === "topicUpdated"
      ? `topic: ${message.content?.topic}`
      : message.type === "participantAdded"
        ? participantsAdded(message.content?.participants?.length ?? 0)
        : `${message.senderDisplayName || "(no display name)"}: ${message.content?.message}`;
  return `${message.sequenceId}. ${message.type.padEnd(16)} ${what}`;
}

/** Lists a thread's messages, newest first, one line each; resolves to how many there are. */
export async function printMessages(thread: ChatThreadClient): Promise<number> {
  let count = 0;
  console.log("Messages, newest first:");
  for await (const message of thread.listMessages()) {
    count += 1;
    console.log(`  ${describeMessage(message)}`);
  }
  return count;
}

/** Sends a message; resolves to the Chat service's status when it refuses (e.g. 401), else to `undefined`. */
export async function trySend(
  thread: ChatThreadClient,
  content: string,
  senderDisplayName?: string,
): Promise<number | undefined> {
  try {
    await thread.sendMessage({ content }, senderDisplayName ? { senderDisplayName } : {});
    return undefined;
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === undefined) throw error;
    return status;
  }
}

/** Creates a thread; resolves to the Chat service's status when it refuses, else to `undefined`. */
export async function tryCreateThread(
  endpoint: string,
  { credential }: UserCredential,
  options: ChatClientOptions = {},
): Promise<number | undefined> {
  const chatClient = new ChatClient(endpoint, credential, options);
  try {
    await chatClient.createChatThread({ topic: "Not allowed" });
    return undefined;
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === undefined) throw error;
    return status;
  }
}

/** Signs out everywhere: the token service ends the user's sessions and revokes their access tokens. */
export async function signOutEverywhere(app: SignedInUser): Promise<void> {
  await post(`${app.tokenService}/api/sign-out-everywhere`, { session: app.session });
}

/** Signs out: the credential stops refreshing (and can no longer be used), and the session ends. */
export async function signOut(app: SignedInUser, { credential }: UserCredential): Promise<void> {
  // #region sign-out
  credential.dispose();
  await post(`${app.tokenService}/api/sign-out`, { session: app.session }).catch((error: unknown) => {
    // A session that already ended (signed out everywhere) is signed out.
    if (!(error instanceof TokenServiceError && error.status === 401)) throw error;
  });
  // #endregion
}

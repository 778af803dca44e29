/**
 * THE step registry: the only list of the tutorial's steps, in the tutorial's order.
 *
 * Each entry says where the step lives (its sample, its source file, its page), what the runner needs to
 * know about it (which REST operations its code calls, how it relates to the identity the steps share,
 * extra checks around it), and how to run it: a hook that calls the sample's tutorial functions. Nothing
 * else in the repository lists the steps: `--list`, `--help`, the docs checker's page set, the README table
 * and the samples' `npm start` scripts derive from this module or are checked against it by a test.
 *
 * To add a step, see CONTRIBUTING.md ("Add a tutorial step").
 */

import { formatExpiry } from "@acs-quickstart/core";
import { createIdentity } from "@acs-quickstart/create-identity";
import { createIdentityAndToken } from "@acs-quickstart/create-identity-and-token";
import { deleteIdentity } from "@acs-quickstart/delete-identity";
import { issueAccessToken, issueAccessTokenWithCustomExpiration } from "@acs-quickstart/issue-access-token";
import { refreshAccessToken } from "@acs-quickstart/refresh-access-token";
import { revokeAccessTokens } from "@acs-quickstart/revoke-access-tokens";
import { DEMO_PASSWORDS, startTokenService, tryTokenService } from "@acs-quickstart/token-service";
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
import { revocationCheck } from "./checks/revocation.js";
import { within } from "./clock.js";
import type { StepContext, StepService, TutorialStep, VirtualClock } from "./step.js";

export type {
  IdentityOperation,
  RunningService,
  StepCheck,
  StepContext,
  StepService,
  StepSession,
  TutorialStep,
  VirtualClock,
} from "./step.js";

/** The tutorial's two parts. */
export const PARTS = {
  1: 'Microsoft\'s quickstart "Create and manage access tokens"',
  2: "after the token: a token service for your app's users, and a chat client that uses and refreshes the token",
} as const;
export type Part = keyof typeof PARTS;

/**
 * Part two's token service (samples/token-service), as a server the runner starts before a step and stops after it (registry
 * data: a step's `services`). It signs in the demo users and makes their identities with the run's identity
 * client; each identity it makes is the run's (clean-up deletes it), remembered for its app user in the
 * identity store. Its log shows warnings and errors only, among the step's output.
 */
const tokenService: StepService = {
  name: "tokenService",
  start: ({ client, session }) =>
    startTokenService({
      identityClient: client,
      identities: {
        get: (appUser) => session.appUserIdentity(appUser),
        set: (appUser, identity) => session.created(identity, { appUser }),
      },
      log: {
        level: "warn",
        stream: {
          write: (line) =>
            console.log(`Token service: ${(JSON.parse(line) as { msg?: string }).msg ?? line}`),
        },
      },
    }),
};

export const STEPS = [
  {
    id: "create-identity",
    part: 1,
    title: "Create an identity",
    page: "01-create-identity.md",
    sample: "samples/create-identity",
    source: "samples/create-identity/src/create-identity.ts",
    sharedIdentity: "creates",
    operations: ["createIdentity"],
    async run({ client, session }) {
      await session.created(await createIdentity(client), { shared: true });
    },
  },
  {
    id: "issue-access-token",
    part: 1,
    title: "Issue an access token",
    page: "02-issue-access-token.md",
    sample: "samples/issue-access-token",
    source: "samples/issue-access-token/src/issue-access-token.ts",
    sharedIdentity: "uses",
    operations: ["issueAccessToken"],
    async run({ client, session, scopes, expiresInMinutes }) {
      const identity = await session.identity();
      session.tokenIssued(identity, await issueAccessToken(client, identity, scopes), scopes);
      const custom = await issueAccessTokenWithCustomExpiration(client, identity, scopes, expiresInMinutes);
      session.tokenIssued(identity, custom, scopes);
    },
  },
  {
    id: "create-identity-and-token",
    part: 1,
    title: "Create an identity and issue an access token in one request",
    page: "03-create-identity-and-token.md",
    sample: "samples/create-identity-and-token",
    source: "samples/create-identity-and-token/src/create-identity-and-token.ts",
    sharedIdentity: "none",
    operations: ["createIdentity"],
    async run({ client, session, scopes, expiresInMinutes }) {
      const { user, ...accessToken } = await createIdentityAndToken(client, scopes, {
        tokenExpiresInMinutes: expiresInMinutes,
      });
      await session.created(user);
      session.tokenIssued(user, accessToken, scopes);
    },
  },
  {
    id: "refresh-access-token",
    part: 1,
    title: "Refresh an access token",
    page: "04-refresh-access-token.md",
    sample: "samples/refresh-access-token",
    source: "samples/refresh-access-token/src/refresh-access-token.ts",
    sharedIdentity: "uses",
    operations: ["issueAccessToken"],
    async run({ client, session, scopes, expiresInMinutes }) {
      const identity = await session.identity();
      const refreshed = await refreshAccessToken(client, identity, scopes, {
        tokenExpiresInMinutes: expiresInMinutes,
      });
      session.tokenIssued(identity, refreshed, scopes);
    },
  },
  {
    id: "revoke-access-tokens",
    part: 1,
    title: "Revoke access tokens",
    page: "05-revoke-access-tokens.md",
    sample: "samples/revoke-access-tokens",
    source: "samples/revoke-access-tokens/src/revoke-access-tokens.ts",
    sharedIdentity: "uses",
    operations: ["revokeAccessTokens"],
    checks: [revocationCheck],
    async run({ client, session }) {
      await revokeAccessTokens(client, await session.identity());
    },
  },
  {
    id: "delete-identity",
    part: 1,
    title: "Delete an identity",
    page: "06-delete-identity.md",
    sample: "samples/delete-identity",
    source: "samples/delete-identity/src/delete-identity.ts",
    sharedIdentity: "uses",
    operations: ["deleteIdentity"],
    async run({ client, session }) {
      const identity = await session.identity();
      await deleteIdentity(client, identity);
      await session.deleted(identity);
    },
  },
  {
    id: "token-service",
    part: 2,
    title: "A token service for your app's users",
    page: "07-token-service.md",
    sample: "samples/token-service",
    source: "samples/token-service/src/token-service.ts",
    sharedIdentity: "none",
    operations: ["createIdentity", "issueAccessToken"],
    services: [tokenService],
    async run({ services }) {
      const url = services.tokenService?.url as string;
      console.log(`The token service listens on ${url}; browsers may call it from http://localhost:5173.`);
      await tryTokenService(url, DEMO_PASSWORDS);
    },
  },
  {
    id: "use-token",
    part: 2,
    title: "Use the token: chat, refresh, revoke",
    page: "08-use-token.md",
    sample: "samples/use-token",
    source: "samples/use-token/src/use-token.ts",
    sharedIdentity: "none",
    operations: ["issueAccessToken", "createIdentity", "revokeAccessTokens"],
    services: [tokenService],
    run: chatAsAppUser,
  },
] as const satisfies readonly TutorialStep[];

/** A step's id, e.g. `issue-access-token`. */
export type StepId = (typeof STEPS)[number]["id"];

/** The ids, in the tutorial's order. */
export const STEP_IDS: readonly StepId[] = STEPS.map((step) => step.id);

/** The step with this id; `undefined` for an unknown id. */
export function findStep(id: string): TutorialStep | undefined {
  return STEPS.find((step) => step.id === id);
}

/**
 * Part two's client, end to end, against the token service the step's `services` started: a demo user signs
 * in and chats with a credential that refreshes itself; then what the Chat service does with a revoked token
 * and with a token that has no chat scope. On the emulator, the proactive refresh is shown on the virtual
 * clock (an hour's wait in a second); live, the output says when the credential will refresh.
 */
/** How long the run waits, in real time, for a refresh the virtual clock has made due. */
const REFRESH_WAIT_MS = 10_000;

async function chatAsAppUser(context: StepContext): Promise<void> {
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

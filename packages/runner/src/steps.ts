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
import { describeLogLine } from "./service-log.js";
import type { StepContext, StepService, TutorialStep, VirtualClock } from "./step.js";

export type {
  ExpectedRequest,
  IdentityOperation,
  RunningService,
  StepCheck,
  StepContext,
  StepExercise,
  StepService,
  StepSession,
  TokenOption,
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
 * identity store; each token it issues is the step's (`--json`: a token-issued event, masked). Its log shows
 * warnings and errors only, among the step's output.
 */
/** Why part two's tokens do not take --scopes and --expires-in: the token service decides, not its client. */
const TOKEN_SERVICE_DECIDES =
  "the token service issues each app user the scopes of their role, for 60 minutes " +
  "(samples/token-service/src/users.ts): a client never chooses its own";

const tokenService: StepService = {
  name: "tokenService",
  start: ({ client, session }) =>
    startTokenService({
      identityClient: client,
      identities: {
        get: (appUser) => session.appUserIdentity(appUser),
        set: (appUser, identity) => session.created(identity, { appUser }),
      },
      onTokenIssued: ({ appUser, identity, token, expiresOn, scopes }) =>
        session.tokenIssued(identity, { token, expiresOn }, scopes, { appUser }),
      log: {
        level: "warn",
        stream: { write: (line) => console.log(`Token service: ${describeLogLine(line)}`) },
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
    exercise: {
      tasks: {
        "create-identity": {
          en: "Create a Communication Services identity (no access token yet) and print its ID: `Created an identity with ID: <id>`.",
          "zh-CN":
            "创建一个通信服务标识（暂不颁发访问令牌），并打印它的 ID：`Created an identity with ID: <id>`。",
        },
      },
      requests: [{ operation: "createIdentity", scopes: "none" }],
      hints: [
        {
          en: "`identityClient` is a CommunicationIdentityClient. Which of its methods creates a user, and nothing else?",
          "zh-CN": "`identityClient` 是一个 CommunicationIdentityClient。它的哪个方法只创建用户、不做别的？",
        },
        {
          en: "`await identityClient.createUser()` resolves to a CommunicationUserIdentifier: its ID is `communicationUserId`.",
          "zh-CN":
            "`await identityClient.createUser()` 返回 CommunicationUserIdentifier：它的 ID 是 `communicationUserId`。",
        },
      ],
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
    usesOptions: ["scopes", "expires-in"],
    async run({ client, session, scopes, expiresInMinutes }) {
      const identity = await session.identity();
      session.tokenIssued(identity, await issueAccessToken(client, identity, scopes), scopes);
      const custom = await issueAccessTokenWithCustomExpiration(client, identity, scopes, expiresInMinutes);
      session.tokenIssued(identity, custom, scopes);
    },
    exercise: {
      tasks: {
        "issue-access-token": {
          en: "Issue an access token for `identityResponse` with the scopes in `scopes` and the default lifetime (24 hours). Print when it expires (formatExpiry) and the token masked (maskToken): never in full.",
          "zh-CN":
            "为 `identityResponse` 颁发一个访问令牌，作用域为 `scopes`，使用默认有效期（24 小时）。打印过期时间（formatExpiry）和遮盖后的令牌（maskToken），不要打印完整令牌。",
        },
        "issue-access-token-custom-expiration": {
          en: "Issue another access token for `identityResponse` with the scopes in `scopes`, valid for `tokenExpiresInMinutes` minutes (60 to 1440). Print its expiry and the token masked.",
          "zh-CN":
            "再为 `identityResponse` 颁发一个访问令牌，作用域为 `scopes`，有效期为 `tokenExpiresInMinutes` 分钟（60 到 1440）。打印过期时间和遮盖后的令牌。",
        },
      },
      requests: [
        { operation: "issueAccessToken", scopes: "given", lifetime: "default" },
        { operation: "issueAccessToken", scopes: "given", lifetime: "given" },
      ],
      hints: [
        {
          en: "`identityClient.getToken(identity, scopes)` issues a token; it resolves to `{ token, expiresOn }`.",
          "zh-CN": "`identityClient.getToken(identity, scopes)` 颁发令牌，返回 `{ token, expiresOn }`。",
        },
        {
          en: "Use the `scopes` parameter, not a list of your own: the caller chooses them (`npm run quickstart -- --scopes chat,voip`).",
          "zh-CN":
            "使用参数 `scopes`，不要自己写一个列表：作用域由调用者决定（`npm run quickstart -- --scopes chat,voip`）。",
        },
        {
          en: "A custom lifetime is the third argument of getToken: `{ tokenExpiresInMinutes }`.",
          "zh-CN": "自定义有效期是 getToken 的第三个参数：`{ tokenExpiresInMinutes }`。",
        },
      ],
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
    usesOptions: ["scopes", "expires-in"],
    async run({ client, session, scopes, expiresInMinutes }) {
      const { user, ...accessToken } = await createIdentityAndToken(client, scopes, {
        tokenExpiresInMinutes: expiresInMinutes,
      });
      await session.created(user);
      session.tokenIssued(user, accessToken, scopes);
    },
    exercise: {
      tasks: {
        "create-identity-and-token": {
          en: "In ONE request, create an identity and issue its access token with `scopes` and `tokenOptions` (the custom lifetime). Keep the answer in `identityTokenResponse`; print the identity's ID, the expiry and the token masked.",
          "zh-CN":
            "只用一个请求：创建标识并为它颁发访问令牌，作用域为 `scopes`，选项为 `tokenOptions`（自定义有效期）。把结果保存在 `identityTokenResponse` 中；打印标识的 ID、过期时间和遮盖后的令牌。",
        },
      },
      requests: [{ operation: "createIdentity", scopes: "given", lifetime: "given" }],
      hints: [
        {
          en: "One request does both: look for a client method whose name says 'user and token'.",
          "zh-CN": "一个请求就能完成两件事：找一个名字里有 “user and token” 的客户端方法。",
        },
        {
          en: "`identityClient.createUserAndToken(scopes, tokenOptions)` resolves to `{ user, token, expiresOn }`.",
          "zh-CN":
            "`identityClient.createUserAndToken(scopes, tokenOptions)` 返回 `{ user, token, expiresOn }`。",
        },
      ],
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
    usesOptions: ["scopes", "expires-in"],
    async run({ client, session, scopes, expiresInMinutes }) {
      const identity = await session.identity();
      const refreshed = await refreshAccessToken(client, identity, scopes, {
        tokenExpiresInMinutes: expiresInMinutes,
      });
      session.tokenIssued(identity, refreshed, scopes);
    },
    exercise: {
      tasks: {
        "refresh-access-token": {
          en: "Refresh: issue a new access token for the stored identity `identityResponse`, with `scopes` and `tokenOptions`. Keep it in `refreshedTokenResponse`; print the identity's ID, the new expiry and the token masked.",
          "zh-CN":
            "刷新：为保存下来的标识 `identityResponse` 颁发一个新的访问令牌，使用 `scopes` 和 `tokenOptions`。把结果保存在 `refreshedTokenResponse` 中；打印标识的 ID、新的过期时间和遮盖后的令牌。",
        },
      },
      requests: [{ operation: "issueAccessToken", scopes: "given", lifetime: "given" }],
      hints: [
        {
          en: "Refreshing is no special call: it is the request of step 2 again, for the identity you kept.",
          "zh-CN": "刷新不是一个特别的调用：就是再发一次第 2 步的请求，对象是你保存的标识。",
        },
        {
          en: "`identityClient.getToken(identityResponse, scopes, tokenOptions)`: the options carry the lifetime.",
          "zh-CN": "`identityClient.getToken(identityResponse, scopes, tokenOptions)`：有效期在选项里。",
        },
      ],
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
    usesOptions: ["scopes"], // the emulator-only check issues tokens before and after the revocation
    checks: [revocationCheck],
    async run({ client, session }) {
      await revokeAccessTokens(client, await session.identity());
    },
    exercise: {
      tasks: {
        "revoke-access-tokens": {
          en: "Revoke every access token of `identityResponse` (the identity itself stays), then print that you did.",
          "zh-CN": "撤销 `identityResponse` 的所有访问令牌（标识本身保留），然后打印已经撤销。",
        },
      },
      requests: [{ operation: "revokeAccessTokens" }],
      hints: [
        {
          en: "Revoking is about tokens, not the identity: which client method revokes tokens?",
          "zh-CN": "撤销针对的是令牌，不是标识：哪个客户端方法用来撤销令牌？",
        },
        {
          en: "`await identityClient.revokeTokens(identityResponse)`: every token issued before it stops working.",
          "zh-CN": "`await identityClient.revokeTokens(identityResponse)`：之前颁发的所有令牌都会失效。",
        },
      ],
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
    exercise: {
      tasks: {
        "delete-identity": {
          en: "Delete the identity `identityResponse` (its access tokens stop working with it), then print its ID.",
          "zh-CN": "删除标识 `identityResponse`（它的访问令牌也随之失效），然后打印它的 ID。",
        },
      },
      requests: [{ operation: "deleteIdentity" }],
      hints: [
        {
          en: "Deleting is how an identity is cleaned up: after it, no token can be issued for it.",
          "zh-CN": "删除就是清理标识：删除之后，不能再为它颁发令牌。",
        },
        {
          en: "`await identityClient.deleteUser(identityResponse)`.",
          "zh-CN": "`await identityClient.deleteUser(identityResponse)`。",
        },
      ],
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
    tokensDecidedBy: TOKEN_SERVICE_DECIDES,
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
    tokensDecidedBy: TOKEN_SERVICE_DECIDES,
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

/** How long the run waits, in real time, for a refresh the virtual clock has made due. */
const REFRESH_WAIT_MS = 10_000;

/** `promise`, or an error after `ms` (on the virtual clock, time flows at the real pace between `pass()` calls). */
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

/**
 * Part two's client, end to end, against the token service the step's `services` started: a demo user signs
 * in and chats with a credential that refreshes itself; then what the Chat service does with a revoked token
 * and with a token that has no chat scope. On the emulator, the proactive refresh is shown on the virtual
 * clock (an hour's wait in a second); live, the output says when the credential will refresh.
 */
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
    if (creator) await session.threadCreated(thread.threadId, creator, { appUser: "alice" });
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

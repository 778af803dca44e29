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
import { createIdentity } from "@acs-quickstart/create-identity";
import { createIdentityAndToken } from "@acs-quickstart/create-identity-and-token";
import { deleteIdentity } from "@acs-quickstart/delete-identity";
import { issueAccessToken, issueAccessTokenWithCustomExpiration } from "@acs-quickstart/issue-access-token";
import { refreshAccessToken } from "@acs-quickstart/refresh-access-token";
import { revokeAccessTokens } from "@acs-quickstart/revoke-access-tokens";
import { DEMO_PASSWORDS, tryTokenService } from "@acs-quickstart/token-service";
import { revocationCheck } from "./checks/revocation.js";
import { chatAsAppUser } from "./hooks/chat-as-app-user.js";
import { tokenService } from "./services/token-service.js";
import type { TutorialStep } from "./step.js";

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
      const { token } = await issueAccessToken(client, identity, scopes);
      session.tokenIssued(identity, token);
      const custom = await issueAccessTokenWithCustomExpiration(client, identity, scopes, expiresInMinutes);
      session.tokenIssued(identity, custom.token);
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
      const { user, token } = await createIdentityAndToken(client, scopes, {
        tokenExpiresInMinutes: expiresInMinutes,
      });
      await session.created(user);
      session.tokenIssued(user, token);
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
      const { token } = await refreshAccessToken(client, identity, scopes, {
        tokenExpiresInMinutes: expiresInMinutes,
      });
      session.tokenIssued(identity, token);
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

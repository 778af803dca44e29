import type { CommunicationUserIdentifier } from "@azure/communication-common";
import type { CommunicationIdentityClient, TokenScope } from "@azure/communication-identity";

/** The tutorial's six steps, in the docs' order. */
export const STEP_IDS = [
  "create-identity",
  "issue-access-token",
  "create-identity-and-token",
  "refresh-access-token",
  "revoke-access-tokens",
  "delete-identity",
] as const;

export type StepId = (typeof STEP_IDS)[number];

/** The scopes an access token can carry (api-version 2023-10-01). */
export const TOKEN_SCOPES: readonly TokenScope[] = [
  "chat",
  "voip",
  "chat.join",
  "chat.join.limited",
  "voip.join",
];

/** The range the service accepts for a custom token lifetime, in minutes. */
export const TOKEN_LIFETIME_MINUTES = { min: 60, max: 1440, default: 1440 } as const;

/**
 * What a step receives from whoever runs it (the quickstart runner, or `npm start` in the sample's folder).
 * The step's own code stays what the tutorial page shows; this is only how it is handed its inputs.
 */
export interface StepContext {
  /** The one client, built from configuration by `createIdentityClient`. */
  readonly client: CommunicationIdentityClient;
  /** The scopes to ask for (default `["voip"]`, as in the docs). */
  readonly scopes: TokenScope[];
  /** A custom token lifetime in minutes, when the user asked for one. */
  readonly expiresInMinutes: number | undefined;
  /**
   * The identity the steps share: the one made earlier in this run, else the one an earlier run stored,
   * else a new one (and the runner says so).
   */
  identity(): Promise<CommunicationUserIdentifier>;
  /** Tell the runner about an identity this step made: later steps use it, clean-up deletes it. */
  identityCreated(identity: CommunicationUserIdentifier): Promise<void>;
  /** Tell the runner that this step deleted an identity. */
  identityDeleted(identity: CommunicationUserIdentifier): Promise<void>;
  /** Tell the runner about a token this step issued (used to show that revocation works). */
  tokenIssued(identity: CommunicationUserIdentifier, token: string): void;
}

/** A tutorial step as the runner sees it. */
export interface Step {
  readonly id: StepId;
  /** The title of the step's section in the tutorial. */
  readonly title: string;
  /** The step's tutorial page, relative to `docs/en/`. */
  readonly page: string;
  /** The absolute path of the sample's source file (shown by `--pause`). */
  readonly source: string;
  run(context: StepContext): Promise<void>;
}

/**
 * The shape of a tutorial step as the runner sees it, and what the runner hands to a step when it runs it.
 * Samples know nothing of this: a step's `run` hook (in ./steps.ts) calls the sample's tutorial functions.
 */
import type { Texts } from "@acs-quickstart/core";
import type { VirtualClock } from "@acs-quickstart/emulator/virtual-clock";
import type { CommunicationUserIdentifier } from "@azure/communication-common";
import type {
  CommunicationIdentityClient,
  CommunicationIdentityClientOptions,
  TokenScope,
} from "@azure/communication-identity";

/** The REST operations of the ACS Identity API that a step's tutorial code calls (the emulator's names). */
export type IdentityOperation =
  | "createIdentity"
  | "issueAccessToken"
  | "revokeAccessTokens"
  | "deleteIdentity";

/** The run's options for the access tokens a step issues: `--scopes` and `--expires-in`. */
export type TokenOption = "scopes" | "expires-in";

/** The run's identities, as a step sees them. */
export interface StepSession {
  /**
   * The identity the steps share: the one made earlier in this run, else the one an earlier run stored for
   * this resource, else a new one (and the step's output says so).
   */
  identity(): Promise<CommunicationUserIdentifier>;
  /**
   * An identity this step made. Clean-up deletes it at the end of the run (unless it is kept); with
   * `shared: true` it is also the identity the later steps use; with `appUser` it is that app user's (a token
   * service's), remembered in the identity store for that user.
   */
  created(
    identity: CommunicationUserIdentifier,
    options?: { shared?: boolean; appUser?: string },
  ): Promise<void>;
  /** The identity of an app user (made by a token service in this run or, if kept, in an earlier one). */
  appUserIdentity(appUser: string): Promise<CommunicationUserIdentifier | undefined>;
  /**
   * A chat thread this step made, and the identity that made it (with `appUser`, that app user's): it is
   * remembered in the identity store at once, and clean-up deletes it (unless the run keeps what it made) before
   * it deletes the identities. Resolves once the thread is remembered.
   */
  threadCreated(
    threadId: string,
    creator: CommunicationUserIdentifier,
    options?: { appUser?: string },
  ): void | Promise<void>;
  /** An identity this step deleted: clean-up no longer needs to, and later steps no longer use it. */
  deleted(identity: CommunicationUserIdentifier): Promise<void>;
  /**
   * An access token this step issued, with the scopes it asked for (a check can then show that revocation
   * works; `--json` reports it, masked unless --show-secrets).
   */
  tokenIssued(
    identity: CommunicationUserIdentifier,
    accessToken: { token: string; expiresOn: Date },
    scopes: readonly string[],
    /** `appUser`: the app user a token service issued it to (part two). */
    options?: { appUser?: string },
  ): void;
  /** The tokens issued in this run for an identity, oldest first. */
  tokens(identity: CommunicationUserIdentifier): readonly string[];
}

/** A server a step needs while it runs (e.g. the token service of part two), as it runs. */
export interface RunningService {
  /** Where it listens, e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  close(): Promise<void>;
}

/** A server the runner starts before a step and stops after it, whatever happens (registry data). */
export interface StepService {
  /** Its name in the step's `context.services`. */
  readonly name: string;
  start(context: StepContext): Promise<RunningService>;
}

export type { VirtualClock };

/** What a step's hooks receive from the runner. */
export interface StepContext {
  /** The one client, made from the configuration by core's `createIdentityClient`. */
  readonly client: CommunicationIdentityClient;
  /** The resource's endpoint (`https://<resource>.communication.azure.com/`, or the emulator's): Chat's too. */
  readonly endpoint: string;
  /**
   * The options every other SDK client of the run takes (e.g. a `ChatClient`): the run's request timeout,
   * abort signal (Ctrl-C), retry delays and trusted certificates, as the identity client has them.
   */
  readonly clientOptions: CommunicationIdentityClientOptions;
  /** The step's servers (its `services`), by name, while the step runs. */
  readonly services: Readonly<Record<string, RunningService>>;
  /**
   * Only on the emulator (the real service's clock cannot be moved): runs `task` on a virtual clock that this
   * process's `Date` and timers (and so the SDKs' timers) and the in-process emulator share, so that an hour
   * can pass in a second. Back to the real clock when `task` ends.
   */
  readonly virtualClock?: <T>(task: (clock: VirtualClock) => Promise<T>) => Promise<T>;
  /** The scopes to ask for (`--scopes`; default `["voip"]`, as in the docs). */
  readonly scopes: TokenScope[];
  /** A custom token lifetime in minutes (`--expires-in`), or `undefined` for the step's default. */
  readonly expiresInMinutes: number | undefined;
  readonly session: StepSession;
  /**
   * Only on the emulator (the real service has no such route): whether the emulator still accepts a token,
   * and if not why (`revoked`, `deleted`, `expired`, `signature`, `malformed`).
   */
  readonly validateToken?: (token: string) => Promise<{ valid: boolean; reason?: string }>;
}

/** Extra work the runner does around a step, to show what the step's effect is. */
export interface StepCheck {
  before?(context: StepContext): Promise<void>;
  after?(context: StepContext): Promise<void>;
}

/**
 * A request of the Identity API that a step's tutorial code must send, as `npm run exercise -- verify` checks
 * it in the emulator's journal. Requests on an existing identity (issue, revoke, delete) must name the identity
 * the step is given.
 */
export interface ExpectedRequest {
  readonly operation: IdentityOperation;
  /**
   * The scopes of the token it asks for: those the step is given (`scopes` in {@link StepContext}), or no token
   * at all (`none`: a create without `createTokenWithScopes`).
   */
  readonly scopes?: "given" | "none";
  /** The token's lifetime: not sent (`default`: 24 hours), or the one the step is given (`expiresInMinutes`). */
  readonly lifetime?: "default" | "given";
}

/** The step as an exercise (`npm run exercise`): its tutorial code becomes the learner's to write. */
export interface StepExercise {
  /** What to write in each `// #region` of the step's source, by region name (the TODO that replaces it). */
  readonly tasks: Readonly<Record<string, Texts>>;
  /** The Identity API requests the code must send, in order. */
  readonly requests: readonly ExpectedRequest[];
  /** Hints, from a nudge to nearly the answer (`npm run exercise -- hint` shows one more each time). */
  readonly hints: readonly Texts[];
}

/** A tutorial step: where it lives, what the runner must know about it, and how to run it. */
export interface TutorialStep {
  /** Stable id, used on the command line (`--step ID`) and in JSON events. */
  readonly id: string;
  /** Part 1 is Microsoft's quickstart; part 2 is what happens after the token. */
  readonly part: 1 | 2;
  /** The title of the step's section in the tutorial. */
  readonly title: string;
  /** The step's tutorial page, relative to `docs/<language>/`, named `NN-<id>.md`. */
  readonly page: string;
  /** The sample's folder (its own npm package), relative to the repository root. */
  readonly sample: string;
  /** The sample's source file with the tutorial's `#region`s, relative to the repository root. */
  readonly source: string;
  /**
   * How the step relates to the identity the steps share: it `creates` it (later steps use it), `uses` it
   * (the one made earlier, or a stored one), or `none` (it makes an identity of its own).
   */
  readonly sharedIdentity: "creates" | "uses" | "none";
  /** The REST operations the step's tutorial code calls, in order. */
  readonly operations: readonly IdentityOperation[];
  /**
   * The token options its access tokens take (`scopes` and `expiresInMinutes` of its context, from `--scopes`
   * and `--expires-in`). Absent: none (a run that gives them for such steps only says they are not used).
   */
  readonly usesOptions?: readonly TokenOption[];
  /**
   * For a step that issues access tokens without taking the token options: where their scopes and lifetime
   * come from instead (said when those options are given, e.g. "the token service decides…").
   */
  readonly tokensDecidedBy?: string;
  /** Checks around the step (e.g. that revocation works). */
  readonly checks?: readonly StepCheck[];
  /** Servers the step needs (e.g. the token service), started before it and stopped after it. */
  readonly services?: readonly StepService[];
  /** The step as an exercise; a step without one cannot be practised with `npm run exercise`. */
  readonly exercise?: StepExercise;
  run(context: StepContext): Promise<void>;
}

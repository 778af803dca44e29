/**
 * The run's identities: which one the steps share, which ones this run made (clean-up deletes them), the
 * tokens issued, and what is remembered in the identity store between runs.
 */
import { type IdentityStore, maskToken } from "@acs-quickstart/core";
import type { CommunicationUserIdentifier } from "@azure/communication-common";
import type { Reporter } from "./reporters/index.js";
import type { StepContext, StepSession, TutorialStep } from "./step.js";
import { STEPS } from "./steps.js";

/** A chat thread a run made: who made it (a token of that identity deletes it). */
export interface RunThread {
  creator: CommunicationUserIdentifier;
  /** The app user whose identity made it, when a token service made that identity. */
  appUser?: string;
}

export class Session {
  /** Identities this run made and has not deleted, by id. */
  readonly created = new Map<string, CommunicationUserIdentifier>();
  /** Every identity this run made, deleted since or not. */
  private readonly madeIds = new Set<string>();
  /** The identity the steps share, once known. */
  shared: CommunicationUserIdentifier | undefined;
  /** Whether `shared` came from the identity store (an earlier run) rather than from this run. */
  sharedFromStore = false;
  /** Chat threads this run made and has not deleted, with the identity (and app user) that made each. */
  readonly threads = new Map<string, RunThread>();
  /** Every chat thread this run made, deleted since or not. */
  private readonly madeThreadIds = new Set<string>();
  private readonly issued: Array<{ identity: string; token: string }> = [];

  constructor(
    private readonly store: IdentityStore,
    /** The resource the identities belong to. */
    readonly endpoint: string,
    private readonly reporter: Reporter,
  ) {}

  /** The session as the step `step` sees it while it runs with `context`. */
  forStep(step: TutorialStep, context: () => StepContext): StepSession {
    return {
      identity: async () => {
        if (this.shared) return this.shared;
        const stored = await this.store.latest(this.endpoint);
        if (stored) {
          this.shared = { communicationUserId: stored.id };
          this.sharedFromStore = true;
          console.log(`Using the identity stored by an earlier step: ${stored.id}`);
          return this.shared;
        }
        console.log("No identity is stored for this resource yet, so this step creates one first:");
        // The step that creates the shared identity in the tutorial makes it, as if it had run first.
        await this.creator().run({ ...context(), session: this.forStep(step, context) });
        const made = this.shared as CommunicationUserIdentifier | undefined;
        if (!made) throw new Error("The step that creates the shared identity did not report one.");
        return made;
      },
      created: async (identity, options = {}) => {
        if (options.shared) this.shared ??= identity;
        this.created.set(identity.communicationUserId, identity);
        this.madeIds.add(identity.communicationUserId);
        this.reporter.identityCreated(step, identity.communicationUserId, options.shared === true);
        await this.store.add({
          id: identity.communicationUserId,
          endpoint: this.endpoint,
          createdAt: new Date().toISOString(),
          createdBy: step.id,
          ...(options.appUser !== undefined ? { appUser: options.appUser } : {}),
        });
      },
      appUserIdentity: async (appUser) => {
        const stored = await this.store.forAppUser(this.endpoint, appUser);
        return stored ? { communicationUserId: stored.id } : undefined;
      },
      threadCreated: async (threadId, creator, options = {}) => {
        const appUser = options.appUser;
        this.threads.set(threadId, { creator, ...(appUser !== undefined ? { appUser } : {}) });
        this.madeThreadIds.add(threadId);
        this.reporter.threadCreated(step, threadId, creator.communicationUserId, appUser);
        await this.store.addThread({
          id: threadId,
          endpoint: this.endpoint,
          creator: creator.communicationUserId,
          createdBy: step.id,
          ...(appUser !== undefined ? { appUser } : {}),
        });
      },
      deleted: async (identity) => {
        this.created.delete(identity.communicationUserId);
        this.reporter.identityDeleted(identity.communicationUserId, step);
        if (this.shared?.communicationUserId === identity.communicationUserId) this.shared = undefined;
        await this.store.remove(identity.communicationUserId);
      },
      tokenIssued: (identity, { token, expiresOn }, scopes, options = {}) => {
        this.issued.push({ identity: identity.communicationUserId, token });
        this.reporter.tokenIssued(
          step,
          identity.communicationUserId,
          maskToken(token),
          expiresOn,
          scopes,
          options.appUser,
        );
      },
      tokens: (identity) =>
        this.issued.filter((t) => t.identity === identity.communicationUserId).map((t) => t.token),
    };
  }

  /** Whether this run made the chat thread `id` (whether or not it was deleted since). */
  madeThread(id: string): boolean {
    return this.madeThreadIds.has(id);
  }

  /** Whether this run made the identity `id` (whether or not it was deleted since). */
  made(id: string): boolean {
    return this.madeIds.has(id);
  }

  /** The shared identity when this run made it (and so would delete it), else `undefined`. */
  sharedMadeHere(): CommunicationUserIdentifier | undefined {
    return this.shared && this.created.has(this.shared.communicationUserId) ? this.shared : undefined;
  }

  private creator(): TutorialStep {
    const creator = STEPS.find((s) => s.sharedIdentity === "creates");
    if (!creator) throw new Error("The step registry has no step that creates the shared identity.");
    return creator;
  }
}

/** Whether an identity the store remembers was the shared one (its step made it for the later steps). */
export function wasShared(createdBy: string | undefined): boolean {
  const step = STEPS.find((s) => s.id === createdBy);
  return step?.sharedIdentity !== "none";
}

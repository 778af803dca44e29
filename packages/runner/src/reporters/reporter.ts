/**
 * What a run reports, as events. The human reporter prints them for a person; the NDJSON reporter
 * (`--json`) writes one JSON object a line for programs. A run talks to one {@link Reporter}.
 */
import type { Diagnosis } from "@acs-quickstart/core";
import type { TutorialStep } from "../step.js";

export interface StepResult {
  ok: boolean;
  /** How long the step took, in milliseconds. */
  ms: number;
  /** Why it failed, when it did. */
  diagnosis?: Diagnosis;
  /** The signal that stopped it, when one did. */
  interrupted?: NodeJS.Signals;
}

/** The identities a run leaves, by who left them (ids). */
export interface IdentitiesLeft {
  /** Made by this run and still there (kept with --keep, or clean-up could not delete them). */
  leftByThisRun: string[];
  /** The identity the steps share, kept by --keep-for-next-step. */
  keptForNextStep: string[];
  /** Still stored for this resource by earlier runs (`--clean-up` deletes them). */
  leftByEarlierRuns: string[];
}

/** A chat thread left in the resource, and the identity (and app user) that made it: only a participant can delete it. */
export interface ThreadLeft {
  thread: string;
  identity: string;
  appUser?: string;
}

/** The chat threads (part two) left in the resource, by who left them. */
export interface ThreadsLeft {
  /** Made by this run and still there (kept with --keep, or clean-up could not delete them). */
  leftByThisRun: ThreadLeft[];
  /** Still stored for this resource by earlier runs (`--clean-up` deletes them). */
  leftByEarlierRuns: ThreadLeft[];
  /** Threads that cannot be deleted any more (the identity that made them no longer exists): forgotten now. */
  undeletable: ThreadLeft[];
}

export interface RunSummary {
  ok: boolean;
  /** done: every step ok; failed: a step failed or did not run; interrupted: a signal; cleanup-failed. */
  outcome: "done" | "failed" | "interrupted" | "cleanup-failed";
  mode: "emulator" | "live";
  /** Steps selected, run, and ok. */
  selected: number;
  ran: number;
  passed: number;
  seconds: number;
  /** Identities this run leaves in the resource. */
  leftoverIdentities: number;
  /** Chat threads this run leaves in the resource. */
  leftoverThreads: number;
  /** Whether those were kept on purpose (--keep, --keep-for-next-step). */
  keptOnPurpose: boolean;
  /** --keep: the run kept everything it made (its chat threads too). */
  keep: boolean;
  identities: IdentitiesLeft;
  threads: ThreadsLeft;
  /** Where the identity store is, as a learner would type it. */
  storeFile: string;
  /** The step that deletes the identity the steps share (named when one is kept for the next step). */
  deletingStep?: { number: number; id: string };
}

/** A notice about the configuration or the options (the run goes on). */
export interface Notice {
  /**
   * shadowed-variable, unread-variable, unusual-value: the configuration (`variable` names it);
   * outside-service-range: an option's value the service will refuse, sent anyway (`option` names it);
   * unused-option: an option none (or only some) of the run's steps use, and why (`option` names it).
   */
  kind: "shadowed-variable" | "unread-variable" | "unusual-value" | "outside-service-range" | "unused-option";
  variable?: string;
  /** The command-line option concerned, e.g. `--expires-in`. */
  option?: string;
  message: string;
}

export interface Reporter {
  /** A mistake found before anything was sent (usage, configuration, state): the run exits 2. */
  setupError(kind: "usage" | "configuration" | "state", message: string): void;
  /** `--list`: the steps. */
  list(steps: readonly TutorialStep[]): void;
  notice(notice: Notice): void;
  mode(name: "emulator" | "live", endpoint: string, announce: string): void;
  stepStart(step: TutorialStep, index: number, total: number): void;
  /** `--pause`: the code the step is about to run. */
  stepCode(step: TutorialStep, regions: ReadonlyMap<string, string>): void;
  /** A line (or lines) the step printed. */
  output(step: TutorialStep, text: string): void;
  stepEnd(step: TutorialStep, result: StepResult): void;
  identityCreated(step: TutorialStep, identity: string, shared: boolean): void;
  /** Deleted by a step, or (without one) by clean-up. */
  identityDeleted(identity: string, step?: TutorialStep): void;
  /** A chat thread a step made, with the identity (and app user) that made it. */
  threadCreated(step: TutorialStep, thread: string, identity: string, appUser?: string): void;
  /** A chat thread deleted by a step, or (without one) by clean-up. */
  threadDeleted(thread: string, step?: TutorialStep): void;
  /** `token` is as it may be shown: masked unless --show-secrets. `appUser`: a token service's user (part two). */
  tokenIssued(
    step: TutorialStep,
    identity: string,
    token: string,
    expiresOn: Date,
    scopes: readonly string[],
    appUser?: string,
  ): void;
  /** A message for a person only (clean-up, signals, what is kept). */
  note(text: string): void;
  summary(summary: RunSummary): void;
}

export interface Writer {
  write(text: string): unknown;
}

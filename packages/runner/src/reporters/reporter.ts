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
}

export interface Reporter {
  /** A mistake found before anything was sent (configuration, state): the run exits 2. */
  setupError(kind: "configuration" | "state", message: string): void;
  mode(name: "emulator" | "live", endpoint: string, announce: string): void;
  stepStart(step: TutorialStep, index: number, total: number): void;
  /** `--pause`: the code the step is about to run. */
  stepCode(step: TutorialStep, regions: ReadonlyMap<string, string>): void;
  /** A line (or lines) the step printed. */
  output(step: TutorialStep, text: string): void;
  stepEnd(step: TutorialStep, result: StepResult): void;
  /** A message for a person only (clean-up, signals, what is kept). */
  note(text: string): void;
  summary(summary: RunSummary): void;
}

export interface Writer {
  write(text: string): unknown;
}

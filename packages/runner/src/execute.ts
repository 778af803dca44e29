/**
 * The steps themselves: each runs with its checks, what it prints goes to the reporter, and the first
 * failure (or a signal) ends the series.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fromRoot } from "@acs-quickstart/common";
import { type DiagnoseContext, diagnose, type IdentityStore, repoRoot } from "@acs-quickstart/core";
import type {
  CommunicationIdentityClient,
  CommunicationIdentityClientOptions,
} from "@azure/communication-identity";
import type { RunOptions } from "./cli.js";
import { capturingConsole } from "./console.js";
import type { Mode } from "./modes.js";
import { waitForEnter } from "./pause.js";
import { regions } from "./regions.js";
import type { Reporter, StepResult } from "./reporters/index.js";
import type { Session } from "./session.js";
import type { RunSignals } from "./signals.js";
import type { RunningService, StepContext, TutorialStep } from "./step.js";

export interface StepsOutcome {
  /** Steps that ran (ok or not), and those that were ok. */
  ran: number;
  passed: number;
  /** Whether a step failed (not: was stopped by a signal). */
  failed: boolean;
}

export interface StepsRun {
  steps: readonly TutorialStep[];
  options: RunOptions;
  client: CommunicationIdentityClient;
  /** The options of the run's other SDK clients (Chat): timeout, abort signal, certificates. */
  clientOptions: CommunicationIdentityClientOptions;
  session: Session;
  mode: Mode;
  store: IdentityStore;
  reporter: Reporter;
  signals: RunSignals;
  /** What a diagnosis may know besides the error (the proxy, how the client signs in). */
  diagnoseContext: DiagnoseContext;
}

/** Runs the steps in order until one fails or a signal stops the run. */
export async function runSteps(run: StepsRun): Promise<StepsOutcome> {
  const { steps, options, reporter, signals } = run;
  const outcome: StepsOutcome = { ran: 0, passed: 0, failed: false };
  for (const [index, step] of steps.entries()) {
    if (signals.interrupted()) break;
    reporter.stepStart(step, index, steps.length);
    if (options.pause) {
      const source = join(repoRoot(), step.source);
      reporter.stepCode(step, regions(source, readFileSync(source, "utf8")));
      await waitForEnter(reporter.note, signals.abortSignal, (signal) => signals.raise(signal));
      if (signals.interrupted()) break;
    }
    const result = await executeStep(step, run);
    outcome.ran += 1;
    if (result.ok) outcome.passed += 1;
    else if (!result.interrupted) outcome.failed = true;
    reporter.stepEnd(step, result);
    if (!result.ok) {
      await forgetGoneIdentity(result, run);
      break;
    }
  }
  return outcome;
}

async function executeStep(step: TutorialStep, run: StepsRun): Promise<StepResult> {
  const { client, options, session, mode, reporter, signals } = run;
  const services: Record<string, RunningService> = {};
  const context: StepContext = {
    client,
    endpoint: mode.config.endpoint,
    clientOptions: run.clientOptions,
    services,
    scopes: options.scopes,
    expiresInMinutes: options.expiresInMinutes,
    session: session.forStep(step, () => context),
    ...(mode.validateToken ? { validateToken: mode.validateToken } : {}),
    ...(mode.virtualClock ? { virtualClock: mode.virtualClock } : {}),
  };
  const started = performance.now();
  try {
    await capturingConsole(
      (text) => reporter.output(step, text),
      async () => {
        try {
          for (const service of step.services ?? []) services[service.name] = await service.start(context);
          for (const check of step.checks ?? []) await check.before?.(context);
          await step.run(context);
          for (const check of step.checks ?? []) await check.after?.(context);
        } finally {
          // What the step started, it stops: no server or port outlives it.
          for (const service of Object.values(services).reverse()) await service.close();
        }
      },
    );
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    const ms = Math.round(performance.now() - started);
    // Stopped by a signal: what failed then (a cancelled request, a server that answered "cancelled") is the
    // signal's doing, not a failure to diagnose.
    const interrupted = signals.interrupted();
    if (interrupted) return { ok: false, ms, interrupted };
    return { ok: false, ms, diagnosis: diagnose(error, run.diagnoseContext) };
  }
}

/**
 * A stored identity the resource does not have (deleted, or the emulator's state was reset) is forgotten, so
 * the next run makes a new one instead of failing the same way.
 */
async function forgetGoneIdentity(result: StepResult, { session, store, reporter }: StepsRun): Promise<void> {
  const gone = ["identity-not-found", "identity-not-owned"].includes(result.diagnosis?.code ?? "");
  if (result.interrupted || !gone || !session.shared || !session.sharedFromStore) return;
  await store.remove(session.shared.communicationUserId).catch(() => false);
  reporter.note(
    `Removed ${session.shared.communicationUserId} from ${fromRoot(store.file)}: this resource does not have it. ` +
      "Run the step again: it will make a new identity.",
  );
}

/**
 * `npm run quickstart`: the run loop. Everything that can be wrong in the configuration, the settings or
 * the state is found before anything is sent (exit 2); then the selected steps run in the tutorial's order;
 * then clean-up deletes what the run made, whatever happened; then one summary line.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type Config,
  ConfigError,
  checkStateDir,
  createIdentityClient,
  diagnose,
  formatDiagnosis,
  IdentityStore,
  loadConfig,
  repoRoot,
  StateError,
  setRevealSecrets,
} from "@acs-quickstart/core";
import type { CommunicationIdentityClient } from "@azure/communication-identity";
import { cleanUp, leftByEarlierRuns } from "./cleanup.js";
import { parseArgs, type RunOptions, UsageError, usage } from "./cli.js";
import { capturingConsole } from "./console.js";
import { emulatorMode, fromRoot, liveMode, type Mode } from "./modes.js";
import { waitForEnter } from "./pause.js";
import { regions } from "./regions.js";
import { createReporter, plural, type Reporter, type StepResult, type Writer } from "./reporters/index.js";
import { Session } from "./session.js";
import { readSettings, type Settings } from "./settings.js";
import { listenForSignals, type SignalSource, signalExitCode } from "./signals.js";
import type { StepContext, TutorialStep } from "./step.js";
import { findStep, STEPS } from "./steps.js";

export const EXIT = { ok: 0, stepFailed: 1, usage: 2 } as const;

/** Where a run reads its settings and writes its output; tests run the runner in-process with their own. */
export interface RunIO {
  /**
   * Default `process.env`. `.env` values are added to it for variables it does not have (as `node --env-file`
   * does: Microsoft Entra ID's DefaultAzureCredential reads its AZURE_* variables from `process.env`).
   */
  env?: NodeJS.ProcessEnv;
  /** The `.env` file, or `false` for none. Default: `<repo root>/.env`. */
  envFile?: string | false;
  stdout?: Writer;
  stderr?: Writer;
  /** Where SIGINT and SIGTERM come from. Default `process`. */
  signals?: SignalSource;
}

/** Runs the quickstart with these command-line arguments; resolves to the process exit code. */
export async function runQuickstart(argv: readonly string[], io: RunIO = {}): Promise<number> {
  const env = io.env ?? process.env;
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  let options: RunOptions;
  try {
    options = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    stderr.write(`${error.message}\n\n${usage()}\n`);
    return EXIT.usage;
  }
  if (options.help) {
    stdout.write(`${usage()}\n`);
    return EXIT.ok;
  }
  if (options.list) {
    STEPS.forEach((step, i) => {
      stdout.write(`${i + 1}. ${step.id.padEnd(26)} ${step.title} — docs/en/${step.page}\n`);
    });
    return EXIT.ok;
  }
  const reporter = createReporter(options.json, stdout, stderr);
  setRevealSecrets(options.showSecrets);
  const setup = await prepare(options, env, io.envFile, reporter);
  if (typeof setup === "number") return setup;
  return run(options, setup, reporter, io.signals ?? process, env);
}

interface Prepared {
  config: Config | undefined;
  settings: Settings;
  store: IdentityStore;
}

/** Configuration, settings and state, checked before anything is sent: a mistake here exits 2. */
async function prepare(
  options: RunOptions,
  env: NodeJS.ProcessEnv,
  envFile: string | false | undefined,
  reporter: Reporter,
): Promise<Prepared | number> {
  const setupError = (kind: "configuration" | "state", message: string) => {
    reporter.setupError(kind, message);
    return EXIT.usage;
  };
  let config: Config | undefined;
  let settings: Settings;
  try {
    // .env is read in every mode (it also holds the runner's own settings); --emulator only ignores the
    // resource it configures, even a mistyped one.
    try {
      const loaded = loadConfig({ env, ...(envFile !== undefined ? { envFile } : {}) });
      if (options.mode !== "emulator") config = loaded;
    } catch (error) {
      if (options.mode !== "emulator" || !(error instanceof ConfigError)) throw error;
    }
    settings = readSettings(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return setupError("configuration", error.message);
  }
  if (options.mode === "live" && !config) {
    return setupError(
      "configuration",
      "--live needs a Communication Services resource, and none is configured.\n" +
        "Set COMMUNICATION_SERVICES_CONNECTION_STRING (or COMMUNICATION_SERVICES_ENDPOINT) in .env; see .env.sample.\n" +
        "Or run without --live to use the built-in emulator.",
    );
  }
  // The state folder and the identity store next: a file that cannot be used stops the run before it makes
  // anything it could not remember (and so not delete).
  const store = new IdentityStore(join(settings.stateDir, "identities.json"));
  try {
    await checkStateDir(settings.stateDir);
    await store.list();
  } catch (error) {
    if (!(error instanceof StateError)) throw error;
    return setupError("state", error.message);
  }
  return { config, settings, store };
}

async function startMode(
  config: Config | undefined,
  settings: Settings,
  store: IdentityStore,
): Promise<Mode | string> {
  if (config) return liveMode(config);
  try {
    return await emulatorMode(settings);
  } catch (error) {
    const { EmulatorStateError } = await import("@acs-quickstart/emulator");
    if (!(error instanceof EmulatorStateError)) throw error;
    return error.kind === "locked"
      ? `Another quickstart is running with this state folder (${fromRoot(settings.stateDir)}/).\n` +
          `  ${error.message}\n` +
          "  Fix:      Wait for it to finish (or stop it), or give this terminal its own folder, e.g. ACS_QUICKSTART_STATE_DIR=.quickstart-2"
      : `${error.message}\n  Fix:      Delete ${fromRoot(error.file)} to start the emulator afresh (its identities live only in that file), and ${fromRoot(store.file)} with it.`;
  }
}

/** Every request: the per-attempt timeout, the retry delays, the mode's needs and the trusted certificates. */
function clientOptions(settings: Settings, mode: Mode, env: NodeJS.ProcessEnv, signal?: AbortSignal) {
  const delay = settings.retryDelayMs;
  return {
    ...mode.clientOptions,
    env,
    requestTimeoutMs: settings.requestTimeoutMs,
    ...(delay ? { retryOptions: { retryDelayInMs: delay, maxRetryDelayInMs: delay * 8 } } : {}),
    ...(signal ? { abortSignal: signal } : {}),
  };
}

async function run(
  options: RunOptions,
  { config, settings, store }: Prepared,
  reporter: Reporter,
  signalSource: SignalSource,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const signals = listenForSignals(signalSource, (signal) => {
    reporter.note(
      `\n${signal === "SIGINT" ? "Interrupted (Ctrl-C)" : "Terminated"}: stopping and cleaning up…`,
    );
  });
  const mode = await startMode(config, settings, store).catch((error: unknown) => {
    signals.dispose();
    throw error;
  });
  if (typeof mode === "string") {
    signals.dispose();
    reporter.setupError("state", mode);
    return EXIT.usage;
  }
  let client: CommunicationIdentityClient;
  try {
    client = await createIdentityClient(mode.config, clientOptions(settings, mode, env, signals.abortSignal));
  } catch (error) {
    signals.dispose();
    await mode.close();
    reporter.note(formatDiagnosis(diagnose(error)));
    return error instanceof ConfigError ? EXIT.usage : EXIT.stepFailed;
  }

  const session = new Session(store, mode.config.endpoint);
  reporter.mode(mode.name, mode.config.endpoint, mode.announce);
  const started = performance.now();
  const selected = options.steps.map((id) => findStep(id)).filter((step) => step !== undefined);
  let failed = false;
  let ran = 0;
  let passed = 0;
  for (const [index, step] of selected.entries()) {
    if (signals.interrupted()) break;
    reporter.stepStart(step, index, selected.length);
    if (options.pause) {
      const source = join(repoRoot(), step.source);
      reporter.stepCode(step, regions(source, readFileSync(source, "utf8")));
      await waitForEnter(reporter.note, () => signals.raise("SIGINT"));
      if (signals.interrupted()) break;
    }
    const context: StepContext = {
      client,
      scopes: options.scopes,
      expiresInMinutes: options.expiresInMinutes,
      session: session.forStep(step, () => context),
      ...(mode.validateToken ? { validateToken: mode.validateToken } : {}),
    };
    const t0 = performance.now();
    let error: unknown;
    const ok = await capturingConsole(
      (text) => reporter.output(step, text),
      async () => {
        for (const check of step.checks ?? []) await check.before?.(context);
        await step.run(context);
        for (const check of step.checks ?? []) await check.after?.(context);
      },
    ).then(
      () => true,
      (e: unknown) => {
        error = e;
        return false;
      },
    );
    const result: StepResult = { ok, ms: Math.round(performance.now() - t0) };
    ran += 1;
    if (ok) {
      passed += 1;
      reporter.stepEnd(step, result);
      continue;
    }
    result.diagnosis = diagnose(error);
    const interrupted = signals.interrupted();
    if (interrupted) result.interrupted = interrupted;
    else failed = true;
    reporter.stepEnd(step, result);
    const gone = ["identity-not-found", "identity-not-owned"].includes(result.diagnosis.code);
    if (!interrupted && gone && session.shared && session.sharedFromStore) {
      // The resource does not have it (deleted, or the emulator's state was reset): forget it, so the next run
      // makes a new one instead of failing the same way.
      await store.remove(session.shared.communicationUserId).catch(() => false);
      reporter.note(
        `Removed ${session.shared.communicationUserId} from ${fromRoot(store.file)}: this resource does not have it. ` +
          "Run the step again: it will make a new identity.",
      );
    }
    break;
  }

  // Clean-up: delete what this run made, whatever happened above.
  const keptForNextStep = options.keepForNextStep ? session.sharedMadeHere() : undefined;
  if (keptForNextStep) session.created.delete(keptForNextStep.communicationUserId);
  let leftover = session.created.size;
  let notDeleted = 0;
  if (!options.keep) {
    const earlier = await leftByEarlierRuns(store, session.endpoint, session.created, keptForNextStep);
    notDeleted = await signals.shielded(
      (signal) =>
        reporter.note(
          `\n${signal}: still deleting the identities this run made (each request gives up after ` +
            `${settings.requestTimeoutMs / 1000} s); please wait. Any it cannot delete stay in ${fromRoot(store.file)}.`,
        ),
      () =>
        cleanUp({
          reporter,
          store,
          config: mode.config,
          clientOptions: clientOptions(settings, mode, env),
          created: session.created,
          earlier,
        }),
    );
    leftover = notDeleted;
  } else if (session.created.size > 0) {
    reporter.note(
      `\n--keep: kept ${plural(session.created.size, "identity")} in ${fromRoot(store.file)} for the next steps.`,
    );
  }
  if (keptForNextStep) {
    leftover += 1;
    const deleter = (STEPS as readonly TutorialStep[]).findIndex((s) =>
      s.operations.includes("deleteIdentity"),
    );
    reporter.note(
      `\nKept ${keptForNextStep.communicationUserId} in ${fromRoot(store.file)}: the next step uses it ` +
        `(step ${deleter + 1}, ${STEPS[deleter]?.id}, deletes it).`,
    );
  }
  await mode.close().catch((error: unknown) => {
    reporter.note(`Could not close the emulator cleanly: ${(error as Error).message}`);
  });
  signals.dispose();

  // Identities that clean-up could not delete are a failure too: CI and scripts see it in the exit code.
  const interrupted = signals.interrupted();
  const ok = !failed && !interrupted && ran === selected.length && notDeleted === 0;
  reporter.summary({
    ok,
    outcome: ok
      ? "done"
      : interrupted
        ? "interrupted"
        : failed || ran < selected.length
          ? "failed"
          : "cleanup-failed",
    mode: mode.name,
    selected: selected.length,
    ran,
    passed,
    seconds: (performance.now() - started) / 1000,
    leftoverIdentities: leftover,
    keptOnPurpose: options.keep || keptForNextStep !== undefined,
  });
  if (interrupted) return signalExitCode(interrupted);
  return ok ? EXIT.ok : EXIT.stepFailed;
}

/**
 * `npm run quickstart`: the run loop. Everything that can be wrong in the configuration, the settings or the
 * state is found before anything is sent (exit 2, ./setup.ts); then the selected steps run in the tutorial's
 * order (./execute.ts); then clean-up deletes what the run made, whatever happened (./cleanup.ts); then one
 * summary line.
 */
import {
  ConfigError,
  clientPipelineOptions,
  createIdentityClient,
  diagnose,
  formatDiagnosis,
  revealSecrets,
  setRevealSecrets,
} from "@acs-quickstart/core";
import { finishIdentities } from "./cleanup.js";
import { parseArgs, type RunOptions, UsageError, usage } from "./cli.js";
import { runSteps } from "./execute.js";
import { createReporter, type Reporter, type Writer } from "./reporters/index.js";
import { Session } from "./session.js";
import { clientOptions, type Prepared, prepare, startMode, USAGE_ERROR } from "./setup.js";
import { listenForSignals, type SignalSource, signalExitCode } from "./signals.js";
import { findStep, PARTS, STEPS } from "./steps.js";

export const EXIT = { ok: 0, stepFailed: 1, usage: USAGE_ERROR } as const;

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
      if (STEPS[i - 1]?.part !== step.part) {
        const how = step.part === 1 ? "npm run quickstart" : `npm run quickstart -- --part ${step.part}`;
        stdout.write(`${i > 0 ? "\n" : ""}Part ${step.part}: ${PARTS[step.part]} (${how})\n`);
      }
      stdout.write(`${i + 1}. ${step.id.padEnd(26)} ${step.title} — docs/en/${step.page}\n`);
    });
    return EXIT.ok;
  }
  const reporter = createReporter(options.json, stdout, stderr);
  // The samples mask tokens by default; --show-secrets changes that default for this run only.
  const revealed = revealSecrets();
  setRevealSecrets(options.showSecrets);
  try {
    const prepared = await prepare(options, env, io.envFile, reporter);
    if (typeof prepared === "number") return prepared;
    return await run(options, prepared, reporter, io.signals ?? process, env);
  } finally {
    setRevealSecrets(revealed);
  }
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
  try {
    const mode = await startMode(config, settings, store);
    if (typeof mode === "string") {
      reporter.setupError("state", mode);
      return EXIT.usage;
    }
    try {
      const client = await createIdentityClient(
        mode.config,
        clientOptions(settings, mode, env, signals.abortSignal),
      ).catch((error: unknown) => {
        reporter.note(formatDiagnosis(diagnose(error)));
        return error instanceof ConfigError ? EXIT.usage : EXIT.stepFailed;
      });
      if (typeof client === "number") return client;

      const session = new Session(store, mode.config.endpoint);
      reporter.mode(mode.name, mode.config.endpoint, mode.announce);
      const started = performance.now();
      const steps = options.steps.flatMap((id) => findStep(id) ?? []);
      const sdkOptions = clientPipelineOptions(clientOptions(settings, mode, env, signals.abortSignal));
      const outcome = await runSteps({
        steps,
        options,
        client,
        clientOptions: sdkOptions,
        session,
        mode,
        store,
        reporter,
        signals,
      });
      const left = await finishIdentities({
        options,
        session,
        store,
        mode,
        reporter,
        signals,
        clientOptions: clientOptions(settings, mode, env),
        requestTimeoutMs: settings.requestTimeoutMs,
      });

      // Identities that clean-up could not delete are a failure too: CI and scripts see it in the exit code.
      const interrupted = signals.interrupted();
      const complete = outcome.ran === steps.length && !outcome.failed;
      const ok = complete && !interrupted && left.notDeleted === 0;
      reporter.summary({
        ok,
        outcome: ok ? "done" : interrupted ? "interrupted" : complete ? "cleanup-failed" : "failed",
        mode: mode.name,
        selected: steps.length,
        ran: outcome.ran,
        passed: outcome.passed,
        seconds: (performance.now() - started) / 1000,
        leftoverIdentities: left.leftover,
        leftoverThreads: left.threadsLeft,
        keptOnPurpose: left.keptOnPurpose,
      });
      if (interrupted) return signalExitCode(interrupted);
      return ok ? EXIT.ok : EXIT.stepFailed;
    } finally {
      await mode.close().catch((error: unknown) => {
        reporter.note(`Could not close the emulator cleanly: ${(error as Error).message}`);
      });
    }
  } finally {
    signals.dispose();
  }
}

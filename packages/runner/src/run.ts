/**
 * `npm run quickstart`: the run loop. Everything that can be wrong in the configuration, the settings or the
 * state is found before anything is sent (exit 2, ./setup.ts); then the selected steps run in the tutorial's
 * order (./execute.ts); then clean-up deletes what the run made, whatever happened (./cleanup.ts); then one
 * summary line.
 */

import { fromRoot } from "@acs-quickstart/common";
import {
  ConfigError,
  clientPipelineOptions,
  createIdentityClient,
  type DiagnoseContext,
  diagnose,
  formatDiagnosis,
  proxyFor,
  revealSecrets,
  setRevealSecrets,
} from "@acs-quickstart/core";
import { finishIdentities } from "./cleanup.js";
import {
  HELP_POINTER,
  optionsTakenByNpm,
  outsideServiceRange,
  parseArgs,
  type RunOptions,
  UsageError,
  usage,
} from "./cli.js";
import { runSteps } from "./execute.js";
import { createReporter, type Reporter, type Writer } from "./reporters/index.js";
import { Session } from "./session.js";
import { clientOptions, type Prepared, prepare, startMode, USAGE_ERROR } from "./setup.js";
import { listenForSignals, type SignalSource, signalExitCode } from "./signals.js";
import { findStep, STEPS } from "./steps.js";
import { unusedTokenOptions } from "./token-options.js";

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
    const takenByNpm = optionsTakenByNpm(env, argv);
    if (takenByNpm) throw new UsageError(takenByNpm);
    options = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    // One line that says what is wrong, and where the options are (not the whole help); on stderr.
    const json = argv.includes("--json");
    const reporter = createReporter(json, json ? stdout : stderr, stderr);
    reporter.setupError("usage", `${error.message}\n${HELP_POINTER}`);
    return EXIT.usage;
  }
  if (options.help) {
    stdout.write(`${usage()}\n`);
    return EXIT.ok;
  }
  const reporter = createReporter(options.json, stdout, stderr, cleanUpCommand(options));
  if (options.list) {
    reporter.list(STEPS);
    return EXIT.ok;
  }
  // A token option no step of the run uses is said to be unused, not ignored in silence.
  const selected = options.steps.flatMap((id) => findStep(id) ?? []);
  for (const notice of unusedTokenOptions(selected, options)) reporter.notice(notice);
  // A lifetime the service refuses is sent anyway (its own 400 is the lesson), with a word of warning first.
  const sent = selected.some((step) => step.usesOptions?.includes("expires-in"));
  const outside = sent ? outsideServiceRange(options.expiresInMinutes) : undefined;
  if (outside) reporter.notice({ kind: "outside-service-range", option: "--expires-in", message: outside });
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

      const session = new Session(store, mode.config.endpoint, reporter);
      // The proxy the SDK will use for the endpoint (it reads process.env), and how the client signs in.
      const proxy = mode.clientOptions.ignoreProxy ? undefined : proxyFor(mode.config.endpoint, process.env);
      const diagnoseContext: DiagnoseContext = {
        authentication: mode.config.kind === "entra-id" ? "entra-id" : "key",
        endpointHost: new URL(mode.config.endpoint).host,
        ...(proxy ? { proxy } : {}),
      };
      reporter.mode(mode.name, mode.config.endpoint, mode.announce);
      const started = performance.now();
      const steps = options.steps.flatMap((id) => findStep(id) ?? []);
      const sdkOptions = clientPipelineOptions(
        clientOptions(settings, mode, env, signals.abortSignal),
        mode.config,
      );
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
        diagnoseContext,
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
        diagnoseContext,
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
        keep: options.keep,
        identities: left.identities,
        threads: left.threads,
        storeFile: fromRoot(store.file),
        ...(left.deletingStep ? { deletingStep: left.deletingStep } : {}),
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

/** `--clean-up` for the same resource as this run: with the options that chose it (`--env-file`, `--live`…). */
export function cleanUpCommand(options: Pick<RunOptions, "mode" | "envFile">): string {
  const quoted = (value: string) =>
    /^[\w./:@%+=,-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
  const chosen = [
    ...(options.mode !== "auto" ? [`--${options.mode}`] : []),
    ...(options.envFile !== undefined ? ["--env-file", quoted(options.envFile)] : []),
  ];
  return ["npm run quickstart --", ...chosen, "--clean-up"].join(" ");
}

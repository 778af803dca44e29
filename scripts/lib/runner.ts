import { readFileSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { format } from "node:util";
import {
  type Config,
  ConfigError,
  checkStateDir,
  createIdentityClient,
  describeConfig,
  diagnose,
  formatDiagnosis,
  IdentityStore,
  loadConfig,
  readSetting,
  StateError,
  type Step,
  type StepContext,
  type StoredIdentity,
  setRevealSecrets,
  stateDir,
} from "@acs-quickstart/core";
import { createIdentity } from "@acs-quickstart/create-identity";
import type { CommunicationUserIdentifier } from "@azure/communication-common";
import type { CommunicationIdentityClient } from "@azure/communication-identity";
import { parseArgs, type RunOptions, USAGE, UsageError } from "./args.js";
import { regions } from "./regions.js";
import { STEPS, stepById } from "./steps.js";

export const EXIT = { ok: 0, stepFailed: 1, usage: 2, interrupted: 130, terminated: 143 } as const;

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** A path as a learner would type it from the repository's root (absolute when it lies elsewhere). */
const fromRoot = (path: string) => {
  const inside = relative(REPO_ROOT, path);
  return inside && !inside.startsWith("..") && !isAbsolute(inside) ? inside : path;
};

interface Writer {
  write(text: string): unknown;
}

/** Where a run reads its settings and writes its output; tests run the runner in-process with their own. */
export interface RunIO {
  /** Default `process.env`. `.env` values are added to it for variables it does not have. */
  env?: NodeJS.ProcessEnv;
  /** The `.env` file, or `false` for none. Default: `<repo root>/.env`. */
  envFile?: string | false;
  stdout?: Writer;
  stderr?: Writer;
  /** Where SIGINT and SIGTERM come from. Default `process`. */
  signals?: Pick<NodeJS.Process, "on" | "off">;
}

/** Human messages go to stdout, or to stderr when stdout carries --json events. */
class Output {
  constructor(
    private readonly json: boolean,
    private readonly stdout: Writer,
    private readonly stderr: Writer,
  ) {
    // `npm run quickstart | head` closes stdout early: keep running (and cleaning up) without it.
    for (const stream of [stdout, stderr]) {
      if (stream !== process.stdout && stream !== process.stderr) continue;
      (stream as NodeJS.WriteStream).on("error", (error: NodeJS.ErrnoException) => {
        if (error.code !== "EPIPE") throw error;
      });
    }
  }
  say(text = ""): void {
    (this.json ? this.stderr : this.stdout).write(`${text}\n`);
  }
  event(event: Record<string, unknown>): void {
    if (this.json) this.stdout.write(`${JSON.stringify(event)}\n`);
  }
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** The runner's own variables (and the emulator's test hooks), checked before anything runs. */
interface Settings {
  stateDir: string;
  requestTimeoutMs: number;
  retryDelayMs: number | undefined;
  faults: import("@acs-quickstart/emulator").FaultSpec[] | undefined;
  emulatorAccessKey: string | undefined;
}

function wholeNumber(min: number, max: number) {
  return (value: string): number | { problem: string } => {
    if (!/^\d+$/.test(value)) return { problem: "is not a whole number." };
    const n = Number(value);
    return n < min || n > max ? { problem: `is ${n}, out of range.` } : n;
  };
}

async function readSettings(env: NodeJS.ProcessEnv): Promise<Settings> {
  const { parseFaults, isAccessKey: isBase64Key } = await import("@acs-quickstart/emulator");
  const dir = readSetting(env, "ACS_QUICKSTART_STATE_DIR", {
    expected: "a folder path (relative to the current folder, or absolute); empty means .quickstart/",
    fix: "Set it to a folder you can write, or leave ACS_QUICKSTART_STATE_DIR= empty.",
    allowSpaces: true,
    parse: (value) => value,
  });
  const requestTimeoutMs = readSetting(env, "ACS_QUICKSTART_REQUEST_TIMEOUT_MS", {
    expected: "a whole number of milliseconds from 100 to 600000 (default 30000)",
    fix: "Set it to, e.g., 60000 for a slow network, or leave it empty for the default.",
    parse: wholeNumber(100, 600_000),
  });
  const retryDelayMs = readSetting(env, "ACS_QUICKSTART_RETRY_DELAY_MS", {
    expected: "a whole number of milliseconds from 1 to 60000 (the SDK's first retry delay; default 800)",
    fix: "Set it to a number such as 100, or leave it empty for the SDK's default.",
    parse: wholeNumber(1, 60_000),
  });
  const faults = readSetting(env, "ACS_EMULATOR_FAULTS", {
    expected:
      'a JSON fault list, e.g. [{"operation":"createIdentity","status":503,"times":1}] (packages/emulator/README.md)',
    fix: "Correct the JSON (it is a test hook), or unset ACS_EMULATOR_FAULTS.",
    allowSpaces: true,
    parse: (value) => {
      try {
        return parseFaults(value);
      } catch (error) {
        return { problem: `is not a valid fault list: ${(error as Error).message}.` };
      }
    },
  });
  const emulatorAccessKey = readSetting(env, "ACS_EMULATOR_ACCESS_KEY", {
    expected: "a base64 key, like the key of a real resource",
    fix: "Set a base64 value (e.g. from `openssl rand -base64 32`), or unset ACS_EMULATOR_ACCESS_KEY.",
    parse: (value) => (isBase64Key(value) ? value : { problem: "is not valid base64." }),
  });
  return {
    stateDir: stateDir(dir === undefined ? {} : { ACS_QUICKSTART_STATE_DIR: dir }),
    requestTimeoutMs: requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    retryDelayMs,
    faults,
    emulatorAccessKey,
  };
}

interface Mode {
  name: "emulator" | "live";
  config: Config;
  announce: string;
  /** Only in emulator mode: checks a token through the emulator's validate route. */
  validateToken?: (token: string) => Promise<{ valid: boolean; reason?: string }>;
  close(): Promise<void>;
}

async function emulatorMode(settings: Settings): Promise<Mode> {
  const { createEmulatorAdminClient } = await import("@acs-quickstart/emulator");
  const { startInProcessEmulator } = await import("@acs-quickstart/emulator/in-process");
  // The in-process emulator is answered inside this process: a proxy from the environment must not get in between.
  const host = "acs-emulator.localhost";
  process.env.NO_PROXY = [process.env.NO_PROXY || process.env.no_proxy, host].filter(Boolean).join(",");
  const emulator = await startInProcessEmulator({
    endpoint: `https://${host}`,
    stateFile: join(settings.stateDir, "emulator-state.json"),
    ...(settings.emulatorAccessKey ? { accessKey: settings.emulatorAccessKey } : {}),
    ...(settings.faults ? { faults: settings.faults } : {}),
  });
  const admin = createEmulatorAdminClient({
    endpoint: emulator.endpoint,
    accessKey: emulator.emulator.accessKey,
  });
  return {
    name: "emulator",
    config: {
      kind: "connection-string",
      endpoint: emulator.endpoint,
      connectionString: emulator.connectionString,
    },
    announce:
      `Mode: emulator — the built-in ACS emulator, in this process, offline (state in ${fromRoot(settings.stateDir)}/).\n` +
      "      To use your own resource, set COMMUNICATION_SERVICES_CONNECTION_STRING in .env (see .env.sample).",
    validateToken: (token) => admin.validateToken(token),
    close: () => emulator.close(),
  };
}

function liveMode(config: Config): Mode {
  return {
    name: "live",
    config,
    announce: `Mode: live — ${describeConfig(config)}.\n      To run offline on the built-in emulator instead: npm run quickstart -- --emulator`,
    close: async () => {},
  };
}

/** Every request: the per-attempt timeout, the retry delays, and (during the steps) the run's abort signal. */
function clientOptions(settings: Settings, signal?: AbortSignal) {
  const delay = settings.retryDelayMs;
  return {
    requestTimeoutMs: settings.requestTimeoutMs,
    ...(delay ? { retryOptions: { retryDelayInMs: delay, maxRetryDelayInMs: delay * 8 } } : {}),
    ...(signal ? { abortSignal: signal } : {}),
  };
}

function showCode(out: Output, step: Step): void {
  const source = regions(step.source, readFileSync(step.source, "utf8"));
  out.say(`      Code (${fromRoot(step.source)}):`);
  for (const [name, code] of source) {
    out.say(`      ── ${name}`);
    out.say(
      code
        .split("\n")
        .map((line) => `      │ ${line}`)
        .join("\n"),
    );
  }
  out.say(`      Tutorial page: docs/en/${step.page} (中文: docs/zh-CN/${step.page})`);
}

/** Waits for Enter; when stdin is not a terminal there is no one to press it, so it says so and goes on. */
async function waitForEnter(out: Output, onInterrupt: () => void): Promise<void> {
  if (!process.stdin.isTTY) {
    out.say("      (--pause: stdin is not a terminal, so not waiting for Enter.)");
    return;
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  await new Promise<void>((resolve) => {
    rl.on("SIGINT", () => {
      rl.close();
      onInterrupt();
      resolve();
    });
    rl.question("      Press Enter to run this step… ", () => {
      rl.close();
      resolve();
    });
  });
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Runs the quickstart with these command-line arguments; resolves to the process exit code. */
export async function runQuickstart(argv: readonly string[], io: RunIO = {}): Promise<number> {
  const env = io.env ?? process.env;
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const signals = io.signals ?? process;
  let options: RunOptions;
  try {
    options = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    stderr.write(`${error.message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (options.help) {
    stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  if (options.list) {
    STEPS.forEach((step, i) => {
      stdout.write(`${i + 1}. ${step.id.padEnd(26)} ${step.title} — docs/en/${step.page}\n`);
    });
    return EXIT.ok;
  }
  const out = new Output(options.json, stdout, stderr);
  setRevealSecrets(options.showSecrets);
  /** A mistake found before anything was sent: the message (it names what to fix), exit 2. */
  const setupError = (kind: string, message: string) => {
    out.say(message);
    out.event({ event: "error", kind, message });
    return EXIT.usage;
  };

  // Configuration first: every mistake is reported before any network call.
  let config: Config | undefined;
  let settings: Settings;
  try {
    // .env is read in every mode (it also holds the runner's own settings); --emulator only ignores the
    // resource it configures, even a mistyped one.
    try {
      const loaded = loadConfig({ env, ...(io.envFile !== undefined ? { envFile: io.envFile } : {}) });
      if (options.mode !== "emulator") config = loaded;
    } catch (error) {
      if (options.mode !== "emulator" || !(error instanceof ConfigError)) throw error;
    }
    settings = await readSettings(env);
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

  // The state folder and the identity store next: a file that cannot be used stops the run before it
  // makes anything it could not remember (and so not delete).
  const store = new IdentityStore(join(settings.stateDir, "identities.json"));
  try {
    await checkStateDir(settings.stateDir);
    await store.list();
  } catch (error) {
    if (!(error instanceof StateError)) throw error;
    return setupError("state", error.message);
  }

  const controller = new AbortController();
  let interrupted: NodeJS.Signals | undefined;
  let cleaningUp = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (cleaningUp) {
      out.say(
        `\n${signal}: still deleting the identities this run made (each request gives up after ` +
          `${settings.requestTimeoutMs / 1000} s); please wait. Any it cannot delete stay in ${fromRoot(store.file)}.`,
      );
      return;
    }
    if (interrupted) return;
    interrupted = signal;
    out.say(`\n${signal === "SIGINT" ? "Interrupted (Ctrl-C)" : "Terminated"}: stopping and cleaning up…`);
    controller.abort(new Error(`Interrupted by ${signal}`));
  };
  const onSigint = () => onSignal("SIGINT");
  const onSigterm = () => onSignal("SIGTERM");
  signals.on("SIGINT", onSigint);
  signals.on("SIGTERM", onSigterm);
  const unlisten = () => {
    signals.off("SIGINT", onSigint);
    signals.off("SIGTERM", onSigterm);
  };

  let mode: Mode;
  try {
    mode = config ? liveMode(config) : await emulatorMode(settings);
  } catch (error) {
    unlisten();
    const { EmulatorStateError } = await import("@acs-quickstart/emulator");
    if (!(error instanceof EmulatorStateError)) throw error;
    return setupError(
      "state",
      error.kind === "locked"
        ? `Another quickstart is running with this state folder (${fromRoot(settings.stateDir)}/).\n` +
            `  ${error.message}\n` +
            "  Fix:      Wait for it to finish (or stop it), or give this terminal its own folder, e.g. ACS_QUICKSTART_STATE_DIR=.quickstart-2"
        : `${error.message}\n  Fix:      Delete ${fromRoot(error.file)} to start the emulator afresh (its identities live only in that file), and ${fromRoot(store.file)} with it.`,
    );
  }

  const endpoint = mode.config.endpoint;
  const created = new Map<string, CommunicationUserIdentifier>();
  const tokens: Array<{ identity: string; token: string }> = [];
  let shared: CommunicationUserIdentifier | undefined;
  /** Whether `shared` came from identities.json (an earlier run) rather than from this run. */
  let sharedFromStore = false;
  let client: CommunicationIdentityClient;
  try {
    client = await createIdentityClient(mode.config, clientOptions(settings, controller.signal));
  } catch (error) {
    unlisten();
    await mode.close();
    out.say(formatDiagnosis(diagnose(error)));
    return error instanceof ConfigError ? EXIT.usage : EXIT.stepFailed;
  }

  const remember = async (identity: CommunicationUserIdentifier, by: string) => {
    created.set(identity.communicationUserId, identity);
    await store.add({
      id: identity.communicationUserId,
      endpoint,
      createdAt: new Date().toISOString(),
      createdBy: by,
    });
  };

  out.say(mode.announce);
  out.event({ event: "mode", mode: mode.name, endpoint });

  let failed = false;
  let ran = 0;
  let passed = 0;
  const started = performance.now();
  const selected = options.steps.map(stepById);
  for (const [index, step] of selected.entries()) {
    if (interrupted) break;
    out.say(`\n[${index + 1}/${selected.length}] ${step.title}  (${step.id})`);
    out.event({ event: "step-start", step: step.id, title: step.title });
    if (options.pause) {
      showCode(out, step);
      await waitForEnter(out, onSigint);
      if (interrupted) break;
    }
    const context: StepContext = {
      client,
      scopes: options.scopes,
      expiresInMinutes: options.expiresInMinutes,
      async identity() {
        if (shared) return shared;
        const stored = await store.latest(endpoint);
        if (stored) {
          shared = { communicationUserId: stored.id };
          sharedFromStore = true;
          console.log(`Using the identity stored by an earlier step: ${stored.id}`);
          return shared;
        }
        console.log("No identity is stored for this resource yet, so this step creates one first:");
        shared = await createIdentity(client);
        await remember(shared, step.id);
        return shared;
      },
      async identityCreated(identity) {
        // The identity of step 1 is the one the later steps share, as in the tutorial; step 3 makes its own.
        if (step.id === "create-identity") shared ??= identity;
        await remember(identity, step.id);
      },
      async identityDeleted(identity) {
        created.delete(identity.communicationUserId);
        if (shared?.communicationUserId === identity.communicationUserId) shared = undefined;
        await store.remove(identity.communicationUserId);
      },
      tokenIssued(identity, token) {
        tokens.push({ identity: identity.communicationUserId, token });
      },
    };
    const log = console.log;
    console.log = (...args: unknown[]) => {
      const text = format(...args);
      out.say(text);
      out.event({ event: "output", step: step.id, text });
    };
    const t0 = performance.now();
    let ok = true;
    let error: unknown;
    try {
      if (step.id === "revoke-access-tokens") await beforeRevoke(mode, context, tokens);
      await step.run(context);
      if (step.id === "revoke-access-tokens") await afterRevoke(mode, context, tokens);
    } catch (e) {
      ok = false;
      error = e;
    } finally {
      console.log = log;
    }
    const ms = Math.round(performance.now() - t0);
    ran += 1;
    if (ok) {
      passed += 1;
      out.say(`✔ ok (${ms} ms)`);
      out.event({ event: "step-end", step: step.id, ok: true, ms });
      continue;
    }
    const diagnosis = diagnose(error);
    if (interrupted) {
      out.say(`✖ stopped by ${interrupted} (${ms} ms)`);
    } else {
      failed = true;
      out.say(`✖ failed (${ms} ms)\n${formatDiagnosis(diagnosis)}`);
      const gone = diagnosis.code === "identity-not-found" || diagnosis.code === "identity-not-owned";
      if (gone && shared && sharedFromStore) {
        // The resource does not have it (deleted, or the emulator's state was reset): forget it, so the next
        // run makes a new one instead of failing the same way.
        await store.remove(shared.communicationUserId).catch(() => false);
        out.say(
          `Removed ${shared.communicationUserId} from ${fromRoot(store.file)}: this resource does not have it. ` +
            "Run the step again: it will make a new identity.",
        );
      }
    }
    out.event({
      event: "step-end",
      step: step.id,
      ok: false,
      ms,
      error: { code: diagnosis.code, summary: diagnosis.summary },
      ...(interrupted ? { interrupted } : {}),
    });
    break;
  }

  // Clean-up: delete what this run made, whatever happened above. A fresh client, without the abort signal.
  const keptForNextStep =
    options.keepForNextStep && shared && created.has(shared.communicationUserId) ? shared : undefined;
  if (keptForNextStep) created.delete(keptForNextStep.communicationUserId);
  // Following the tutorial step by step, one identity is stored per resource: a new one replaces the one an
  // earlier step 1 stored (the later steps could no longer reach it), so it is deleted with the rest.
  const replaced = keptForNextStep
    ? await store.list(endpoint).then(
        (list) =>
          list.filter(
            (i) =>
              i.id !== keptForNextStep.communicationUserId &&
              !i.pendingCleanup &&
              i.createdBy !== "create-identity-and-token",
          ),
        () => [] as StoredIdentity[],
      )
    : [];
  // Also what an earlier run's clean-up could not delete. Further signals are answered, not obeyed.
  let leftover = created.size;
  let notDeleted = 0;
  if (!options.keep) {
    cleaningUp = true;
    const earlier = await store.list(endpoint).then(
      (list) => [...list.filter((i) => i.pendingCleanup && !created.has(i.id)), ...replaced],
      () => [] as StoredIdentity[],
    );
    leftover = await cleanUp(out, store, mode, settings, created, earlier);
    notDeleted = leftover;
    cleaningUp = false;
  } else if (created.size > 0) {
    out.say(
      `\n--keep: kept ${plural(created.size, "identity")} in ${fromRoot(store.file)} for the next steps.`,
    );
  }
  if (keptForNextStep) {
    leftover += 1;
    out.say(
      `\nKept ${keptForNextStep.communicationUserId} in ${fromRoot(store.file)}: the next step uses it ` +
        "(step 6, delete-identity, deletes it).",
    );
  }
  await mode.close().catch((error: unknown) => {
    out.say(`Could not close the emulator cleanly: ${(error as Error).message}`);
  });
  unlisten();

  // Identities that clean-up could not delete are a failure too: CI and scripts see it in the exit code.
  const ok = !failed && !interrupted && ran === selected.length && notDeleted === 0;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  out.say(
    `\n${ok ? "Done" : interrupted ? "Interrupted" : failed || ran < selected.length ? "Failed" : "Clean-up failed"}: ${passed} of ${plural(selected.length, "step")} ok in ${seconds} s ` +
      `(${mode.name} mode). Identities left behind: ${leftover}${(options.keep || keptForNextStep) && leftover > 0 ? " (kept on purpose)" : ""}.`,
  );
  out.event({ event: "summary", ok, mode: mode.name, steps: ran, passed, leftoverIdentities: leftover });
  if (interrupted) return interrupted === "SIGINT" ? EXIT.interrupted : EXIT.terminated;
  return ok ? EXIT.ok : EXIT.stepFailed;
}

/**
 * Deletes the identities this run made, and those an earlier run's clean-up could not delete. One that
 * cannot be deleted stays in the store, marked for the next run's clean-up. Returns how many are left.
 */
async function cleanUp(
  out: Output,
  store: IdentityStore,
  mode: Mode,
  settings: Settings,
  created: Map<string, CommunicationUserIdentifier>,
  earlier: readonly StoredIdentity[],
): Promise<number> {
  if (created.size === 0 && earlier.length === 0) return 0;
  const cleaner = await createIdentityClient(mode.config, clientOptions(settings));
  const what = [
    ...(created.size > 0 ? [`${plural(created.size, "identity")} this run made`] : []),
    ...(earlier.length > 0 ? [`${plural(earlier.length, "identity")} an earlier run left behind`] : []),
  ].join(" and ");
  out.say(`\nClean-up: deleting ${what}…`);
  const failed: string[] = [];
  for (const id of [...created.keys(), ...earlier.map((i) => i.id)]) {
    try {
      await cleaner.deleteUser({ communicationUserId: id });
      out.say(`  deleted ${id}`);
    } catch (error) {
      const diagnosis = diagnose(error);
      if (diagnosis.code !== "identity-not-found") {
        out.say(`  could not delete ${id}:\n${formatDiagnosis(diagnosis)}`);
        failed.push(id);
        continue;
      }
      out.say(`  ${id} was already deleted`);
    }
    created.delete(id);
    await store.remove(id).catch((error: unknown) => {
      out.say(`  (deleted, but ${fromRoot(store.file)} could not be updated: ${(error as Error).message})`);
    });
  }
  if (failed.length > 0) {
    await store.markPendingCleanup(failed).catch(() => {});
    const n = failed.length;
    out.say(
      `  ${plural(n, "identity")} could not be deleted; ${n === 1 ? "it stays" : "they stay"} in ` +
        `${fromRoot(store.file)}, marked so that the next run (without --keep) deletes ${n === 1 ? "it" : "them"}.`,
    );
  }
  return failed.length;
}

/** Before the revoke step, in emulator mode: make sure there is a token from before the revocation to check. */
async function beforeRevoke(
  mode: Mode,
  context: StepContext,
  tokens: Array<{ identity: string; token: string }>,
): Promise<void> {
  if (!mode.validateToken) return;
  const identity = await context.identity();
  if (tokens.some((t) => t.identity === identity.communicationUserId)) return;
  const { token } = await context.client.getToken(identity, context.scopes);
  tokens.push({ identity: identity.communicationUserId, token });
  console.log(
    "(For the emulator-only check below, the runner first issued a token that this step will revoke.)",
  );
}

/** After the revoke step: show that revocation works (emulator) or how long it takes to spread (live). */
async function afterRevoke(
  mode: Mode,
  context: StepContext,
  tokens: ReadonlyArray<{ identity: string; token: string }>,
): Promise<void> {
  const identity = await context.identity();
  if (!mode.validateToken) {
    console.log("Note: revocation can take up to 15 minutes to reach every service that accepts the tokens.");
    return;
  }
  console.log(
    "Emulator-only check (the real service has no such route): asking the emulator which tokens still work.",
  );
  const earlier = tokens.filter((t) => t.identity === identity.communicationUserId).at(-1);
  if (earlier) {
    const before = await mode.validateToken(earlier.token);
    console.log(
      `  a token issued before the revocation: ${before.valid ? "still valid" : `invalid (${before.reason})`}`,
    );
    if (before.valid) throw new Error("The emulator still accepts a token issued before the revocation.");
  }
  const { token } = await context.client.getToken(identity, context.scopes);
  const after = await mode.validateToken(token);
  console.log(
    `  a token issued after the revocation:  ${after.valid ? "valid" : `invalid (${after.reason})`}`,
  );
  if (!after.valid) throw new Error("The emulator rejects a token issued after the revocation.");
}

import { readFileSync } from "node:fs";
import { isAbsolute, relative } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { format } from "node:util";
import {
  type Config,
  ConfigError,
  createIdentityClient,
  describeConfig,
  diagnose,
  formatDiagnosis,
  IdentityStore,
  loadConfig,
  type Step,
  type StepContext,
  setRevealSecrets,
  stateDir,
} from "@acs-quickstart/core";
import { createIdentity } from "@acs-quickstart/create-identity";
import type { CommunicationUserIdentifier } from "@azure/communication-common";
import type {
  CommunicationIdentityClient,
  CommunicationIdentityClientOptions,
} from "@azure/communication-identity";
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

/** Human messages go to stdout, or to stderr when stdout carries --json events. */
class Output {
  constructor(private readonly json: boolean) {
    // `npm run quickstart | head` closes stdout early: keep running (and cleaning up) without it.
    for (const stream of [process.stdout, process.stderr]) {
      stream.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code !== "EPIPE") throw error;
      });
    }
  }
  say(text = ""): void {
    (this.json ? process.stderr : process.stdout).write(`${text}\n`);
  }
  event(event: Record<string, unknown>): void {
    if (this.json) process.stdout.write(`${JSON.stringify(event)}\n`);
  }
}

interface Mode {
  name: "emulator" | "live";
  config: Config;
  announce: string;
  /** Only in emulator mode: checks a token through the emulator's validate route. */
  validateToken?: (token: string) => Promise<{ valid: boolean; reason?: string }>;
  close(): Promise<void>;
}

async function emulatorMode(): Promise<Mode> {
  const { join } = await import("node:path");
  const { parseFaults, createEmulatorAdminClient } = await import("@acs-quickstart/emulator");
  const { startInProcessEmulator } = await import("@acs-quickstart/emulator/in-process");
  const faults = process.env.ACS_EMULATOR_FAULTS;
  const accessKey = process.env.ACS_EMULATOR_ACCESS_KEY || undefined;
  // The in-process emulator is answered inside this process: a proxy from the environment must not get in between.
  const host = "acs-emulator.localhost";
  process.env.NO_PROXY = [process.env.NO_PROXY || process.env.no_proxy, host].filter(Boolean).join(",");
  const emulator = await startInProcessEmulator({
    endpoint: `https://${host}`,
    stateFile: join(stateDir(), "emulator-state.json"),
    ...(accessKey ? { accessKey } : {}),
    ...(faults ? { faults: parseFaults(faults) } : {}),
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
      `Mode: emulator — the built-in ACS emulator, in this process, offline (state in ${fromRoot(stateDir())}/).\n` +
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

/** Attaches the run's abort signal to every request, so Ctrl-C stops a request in flight. */
function abortPolicy(signal: AbortSignal) {
  return {
    name: "quickstartAbort",
    sendRequest(request: { abortSignal?: AbortSignal }, next: (request: never) => Promise<unknown>) {
      request.abortSignal = request.abortSignal ? AbortSignal.any([request.abortSignal, signal]) : signal;
      return next(request as never);
    },
  } as unknown as NonNullable<CommunicationIdentityClientOptions["additionalPolicies"]>[number]["policy"];
}

function clientOptions(signal?: AbortSignal): CommunicationIdentityClientOptions {
  const delay = Number(process.env.ACS_QUICKSTART_RETRY_DELAY_MS);
  return {
    ...(delay > 0 ? { retryOptions: { retryDelayInMs: delay, maxRetryDelayInMs: delay * 8 } } : {}),
    ...(signal
      ? { additionalPolicies: [{ policy: abortPolicy(signal), position: "perCall" as const }] }
      : {}),
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

/** Waits for Enter. Resolves false when stdin is not a terminal (nothing to wait for). */
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
export async function runQuickstart(argv: readonly string[]): Promise<number> {
  let options: RunOptions;
  try {
    options = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  if (options.list) {
    STEPS.forEach((step, i) => {
      process.stdout.write(`${i + 1}. ${step.id.padEnd(26)} ${step.title} — docs/en/${step.page}\n`);
    });
    return EXIT.ok;
  }
  const out = new Output(options.json);
  setRevealSecrets(options.showSecrets);

  // Configuration first: every mistake is reported before any network call.
  let config: Config | undefined;
  if (options.mode !== "emulator") {
    try {
      config = loadConfig();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      out.say(error.message);
      out.event({ event: "error", kind: "configuration", message: error.message });
      return EXIT.usage;
    }
    if (options.mode === "live" && !config) {
      const message =
        "--live needs a Communication Services resource, and none is configured.\n" +
        "Set COMMUNICATION_SERVICES_CONNECTION_STRING (or COMMUNICATION_SERVICES_ENDPOINT) in .env; see .env.sample.\n" +
        "Or run without --live to use the built-in emulator.";
      out.say(message);
      out.event({ event: "error", kind: "configuration", message });
      return EXIT.usage;
    }
  }
  const mode = config ? liveMode(config) : await emulatorMode();

  const controller = new AbortController();
  let interrupted: NodeJS.Signals | undefined;
  let cleaningUp = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (cleaningUp) {
      out.say(`\n${signal}: still deleting the identities this run made; please wait a moment.`);
      return;
    }
    if (interrupted) return;
    interrupted = signal;
    out.say(`\n${signal === "SIGINT" ? "Interrupted (Ctrl-C)" : "Terminated"}: stopping and cleaning up…`);
    controller.abort(new Error(`Interrupted by ${signal}`));
  };
  const onSigint = () => onSignal("SIGINT");
  const onSigterm = () => onSignal("SIGTERM");
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);

  const store = new IdentityStore();
  const endpoint = mode.config.endpoint;
  const created = new Map<string, CommunicationUserIdentifier>();
  const tokens: Array<{ identity: string; token: string }> = [];
  let shared: CommunicationUserIdentifier | undefined;
  let client: CommunicationIdentityClient;
  try {
    client = await createIdentityClient(mode.config, clientOptions(controller.signal));
  } catch (error) {
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
  let leftover = created.size;
  if (created.size > 0 && !options.keep) {
    cleaningUp = true;
    const cleaner = await createIdentityClient(mode.config, clientOptions());
    out.say(`\nClean-up: deleting ${plural(created.size, "identity")} this run made…`);
    for (const identity of created.values()) {
      try {
        await cleaner.deleteUser(identity);
        await store.remove(identity.communicationUserId);
        created.delete(identity.communicationUserId);
        out.say(`  deleted ${identity.communicationUserId}`);
      } catch (error) {
        out.say(`  could not delete ${identity.communicationUserId}:\n${formatDiagnosis(diagnose(error))}`);
      }
    }
    leftover = created.size;
    if (leftover > 0) {
      out.say(
        `  ${plural(leftover, "identity")} could not be deleted; ${leftover === 1 ? "it stays" : "they stay"} in ` +
          `${fromRoot(store.file)} so a later run can delete ${leftover === 1 ? "it" : "them"}.`,
      );
    }
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
  await mode.close();
  process.off("SIGINT", onSigint);
  process.off("SIGTERM", onSigterm);

  const ok = !failed && !interrupted && ran === selected.length;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  out.say(
    `\n${ok ? "Done" : interrupted ? "Interrupted" : "Failed"}: ${passed} of ${plural(selected.length, "step")} ok in ${seconds} s ` +
      `(${mode.name} mode). Identities left behind: ${leftover}${(options.keep || keptForNextStep) && leftover > 0 ? " (kept on purpose)" : ""}.`,
  );
  out.event({ event: "summary", ok, mode: mode.name, steps: ran, passed, leftoverIdentities: leftover });
  if (interrupted) return interrupted === "SIGINT" ? EXIT.interrupted : EXIT.terminated;
  return ok ? EXIT.ok : EXIT.stepFailed;
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

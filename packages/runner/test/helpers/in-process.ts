/**
 * Runs the quickstart runner in this process (no child process: ~100 ms a run instead of ~1 s), with its
 * own environment, output and signal source. Runs must not overlap: the in-process emulator is one msw
 * server per process, and the runner captures console.log during a step.
 */
import { EventEmitter } from "node:events";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmulator } from "@acs-quickstart/emulator";
import { expect } from "vitest";
import { findStep, type IdentityOperation, runQuickstart } from "../../src/index.js";
import { assertValidEvent } from "./events.js";
import { lineSplitter } from "./lines.js";

export type Event = Record<string, unknown> & { event: string };

export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
  events: Event[];
  stateDir: string;
}

export interface InProcessOptions {
  env?: Record<string, string>;
  /** Each NDJSON event (with --json) and each human line, as they are written; `signal` sends SIGINT/SIGTERM. */
  onEvent?: (event: Event, signal: (name: NodeJS.Signals) => void) => void;
  onLine?: (line: string, signal: (name: NodeJS.Signals) => void) => void;
  envFile?: string | false;
  /** Start from a state folder without emulator state (a first run makes its key). Default: seeded. */
  unseeded?: boolean;
}

export function freshDir(prefix = "acs-quickstart-inproc-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

let template: Promise<string> | undefined;

/**
 * A fresh state folder whose emulator state already exists (the same resource, key and signing key for every
 * folder of this test file): making a new RSA signing key costs 0.2-0.3 s of CPU, and is not what a runner
 * test is about. A run on it starts from an empty emulator, as on a first run.
 */
export async function seededDir(): Promise<string> {
  template ??= (async () => {
    const dir = freshDir("acs-quickstart-template-");
    const emulator = await createEmulator({ stateFile: join(dir, "emulator-state.json") });
    await emulator.close();
    const text = readFileSync(join(dir, "emulator-state.json"), "utf8");
    rmSync(dir, { recursive: true, force: true });
    return text;
  })();
  const dir = freshDir();
  writeFileSync(join(dir, "emulator-state.json"), await template, { mode: 0o600 });
  return dir;
}

/** Nothing from the developer's shell or .env: no resource, no test hooks, fast SDK retries. */
function baseEnv(): NodeJS.ProcessEnv {
  return {
    COMMUNICATION_SERVICES_CONNECTION_STRING: "",
    COMMUNICATION_SERVICES_ENDPOINT: "",
    COMMUNICATION_SERVICES_ACCESS_KEY: "",
    AZURE_TENANT_ID: "",
    AZURE_CLIENT_ID: "",
    AZURE_CLIENT_SECRET: "",
    ACS_QUICKSTART_RETRY_DELAY_MS: "1",
  };
}

let running = false;

export async function runInProcess(args: string[], options: InProcessOptions = {}): Promise<InProcessRun> {
  if (running) throw new Error("runInProcess: runs must not overlap (one msw server per process)");
  running = true;
  const stateDir =
    options.env?.ACS_QUICKSTART_STATE_DIR ?? (options.unseeded ? freshDir() : await seededDir());
  const env = { ...baseEnv(), ACS_QUICKSTART_STATE_DIR: stateDir, ...options.env };
  const signals = new EventEmitter();
  const signal = (name: NodeJS.Signals) => setImmediate(() => signals.emit(name));
  let stdout = "";
  let stderr = "";
  const events: Event[] = [];
  const stdoutLines = lineSplitter((l) => {
    if (l.startsWith("{")) {
      const event = JSON.parse(l) as Event;
      assertValidEvent(event);
      events.push(event);
      options.onEvent?.(event, signal);
    } else if (l) options.onLine?.(l, signal);
  });
  const line = (text: string) => {
    for (const l of text.split("\n")) if (l) options.onLine?.(l, signal);
  };
  try {
    const code = await runQuickstart(args, {
      env,
      envFile: options.envFile ?? false,
      signals: signals as unknown as Pick<NodeJS.Process, "on" | "off">,
      stdout: {
        write(text: string) {
          stdout += text;
          stdoutLines(text);
          return true;
        },
      },
      stderr: {
        write(text: string) {
          stderr += text;
          line(text);
          return true;
        },
      },
    });
    return { code, stdout, stderr, events, stateDir };
  } finally {
    running = false;
  }
}

/** Identities that still exist in the emulator of a state folder (read from its state file). */
export function emulatorIdentities(stateDir: string): string[] {
  const file = join(stateDir, "emulator-state.json");
  if (!existsSync(file)) return [];
  const state = JSON.parse(readFileSync(file, "utf8")) as {
    identities: Array<{ id: string; deleted: boolean }>;
  };
  return state.identities.filter((i) => !i.deleted).map((i) => i.id);
}

/** The chat threads the identity store remembers (the file must parse). */
export function storedThreads(
  stateDir: string,
): Array<{ id: string; creator: string; pendingCleanup?: boolean }> {
  const file = join(stateDir, "identities.json");
  if (!existsSync(file)) return [];
  return (
    (JSON.parse(readFileSync(file, "utf8")) as { threads?: Array<{ id: string; creator: string }> })
      .threads ?? []
  );
}

/** The identity store's entries (the file must parse). */
export function storedIdentities(stateDir: string): Array<{ id: string; pendingCleanup?: boolean }> {
  const file = join(stateDir, "identities.json");
  if (!existsSync(file)) return [];
  return (JSON.parse(readFileSync(file, "utf8")) as { identities: Array<{ id: string }> }).identities;
}

export const NO_STACK = /\n\s+at /;
export const JWT = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/;
export const summary = (run: { events: Event[] }) => run.events.find((e) => e.event === "summary");

/** Both state files still parse (atomic writes), and nothing is left in the emulator or the store. */
export function nothingLeft(run: InProcessRun, where = run.stderr): void {
  expect(emulatorIdentities(run.stateDir), where).toEqual([]);
  expect(storedIdentities(run.stateDir), where).toEqual([]);
  expect(storedThreads(run.stateDir), where).toEqual([]);
  // No temporary file of an atomic write, no lock or lock owner note: only the two state files (and the
  // .gitignore that keeps the folder out of git).
  const kept = ["identities.json", "emulator-state.json", ".gitignore"];
  expect(
    readdirSync(run.stateDir).filter((f) => !kept.includes(f)),
    where,
  ).toEqual([]);
}

/** The REST operation a step is about (its first): a fault on it lands inside that step when run alone. */
export function operationOf(stepId: string): IdentityOperation {
  const operation = findStep(stepId)?.operations[0];
  if (!operation) throw new Error(`No step '${stepId}' in the registry, or it calls no operation.`);
  return operation;
}

import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "@acs-quickstart/core";
import { assertValidEvent } from "./events.js";
import { lineSplitter } from "./lines.js";

export const ROOT = repoRoot(import.meta.dirname);
const LAUNCH = join(ROOT, "scripts/launch.mjs");

export interface QuickstartRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The NDJSON events on stdout (with --json). */
  events: Array<Record<string, unknown> & { event: string }>;
}

/** A fresh state folder whose emulator state exists already: see seededDir() (no signing key to make). */
export { seededDir as seededStateDir } from "./in-process.js";

/** A fresh state folder, so a test never sees another test's identities. */
export function freshStateDir(): string {
  return mkdtempSync(join(tmpdir(), "acs-quickstart-test-"));
}

/** Variables that would point the quickstart at a real resource; removed from every child's environment. */
const CONFIG_VARIABLES = [
  "COMMUNICATION_SERVICES_CONNECTION_STRING",
  "COMMUNICATION_SERVICES_ENDPOINT",
  "COMMUNICATION_SERVICES_ACCESS_KEY",
  "AZURE_TENANT_ID",
  "AZURE_CLIENT_ID",
  "AZURE_CLIENT_SECRET",
  "NODE_EXTRA_CA_CERTS",
];

export interface RunOptions {
  env?: Record<string, string>;
  /** Extra modules to preload (e.g. an offline Entra ID token endpoint). */
  imports?: string[];
  /** Called with each NDJSON event as it arrives (e.g. to send a signal mid-run). */
  onEvent?: (event: Record<string, unknown> & { event: string }, child: ReturnType<typeof spawn>) => void;
  cwd?: string;
  timeoutMs?: number;
  /** A command the run goes through, e.g. `["faketime", "-f", "-5m"]` (a clock five minutes behind). */
  through?: string[];
}

/** Runs `scripts/quickstart.ts` in a child process, as `npm run quickstart` does, and collects its output. */
export function spawnQuickstart(args: string[], options: RunOptions = {}): Promise<QuickstartRun> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Nothing from the developer's shell may change what a test sees: no resource, no emulator test hooks.
    // Nor a proxy (a test that wants one says so).
    const proxy = /^(https?|all|no)_proxy$/i.test(key);
    if (value !== undefined && !CONFIG_VARIABLES.includes(key) && !key.startsWith("ACS_") && !proxy)
      env[key] = value;
  }
  Object.assign(env, options.env);
  // As `npm run quickstart` does; preloaded test fixtures are TypeScript, so they come with tsx.
  const imports = options.imports ? ["tsx", ...options.imports].flatMap((m) => ["--import", m]) : [];
  const [command = process.execPath, ...prefix] = [...(options.through ?? []), process.execPath];
  const child = spawn(command, [...prefix, ...imports, LAUNCH, "scripts/quickstart.ts", ...args], {
    cwd: options.cwd ?? ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const events: QuickstartRun["events"] = [];
  const stdoutLines = lineSplitter((line) => {
    if (!line.startsWith("{")) return;
    const event = JSON.parse(line);
    assertValidEvent(event);
    events.push(event);
    options.onEvent?.(event, child);
  });
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    stdoutLines(chunk);
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 45_000);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, events });
    });
  });
}

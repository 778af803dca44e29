/**
 * One real run of the quickstart, on the embedded emulator, as the source of the pages' output blocks.
 *
 * It runs `node scripts/launch.mjs scripts/quickstart.ts --emulator --json` (as `npm run quickstart` does) in a child process with a fresh,
 * empty state folder and no resource configured, and at the same time the same with `--part 2` (the tutorial's
 * part two), and keeps:
 * - for each step of both parts, the lines the step printed (the runner's `{"event":"output","step":…,"text":…}` events);
 * - the whole default run as a person sees it (the human messages, which go to stderr with --json).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

export interface CapturedOutputs {
  /** Step id → the lines that step printed, in order. */
  steps: Record<string, string[]>;
  /** Everything the run printed for a person, line by line: the `<!-- output: quickstart -->` block. */
  quickstart: string[];
}

/** The marker name of the whole-run block. */
export const WHOLE_RUN = "quickstart";

export class CaptureError extends Error {
  override name = "CaptureError";
}

/**
 * Variables that would change what the run prints (a real resource, injected faults, a fixed key, a slow
 * retry, a proxy: the embedded emulator needs none); none of them belongs in a documentation run.
 */
function cleanEnvironment(stateDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(COMMUNICATION_SERVICES_|ACS_|AZURE_)/.test(key) || key === "NODE_EXTRA_CA_CERTS") continue;
    if (/^(https?|all|no)_proxy$/i.test(key)) continue;
    env[key] = value;
  }
  env.ACS_QUICKSTART_STATE_DIR = stateDir;
  env.NO_COLOR = "1";
  return env;
}

/** The runs whose steps' output the pages show: the default run (part 1, also the whole-run block) and part 2. */
const RUNS: ReadonlyArray<readonly string[]> = [[], ["--part", "2"]];

/** Runs the quickstart in `root` (both parts, side by side) and collects what it printed. Takes a few seconds. */
export async function captureOutputs(
  root: string,
  options: { timeoutMs?: number } = {},
): Promise<CapturedOutputs> {
  const runs = await Promise.all(RUNS.map((args) => captureRun(root, args, options.timeoutMs ?? 60_000)));
  return {
    steps: Object.assign({}, ...runs.map((run) => run.steps)),
    quickstart: (runs[0] as CapturedOutputs).quickstart,
  };
}

async function captureRun(
  root: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<CapturedOutputs> {
  const stateDir = mkdtempSync(join(tmpdir(), "acs-docs-run-"));
  try {
    const run = await runChild(root, stateDir, args, timeoutMs);
    const steps: Record<string, string[]> = {};
    for (const line of run.stdout.split("\n")) {
      if (!line.startsWith("{")) continue;
      let event: { event?: string; step?: string; text?: unknown };
      try {
        event = JSON.parse(line);
      } catch {
        continue;
      }
      if (event.event !== "output" || typeof event.step !== "string") continue;
      const lines = String(event.text).split("\n");
      steps[event.step] = [...(steps[event.step] ?? []), ...lines];
    }
    if (run.code !== 0) {
      throw new CaptureError(
        `npm run quickstart -- --emulator ${args.join(" ")} did not succeed (exit code ${run.code ?? run.signal}), so the output blocks cannot be checked.\n` +
          `What it printed:\n${indent(run.stderr.trim() || "(nothing)")}`,
      );
    }
    return { steps, quickstart: personLines(run.stderr, root, stateDir) };
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** The human messages, with the temporary state folder shown as the learner's `.quickstart` folder. */
function personLines(stderr: string, root: string, stateDir: string): string[] {
  const spellings = new Set<string>();
  for (const dir of [stateDir, safeRealpath(stateDir)]) {
    spellings.add(dir);
    spellings.add(relative(root, dir));
    spellings.add(relative(safeRealpath(root), dir));
  }
  const ordered = [...spellings].filter(Boolean).sort((a, b) => b.length - a.length);
  const lines = stderr
    .replace(/\r\n?/g, "\n")
    .split("\n")
    // Node's own warnings are not the quickstart's output.
    .filter((line) => !/^\(node:\d+\)|^\(Use `node --trace-warnings/.test(line))
    .map((line) => ordered.reduce((text, dir) => text.split(dir).join(".quickstart"), line).trimEnd());
  while (lines.length > 0 && lines[0] === "") lines.shift();
  while (lines.length > 0 && lines.at(-1) === "") lines.pop();
  return lines;
}

function safeRealpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}

function runChild(
  root: string,
  stateDir: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    [join(root, "scripts/launch.mjs"), "scripts/quickstart.ts", "--emulator", "--json", ...args],
    { cwd: root, env: cleanEnvironment(stateDir), stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve, reject) => {
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new CaptureError(`Could not start the quickstart: ${error.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

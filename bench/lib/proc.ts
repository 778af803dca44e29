/**
 * Child processes for the bench: run a command to completion and time it (wall clock, from spawn to exit).
 */
import { spawn } from "node:child_process";

export interface Timed {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the child after this long (default 10 minutes). */
  timeoutMs?: number;
}

/** Runs `command args` (no shell), collects its output, resolves with the wall time in ms. */
export function timed(command: string, args: readonly string[], options: RunOptions = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 600_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({
        ms: performance.now() - started,
        code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
  });
}

/** Like timed(), but throws (with the tail of the output) when the command fails. */
export async function mustRun(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<Timed> {
  const result = await timed(command, args, options);
  if (result.code !== 0) {
    const tail = `${result.stdout}\n${result.stderr}`.trim().split("\n").slice(-25).join("\n");
    throw new Error(`\`${command} ${args.join(" ")}\` exited with ${result.code}:\n${tail}`);
  }
  return result;
}

/** The environment for a child: this one, minus anything that could point a run at a real resource. */
export function offlineEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", NO_UPDATE_NOTIFIER: "1" };
  for (const key of Object.keys(env)) {
    if (key.startsWith("COMMUNICATION_SERVICES_") || key.startsWith("AZURE_") || key.startsWith("ACS_")) {
      delete env[key];
    }
  }
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.npm_config_loglevel;
  return { ...env, ...extra };
}

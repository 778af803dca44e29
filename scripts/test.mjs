#!/usr/bin/env node
/**
 * `npm test`: turbo runs typecheck, lint, every package's tests and docs:check (the samples' tests run in the
 * runner's task), showing only what fails; then one summary of the tests, counted from each package's vitest
 * JSON report (`<package>/.vitest/results.json`, a turbo output, so a task replayed from turbo's cache brings
 * its report back too): how many passed, and which ran now or were replayed. Turbo's telemetry notice is off.
 * Arguments are passed to turbo (e.g. `npm test -- --force` to run everything again).
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { summarise } from "./test-summary.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const TASKS = ["typecheck", "lint", "test", "test:browser", "docs:check"];
const started = Date.now();

const turbo = createRequire(join(ROOT, "package.json")).resolve("turbo/bin/turbo");
const child = spawn(
  process.execPath,
  [turbo, "run", ...TASKS, "--filter=!./samples/*", "--output-logs=errors-only", ...process.argv.slice(2)],
  {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", TURBO_NO_UPDATE_NOTIFIER: "1" },
  },
);
// Ctrl-C reaches turbo through the terminal; a signal sent to this process alone is passed on.
const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };
for (const signal of Object.keys(SIGNALS)) process.on(signal, () => child.kill(signal));

child.on("exit", (code, signal) => {
  if (signal) process.exit(128 + (SIGNALS[signal] ?? 0));
  if (code === 0) {
    const summary = summarise(ROOT, started);
    if (summary) process.stdout.write(summary);
  }
  process.exit(code ?? 1);
});

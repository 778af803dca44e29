#!/usr/bin/env node
/**
 * `npm test`: turbo runs typecheck, lint, every package's tests and docs:check (the samples' tests run in the
 * runner's task), showing only what fails; then one summary of the tests, counted from each package's vitest
 * JSON report (`<package>/.vitest/results.json`, a turbo output, so a task replayed from turbo's cache brings
 * its report back too): how many passed, and which ran now or were replayed. Turbo's telemetry notice is off.
 * Arguments are passed to turbo (e.g. `npm test -- --force` to run everything again).
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const TASKS = ["typecheck", "lint", "test", "docs:check"];
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
    const summary = summarise();
    if (summary) process.stdout.write(summary);
  }
  process.exit(code ?? 1);
});

/** The packages whose `test` task npm test runs: packages/* with a test script. */
function testedPackages() {
  return readdirSync(join(ROOT, "packages"))
    .map((name) => join(ROOT, "packages", name))
    .filter((dir) => {
      try {
        return Boolean(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).scripts?.test);
      } catch {
        return false;
      }
    });
}

function summarise() {
  const ran = [];
  const replayed = [];
  const missing = [];
  const totals = { passed: 0, skipped: 0, todo: 0 };
  for (const dir of testedPackages()) {
    const name = dir.slice(join(ROOT, "packages").length + 1);
    const file = join(dir, ".vitest", "results.json");
    if (!existsSync(file)) {
      missing.push(name);
      continue;
    }
    const report = JSON.parse(readFileSync(file, "utf8"));
    totals.passed += report.numPassedTests;
    totals.skipped += report.numPendingTests;
    totals.todo += report.numTodoTests;
    (report.startTime >= started ? ran : replayed).push(`${name} ${report.numPassedTests}`);
  }
  const extra = [
    totals.skipped ? `${totals.skipped} skipped` : "",
    totals.todo ? `${totals.todo} to do` : "",
  ].filter(Boolean);
  const lines = [
    "",
    `Tests: ${totals.passed} passed${extra.length ? `, ${extra.join(", ")}` : ""}, in ${ran.length + replayed.length} packages`,
  ];
  if (ran.length) lines.push(`  ran now:                   ${ran.join(", ")}`);
  if (replayed.length)
    lines.push(`  replayed from turbo cache: ${replayed.join(", ")} (nothing they test changed)`);
  if (missing.length) lines.push(`  no report from: ${missing.join(", ")}`);
  lines.push("Typecheck, lint and docs:check passed.", "");
  return lines.join("\n");
}

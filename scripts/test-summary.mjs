/**
 * The summary `npm test` prints after turbo's (scripts/test.mjs): the tests of every package, counted from
 * its vitest JSON reports (`<package>/.vitest/results.json` and `<suite>-results.json`, written by the reporters of vitest.shared.ts and
 * kept by turbo as the task's output, so a task replayed from turbo's cache brings its report back too).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The packages whose `test` task npm test runs: packages/* with a test script. */
function testedPackages(root) {
  return readdirSync(join(root, "packages"))
    .map((name) => join(root, "packages", name))
    .filter((dir) => {
      try {
        return Boolean(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).scripts?.test);
      } catch {
        return false;
      }
    });
}

/**
 * A package's vitest reports: `.vitest/results.json` (its `test` task) and `.vitest/<suite>-results.json` (a
 * task of its own, e.g. the emulator's `test:browser` writes `browser-results.json`).
 */
function reportsOf(dir) {
  const folder = join(dir, ".vitest");
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((file) => file === "results.json" || file.endsWith("-results.json"))
    .sort((a, b) => (a === "results.json" ? -1 : b === "results.json" ? 1 : a.localeCompare(b)))
    .map((file) => ({
      suite: file === "results.json" ? "" : file.slice(0, -"-results.json".length),
      file: join(folder, file),
    }));
}

/**
 * The summary's lines: how many tests passed (skipped, to do), in how many packages, and per package whether
 * it ran now (its report started at or after `started`, ms since the epoch) or was replayed from turbo's cache.
 * @param root the repository's root
 */
export function summarise(root, started) {
  const ran = [];
  const replayed = [];
  const missing = [];
  const totals = { passed: 0, skipped: 0, todo: 0 };
  let packages = 0;
  for (const dir of testedPackages(root)) {
    const name = dir.slice(join(root, "packages").length + 1);
    const reports = reportsOf(dir);
    if (reports.length === 0) {
      missing.push(name);
      continue;
    }
    packages += 1;
    for (const { suite, file } of reports) {
      const report = JSON.parse(readFileSync(file, "utf8"));
      totals.passed += report.numPassedTests;
      totals.skipped += report.numPendingTests;
      totals.todo += report.numTodoTests;
      const label = suite ? `${name} ${suite}` : name;
      (report.startTime >= started ? ran : replayed).push(`${label} ${report.numPassedTests}`);
    }
  }
  const extra = [
    totals.skipped ? `${totals.skipped} skipped` : "",
    totals.todo ? `${totals.todo} to do` : "",
  ].filter(Boolean);
  const lines = [
    "",
    `Tests: ${totals.passed} passed${extra.length ? `, ${extra.join(", ")}` : ""}, in ${packages} package${packages === 1 ? "" : "s"}`,
  ];
  if (ran.length) lines.push(`  ran now:                   ${ran.join(", ")}`);
  if (replayed.length)
    lines.push(`  replayed from turbo cache: ${replayed.join(", ")} (nothing they test changed)`);
  if (missing.length) lines.push(`  no report from: ${missing.join(", ")}`);
  lines.push("Typecheck, lint and docs:check passed.", "");
  return lines.join("\n");
}

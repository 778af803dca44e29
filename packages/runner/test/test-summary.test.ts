/**
 * What a passing `npm test` says after turbo's output (scripts/test-summary.mjs): how many tests passed, and
 * for each package whether its tests ran now or were replayed from turbo's cache (a cached task's vitest
 * report is restored with it, so its start time is from the run that made it).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { summarise } from "../../../scripts/test-summary.mjs";

function repository(
  packages: Record<string, { passed: number; skipped?: number; startTime?: number } | null>,
) {
  const root = mkdtempSync(join(tmpdir(), "npm-test-summary-"));
  for (const [name, report] of Object.entries(packages)) {
    const dir = join(root, "packages", name);
    mkdirSync(join(dir, ".vitest"), { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name, scripts: { test: "vitest run" } }));
    if (report) {
      writeFileSync(
        join(dir, ".vitest", "results.json"),
        JSON.stringify({
          numPassedTests: report.passed,
          numPendingTests: report.skipped ?? 0,
          numTodoTests: 0,
          startTime: report.startTime ?? 0,
        }),
      );
    }
  }
  // A package without tests is not counted.
  mkdirSync(join(root, "packages", "types"), { recursive: true });
  writeFileSync(join(root, "packages", "types", "package.json"), JSON.stringify({ name: "types" }));
  return root;
}

describe("the npm test summary", () => {
  const started = Date.parse("2026-11-30T00:00:00Z");

  it("counts every package's tests, and says which ran now and which were replayed from turbo's cache", () => {
    const root = repository({
      core: { passed: 236, startTime: started + 1_000 },
      emulator: { passed: 281, skipped: 2, startTime: started - 86_400_000 },
      runner: { passed: 235, startTime: started },
    });
    const text = summarise(root, started);
    expect(text).toContain("Tests: 752 passed, 2 skipped, in 3 packages");
    expect(text).toMatch(/ran now: +core 236, runner 235\n/);
    expect(text).toMatch(/replayed from turbo cache: emulator 281 \(nothing they test changed\)/);
    expect(text).toContain("Typecheck, lint and docs:check passed.");
  });

  it("counts a package's other suites (the emulator's browser tests, a task of their own) under the package", () => {
    const root = repository({
      core: { passed: 5, startTime: started },
      emulator: { passed: 300, startTime: started - 60_000 },
    });
    writeFileSync(
      join(root, "packages", "emulator", ".vitest", "browser-results.json"),
      JSON.stringify({ numPassedTests: 7, numPendingTests: 0, numTodoTests: 0, startTime: started + 10 }),
    );
    const text = summarise(root, started);
    expect(text).toContain("Tests: 312 passed, in 2 packages");
    expect(text).toMatch(/ran now: +core 5, emulator browser 7\n/);
    expect(text).toMatch(/replayed from turbo cache: emulator 300 /);
  });

  it("all replayed: says no test ran now", () => {
    const root = repository({ core: { passed: 10, startTime: started - 5 } });
    const text = summarise(root, started);
    expect(text).toContain("Tests: 10 passed, in 1 package");
    expect(text).not.toContain("ran now");
    expect(text).toContain("replayed from turbo cache: core 10");
  });

  it("names a package whose report is missing", () => {
    const root = repository({ core: { passed: 3, startTime: started }, docs: null });
    expect(summarise(root, started)).toContain("no report from: docs");
  });
});

/**
 * Tests write state folders with access keys and signing keys under os.tmpdir(): in a test run that is a folder
 * of this run alone (vitest.tmpdir.ts), removed when the run ends, so nothing is left in the system's /tmp.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { expect, it } from "vitest";

it("os.tmpdir() is the run's own folder, in the workers and in the child processes they start", () => {
  expect(basename(tmpdir())).toMatch(/^acs-quickstart-tests-/);
  const child = spawnSync(process.execPath, ["-p", "require('node:os').tmpdir()"], { encoding: "utf8" });
  expect(child.stdout.trim()).toBe(tmpdir());
  expect(dirname(tmpdir())).not.toBe(tmpdir());
});

it("a run removes the folders killed runs left (older than 6 hours), never a younger one; its own at its end", async () => {
  const { default: setup } = await import("../../../vitest.tmpdir.js");
  const base = mkdtempSync(join(tmpdir(), "tmpdir-base-"));
  const killed = join(base, "acs-quickstart-tests-killed");
  const running = join(base, "acs-quickstart-tests-running");
  const other = join(base, "someone-elses");
  for (const folder of [killed, running, other]) mkdirSync(folder);
  const sevenHoursAgo = new Date(Date.now() - 7 * 3_600_000);
  utimesSync(killed, sevenHoursAgo, sevenHoursAgo);
  utimesSync(other, sevenHoursAgo, sevenHoursAgo);
  const before = process.env.TMPDIR;
  process.env.TMPDIR = base;
  let teardown: (() => void) | undefined;
  try {
    teardown = setup();
    const own = process.env.TMPDIR;
    expect(own).not.toBe(base);
    expect(existsSync(killed)).toBe(false);
    expect(existsSync(running)).toBe(true);
    expect(existsSync(other)).toBe(true);
    teardown();
    expect(existsSync(own as string)).toBe(false);
    expect(process.env.TMPDIR).toBe(base);
  } finally {
    process.env.TMPDIR = before;
  }
});

it("one folder per vitest run: a second project's setup uses the first's (no nesting)", async () => {
  const { default: setup } = await import("../../../vitest.tmpdir.js");
  const ours = tmpdir();
  const teardown = setup();
  expect(tmpdir()).toBe(ours);
  teardown();
  expect(existsSync(ours)).toBe(true);
});

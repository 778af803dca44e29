/**
 * Tests write state folders with access keys and signing keys under os.tmpdir(): in a test run that is a folder
 * of this run alone (vitest.tmpdir.ts), removed when the run ends, so nothing is left in the system's /tmp.
 */
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { basename, dirname } from "node:path";
import { expect, it } from "vitest";

it("os.tmpdir() is the run's own folder, in the workers and in the child processes they start", () => {
  expect(basename(tmpdir())).toMatch(/^acs-quickstart-tests-/);
  const child = spawnSync(process.execPath, ["-p", "require('node:os').tmpdir()"], { encoding: "utf8" });
  expect(child.stdout.trim()).toBe(tmpdir());
  expect(dirname(tmpdir())).not.toBe(tmpdir());
});

/**
 * Every test's temporary files in one folder, removed when the run ends (vitest's globalSetup, for each
 * project of vitest.shared.ts): the tests make state folders with access keys and signing keys, emulator
 * certificates, git clones and browser profiles under `os.tmpdir()`, and a helper that forgets one (or a test
 * that fails before its clean-up) must not leave a key behind. TMPDIR is set before vitest starts its workers,
 * so `os.tmpdir()` in the workers and in every child process they start is this folder.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  const parent = process.env.TMPDIR;
  const folder = mkdtempSync(join(tmpdir(), "acs-quickstart-tests-"));
  process.env.TMPDIR = folder;
  return () => {
    if (parent === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = parent;
    rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
  };
}

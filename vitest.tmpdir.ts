/**
 * Every test's temporary files in one folder, removed when the run ends (vitest's globalSetup, for each
 * project of vitest.shared.ts): the tests make state folders with access keys and signing keys, emulator
 * certificates, git clones and browser profiles under `os.tmpdir()`, and a helper that forgets one (or a test
 * that fails before its clean-up) must not leave a key behind. TMPDIR is set before vitest starts its workers,
 * so `os.tmpdir()` in the workers and in every child process they start is this folder. A run that is killed
 * (turbo stops the other tasks when one fails) cannot remove its folder: the next run removes folders older
 * than 6 hours.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

const PREFIX = "acs-quickstart-tests-";
/** A run's folder older than this is left from a run that was killed (turbo stops the other tasks of a failed run). */
const STALE_MS = 6 * 3_600_000;

export default function setup(): () => void {
  // Every project of one vitest run calls this (the root's `npx vitest run` has them all): the first makes the
  // folder, the others use it (nested folders would make paths too long for a Unix socket, e.g. chromium's).
  if (basename(tmpdir()).startsWith(PREFIX)) return () => {};
  const parent = process.env.TMPDIR;
  removeStale(tmpdir());
  const folder = mkdtempSync(join(tmpdir(), PREFIX));
  process.env.TMPDIR = folder;
  return () => {
    if (parent === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = parent;
    rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
  };
}

/** Folders of killed runs (their teardown never ran): removed by the next run. */
function removeStale(base: string): void {
  for (const name of readdirSync(base)) {
    if (!name.startsWith(PREFIX)) continue;
    const path = join(base, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true });
    } catch {} // another run removed it first
  }
}

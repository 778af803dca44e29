/**
 * File locks, on `proper-lockfile`: one process at a time may change a file.
 *
 * The lock of `<file>` is the folder `<file>.lock` (made with mkdir, which is atomic), and beside it the note
 * `<file>.lock.owner`, `{"pid":1234,"host":"…","since":"<ISO-8601>"}`, which names the holder. One rule
 * decides when a lock may be taken from its holder, for every lock in the repository:
 *
 * - **Heartbeat.** The holder touches the folder's mtime every {@link LOCK_STALE_MS}/2 ms. A lock not
 *   touched for {@link LOCK_STALE_MS} ms is stale and is taken over (a holder killed, frozen or on a machine
 *   that went away). The holder learns it through `onCompromised`.
 * - **Dead holder.** A lock whose note names a process of this host that no longer runs (`process.kill(pid, 0)`
 *   fails, or on Linux /proc shows a zombie) is taken over at once, without waiting for its heartbeat to stop.
 *
 * A lock is given back by `release()`; when the process exits without releasing it, by an "exit" listener
 * (`process.exit`) or by proper-lockfile's signal-exit hook (a signal the process does not handle, which
 * still kills it); and by the rule above when the process is killed outright (SIGKILL, a crash).
 *
 * The heartbeat is a timer (unref'd: it never keeps a process alive) that proper-lockfile runs; when it finds
 * the lock gone or taken, it calls `onCompromised`, which here can never throw into that timer.
 */
import * as fs from "node:fs";
import { mkdir } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import lockfile from "proper-lockfile";
import { writeAtomicSync } from "./atomic-write.js";

/** A lock whose heartbeat is older than this (ms) is stale. */
export const LOCK_STALE_MS = 10_000;

/** Who holds a lock: what its owner note says. */
export interface LockHolder {
  pid: number;
  /** `os.hostname()` of the holder: a pid says nothing on another host (a shared folder). */
  host: string;
  /** When it took the lock, ISO-8601. */
  since: string;
}

/**
 * The lock is held by another process (or by another caller in this one), and the holder is alive.
 * `holder` is undefined when the lock has no readable note (its holder is starting or stopping, or it is
 * not one of ours).
 */
export class LockError extends Error {
  override readonly name = "LockError";
  readonly code = "ELOCKED";
  constructor(
    /** The file the lock protects. */
    readonly file: string,
    /** The lock folder, `<file>.lock`. */
    readonly lockPath: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(`${file} is in use by ${describeHolder(holder)}.`);
  }
}

/** "process 1234", "process 1234 on otherhost", or "another process". */
export function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return "another process";
  return `process ${holder.pid}${holder.host === hostname() ? "" : ` on ${holder.host}`}`;
}

export interface LockOptions {
  /** How long to wait (ms) for a live holder to let go before a {@link LockError}. Default 0: fail at once. */
  waitMs?: number;
  /**
   * Called (once, from a timer) if the lock is lost while held: its folder was removed, or another process
   * found its heartbeat stale and took it. Whatever it throws is ignored. Default: a process warning.
   */
  onCompromised?: (error: Error) => void;
  /** @internal Tests only: another staleness threshold (>= 2000 ms). Every lock of the project uses the default. */
  staleMs?: number;
}

/** A lock this process holds. */
export interface FileLock {
  /** The lock folder, `<file>.lock`. */
  readonly path: string;
  /** Set once the lock was lost while held (see {@link LockOptions.onCompromised}). */
  readonly compromised: Error | undefined;
  /** Gives the lock back. Harmless when called again, or after the lock was lost (another's is left alone). */
  release(): Promise<void>;
}

/**
 * Takes the lock of `file` (the file itself need not exist; its folder is created).
 * @throws {LockError} when a live holder keeps it longer than `waitMs`; a `node:fs` error when the lock
 *   cannot be made at all (e.g. EACCES, or a part of the path is a file).
 */
export async function lockFile(file: string, options: LockOptions = {}): Promise<FileLock> {
  const target = path.resolve(file);
  const lockPath = lockPathOf(target);
  await mkdir(path.dirname(target), { recursive: true });
  const deadline = Date.now() + (options.waitMs ?? 0);
  let compromised: Error | undefined;
  let note: string | undefined;
  const onCompromised = (error: Error) => {
    compromised ??= error;
    if (held.get(lockPath) === note) held.delete(lockPath);
    try {
      (options.onCompromised ?? warn)(error);
    } catch {
      // never let it escape into proper-lockfile's timer, where it would crash the process
    }
  };
  let release: () => Promise<void>;
  for (;;) {
    try {
      release = await lockfile.lock(target, {
        stale: options.staleMs ?? LOCK_STALE_MS,
        realpath: false, // the file need not exist
        fs: lockFs,
        onCompromised,
      });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ELOCKED") throw error;
      const theirs = readNote(lockPath);
      const holder = theirs === undefined ? undefined : parseHolder(theirs);
      if (theirs !== undefined && holder?.host === hostname() && !isRunning(holder.pid)) {
        takeOver(lockPath, theirs);
        continue;
      }
      if (Date.now() >= deadline) throw new LockError(target, lockPath, holder);
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
    }
  }
  note = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() });
  try {
    // No fsync: a note matters only while its writer runs.
    writeAtomicSync(notePathOf(lockPath), note, { fsync: false });
  } catch (error) {
    await release().catch(() => {});
    throw error;
  }
  held.set(lockPath, note);
  if (!exitHook) {
    exitHook = true;
    process.on("exit", releaseAllOnExit);
  }
  let released = false;
  return {
    path: lockPath,
    get compromised() {
      return compromised;
    },
    release: async () => {
      if (released || compromised) return;
      released = true;
      await release().catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ERELEASED" && error.code !== "ENOTACQUIRED") throw error;
      });
    },
  };
}

/** Runs `task` while holding the lock of `file`, and releases it afterwards, whatever happens. */
export function withFileLock<T>(file: string, task: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  // Tasks of this process on one file take turns here first: they do not poll the file lock against each
  // other, and the time a task waits behind its siblings does not count against its `waitMs`.
  const key = path.resolve(file);
  const run = (queue.get(key) ?? Promise.resolve()).then(async () => {
    const lock = await lockFile(file, options);
    try {
      return await task();
    } finally {
      await lock.release();
    }
  });
  const settled = run.then(
    () => {},
    () => {},
  );
  queue.set(key, settled);
  void settled.then(() => {
    if (queue.get(key) === settled) queue.delete(key);
  });
  return run;
}

/** The last task queued on each file by {@link withFileLock} in this process, settled or not. */
const queue = new Map<string, Promise<void>>();

/** Who holds the lock of `file` now, from its owner note; undefined when it is free or has no readable note. */
export function readLockHolder(file: string): LockHolder | undefined {
  const note = readNote(lockPathOf(path.resolve(file)));
  return note === undefined ? undefined : parseHolder(note);
}

// ---------------------------------------------------------------------------------------------

const lockPathOf = (file: string) => `${file}.lock`;
const notePathOf = (lockPath: string) => `${lockPath}.owner`;

/** The notes of the locks this process holds, by lock folder. */
const held = new Map<string, string>();
let exitHook = false;

/**
 * `process.exit()` without a release: proper-lockfile's own hook (signal-exit 3) is lost when signal-exit 4
 * (write-file-atomic's) was loaded first and unloads after a write, restoring the `process.emit` it saw.
 * A plain "exit" listener cannot be lost that way. (A signal the process does not handle still reaches
 * signal-exit 3's signal listener, which gives the lock back and then dies of that signal.)
 */
function releaseAllOnExit(): void {
  for (const lockPath of [...held.keys()]) {
    try {
      removeLock(lockPath);
    } catch {
      // exiting anyway: the next process takes the lock over (dead holder)
    }
  }
}

/**
 * The file system proper-lockfile works with: node:fs, except that removing a lock folder also removes its
 * note (first, so that a note never outlives its folder), and never removes a lock this process held but
 * another process has since taken (its note is not ours any more). A lock left as a plain file by an earlier
 * version of this project is removed like a folder.
 */
const lockFs = {
  mkdir: fs.mkdir,
  stat: fs.stat,
  utimes: fs.utimes,
  realpath: fs.realpath,
  rmdir: (lockPath: string, callback: (error: NodeJS.ErrnoException | null) => void) => {
    try {
      removeLock(lockPath);
      callback(null);
    } catch (error) {
      callback(error as NodeJS.ErrnoException);
    }
  },
  rmdirSync: (lockPath: string) => removeLock(lockPath),
};

function removeLock(lockPath: string): void {
  const mine = held.get(lockPath);
  held.delete(lockPath);
  if (mine !== undefined) {
    const note = readNote(lockPath);
    if (note !== undefined && note !== mine) return; // taken over meanwhile: it is another's now
  }
  fs.rmSync(notePathOf(lockPath), { force: true });
  fs.rmSync(lockPath, { recursive: true, force: true });
}

/** Removes the lock of a dead holder, unless its note changed since it was read (someone was quicker). */
function takeOver(lockPath: string, note: string): void {
  if (readNote(lockPath) !== note) return;
  fs.rmSync(notePathOf(lockPath), { force: true });
  fs.rmSync(lockPath, { recursive: true, force: true });
}

function readNote(lockPath: string): string | undefined {
  try {
    return fs.readFileSync(notePathOf(lockPath), "utf8");
  } catch {
    return undefined;
  }
}

function parseHolder(note: string): LockHolder | undefined {
  try {
    const data = JSON.parse(note) as Partial<LockHolder>;
    return typeof data.pid === "number" && typeof data.host === "string"
      ? { pid: data.pid, host: data.host, since: typeof data.since === "string" ? data.since : "" }
      : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // alive, but another user's
  }
  return !isZombie(pid);
}

/**
 * A process killed but not yet reaped by its parent (its parent died first, or never waits) still answers
 * `kill(pid, 0)`. On Linux, /proc tells: state Z (zombie) or X (dead). Elsewhere: false (the heartbeat rule
 * takes such a lock over after LOCK_STALE_MS).
 */
function isZombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8"); // "pid (comm) S ...": comm may hold spaces
    const state = stat.charAt(stat.lastIndexOf(")") + 2);
    return state === "Z" || state === "X";
  } catch {
    return false;
  }
}

function warn(error: Error): void {
  process.emitWarning(`A file lock was lost while held: ${error.message}`, { code: "ACS_LOCK_COMPROMISED" });
}

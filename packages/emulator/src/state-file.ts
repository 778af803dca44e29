/**
 * The emulator's state file: readable JSON, written atomically (temp file in the same folder + rename).
 */
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import { dirname, resolve } from "node:path";

/**
 * The state file cannot be used: corrupted, unreadable, or in use by another process.
 * `kind` says which; the message names the file and what to do.
 */
export class EmulatorStateError extends Error {
  override readonly name = "EmulatorStateError";
  constructor(
    message: string,
    readonly file: string,
    readonly kind: "corrupt" | "unreadable" | "locked",
    /** For `locked`: the process holding the file. */
    readonly pid?: number,
  ) {
    super(message);
  }
}

export const STATE_FILE_VERSION = 1;

export interface PersistedIdentity {
  id: string;
  createdAt: string;
  deleted: boolean;
  tokensIssued: number;
  /** ISO-8601, or null when never revoked. */
  revokedAt: string | null;
  /** Tokens whose issue sequence is <= this number are revoked. */
  revokedSeq: number | null;
}

export interface PersistedState {
  version: number;
  resourceId: string;
  accessKey: string;
  /** PKCS#8 PEM of the RS256 signing key (the public key is derived from it). */
  signingKeyPem: string;
  /** Upper bound of every token issue sequence number handed out so far. */
  sequence: number;
  identities: PersistedIdentity[];
}

/** Reads the state file; undefined if it does not exist; a clear Error naming the file if it is corrupt. */
export function readStateFile(file: string): PersistedState | undefined {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new EmulatorStateError(
      `Cannot read the emulator state file ${path}: ${(error as Error).message}`,
      path,
      "unreadable",
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw corrupt(path, "it is not valid JSON");
  }
  const problem = checkShape(data);
  if (problem) throw corrupt(path, problem);
  return data as PersistedState;
}

function corrupt(path: string, why: string): EmulatorStateError {
  return new EmulatorStateError(
    `The emulator state file ${path} is corrupted (${why}). Delete it to start with a fresh emulator state, or restore it from a backup.`,
    path,
    "corrupt",
  );
}

function checkShape(data: unknown): string | undefined {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return "it is not a JSON object";
  const d = data as Record<string, unknown>;
  if (d.version !== STATE_FILE_VERSION) return `unsupported version ${JSON.stringify(d.version)}`;
  for (const key of ["resourceId", "accessKey", "signingKeyPem"]) {
    if (typeof d[key] !== "string" || d[key] === "") return `"${key}" is missing`;
  }
  if (typeof d.sequence !== "number" || !Number.isSafeInteger(d.sequence) || d.sequence < 0) {
    return `"sequence" is not a non-negative integer`;
  }
  if (!Array.isArray(d.identities)) return `"identities" is not an array`;
  for (const [i, item] of d.identities.entries()) {
    const it = item as Record<string, unknown>;
    if (
      typeof it !== "object" ||
      it === null ||
      typeof it.id !== "string" ||
      typeof it.deleted !== "boolean" ||
      typeof it.tokensIssued !== "number" ||
      !(it.revokedAt === null || typeof it.revokedAt === "string") ||
      !(it.revokedSeq === null || typeof it.revokedSeq === "number")
    ) {
      return `identities[${i}] is not a valid identity record`;
    }
  }
  return undefined;
}

/** Writes the state atomically: a temp file in the same folder, then rename over the target. */
export function writeStateFile(file: string, state: PersistedState): void {
  const path = resolve(file);
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Takes `<file>.lock` for this process, so only one emulator at a time uses a state file (two processes
 * each holding the whole state in memory would overwrite each other's identities). A lock left by a
 * process that no longer runs (on this host) is taken over. Returns the release function.
 */
export function lockStateFile(file: string): () => void {
  const path = resolve(file);
  const lock = `${path}.lock`;
  const host = hostname();
  const mine = JSON.stringify({ pid: process.pid, host, since: new Date().toISOString() });
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lock, "wx", 0o600);
      try {
        writeSync(fd, mine);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= 3) throw error;
      const holder = readLock(lock);
      const stale = holder
        ? holder.host === host && !isRunning(holder.pid)
        : Date.now() - (mtimeMs(lock) ?? Date.now()) > 10_000; // unreadable: a crash while writing it
      if (!stale) {
        const who = holder
          ? `process ${holder.pid}${holder.host === host ? "" : ` on ${holder.host}`}`
          : "another process";
        throw new EmulatorStateError(
          `The emulator state file ${path} is in use by ${who} (another quickstart run or emulator uses this state folder). Wait for it to finish, or use another state folder (ACS_QUICKSTART_STATE_DIR, or --state-dir for npm run emulator). If no such process runs, delete ${lock}.`,
          path,
          "locked",
          holder?.pid,
        );
      }
      rmSync(lock, { force: true });
    }
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    // Only our own lock: never one another process took over meanwhile.
    if (readFileText(lock) === mine) rmSync(lock, { force: true });
  };
}

function readFileText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

function readLock(lock: string): { pid: number; host: string } | undefined {
  try {
    const data = JSON.parse(readFileText(lock) ?? "") as { pid?: unknown; host?: unknown };
    return typeof data.pid === "number" && typeof data.host === "string"
      ? { pid: data.pid, host: data.host }
      : undefined;
  } catch {
    return undefined;
  }
}

function mtimeMs(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The emulator's state file: readable JSON, written atomically (a temporary file in the same folder, flushed,
 * then renamed), and held by one emulator at a time (`<file>.lock`); both from `@acs-quickstart/common`.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describeHolder, type FileLock, LockError, lockFile, writeAtomicSync } from "@acs-quickstart/common";

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
  /** 2025-03-02-preview `customId`, when the identity has one. */
  customId?: string;
  createdAt: string;
  deleted: boolean;
  tokensIssued: number;
  /** ISO-8601, or null when no token was issued (absent in files written before it existed). */
  lastTokenIssuedAt?: string | null;
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
      !(it.customId === undefined || typeof it.customId === "string") ||
      !(
        it.lastTokenIssuedAt === undefined ||
        it.lastTokenIssuedAt === null ||
        typeof it.lastTokenIssuedAt === "string"
      ) ||
      !(it.revokedAt === null || typeof it.revokedAt === "string") ||
      !(it.revokedSeq === null || typeof it.revokedSeq === "number")
    ) {
      return `identities[${i}] is not a valid identity record`;
    }
  }
  return undefined;
}

/** Writes the state atomically (readable by this user only: it holds the access key and the signing key). */
export function writeStateFile(file: string, state: PersistedState): void {
  writeAtomicSync(resolve(file), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/**
 * Takes the lock of the state file for this process, so only one emulator at a time uses it (two processes
 * each holding the whole state in memory would overwrite each other's identities). Fails at once when another
 * live process holds it; a lock left by a process that no longer runs (on this host) is taken over. The lock
 * is given back by `release()`, or when the process exits.
 * @throws {EmulatorStateError} kind `locked`, naming the holder's pid.
 */
export async function lockStateFile(file: string): Promise<FileLock> {
  const path = resolve(file);
  try {
    return await lockFile(path, {
      onCompromised: (error) =>
        console.error(
          `ACS emulator: lost the lock on ${path} (${error.message}); another process may use this state file now.`,
        ),
    });
  } catch (error) {
    if (!(error instanceof LockError)) throw error;
    throw new EmulatorStateError(
      `The emulator state file ${path} is in use by ${describeHolder(error.holder)} (another quickstart run or emulator uses this state folder). Wait for it to finish, or use another state folder (ACS_QUICKSTART_STATE_DIR, or --state-dir for npm run emulator). If no such process runs, delete ${error.lockPath}.`,
      path,
      "locked",
      error.holder?.pid,
    );
  }
}

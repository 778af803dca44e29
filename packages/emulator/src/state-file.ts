/**
 * The emulator's state file: readable JSON, written atomically (temp file in the same folder + rename).
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

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
    throw new Error(`Cannot read the emulator state file ${path}: ${(error as Error).message}`);
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

function corrupt(path: string, why: string): Error {
  return new Error(
    `The emulator state file ${path} is corrupted (${why}). Delete it to start with a fresh emulator state, or restore it from a backup.`,
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

/**
 * Remembers the identities a learner created, so that a later step (or a later run) can issue a
 * token for, revoke or delete the same identity; and the chat threads (part two) a run kept or could not
 * delete, with the identity that made them, so that a later clean-up can delete them.
 *
 * The state is one JSON file, readable and editable by a person (`threads` only once there is one):
 *
 * ```json
 * { "version": 1,
 *   "identities": [
 *     { "id": "8:acs:…_…", "endpoint": "https://myacs.communication.azure.com/",
 *       "createdAt": "2026-11-25T00:40:51.000Z", "createdBy": "<the step's id>" } ],
 *   "threads": [
 *     { "id": "19:acsV1_…@thread.v2", "endpoint": "https://myacs.communication.azure.com/",
 *       "createdAt": "2026-11-25T00:41:02.000Z", "createdBy": "<the step's id>",
 *       "creator": "8:acs:…_…", "appUser": "alice" } ] }
 * ```
 *
 * An identity (and a thread) belongs to the resource that created it, so every entry is keyed by endpoint:
 * an identity made on the emulator is never offered to Azure, and the other way round.
 *
 * Writes are atomic (a temporary file in the same folder, flushed, then renamed over the old
 * one), and each change is applied to the file as it is on disk at that moment, under the file's
 * lock (`identities.json.lock`), so two terminals running steps at once do not overwrite each other's
 * identities. Both come from `@acs-quickstart/common`, shared with the emulator.
 */
import { constants } from "node:fs";
import { access, readFile, rename } from "node:fs/promises";
import path from "node:path";
import {
  LockError,
  makeStateDir,
  StateDirError,
  stateDir,
  withFileLock,
  writeAtomic,
} from "@acs-quickstart/common";

/** One remembered identity. */
export interface StoredIdentity {
  /** The identity's id, e.g. `8:acs:<resource id>_<user id>`. */
  id: string;
  /** The resource it belongs to, as `https://host/`. */
  endpoint: string;
  /** When it was created, ISO-8601 UTC. */
  createdAt: string;
  /** Which step (or note) created it. */
  createdBy?: string;
  /**
   * The app user it belongs to, when a token service made it for one of its users (one identity per app
   * user). Such an identity is never picked as "the stored identity" the tutorial's steps share.
   */
  appUser?: string;
  /**
   * Set when a run could not delete it during clean-up: the next run's clean-up deletes it, and no step
   * picks it as "the stored identity".
   */
  pendingCleanup?: boolean;
}

/**
 * One remembered chat thread: one a run kept (`--keep`) or could not delete. Only a participant can delete a
 * thread (with a token of the `chat` scope), so the entry names the identity that made it: a clean-up deletes
 * the thread before that identity (afterwards nobody of ours could).
 */
export interface StoredThread {
  /** The thread's id, e.g. `19:acsV1_…@thread.v2`. */
  id: string;
  /** The resource it belongs to, as `https://host/`. */
  endpoint: string;
  /** When it was created, ISO-8601 UTC. */
  createdAt: string;
  /** Which step created it. */
  createdBy?: string;
  /** The identity that made it (a participant, so a token of its can delete the thread). */
  creator: string;
  /** The app user that identity belongs to, when a token service made it (see {@link StoredIdentity.appUser}). */
  appUser?: string;
  /** Set when a run could not delete it: the next run's clean-up deletes it (and keeps its creator until then). */
  pendingCleanup?: boolean;
}

/** What {@link IdentityStore.addThread} needs; `createdAt` defaults to now. */
export interface NewStoredThread {
  id: string;
  endpoint: string;
  creator: string;
  createdBy?: string;
  createdAt?: string | Date;
  appUser?: string;
}

/** What {@link IdentityStore.add} needs; `createdAt` defaults to now. */
export interface NewIdentity {
  id: string;
  endpoint: string;
  createdBy?: string;
  createdAt?: string | Date;
  /** The app user it belongs to (see {@link StoredIdentity.appUser}). */
  appUser?: string;
}

/** The identity store's file cannot be used as it is. Names the file and what to do. */
export class StateError extends Error {
  override readonly name = "StateError";
  /** The file at fault. */
  readonly file: string;
  /** One line: what is wrong. */
  readonly problem: string;
  /** One line: what to do about it. */
  readonly fix: string;

  constructor(file: string, problem: string, fix: string, subject = "The identity store") {
    super(`${subject} ${file} ${problem}\n  Fix:      ${fix}`);
    this.file = file;
    this.problem = problem;
    this.fix = fix;
  }
}

const VERSION = 1;
/** How long a change waits for another run's change to the same file (each holds the lock a few ms). */
const LOCK_TIMEOUT_MS = 5_000;

type StoreFile = { version: 1; identities: StoredIdentity[]; threads?: StoredThread[] } & Record<
  string,
  unknown
>;

export class IdentityStore {
  /** The JSON file this store reads and writes. */
  readonly file: string;

  /** @param file default: `<state dir>/identities.json` (see {@link stateDir}). */
  constructor(file: string = path.join(stateDir(), "identities.json")) {
    this.file = path.resolve(file);
  }

  /** All remembered identities, oldest first; only those of `endpoint` when given. */
  async list(endpoint?: string): Promise<StoredIdentity[]> {
    const { identities } = await this.read();
    if (endpoint === undefined) return identities;
    const key = endpointKey(endpoint);
    return identities.filter((identity) => endpointKey(identity.endpoint) === key);
  }

  /**
   * The most recently created identity of `endpoint` that the steps share (not pending clean-up, not an app
   * user's), or `undefined` if there is none.
   */
  async latest(endpoint: string): Promise<StoredIdentity | undefined> {
    return newest(await this.list(endpoint), (identity) => identity.appUser === undefined);
  }

  /** The identity of `endpoint` made for the app user `appUser` (not pending clean-up), if there is one. */
  async forAppUser(endpoint: string, appUser: string): Promise<StoredIdentity | undefined> {
    return newest(await this.list(endpoint), (identity) => identity.appUser === appUser);
  }

  /** The remembered chat threads, oldest first; only those of `endpoint` when given. */
  async threads(endpoint?: string): Promise<StoredThread[]> {
    const threads = (await this.read()).threads ?? [];
    if (endpoint === undefined) return threads;
    const key = endpointKey(endpoint);
    return threads.filter((thread) => endpointKey(thread.endpoint) === key);
  }

  /** Remembers a chat thread (once: adding the same id for the same endpoint again changes nothing). */
  async addThread(entry: NewStoredThread): Promise<StoredThread> {
    const thread: StoredThread = {
      ...baseEntry(entry),
      creator: entry.creator,
      ...(entry.appUser === undefined ? {} : { appUser: entry.appUser }),
    };
    return this.addOnce((state) => {
      state.threads ??= [];
      return state.threads;
    }, thread);
  }

  /** Forgets a chat thread (it is not deleted from the resource). Returns whether it was remembered. */
  async removeThread(id: string): Promise<boolean> {
    return this.update((state) => {
      const before = state.threads?.length ?? 0;
      const threads = (state.threads ?? []).filter((thread) => thread.id !== id);
      if (threads.length > 0) state.threads = threads;
      else delete state.threads;
      const changed = threads.length !== before;
      return { result: changed, changed };
    });
  }

  /** Marks chat threads a clean-up could not delete, so that the next run's clean-up deletes them. */
  async markThreadsPendingCleanup(ids: readonly string[]): Promise<void> {
    await this.update((state) => ({ result: undefined, changed: markPending(state.threads ?? [], ids) }));
  }

  /** Remembers an identity (once: adding the same id for the same endpoint again changes nothing). */
  async add(entry: NewIdentity): Promise<StoredIdentity> {
    const identity: StoredIdentity = {
      ...baseEntry(entry),
      ...(entry.appUser === undefined ? {} : { appUser: entry.appUser }),
    };
    return this.addOnce((state) => state.identities, identity);
  }

  /** Adds `entry` to the list `pick` gives, unless an entry of the same id and resource is there already. */
  private addOnce<T extends { id: string; endpoint: string }>(
    pick: (state: StoreFile) => T[],
    entry: T,
  ): Promise<T> {
    return this.update((state) => {
      const list = pick(state);
      const existing = list.find((e) => e.id === entry.id && endpointKey(e.endpoint) === entry.endpoint);
      if (existing) return { result: existing };
      list.push(entry);
      return { result: entry, changed: true };
    });
  }

  /** Forgets an identity (it is not deleted from the resource). Returns whether it was remembered. */
  async remove(id: string): Promise<boolean> {
    return this.update((state) => {
      const before = state.identities.length;
      state.identities = state.identities.filter((identity) => identity.id !== id);
      const changed = state.identities.length !== before;
      return { result: changed, changed };
    });
  }

  /** Marks identities a clean-up could not delete, so that the next run's clean-up deletes them. */
  async markPendingCleanup(ids: readonly string[]): Promise<void> {
    await this.update((state) => ({ result: undefined, changed: markPending(state.identities, ids) }));
  }

  /**
   * Moves an unreadable file aside to `<file>.corrupt-<timestamp>` so that a new, empty store can
   * start, and returns the new name. Does nothing (returns `undefined`) when the file is fine or
   * missing. Nothing is deleted: the old content stays in the renamed file.
   */
  async repair(): Promise<string | undefined> {
    return this.locked(async () => {
      try {
        await this.read();
        return undefined;
      } catch (error) {
        if (!(error instanceof StateError)) throw error;
        const aside = `${this.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, "-")}`;
        await rename(this.file, aside);
        return aside;
      }
    });
  }

  // -------------------------------------------------------------------------------------------

  /** Reads and checks the file; a missing or empty file is an empty store. */
  private async read(): Promise<StoreFile> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return { version: VERSION, identities: [] };
      if (code === "ENOTDIR") {
        throw new StateError(
          this.file,
          "cannot be read: a part of its path is a file, not a folder.",
          "Set ACS_QUICKSTART_STATE_DIR to a folder (or remove the file that is in the way).",
        );
      }
      throw new StateError(
        this.file,
        `cannot be read (${code ?? (error as Error).message}).`,
        code === "EISDIR"
          ? "It is a folder: move it away, so the quickstart can create the file."
          : "Check the file's permissions, or set ACS_QUICKSTART_STATE_DIR to a folder you can write.",
      );
    }
    if (text.trim() === "") return { version: VERSION, identities: [] };
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw this.corrupt(`is not valid JSON (${(error as Error).message}).`);
    }
    return this.check(data);
  }

  private check(data: unknown): StoreFile {
    if (!isObject(data) || !Array.isArray(data.identities)) {
      throw this.corrupt(`is not of the form { "version": 1, "identities": [ … ] }.`);
    }
    if (data.version !== VERSION) {
      throw this.corrupt(
        `has version ${JSON.stringify(data.version)}; this code reads version ${VERSION}.`,
        "It was written by another version of this project: update the code, or move the file aside.",
      );
    }
    if (data.threads !== undefined && !Array.isArray(data.threads)) {
      throw this.corrupt(`has "threads" that is not a list.`);
    }
    const entries = [
      ...data.identities.map((entry: unknown, index: number) => [entry, `identities[${index}]`] as const),
      ...((data.threads ?? []) as unknown[]).map((entry, index) => [entry, `threads[${index}]`] as const),
    ];
    for (const [entry, where] of entries) {
      if (!isObject(entry)) throw this.corrupt(`has ${where} that is not an object.`);
      if (typeof entry.id !== "string" || entry.id === "")
        throw this.corrupt(`has ${where} without an "id".`);
      if (typeof entry.endpoint !== "string" || !isUrl(entry.endpoint)) {
        throw this.corrupt(`has ${where} without a valid "endpoint" URL.`);
      }
      if (typeof entry.createdAt !== "string" || Number.isNaN(Date.parse(entry.createdAt))) {
        throw this.corrupt(`has ${where} without a valid "createdAt" date.`);
      }
      if (entry.createdBy !== undefined && typeof entry.createdBy !== "string") {
        throw this.corrupt(`has ${where} whose "createdBy" is not text.`);
      }
      if (entry.appUser !== undefined && (typeof entry.appUser !== "string" || entry.appUser === "")) {
        throw this.corrupt(`has ${where} whose "appUser" is not a name.`);
      }
      if (entry.pendingCleanup !== undefined && typeof entry.pendingCleanup !== "boolean") {
        throw this.corrupt(`has ${where} whose "pendingCleanup" is not true or false.`);
      }
      if (where.startsWith("threads") && (typeof entry.creator !== "string" || entry.creator === "")) {
        throw this.corrupt(`has ${where} without a "creator" (the identity that made the thread).`);
      }
    }
    return data as StoreFile; // entries keep any extra fields a person added: nothing is lost on rewrite
  }

  private corrupt(problem: string, fix?: string): StateError {
    return new StateError(
      this.file,
      problem,
      fix ??
        `Correct it by hand (it is plain JSON), or rename it (e.g. to ${path.basename(this.file)}.corrupt) to start an empty list. Renaming deletes nothing from your resource.`,
    );
  }

  /** Applies `change` to the file as it is on disk now, under the lock, and writes it back if changed. */
  private async update<T>(change: (state: StoreFile) => { result: T; changed?: boolean }): Promise<T> {
    return this.locked(async () => {
      const state = await this.read();
      const { result, changed } = change(state);
      if (changed) await this.write(state);
      return result;
    });
  }

  /** Writes atomically: a temporary file in the same folder, flushed to disk, then renamed. */
  private async write(state: StoreFile): Promise<void> {
    try {
      makeStateDir(path.dirname(this.file));
    } catch (error) {
      if (error instanceof StateDirError)
        throw new StateError(error.dir, error.problem, error.fix, "The state folder");
      throw error;
    }
    await writeAtomic(this.file, `${JSON.stringify(state, null, 2)}\n`);
  }

  /**
   * Runs `task` while holding the file's lock, so only one writer (in this or another process) changes
   * the file at a time; waits up to 5 s for another run's change. A lock left by a run that was killed is
   * taken over (see `lockFile` in @acs-quickstart/common).
   */
  private async locked<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await withFileLock(this.file, task, { waitMs: LOCK_TIMEOUT_MS });
    } catch (error) {
      if (!(error instanceof LockError) || error.file !== this.file) throw error;
      throw new StateError(
        this.file,
        `is locked by another run (${error.holder ? `process ${error.holder.pid}, ` : ""}${error.lockPath} exists).`,
        `Wait for the other run to finish; if none is running, delete ${error.lockPath}.`,
      );
    }
  }
}

/** The fields every entry (identity or thread) has, from what a caller gives; `createdAt` defaults to now. */
function baseEntry(entry: { id: string; endpoint: string; createdAt?: string | Date; createdBy?: string }) {
  const createdAt = entry.createdAt ?? new Date();
  return {
    id: entry.id,
    endpoint: endpointKey(entry.endpoint),
    createdAt: typeof createdAt === "string" ? createdAt : createdAt.toISOString(),
    ...(entry.createdBy === undefined ? {} : { createdBy: entry.createdBy }),
  };
}

/** Sets `pendingCleanup` on the entries with these ids; returns whether any changed. */
function markPending(
  entries: Array<{ id: string; pendingCleanup?: boolean }>,
  ids: readonly string[],
): boolean {
  let changed = false;
  for (const entry of entries) {
    if (ids.includes(entry.id) && !entry.pendingCleanup) {
      entry.pendingCleanup = true;
      changed = true;
    }
  }
  return changed;
}

/** The most recently created of `identities` that `wanted` accepts and that is not pending clean-up. */
function newest(
  identities: readonly StoredIdentity[],
  wanted: (identity: StoredIdentity) => boolean,
): StoredIdentity | undefined {
  let latest: StoredIdentity | undefined;
  for (const identity of identities) {
    if (identity.pendingCleanup || !wanted(identity)) continue;
    if (!latest || Date.parse(identity.createdAt) >= Date.parse(latest.createdAt)) latest = identity;
  }
  return latest;
}

/** Endpoints compare as `https://host[:port]/`, whatever trailing slash or letter case they were written with. */
function endpointKey(endpoint: string): string {
  const url = new URL(endpoint);
  return `${url.protocol}//${url.host}/`;
}

function isUrl(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks that the state folder can be created and written (before anything is sent); makes it so that git never commits it (makeStateDir of @acs-quickstart/common). Throws a {@link StateError} naming the folder and what to do.
 */
export async function checkStateDir(dir: string): Promise<void> {
  const subject = "The state folder";
  const fix =
    "Set ACS_QUICKSTART_STATE_DIR (in .env or the shell) to a folder you can write, or fix its permissions.";
  try {
    makeStateDir(dir);
  } catch (error) {
    if (error instanceof StateDirError) throw new StateError(error.dir, error.problem, error.fix, subject);
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "EEXIST" || code === "ENOTDIR"
        ? "cannot be created: it, or a folder above it, is a file."
        : `cannot be created (${code ?? (error as Error).message}).`;
    throw new StateError(dir, why, fix, subject);
  }
  // Asked of the file system (access(2) with W_OK: permissions, a read-only mount), without writing a probe
  // file that a signal between its creation and its removal would leave behind.
  try {
    await access(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new StateError(dir, `cannot be written (${code ?? (error as Error).message}).`, fix, subject);
  }
}

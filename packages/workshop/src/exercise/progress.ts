/**
 * A learner's progress through the exercises: `<state folder>/exercises.json`, readable JSON, written
 * atomically under the file's lock (common's writeAtomic and withFileLock), like the identity store.
 *
 * ```json
 * { "version": 1, "exercises": { "<step id>": { "startedAt": "…", "solution": "<commit>", "hintsShown": 1,
 *   "attempts": 2, "passedAt": null } } }
 * ```
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { withFileLock, writeAtomic } from "@acs-quickstart/common";

const VERSION = 1;

/** One exercise's record. */
export interface ExerciseProgress {
  /** When `start` last replaced the tutorial code with the task (ISO-8601); null once reset. */
  startedAt: string | null;
  /** The commit whose file is the solution (what `start` found checked out). */
  solution: string | null;
  /** How many hints were shown since the start. */
  hintsShown: number;
  /** How many times `verify` ran since the start. */
  attempts: number;
  /** When `verify` first passed (ISO-8601), kept across resets; null before. */
  passedAt: string | null;
}

interface ProgressFile {
  version: number;
  exercises: Record<string, ExerciseProgress>;
}

/** The progress file cannot be used: the message names it and says what to do (exit 2). */
export class ProgressError extends Error {
  override readonly name = "ProgressError";
}

export const EMPTY_PROGRESS: ExerciseProgress = {
  startedAt: null,
  solution: null,
  hintsShown: 0,
  attempts: 0,
  passedAt: null,
};

export class Progress {
  readonly file: string;

  constructor(stateDir: string) {
    this.file = join(stateDir, "exercises.json");
  }

  /** Every exercise's record (the empty one for an exercise never touched). */
  async all(): Promise<Record<string, ExerciseProgress>> {
    return (await this.read()).exercises;
  }

  async get(id: string): Promise<ExerciseProgress> {
    return (await this.read()).exercises[id] ?? { ...EMPTY_PROGRESS };
  }

  /** Changes one exercise's record as it is on disk now, under the lock; resolves to the new record. */
  async update(
    id: string,
    change: (record: ExerciseProgress) => ExerciseProgress,
  ): Promise<ExerciseProgress> {
    return withFileLock(
      this.file,
      async () => {
        const state = await this.read();
        const record = change({ ...EMPTY_PROGRESS, ...state.exercises[id] });
        state.exercises[id] = record;
        await writeAtomic(this.file, `${JSON.stringify(state, null, 2)}\n`);
        return record;
      },
      { waitMs: 5000 },
    );
  }

  private async read(): Promise<ProgressFile> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { version: VERSION, exercises: {} };
      throw new ProgressError(`${this.file} cannot be read (${(error as NodeJS.ErrnoException).code}).`);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
    const ok =
      typeof data === "object" &&
      data !== null &&
      (data as ProgressFile).version === VERSION &&
      typeof (data as ProgressFile).exercises === "object" &&
      (data as ProgressFile).exercises !== null;
    if (!ok) {
      throw new ProgressError(
        `${this.file} is not a progress file of this version ({ "version": 1, "exercises": { … } }). Correct it, or delete it to start your progress afresh (your code is not in it).`,
      );
    }
    return data as ProgressFile;
  }
}

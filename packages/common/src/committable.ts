/**
 * Whether git would commit a file: no secret may be written to such a path (the emulator's `--env-file` gets
 * the access key). Asked of git itself (`git check-ignore`), so every rule git applies counts: the repository's
 * .gitignore files, .git/info/exclude, the user's global excludes, and files git already tracks.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

/** A secret would be written where git would commit it. */
export class CommittablePathError extends Error {
  override readonly name = "CommittablePathError";
  constructor(
    /** The file, absolute. */
    readonly file: string,
    /** What goes into it, e.g. "the access key". */
    what: string,
  ) {
    super(
      `${file} is a file git would commit (it is inside a git repository and not ignored), and it would hold ${what}. ` +
        "Write it to a path git ignores (this repository ignores .env and .env.*, e.g. .env.room), or add it to .gitignore first.",
    );
  }
}

/**
 * True when `file` (which may not exist yet) is inside a git work tree and git would commit it: not ignored,
 * or already tracked. False outside a repository, and when git is not installed (nothing can commit it then).
 */
export function gitWouldCommit(file: string): boolean {
  const absolute = path.resolve(file);
  let folder = path.dirname(absolute);
  while (!existsSync(folder) && path.dirname(folder) !== folder) folder = path.dirname(folder);
  // Exit 0: ignored; 1: not ignored (a tracked file is never reported as ignored); 128: not in a repository.
  const check = spawnSync("git", ["-C", folder, "check-ignore", "-q", absolute], { stdio: "ignore" });
  return check.error === undefined && check.status === 1;
}

/** @throws {CommittablePathError} when git would commit `file`. */
export function refuseCommittable(file: string, what: string): void {
  if (gitWouldCommit(file)) throw new CommittablePathError(path.resolve(file), what);
}

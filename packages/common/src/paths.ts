/**
 * Where things are: the repository's root, and the folder for state that survives between runs.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * The root of the repository: the nearest folder, walking up from `start`, whose `package.json`
 * declares npm `workspaces`. Every step and the emulator find `.env` and `.quickstart/` there, whichever
 * folder they are run from. Falls back to `start` itself when there is no such folder
 * (for example when the package is used outside this repository).
 */
export function repoRoot(start: string = process.cwd()): string {
  let dir = path.resolve(start);
  for (;;) {
    if (declaresWorkspaces(path.join(dir, "package.json"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(start);
    dir = parent;
  }
}

function declaresWorkspaces(packageJson: string): boolean {
  if (!existsSync(packageJson)) return false;
  try {
    const manifest: unknown = JSON.parse(readFileSync(packageJson, "utf8"));
    return typeof manifest === "object" && manifest !== null && "workspaces" in manifest;
  } catch {
    return false; // an unreadable package.json is simply not the root we are looking for
  }
}

/** The environment variable that moves the state folder. */
export const STATE_DIR_VARIABLE = "ACS_QUICKSTART_STATE_DIR";

/**
 * The folder for state that survives between runs (the identity store, the emulator's state and
 * certificate): `ACS_QUICKSTART_STATE_DIR` when set and not empty, otherwise `<repo root>/.quickstart`
 * (git-ignored). A relative value is relative to the repository's root, not to the current folder: npm runs
 * each sample's `npm start` in that sample's folder, and every step must find the same state. It is read
 * when called, so a value from `.env` counts once that file has been loaded into `env`.
 * @returns an absolute path; nothing is created.
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env[STATE_DIR_VARIABLE];
  const root = repoRoot();
  return configured ? path.resolve(root, configured) : path.join(root, ".quickstart");
}

/**
 * A path the learner typed on the command line, absolute: from the folder they typed it in (`INIT_CWD`, as npm
 * runs a script from its package's folder), else from the current folder.
 */
export function typedPath(typed: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.INIT_CWD ?? process.cwd(), typed);
}

/** A path as a learner would type it from the repository's root (absolute when it lies elsewhere). */
export function fromRoot(file: string): string {
  const inside = path.relative(repoRoot(), file);
  return inside && !inside.startsWith("..") && !path.isAbsolute(inside) ? inside : file;
}

/** The `.gitignore` {@link makeStateDir} writes: everything in the folder, itself included, stays out of git. */
export const STATE_DIR_GITIGNORE =
  "# Made by the ACS quickstart. This folder holds access keys, signing keys and tokens: git ignores all of it.\n*\n";

/** A state folder whose files git could commit: it has a `.gitignore` of its own that does not ignore all. */
export class StateDirError extends Error {
  override readonly name = "StateDirError";
  constructor(
    /** The folder, absolute. */
    readonly dir: string,
    /** What is wrong, to follow the folder's name. */
    readonly problem: string,
    /** What to do. */
    readonly fix: string,
  ) {
    super(`The state folder ${dir} ${problem} ${fix}`);
  }
}

/**
 * Creates a state folder (as `mkdir -p`) that git never commits: a `.gitignore` holding `*` is written into it
 * unless one is there, so no secret can be committed whatever folder `ACS_QUICKSTART_STATE_DIR` names
 * (`.quickstart-2` inside the repository too). Every writer of state calls it before writing.
 * @throws {StateDirError} when the folder has a `.gitignore` of its own that does not ignore everything (the
 *   repository's root, for example): the state files would show up in `git status`; or when it holds files git
 *   tracks (`docs/`, a sample's `src/`): a `.gitignore` holding `*` there would hide the project's new files.
 * @throws the file system's error (`EACCES`, `ENOTDIR`...) when the folder cannot be made.
 */
export function makeStateDir(dir: string): void {
  const folder = path.resolve(dir);
  mkdirSync(folder, { recursive: true });
  const gitignore = path.join(folder, ".gitignore");
  if (!existsSync(gitignore)) refuseProjectFolder(folder);
  try {
    writeFileSync(gitignore, STATE_DIR_GITIGNORE, { flag: "wx" });
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const lines = readFileSync(gitignore, "utf8")
    .split(/\r?\n/)
    .map((line) => line.trim());
  if (!lines.includes("*") && !lines.includes("/*")) {
    throw new StateDirError(
      folder,
      "has a .gitignore of its own that does not ignore everything in it, and the state files hold keys and tokens.",
      `Set ${STATE_DIR_VARIABLE} to a folder of its own, such as .quickstart-2 (the quickstart makes it, with a .gitignore that keeps it out of git).`,
    );
  }
}

/**
 * A folder that already holds files of the project (files git tracks) is not a state folder: its `.gitignore`
 * would hide every new file of the project there from git. Outside a repository, or without git, nothing to
 * check.
 */
function refuseProjectFolder(folder: string): void {
  if (readdirSync(folder).length === 0) return; // new or empty: nothing of the project's in it
  const tracked = spawnSync("git", ["-C", folder, "ls-files", "--", "."], { encoding: "utf8" });
  if (tracked.error !== undefined || tracked.status !== 0) return;
  const first = tracked.stdout.split("\n").find(Boolean);
  if (first === undefined) return;
  throw new StateDirError(
    folder,
    `holds files of the project that git tracks (such as ${first}): a state folder's .gitignore would hide the project's new files there from git.`,
    `Set ${STATE_DIR_VARIABLE} to a folder of its own, such as .quickstart-2 (the quickstart makes it, with a .gitignore that keeps it out of git).`,
  );
}

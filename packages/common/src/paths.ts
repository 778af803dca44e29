/**
 * Where things are: the repository's root, and the folder for state that survives between runs.
 */
import { existsSync, readFileSync } from "node:fs";
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

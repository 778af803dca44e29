import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * The root of the repository: the nearest folder, walking up from `start`, whose `package.json`
 * declares npm `workspaces`. Every step finds `.env` and `.quickstart/` there, whichever
 * folder it is run from. Falls back to `start` itself when there is no such folder
 * (for example when core is used outside this repository).
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

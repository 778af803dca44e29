/**
 * vitest globalSetup of the end-to-end tests: build the quickstart's bundle once (`--help` runs nothing),
 * so the concurrent child processes that follow load it instead of each building the same one.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "@acs-quickstart/core";

export default function warmBundle(): void {
  const root = repoRoot(import.meta.dirname);
  execFileSync(process.execPath, [join(root, "scripts/launch.mjs"), "scripts/quickstart.ts", "--help"], {
    cwd: root,
    stdio: "ignore",
  });
}

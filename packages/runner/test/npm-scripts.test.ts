/**
 * The npm scripts hand every argument to our programs, never to Node.js: Node.js 20 and later read `--env-file`
 * anywhere on their command line, also after the script's name (nodejs/node#54232), unless a `--` comes
 * first. The scripts put it right after scripts/launch.mjs.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@acs-quickstart/core";
import { expect, it } from "vitest";

const ROOT = repoRoot(import.meta.dirname);

function manifests(): string[] {
  const found = ["package.json"];
  for (const folder of ["packages", "samples"])
    for (const name of readdirSync(join(ROOT, folder))) found.push(join(folder, name, "package.json"));
  return found.filter((file) => {
    try {
      readFileSync(join(ROOT, file));
      return true;
    } catch {
      return false;
    }
  });
}

it("every npm script that runs scripts/launch.mjs puts -- right after it", () => {
  const scripts = manifests().flatMap((file) =>
    Object.entries(JSON.parse(readFileSync(join(ROOT, file), "utf8")).scripts ?? {}).map(
      ([name, command]) => ({ where: `${file} ${name}`, command: command as string }),
    ),
  );
  const launching = scripts.filter(({ command }) => command.includes("scripts/launch.mjs"));
  expect(launching.length).toBeGreaterThan(10);
  for (const { where, command } of launching) expect(command, where).toMatch(/scripts\/launch\.mjs -- \S/);
});

it("npm run quickstart -- --env-file <a missing file> reaches the quickstart: its own message, exit 2", () => {
  const missing = join(ROOT, "no-such-folder", "room.env");
  const run = spawnSync("npm", ["run", "-s", "quickstart", "--", "--env-file", missing], {
    cwd: ROOT,
    encoding: "utf8",
  });
  expect(run.status).toBe(2);
  expect(run.stdout + run.stderr).toContain(`--env-file ${missing}: there is no such file`);
  expect(run.stdout + run.stderr).not.toMatch(/^node: /m);
});

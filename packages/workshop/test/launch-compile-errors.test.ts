/**
 * scripts/launch-bundled.mjs when a sample does not compile: the exercise entry still runs (bundled with the
 * file's newest committed version that compiles) and is handed esbuild's errors; any other entry stops with exit
 * 1 and names the file. Only a real launcher process shows this: it runs on a small repository of its own (a
 * copy of the launcher, a sample, two entries), never on this one's files.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "@acs-quickstart/common";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompileError } from "../src/index.js";

const ROOT = repoRoot(import.meta.dirname);
const SAMPLE = "samples/demo/src/demo.ts";
const TUTORIAL = 'export const said = "the tutorial\'s code";\nexport const extra = 1;\n';
const BROKEN = 'export const said = "the learner\'s code";\nexport const extra = log(1;\n';
/** An entry that prints what it was handed and what the sample says. */
const ENTRY = `import { said } from "../${SAMPLE}";
const errors = (globalThis as { [key: symbol]: unknown })[Symbol.for("acs-quickstart.compile-errors")];
console.log(JSON.stringify({ said, errors: errors ?? null }));
`;

let repo: string;
const git = (...args: string[]) =>
  execFileSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
    stdio: "pipe",
  });

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), "acs-launch-"));
  for (const dir of ["scripts", "packages", "samples/demo/src", "node_modules"]) {
    mkdirSync(join(repo, dir), { recursive: true });
  }
  copyFileSync(join(ROOT, "scripts", "launch-bundled.mjs"), join(repo, "scripts", "launch-bundled.mjs"));
  symlinkSync(join(ROOT, "node_modules", "esbuild"), join(repo, "node_modules", "esbuild"));
  writeFileSync(join(repo, "scripts", "exercise.ts"), ENTRY);
  writeFileSync(join(repo, "scripts", "quickstart.ts"), ENTRY);
  writeFileSync(join(repo, SAMPLE), TUTORIAL);
  git("init", "-q");
  git("add", "scripts", "samples");
  git("commit", "-qm", "the tutorial");
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

function launch(entry: string) {
  const run = spawnSync(process.execPath, [join(repo, "scripts", "launch-bundled.mjs"), entry], {
    cwd: repo,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("a sample that does not compile", () => {
  it("the exercise entry runs with the committed file, and is handed the errors (file, line, column, message)", () => {
    writeFileSync(join(repo, SAMPLE), BROKEN);
    const run = launch("scripts/exercise.ts");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const { said, errors } = JSON.parse(run.stdout) as { said: string; errors: CompileError[] };
    expect(said).toBe("the tutorial's code");
    expect(errors).toEqual([
      {
        file: SAMPLE,
        line: 2,
        column: 27,
        text: 'Expected ")" but found ";"',
        shown: expect.stringContaining("export const extra = log(1;"),
      },
    ]);
    expect(errors[0]?.shown).toMatch(/\n\s+│ {27}\^/);
  });

  it("any other entry stops (exit 1) and names the sample's file, not itself", () => {
    writeFileSync(join(repo, SAMPLE), BROKEN);
    const run = launch("scripts/quickstart.ts");
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain('ERROR] Expected ")" but found ";"');
    expect(run.stderr).toContain(`${SAMPLE} does not compile: fix the error shown above, then run it again.`);
    expect(run.stderr).toContain("npm run exercise -- reset STEP");
    expect(run.stderr).not.toContain("scripts/quickstart.ts");
  });

  it("an attempt committed as it is: the newest commit whose file compiles; none that does: exit 1", () => {
    writeFileSync(join(repo, SAMPLE), BROKEN);
    git("commit", "-qam", "wip");
    const run = launch("scripts/exercise.ts");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).said).toBe("the tutorial's code");
    // A file git has no version of: nothing can stand in for it.
    writeFileSync(join(repo, "samples/demo/src/new.ts"), "export const x = (;\n");
    writeFileSync(join(repo, SAMPLE), `${TUTORIAL}export * from "./new.ts";\n`);
    const none = launch("scripts/exercise.ts");
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("samples/demo/src/new.ts does not compile");
  });
});

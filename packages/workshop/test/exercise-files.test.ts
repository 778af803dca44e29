/**
 * `npm run exercise -- start | hint | solution | reset | list` on a git clone of the samples (a temporary one:
 * the tests never change the repository's own files): the tutorial code becomes its task and comes back from
 * git, hints come one at a time in either language, progress is kept in the state folder.
 */
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { repoRoot } from "@acs-quickstart/common";
import { regionSpans, STEPS, type TutorialStep } from "@acs-quickstart/runner";
import { transform } from "esbuild";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { runExerciseCommand } from "../src/index.js";

const ROOT = repoRoot(import.meta.dirname);
const EXERCISES = (STEPS as readonly TutorialStep[]).filter((step) => step.exercise);
/** A step with two regions, whose later code uses names the first region declares. */
const TWO_REGIONS = EXERCISES.find(
  (step) => Object.keys(step.exercise?.tasks ?? {}).length > 1,
) as TutorialStep;
const ONE_REGION = EXERCISES.find((step) => step !== TWO_REGIONS) as TutorialStep;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A git clone with the samples' sources as the repository has them now, committed (made once per file). */
function template(): string {
  const root = mkdtempSync(join(tmpdir(), "acs-exercise-template-"));
  dirs.push(root);
  for (const step of EXERCISES) {
    for (const file of [step.source, `docs/zh-CN/${step.page}`]) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      cpSync(join(ROOT, file), join(root, file));
    }
  }
  const git = (...args: string[]) => execFileSync("git", ["-C", root, ...args], { stdio: "pipe" });
  const commit = ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q"];
  git("init", "-q");
  git(...commit, "--allow-empty", "-m", "empty");
  git("add", ".");
  git(...commit, "-m", "samples");
  return root;
}

let made: string | undefined;

/** A fresh copy of the clone for each test (copying costs less than making a repository with git). */
function clone(): { root: string; state: string } {
  made ??= template();
  const root = mkdtempSync(join(tmpdir(), "acs-exercise-"));
  dirs.push(root);
  cpSync(made, root, { recursive: true });
  return { root, state: join(root, ".quickstart") };
}

let repo: { root: string; state: string };
beforeEach(() => {
  repo = clone();
});

async function exercise(...args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runExerciseCommand(args, {
    root: repo.root,
    env: { ACS_QUICKSTART_STATE_DIR: repo.state, LANG: "C" },
    envFile: false,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    now: () => new Date("2026-11-25T10:00:00Z"),
  });
  return { code, stdout, stderr };
}

const read = (step: TutorialStep) => readFileSync(join(repo.root, step.source), "utf8");
const solutionOf = (step: TutorialStep) => readFileSync(join(ROOT, step.source), "utf8");
const progress = () => JSON.parse(readFileSync(join(repo.state, "exercises.json"), "utf8"));

describe.each(EXERCISES.map((step) => ({ step })))("start $step.id", ({ step }) => {
  it("replaces each region's code with its task; the rest of the file stays; it still compiles", async () => {
    const run = await exercise("start", step.id);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const source = read(step);
    const solution = solutionOf(step);
    const spans = regionSpans(step.source, source);
    expect(spans.map((s) => s.name)).toEqual(regionSpans(step.source, solution).map((s) => s.name));
    const lines = source.split("\n");
    for (const span of spans) {
      const inside = lines.slice(span.start + 1, span.end);
      expect(
        inside.every((line) => line.trim().startsWith("//")),
        `${span.name} keeps no code`,
      ).toBe(true);
      expect(inside.join("\n")).toContain(`npm run exercise -- verify ${step.id}`);
      expect(inside.join(" ").replace(/\s*\/\/\s*/g, " ")).toContain(
        (step.exercise?.tasks[span.name]?.en ?? "").split(" ").slice(0, 6).join(" "),
      );
    }
    // Outside the regions, nothing changed: the function's signature and what follows the regions.
    const outside = (text: string) =>
      text
        .split("\n")
        .filter(
          (_, i, all) => !regionSpans(step.source, all.join("\n")).some((s) => i > s.start && i < s.end),
        );
    expect(outside(source)).toEqual(outside(solution));
    // esbuild (what runs the learner's code) still compiles it: verify then reports what is missing.
    await expect(transform(source, { loader: "ts" })).resolves.toBeDefined();
    expect(progress().exercises[step.id]).toMatchObject({
      startedAt: "2026-11-25T10:00:00.000Z",
      solution: expect.stringMatching(/^[0-9a-f]{40}$/),
      hintsShown: 0,
      attempts: 0,
    });
  });
});

describe("start", () => {
  it("names what the code after a region needs from it", async () => {
    await exercise("start", TWO_REGIONS.id);
    expect(read(TWO_REGIONS)).toMatch(/\/\/ The code after this region uses: tokenResponse\.\n/);
  });

  it("writes the task in Chinese with --lang zh-CN, and says what to do next", async () => {
    const run = await exercise("start", ONE_REGION.id, "--lang", "zh-CN");
    expect(run.stdout).toContain(`npm run exercise -- verify ${ONE_REGION.id}`);
    // The step's title as its Chinese page has it (its first heading, without "步骤 N："), not the English one.
    const heading = /^# 步骤 \d+：(.+)$/m.exec(
      readFileSync(join(ROOT, "docs", "zh-CN", ONE_REGION.page), "utf8"),
    )?.[1];
    expect(heading).toMatch(/\p{Script=Han}/u);
    expect(run.stdout).toMatch(
      new RegExp(`^已开始：${ONE_REGION.source} 中 “${heading}” 的教程代码已换成 TODO。`),
    );
    expect(run.stdout).not.toContain(ONE_REGION.title);
    const task = Object.values(ONE_REGION.exercise?.tasks ?? {})[0]?.["zh-CN"] ?? "";
    expect(run.stdout).toContain(task);
    expect(read(ONE_REGION)).toContain("TODO（练习）：");
  });

  it("in Chinese without the Chinese page (a partial copy): the registry's title", async () => {
    rmSync(join(repo.root, "docs"), { recursive: true });
    const run = await exercise("start", ONE_REGION.id, "--lang", "zh-CN");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`“${ONE_REGION.title}”`);
  });

  it("a second start changes nothing and says the exercise is under way", async () => {
    await exercise("start", ONE_REGION.id);
    writeFileSync(join(repo.root, ONE_REGION.source), `${read(ONE_REGION)}// my work\n`);
    const again = await exercise("start", ONE_REGION.id);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Already started");
    expect(read(ONE_REGION)).toContain("// my work");
  });

  it("refuses a file with changes of the learner's own (exit 2): nothing is overwritten", async () => {
    writeFileSync(join(repo.root, ONE_REGION.source), `${solutionOf(ONE_REGION)}// local change\n`);
    const run = await exercise("start", ONE_REGION.id);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("has changes of yours");
    expect(read(ONE_REGION)).toContain("// local change");
  });
});

describe("hint", () => {
  it("shows one more hint each time, then says it was the last, in the language asked for", async () => {
    const hints = TWO_REGIONS.exercise?.hints ?? [];
    expect(hints.length).toBeGreaterThanOrEqual(2);
    const first = await exercise("hint", TWO_REGIONS.id);
    expect(first.stdout).toContain(`Hint 1/${hints.length}: ${hints[0]?.en}`);
    expect(first.stdout).not.toContain(hints[1]?.en ?? "?");
    expect(first.stdout).toContain(`Another hint: npm run exercise -- hint ${TWO_REGIONS.id}`);
    const second = await exercise("hint", TWO_REGIONS.id, "--lang", "zh-CN");
    expect(second.stdout).toContain(`提示 2/${hints.length}：${hints[1]?.["zh-CN"]}`);
    for (let i = 2; i < hints.length + 2; i++) await exercise("hint", TWO_REGIONS.id);
    const last = await exercise("hint", TWO_REGIONS.id);
    expect(last.stdout).toContain(`Hint ${hints.length}/${hints.length}:`);
    expect(last.stdout).toContain("That was the last hint");
    expect(progress().exercises[TWO_REGIONS.id].hintsShown).toBe(hints.length);
  });
});

describe("solution and reset", () => {
  it("solution prints the tutorial's code from git and leaves the learner's file alone", async () => {
    await exercise("start", TWO_REGIONS.id);
    const attempt = read(TWO_REGIONS);
    const run = await exercise("solution", TWO_REGIONS.id);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("identityClient.getToken(identityResponse, scopes)");
    expect(run.stdout).toContain("identityClient.getToken(identityResponse, scopes, tokenOptions)");
    expect(run.stdout).toContain(`npm run exercise -- reset ${TWO_REGIONS.id}`);
    expect(read(TWO_REGIONS)).toBe(attempt);
  });

  it("the solution is the commit the exercise started from, even after the learner commits an attempt", async () => {
    await exercise("start", ONE_REGION.id);
    execFileSync("git", [
      "-C",
      repo.root,
      "-c",
      "user.name=t",
      "-c",
      "user.email=t@example.com",
      "commit",
      "-qam",
      "wip",
    ]);
    await exercise("reset", ONE_REGION.id);
    expect(read(ONE_REGION)).toBe(solutionOf(ONE_REGION));
  });

  it("reset puts the tutorial's code back, keeps the attempt in the state folder, and clears the progress", async () => {
    await exercise("start", ONE_REGION.id);
    await exercise("hint", ONE_REGION.id);
    const attempt = `${read(ONE_REGION)}// my attempt\n`;
    writeFileSync(join(repo.root, ONE_REGION.source), attempt);
    const run = await exercise("reset", ONE_REGION.id);
    expect(run.code).toBe(0);
    expect(read(ONE_REGION)).toBe(solutionOf(ONE_REGION));
    // Named by the time of the reset (UTC), in a folder of the step's own.
    const kept = join(repo.state, "exercises", ONE_REGION.id, "2026-11-25T10-00-00Z.ts");
    expect(readFileSync(kept, "utf8")).toBe(attempt);
    expect(run.stdout).toContain(`Your attempt is kept in ${kept} (each reset keeps its own file there).`);
    expect(progress().exercises[ONE_REGION.id]).toMatchObject({
      startedAt: null,
      solution: null,
      hintsShown: 0,
    });
    const again = await exercise("reset", ONE_REGION.id);
    expect(again.stdout).toContain("is already the tutorial's code");
  });

  it("each reset keeps its own attempt: none is overwritten", async () => {
    const attempts = ["// first try\n", "// second try\n", "// third try\n"];
    for (const mine of attempts) {
      await exercise("start", ONE_REGION.id);
      writeFileSync(join(repo.root, ONE_REGION.source), `${read(ONE_REGION)}${mine}`);
      await exercise("reset", ONE_REGION.id);
    }
    const folder = join(repo.state, "exercises", ONE_REGION.id);
    // The same second (the test's clock stands still): -2, -3 after the first.
    const files = ["2026-11-25T10-00-00Z.ts", "2026-11-25T10-00-00Z-2.ts", "2026-11-25T10-00-00Z-3.ts"];
    expect(readdirSync(folder).sort()).toEqual([...files].sort());
    files.forEach((file, i) => {
      expect(readFileSync(join(folder, file), "utf8").endsWith(attempts[i] as string)).toBe(true);
    });
  });
});

describe("list, and mistakes on the command line", () => {
  it("list: every exercise in the tutorial's order, with its progress", async () => {
    await exercise("start", ONE_REGION.id);
    const run = await exercise("list");
    expect(run.code).toBe(0);
    const rows = run.stdout.split("\n").filter((line) => /^\s+\d+\. /.test(line));
    expect(rows.map((row) => row.trim().split(/\s+/)[1])).toEqual(EXERCISES.map((step) => step.id));
    expect(rows.find((row) => row.includes(ONE_REGION.id))).toContain("started");
    expect(rows.find((row) => row.includes(TWO_REGIONS.id))).toContain("not started");
  });

  it.each([
    [["start"], "start needs a step: one of"],
    [["start", "no-such-step"], "there is no exercise 'no-such-step'"],
    [["begin", "x"], "unknown command 'begin'"],
    [[], "say what to do"],
    [["list", "x"], "list takes no step"],
    [["hint", "a", "b"], "one step at a time"],
    [["hint", "x", "--lang", "de"], "--lang must be one of en, zh-CN"],
    [["list", "--bogus"], "Unknown option '--bogus'"],
    [["list", "--env-file", "no-such.env"], "--env-file no-such.env: there is no such file ("],
  ])("%j: exit 2, one line and where the help is (not the whole help)", async (args, message) => {
    const run = await exercise(...args);
    expect(run.code).toBe(2);
    const [first, second, ...rest] = run.stderr.split("\n");
    expect(first).toMatch(/^exercise: /);
    expect(first).toContain(message);
    expect(second).toBe("Run `npm run exercise -- --help` for the commands and options.");
    expect(rest).toEqual([""]);
    expect(run.stdout).toBe("");
  });

  it("--help: the whole help on stdout, exit 0", async () => {
    const run = await exercise("--help");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: npm run exercise -- <command> [STEP] [options]");
    expect(run.stdout).toMatch(/^ {2}--env-file FILE {3}read the settings/m);
  });

  it("--env-file: the state folder named in that file, not in .env", async () => {
    const room = join(repo.root, ".env.room");
    const elsewhere = join(repo.root, "room-state");
    writeFileSync(room, `ACS_QUICKSTART_STATE_DIR=${elsewhere}\n`);
    let stdout = "";
    const code = await runExerciseCommand(["start", ONE_REGION.id, "--env-file", room], {
      root: repo.root,
      env: { LANG: "C" },
      envFile: false,
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stdout += text) },
    });
    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(join(elsewhere, "exercises.json"), "utf8")).exercises).toHaveProperty(
      ONE_REGION.id,
    );
  });

  it("without git history (a downloaded archive): exit 2, and why", async () => {
    rmSync(join(repo.root, ".git"), { recursive: true });
    const run = await exercise("start", ONE_REGION.id);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/The exercises need a clone of the repository made with git/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(repo.state, "exercises.json"))).toBe(false);
  });
});

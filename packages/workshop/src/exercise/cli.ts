/**
 * `npm run exercise -- <command> [step]`: the samples as exercises. `start` replaces a step's tutorial code
 * with its task; `verify` runs the learner's code on the emulator and checks it from the emulator's journal;
 * `hint`, `solution` (from git), `reset` (back to the solution), `list` (progress). Everything a step needs is
 * in the step registry (its `exercise`); nothing here knows a step by its id.
 */
import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fromRoot, repoRoot, writeAtomic } from "@acs-quickstart/common";
import { type Language, stateDir as stateFolder } from "@acs-quickstart/core";
import { readRegion, regionSpans, STEPS, type TutorialStep } from "@acs-quickstart/runner";
import dotenv from "dotenv";
import { type CommandIO, readCommandLine } from "../io.js";
import type { CompileError } from "./judge.js";
import { EXERCISE_WORDS } from "./messages.js";
import { Progress, ProgressError } from "./progress.js";
import { exerciseSource, Git, GitError } from "./source.js";
import { inSample, type VerifyOptions, verifyStep } from "./verify.js";

const COMMANDS = ["list", "start", "verify", "hint", "solution", "reset"] as const;
type Command = (typeof COMMANDS)[number];

/** The steps that are exercises, in the tutorial's order. */
function exercises(): TutorialStep[] {
  return (STEPS as readonly TutorialStep[]).filter((step) => step.exercise !== undefined);
}

export function exerciseUsage(): string {
  const ids = exercises().map((step) => step.id);
  return `Usage: npm run exercise -- <command> [STEP] [options]

The tutorial's steps as exercises, on the real samples: \`start\` replaces a step's tutorial code (between its
// #region markers) with what to write; you write it; \`verify\` runs your code on the built-in emulator and
checks what it did from the emulator's journal: the right requests, scopes, lifetime, clean-up.

Commands:
  list              every exercise and your progress
  start STEP        replace the step's tutorial code with its task (the solution stays in git)
  verify STEP       run your code for the step and check it (exit 0 when it passes, 1 when not; a step
                    not started is refused with 2: it would check the tutorial's own code)
  hint STEP         one more hint each time
  solution STEP     show the tutorial's code for the step (your file is not changed)
  reset STEP        put the tutorial's code back (each attempt is kept: .quickstart/exercises/STEP/)

Steps: ${ids.join(", ")}

Options:
  --lang en|zh-CN   the language of tasks, hints and results (default: from LANG)
  --env-file FILE   read the settings (ACS_QUICKSTART_STATE_DIR) from FILE instead of .env
  -h, --help        show this help

Progress is kept in .quickstart/exercises.json (ACS_QUICKSTART_STATE_DIR moves it). Exit codes: 0 done (or
passed), 1 verify found a problem (your code does not compile, or did the wrong thing), 2 a usage error
(unknown step, verify of a step not started, no git history…).
`;
}

interface Context {
  root: string;
  language: Language;
  progress: Progress;
  git: Git;
  out: (text: string) => void;
  /** Where a refusal goes (stderr). */
  err: (text: string) => void;
  verify: VerifyOptions;
  now: () => Date;
  stateDir: string;
  /** The samples' compile errors, from the launcher (see ExerciseIO). */
  compileErrors: readonly CompileError[];
}

export interface ExerciseIO extends CommandIO {
  /** The repository the samples are in (default: this one). Tests use a copy. */
  root?: string;
  /** How verify runs (tests give the emulator a prepared signing key). */
  verify?: VerifyOptions;
  /**
   * Files of the samples that do not compile: scripts/launch-bundled.mjs bundles this command with the committed
   * version of each (so that every command still works) and hands their errors over. `verify` of such a step
   * fails with them, without running; `list` says which.
   */
  compileErrors?: readonly CompileError[];
}

/** Runs the exercise command with these arguments; resolves to the exit code. */
export async function runExerciseCommand(argv: readonly string[], io: ExerciseIO = {}): Promise<number> {
  const line = readCommandLine("exercise", exerciseUsage(), argv, io, {});
  if (typeof line === "number") return line;
  const { positionals, language, env, envFile, stdout, stderr, usageError } = line;
  const [command, id, ...extra] = positionals;
  if (!COMMANDS.includes(command as Command)) {
    return usageError(command === undefined ? "say what to do." : `unknown command '${command}'.`);
  }
  const words = EXERCISE_WORDS[language];
  const root = io.root ?? repoRoot();
  // The state folder as the quickstart finds it: ACS_QUICKSTART_STATE_DIR from the environment or .env.
  const dir = stateFolder(withDotenv(env, envFile, root));
  const context: Context = {
    root,
    language,
    progress: new Progress(dir),
    git: new Git(root),
    out: (text) => stdout.write(text),
    err: (text) => stderr.write(text),
    verify: io.verify ?? {},
    now: io.now ?? (() => new Date()),
    stateDir: dir,
    compileErrors: io.compileErrors ?? [],
  };
  if (command === "list") {
    if (id !== undefined) return usageError("list takes no step.");
    return guarded(() => list(context), stderr);
  }
  if (id === undefined)
    return usageError(
      words.needsStep(
        command as string,
        exercises().map((s) => s.id),
      ),
    );
  if (extra.length > 0) return usageError(`one step at a time (got ${extra.length + 1}).`);
  const step = exercises().find((s) => s.id === id);
  if (!step)
    return usageError(
      words.unknownStep(
        id,
        exercises().map((s) => s.id),
      ),
    );
  const run = { start, verify, hint, solution, reset }[command as Exclude<Command, "list">];
  return guarded(() => run(step, context), stderr);
}

/** The environment with `.env` added for variables it does not have, as the quickstart reads it. */
function withDotenv(
  env: NodeJS.ProcessEnv,
  envFile: string | false | undefined,
  root: string,
): NodeJS.ProcessEnv {
  const copy = { ...env };
  if (envFile !== false) {
    dotenv.config({
      path: envFile ?? join(root, ".env"),
      quiet: true,
      processEnv: copy as Record<string, string>,
    });
  }
  return copy;
}

/** Expected problems (git, the progress file) are a usage error: one message, exit 2, no stack trace. */
async function guarded(
  task: () => Promise<number>,
  stderr: { write(text: string): unknown },
): Promise<number> {
  try {
    return await task();
  } catch (error) {
    if (!(error instanceof GitError || error instanceof ProgressError)) throw error;
    stderr.write(`exercise: ${error.message}\n`);
    return 2;
  }
}

async function list({ progress, language, out, stateDir, compileErrors }: Context): Promise<number> {
  const words = EXERCISE_WORDS[language];
  const all = await progress.all();
  out(`${words.listTitle(`${fromRoot(stateDir)}/exercises.json`)}\n`);
  exercises().forEach((step, index) => {
    const record = all[step.id];
    const broken = compileErrors.some((error) => inSample(step, error.file));
    const status = `${words.status(record)}${broken ? `, ${words.doesNotCompile}` : ""}`;
    out(`  ${String(index + 1).padStart(2)}. ${step.id.padEnd(28)} ${status}\n`);
  });
  return 0;
}

/**
 * The step's title in the language asked for: for Chinese, the heading of its zh-CN tutorial page (without its
 * `步骤 N：`); the registry's (English) title when that page has none.
 */
async function titleOf(step: TutorialStep, { root, language }: Context): Promise<string> {
  if (language === "en") return step.title;
  const page = await readFile(join(root, "docs", language, step.page), "utf8").catch(() => "");
  const heading = /^# +(.+?)\s*$/m.exec(page)?.[1];
  return heading?.replace(/^步骤\s*\d+\s*[：:]\s*/, "") || step.title;
}

async function start(step: TutorialStep, context: Context): Promise<number> {
  const { root, git, progress, language, out } = context;
  const words = EXERCISE_WORDS[language];
  const record = await progress.get(step.id);
  const file = join(root, step.source);
  const current = await readFile(file, "utf8");
  const commit = await git.head();
  const solution = await git.show(commit, step.source);
  if (record.startedAt !== null && current !== solution) {
    out(`${words.alreadyStarted(step.source, step.id)}\n`);
    return 0;
  }
  if (current !== solution) {
    context.err(`exercise: ${words.changed(step.source, step.id)}\n`);
    return 2;
  }
  const exercise = step.exercise as NonNullable<TutorialStep["exercise"]>;
  await writeAtomic(file, exerciseSource(step.source, solution, step.id, exercise, language));
  await progress.update(step.id, (r) => ({
    ...r,
    startedAt: context.now().toISOString(),
    solution: commit,
    hintsShown: 0,
    attempts: 0,
  }));
  out(`${words.started(step, await titleOf(step, context), step.source)}\n`);
  return 0;
}

async function verify(step: TutorialStep, context: Context): Promise<number> {
  const { progress, language, out, compileErrors } = context;
  const words = EXERCISE_WORDS[language];
  if ((await progress.get(step.id)).startedAt === null) {
    // The file is the tutorial's code: a pass would say nothing of the learner's.
    context.err(`exercise: ${words.notStarted(step.source, step.id)}\n`);
    return 2;
  }
  const result = await verifyStep(step, { ...context.verify, compileErrors });
  const record = await progress.update(step.id, (r) => ({
    ...r,
    attempts: r.attempts + 1,
    passedAt: r.passedAt ?? (result.failures.length === 0 ? context.now().toISOString() : null),
  }));
  out(words.verdict(step, result, record));
  const others = new Set(compileErrors.filter((e) => !inSample(step, e.file)).map((e) => e.file));
  for (const file of others) out(`${words.otherDoesNotCompile(file)}\n`);
  return result.failures.length === 0 ? 0 : 1;
}

async function hint(step: TutorialStep, { progress, language, out }: Context): Promise<number> {
  const words = EXERCISE_WORDS[language];
  const hints = step.exercise?.hints ?? [];
  const record = await progress.update(step.id, (r) => ({
    ...r,
    hintsShown: Math.min(r.hintsShown + 1, hints.length),
  }));
  hints.slice(0, record.hintsShown).forEach((text, index) => {
    out(`${words.hintLabel(index + 1, hints.length)}${text[language]}\n`);
  });
  out(`${record.hintsShown < hints.length ? words.moreHints(step.id) : words.noMoreHints(step.id)}\n`);
  return 0;
}

/** The file as the exercise's commit has it (HEAD when the exercise was never started). */
async function solutionSource(step: TutorialStep, { git, progress }: Context): Promise<string> {
  const record = await progress.get(step.id);
  return git.show(record.solution ?? (await git.head()), step.source);
}

async function solution(step: TutorialStep, context: Context): Promise<number> {
  const words = EXERCISE_WORDS[context.language];
  const source = await solutionSource(step, context);
  for (const span of regionSpans(step.source, source)) {
    context.out(`// ${step.source} (${span.name})\n${readRegion(step.source, span.name, source)}\n\n`);
  }
  context.out(`${words.solutionNote(step.id)}\n`);
  return 0;
}

async function reset(step: TutorialStep, context: Context): Promise<number> {
  const { root, progress, language, out, stateDir } = context;
  const words = EXERCISE_WORDS[language];
  const file = join(root, step.source);
  const solution = await solutionSource(step, context);
  const current = await readFile(file, "utf8");
  if (current !== solution) {
    // The learner's attempt is kept, never silently lost: each reset its own file, named by its time.
    const kept = await keptAttemptFile(join(stateDir, "exercises", step.id), context.now());
    await writeAtomic(kept, current);
    await writeAtomic(file, solution);
    out(`${words.reset(step.source, fromRoot(kept))}\n`);
  } else {
    out(`${words.nothingToReset(step.source)}\n`);
  }
  await progress.update(step.id, (r) => ({
    ...r,
    startedAt: null,
    solution: null,
    hintsShown: 0,
    attempts: 0,
  }));
  return 0;
}

/**
 * A new file for an attempt: `<folder>/<time>.ts` (UTC, `2026-11-25T10-00-00Z.ts`, in the order they were made),
 * with `-2`, `-3`… when that second has one already.
 */
async function keptAttemptFile(folder: string, now: Date): Promise<string> {
  const stamp = now
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replaceAll(":", "-");
  for (let n = 1; ; n++) {
    const file = join(folder, `${stamp}${n > 1 ? `-${n}` : ""}.ts`);
    if (
      !(await access(file).then(
        () => true,
        () => false,
      ))
    )
      return file;
  }
}

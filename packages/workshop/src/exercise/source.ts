/**
 * A step's source as an exercise: each `// #region` of the tutorial code is replaced by its task (the TODO), and
 * put back from git. The solution is never copied: it is the file as git has it.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Language, Texts } from "@acs-quickstart/core";
import { regionSpans, type StepExercise } from "@acs-quickstart/runner";

const run = promisify(execFile);

/** What the TODO comments say around the task, in each language. */
const TODO: Record<
  Language,
  {
    task: string;
    uses: (names: string[]) => string;
    check: (id: string) => string;
    help: (id: string) => string;
  }
> = {
  en: {
    task: "TODO (exercise):",
    uses: (names) => `The code after this region uses: ${names.join(", ")}.`,
    check: (id) => `Check your code: npm run exercise -- verify ${id}`,
    help: (id) => `Stuck? npm run exercise -- hint ${id}`,
  },
  "zh-CN": {
    task: "TODO（练习）：",
    uses: (names) => `这个区域之后的代码会用到：${names.join("、")}。`,
    check: (id) => `检查你的代码：npm run exercise -- verify ${id}`,
    help: (id) => `需要提示：npm run exercise -- hint ${id}`,
  },
};

/** The widest a TODO comment line gets (the repository's line width, Biome's `lineWidth`). */
const WIDTH = 110;

/**
 * The source with every tutorial region replaced by its task: the markers stay, the code between them goes,
 * and the TODO says what to write, which names the code after the region needs, and how to check.
 * @throws {Error} when a region of the source has no task, or a task names a region the source lacks.
 */
export function exerciseSource(
  file: string,
  source: string,
  stepId: string,
  exercise: StepExercise,
  language: Language,
): string {
  const lines = source.split("\n");
  const spans = regionSpans(file, source);
  const tasks = exercise.tasks as Readonly<Record<string, Texts>>;
  for (const name of Object.keys(tasks)) {
    if (!spans.some((span) => span.name === name)) {
      throw new Error(
        `The exercise of ${stepId} has a task for region '${name}', which ${file} does not have.`,
      );
    }
  }
  const words = TODO[language];
  // From the last region to the first, so that earlier line numbers stay right.
  for (const span of [...spans].reverse()) {
    const task = tasks[span.name];
    if (!task) throw new Error(`The exercise of ${stepId} has no task for region '${span.name}' of ${file}.`);
    const later = usedAfter(lines, span.start, span.end);
    const comment = (text: string) =>
      wrap(text, WIDTH - span.indent.length - 3).map((l) => `${span.indent}// ${l}`);
    const todo = [
      ...comment(`${words.task} ${task[language]}`),
      ...(later.length > 0 ? comment(words.uses(later)) : []),
      ...comment(words.check(stepId)),
      ...comment(words.help(stepId)),
    ];
    lines.splice(span.start + 1, span.end - span.start - 1, ...todo);
  }
  return lines.join("\n");
}

/**
 * The names a region declares (`const x`, `const { a, b: c }`) that the lines after it, up to the end of the
 * enclosing top-level function (a `}` in the first column), still use: what the learner's code must define.
 */
function usedAfter(lines: string[], start: number, end: number): string[] {
  const body = lines.slice(start + 1, end).join("\n");
  const declared = new Set<string>();
  for (const match of body.matchAll(/\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)/g))
    declared.add(match[1] as string);
  for (const match of body.matchAll(/\b(?:const|let|var)\s*\{([^}]*)\}/g)) {
    for (const part of (match[1] as string).split(",")) {
      const name = /(?:^|:)\s*([A-Za-z_$][\w$]*)\s*(?:=.*)?$/.exec(part.trim())?.[1];
      if (name) declared.add(name);
    }
  }
  const close = lines.findIndex((line, index) => index > end && line.startsWith("}"));
  const rest = lines.slice(end + 1, close < 0 ? undefined : close).join("\n");
  return [...declared].filter((name) =>
    new RegExp(`(?<![\\w$.])${name.replace(/\$/g, "\\$")}(?![\\w$])`).test(rest),
  );
}

/** Words wrapped to lines of at most `width` characters (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

/** Git's answers about the repository: the solution is the file as a commit has it. */
export class Git {
  constructor(readonly root: string) {}

  /** The commit checked out now (its full hash). @throws {GitError} when this is no git clone, or git is missing. */
  async head(): Promise<string> {
    return (await this.git(["rev-parse", "--verify", "HEAD"])).trim();
  }

  /** The file (a path from the root) as `commit` has it. */
  async show(commit: string, file: string): Promise<string> {
    return this.git(["show", `${commit}:${file}`]);
  }

  private async git(args: string[]): Promise<string> {
    try {
      const { stdout } = await run("git", ["-C", this.root, ...args], {
        encoding: "utf8",
        maxBuffer: 16 << 20,
      });
      return stdout;
    } catch (error) {
      const e = error as NodeJS.ErrnoException & { stderr?: string };
      throw new GitError(
        e.code === "ENOENT"
          ? "git is not installed: the exercises take their solutions from the repository's git history."
          : `git ${args[0]} failed: ${(e.stderr ?? e.message).trim().split("\n")[0]}. The exercises need a clone of the repository made with git (not a downloaded archive).`,
      );
    }
  }
}

/** Git cannot give what an exercise needs: a usage problem (exit 2), with what to do. */
export class GitError extends Error {
  override readonly name = "GitError";
}

/** What the docs tool reports, and how a person reads it. */

export interface Problem {
  /** Path relative to the root, e.g. docs/en/01-create-identity.md. */
  file: string;
  line?: number;
  /** The marker concerned, as written on the page. */
  marker?: string;
  message: string;
  /** A short unified-style diff, expected vs found. */
  diff?: string;
  /** What to do about it. */
  fix?: string;
}

export const FIX_UPDATE = "run npm run docs:update if the sample change is intended";

/** The problems as a person reads them: page, line, marker, what is wrong, the diff, the fix. */
export function formatProblems(problems: readonly Problem[]): string {
  return problems
    .map((problem) => {
      const where = problem.line ? `${problem.file}:${problem.line}` : problem.file;
      const lines = [`✖ ${where}: ${problem.message}`];
      if (problem.marker) lines.push(`  marker: ${problem.marker}`);
      if (problem.diff) lines.push(...problem.diff.split("\n").map((line) => `    ${line}`));
      if (problem.fix) lines.push(`  fix: ${problem.fix}`);
      return lines.join("\n");
    })
    .join("\n\n");
}

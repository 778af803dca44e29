/**
 * npm run docs:check  — are the tutorial pages true to the samples and to a real run? Changes nothing.
 * npm run docs:update — rewrite the pages' code blocks from the samples and output blocks from a fresh run.
 *
 * Usage: tsx packages/docs-tool/src/cli.ts check|update [--root DIR] [--outputs FILE]
 * Exit codes: 0 all good, 1 a page needs attention, 2 usage error.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type CapturedOutputs, captureOutputs } from "./capture.js";
import { checkDocs, type DocsOptions, formatProblems, updateDocs } from "./check.js";

export const USAGE = `Usage: tsx packages/docs-tool/src/cli.ts <check|update> [options]

  check              check docs/<language>/*.md against the samples and a fresh quickstart run; changes nothing
  update             rewrite snippet blocks from the samples and output blocks from a fresh run

Options
  --root DIR         the repository to work on (default: this repository)
  --outputs FILE     use outputs captured earlier (JSON: {"steps":{"<id>":["line",…]},"quickstart":["line",…]})
                     instead of running the quickstart
  --help             show this help

Exit codes: 0 all good, 1 a page needs attention, 2 usage error.`;

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const stdio: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/** Overrides for tests: the step ids and captured outputs of a fixture tree. */
export interface MainOverrides {
  steps?: readonly string[];
  outputs?: DocsOptions["outputs"];
  io?: Io;
}

class UsageError extends Error {}

function parse(argv: readonly string[]): {
  command: "check" | "update" | "help";
  root: string;
  outputs?: string;
} {
  const args = argv[0] === "--" ? argv.slice(1) : [...argv];
  let command: "check" | "update" | "help" | undefined;
  let root = REPO_ROOT;
  let outputs: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const value = () => {
      const next = args[++i];
      if (next === undefined || next.startsWith("--")) throw new UsageError(`${arg} needs a value.`);
      return next;
    };
    if (arg === "--help" || arg === "-h") command = "help";
    else if (arg === "--root") root = resolve(value());
    else if (arg === "--outputs") outputs = resolve(value());
    else if (arg === "check" || arg === "update") {
      if (command && command !== "help")
        throw new UsageError(`Choose one command: check or update (got both).`);
      command ??= arg;
    } else
      throw new UsageError(arg.startsWith("-") ? `Unknown option '${arg}'.` : `Unknown command '${arg}'.`);
  }
  if (!command) throw new UsageError("Missing command: check or update.");
  return { command, root, ...(outputs ? { outputs } : {}) };
}

function readOutputsFile(file: string): CapturedOutputs {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`--outputs ${file}: ${(error as Error).message}`);
  }
  const value = data as Partial<CapturedOutputs>;
  if (
    typeof value !== "object" ||
    value === null ||
    typeof value.steps !== "object" ||
    !Array.isArray(value.quickstart)
  ) {
    throw new UsageError(`--outputs ${file}: expected {"steps":{…},"quickstart":[…]}.`);
  }
  return value as CapturedOutputs;
}

async function defaultSteps(): Promise<readonly string[]> {
  const { STEP_IDS } = await import("@acs-quickstart/runner");
  return STEP_IDS;
}

/** Runs a docs command; resolves to the exit code. */
export async function main(argv: readonly string[], overrides: MainOverrides = {}): Promise<number> {
  const io = overrides.io ?? stdio;
  let parsed: ReturnType<typeof parse>;
  let outputs: DocsOptions["outputs"];
  try {
    parsed = parse(argv);
    if (parsed.command === "help") {
      io.out(USAGE);
      return 0;
    }
    outputs = parsed.outputs
      ? readOutputsFile(parsed.outputs)
      : (overrides.outputs ?? (() => captureOutputs(parsed.root)));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  const options: DocsOptions = {
    root: parsed.root,
    steps: overrides.steps ?? (await defaultSteps()),
    outputs,
  };
  const result = parsed.command === "update" ? await updateDocs(options) : await checkDocs(options);
  if ("changed" in result) {
    for (const page of result.changed as string[]) io.out(`updated ${page}`);
    if ((result.changed as string[]).length === 0) io.out("docs:update: every page was already up to date.");
  }
  for (const note of result.notes) io.out(`note: ${note}`);
  if (result.problems.length > 0) {
    io.err(formatProblems(result.problems));
    const count = result.problems.length;
    io.err(
      `\ndocs:${parsed.command}: ${count} problem${count === 1 ? "" : "s"} in the docs.` +
        (parsed.command === "check" ? " If a sample's change is intended, run npm run docs:update." : ""),
    );
    return 1;
  }
  io.out(`docs:${parsed.command}: ${result.pages.length} pages ok (snippets, outputs, pages, links).`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // An unexpected error is a bug in this tool: show where it happened.
      process.stderr.write(
        `docs: stopped unexpectedly: ${error instanceof Error ? error.stack : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}

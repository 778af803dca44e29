/**
 * npm run docs:check  — are the tutorial pages and README.md's steps table true to the step registry, the
 *                       samples and a real run? Changes nothing.
 * npm run docs:update — rewrite the pages' code blocks from the samples, their output blocks from a fresh
 *                       run and README.md's steps table from the registry.
 *
 * Usage: node scripts/launch.mjs packages/docs-tool/src/cli.ts check|update [--root DIR] [--outputs FILE]
 * Exit codes: 0 all good, 1 a page needs attention, 2 usage error.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { STEPS } from "@acs-quickstart/runner";
import { type CapturedOutputs, captureOutputs } from "./capture.js";
import { checkDocs, type DocsOptions, updateDocs } from "./check.js";
import { formatProblems } from "./problems.js";

export const USAGE = `Usage: npm run docs:check|docs:update -- [options]
       node scripts/launch.mjs packages/docs-tool/src/cli.ts <check|update> [options]

  check              check docs/<language>/*.md and README.md's steps table against the step registry, the
                     samples and a fresh quickstart run; changes nothing
  update             rewrite snippet blocks from the samples, output blocks from a fresh run and the rows of
                     README.md's steps table from the step registry

Options
  --root DIR         the repository to work on (default: this repository)
  --outputs FILE     use outputs captured earlier (JSON: {"steps":{"<id>":["line",…]},"quickstart":["line",…]})
                     instead of running the quickstart
  --help             show this help

Relative paths are relative to the folder npm was run in: the repository root for npm run docs:check.

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

/** Overrides for tests: the steps and captured outputs of a fixture tree. */
export interface MainOverrides {
  steps?: DocsOptions["steps"];
  outputs?: DocsOptions["outputs"];
  tables?: DocsOptions["tables"];
  io?: Io;
}

class UsageError extends Error {}

/** parseArgs' complaints, in this tool's words. */
function usageError(error: Error & { code?: string }): UsageError {
  const option = /'(-[^\s']*)/.exec(error.message)?.[1] ?? "";
  if (error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return new UsageError(`Unknown option '${option}'.`);
  if (error.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    return new UsageError(`${option.replace(/ .*/, "")} needs a value.`);
  }
  return new UsageError(error.message);
}

function parse(argv: readonly string[]): {
  command: "check" | "update" | "help";
  root: string;
  outputs?: string;
} {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    throw usageError(error as Error);
  }
  const { values, positionals } = parsed;
  // npm runs a script in its package's folder and says in INIT_CWD where it was run. (The root scripts run
  // this one through a second npm, whose INIT_CWD is the repository root.)
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const root = values.root === undefined ? REPO_ROOT : resolve(cwd, values.root);
  const outputs = values.outputs === undefined ? {} : { outputs: resolve(cwd, values.outputs) };
  if (values.help) return { command: "help", root, ...outputs };
  const unknown = positionals.find((arg) => arg !== "check" && arg !== "update");
  if (unknown !== undefined) throw new UsageError(`Unknown command '${unknown}'.`);
  if (new Set(positionals).size > 1) throw new UsageError("Choose one command: check or update (got both).");
  const command = positionals[0] as "check" | "update" | undefined;
  if (!command) throw new UsageError("Missing command: check or update.");
  return { command, root, ...outputs };
}

function parseOptions(argv: readonly string[]) {
  return parseArgs({
    args: argv[0] === "--" ? argv.slice(1) : [...argv],
    options: {
      root: { type: "string" },
      outputs: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
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
    steps: overrides.steps ?? STEPS,
    outputs,
    ...(overrides.tables ? { tables: overrides.tables } : {}),
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
  io.out(
    `docs:${parsed.command}: ${result.pages.length} page${result.pages.length === 1 ? "" : "s"} ok (snippets, outputs, tables, events, pages, links, .env.sample) and README.md's steps table.`,
  );
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

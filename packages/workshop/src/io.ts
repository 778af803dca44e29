/**
 * Where a workshop command reads and writes (the process by default; tests run the commands in-process with
 * their own environment, streams and clock), and its command line (node:util parseArgs).
 */
import { statSync } from "node:fs";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { typedPath } from "@acs-quickstart/common";
import type { Language } from "@acs-quickstart/core";
import { pickLanguage } from "./language.js";

export interface CommandIO {
  /** Default `process.env`; `.env` values are added to a copy for variables it does not have. */
  env?: NodeJS.ProcessEnv;
  /** The `.env` file, or `false` for none. Default `<repo root>/.env`. */
  envFile?: string | false;
  stdin?: NodeJS.ReadableStream;
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown };
  /** The current time (tests fix it). */
  now?: () => Date;
}

/** A command line read and checked, with where the command writes. */
export interface CommandLine {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  language: Language;
  env: NodeJS.ProcessEnv;
  /** The file of KEY=value lines to read the configuration from: `--env-file`'s, else the IO's (see CommandIO). */
  envFile: string | false | undefined;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /**
   * Writes `<name>: <message>` and a line that points to `--help` on stderr (not the whole help, as the
   * quickstart does); returns the exit code of a usage error, 2.
   */
  usageError(message: string): number;
}

/**
 * Reads `argv` (strictly: an unknown option is a usage error) with the command's own options plus `--env-file`,
 * `--lang` and `-h, --help`. Returns the exit code when there is nothing left to do: 0 after the help, 2 after a
 * mistake.
 */
export function readCommandLine(
  name: string,
  usage: string,
  argv: readonly string[],
  io: CommandIO,
  options: NonNullable<ParseArgsConfig["options"]>,
): CommandLine | number {
  const env = io.env ?? process.env;
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const usageError = (message: string) => {
    stderr.write(`${name}: ${message}\nRun \`npm run ${name} -- --help\` for the commands and options.\n`);
    return 2;
  };
  let values: CommandLine["values"];
  let positionals: string[];
  let language: Language;
  try {
    ({ values, positionals } = parseArgs({
      // npm passes through a leading `--` in some setups (`npm run token -- -- inspect …`).
      args: argv[0] === "--" ? argv.slice(1) : [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        ...options,
        "env-file": { type: "string" },
        lang: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
    language = pickLanguage(values.lang as string | undefined, env);
  } catch (error) {
    return usageError((error as Error).message);
  }
  if (values.help) {
    stdout.write(usage);
    return 0;
  }
  let envFile = io.envFile;
  const given = values["env-file"];
  if (typeof given === "string") {
    if (given.trim() === "") {
      return usageError("--env-file needs the path of a file of KEY=value lines, e.g. --env-file .env.room.");
    }
    const file = typedPath(given, env);
    if (!statSync(file, { throwIfNoEntry: false })?.isFile()) {
      return usageError(
        `--env-file ${given}: there is no such file (${file}). Give the path of a file of KEY=value lines, e.g. the .env.room the room's emulator writes.`,
      );
    }
    envFile = file;
  }
  return { values, positionals, language, env, envFile, stdout, stderr, usageError };
}

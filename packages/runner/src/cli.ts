/**
 * The command line of `npm run quickstart`: one option table drives parsing (node:util `parseArgs`) and the
 * help text. Parsing only reads the arguments; it never looks at the environment or the disk.
 */
import { parseArgs as parseTokens } from "node:util";
import { optionsTakenByNpm as npmTook } from "@acs-quickstart/common";
import { TOKEN_LIFETIME_MINUTES, TOKEN_SCOPES } from "@acs-quickstart/core";
import type { TokenScope } from "@azure/communication-identity";
import { SETTINGS } from "./settings.js";
import { type Part, STEP_IDS, STEPS, type StepId } from "./steps.js";

/** What the user asked for on the command line. */
export interface RunOptions {
  mode: "auto" | "emulator" | "live";
  /** The steps to run, in the tutorial's order. */
  steps: StepId[];
  scopes: TokenScope[];
  expiresInMinutes: number | undefined;
  pause: boolean;
  json: boolean;
  keep: boolean;
  /** Keep only the identity the steps share, for the next step (what `npm start` in a sample does). */
  keepForNextStep: boolean;
  showSecrets: boolean;
  list: boolean;
  help: boolean;
  /** `--env-file FILE`: read the configuration from this file instead of `<repository root>/.env`. */
  envFile: string | undefined;
  /** `--clean-up`: delete what earlier runs left for the resource, and run no step. */
  cleanUp: boolean;
  /** The options given on the command line, by long name (`scopes`, `expires-in`, …): not their defaults. */
  given: ReadonlySet<string>;
}

/** A mistake on the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

interface OptionSpec {
  /** The long name, without `--`. */
  name: string;
  short?: string;
  /** The value's placeholder in the help (`ID`, `MINUTES`); options without one are flags. */
  value?: string;
  /** Repeatable (`--step a --step b`). */
  multiple?: boolean;
  help: string;
}

interface OptionGroup {
  title: string;
  options: OptionSpec[];
}

const { min, max } = TOKEN_LIFETIME_MINUTES;

/** THE option table: parsing and `--help` both come from it. */
export const OPTION_GROUPS: readonly OptionGroup[] = [
  {
    title: "Mode",
    options: [
      { name: "emulator", help: "use the built-in emulator even when a resource is configured" },
      { name: "live", help: "use the configured resource (fails when none is configured)" },
      {
        name: "env-file",
        value: "FILE",
        help: "read the configuration from FILE instead of .env (e.g. a workshop's emulator, beside your own)",
      },
    ],
  },
  {
    title: "Which steps (ids as listed by --list; the steps always run in the tutorial's order)",
    options: [
      { name: "list", help: "list the steps of both parts and their tutorial pages, then exit" },
      {
        name: "part",
        value: "1|2|all",
        help:
          "1: Microsoft's quickstart, the six steps (the default)\n" +
          "2: after the token: a token service and a chat client that uses and refreshes the token\n" +
          "all: both parts, one after the other",
      },
      { name: "step", value: "ID", multiple: true, help: "run only this step (repeatable)" },
      { name: "from", value: "ID", help: "start at this step (in its part, unless --part says more)" },
      { name: "to", value: "ID", help: "stop after this step (in its part, unless --part says more)" },
    ],
  },
  {
    title: "Tokens",
    options: [
      { name: "scopes", value: "a,b", help: `scopes to ask for (default voip): ${TOKEN_SCOPES.join(", ")}` },
      {
        name: "expires-in",
        value: "MINUTES",
        help:
          "a custom token lifetime (default: 1440 = 24 h; step 2's custom token: 60)\n" +
          `the service accepts ${min} to ${max}; other values are sent anyway, to see its answer (400)`,
      },
    ],
  },
  {
    title: "Output",
    options: [
      { name: "json", help: "NDJSON events on stdout, human messages on stderr" },
      { name: "show-secrets", help: "print access tokens in full (they are masked by default)" },
      { name: "pause", help: "before each step, show its code and wait for Enter (for workshops)" },
    ],
  },
  {
    title: "Clean-up",
    options: [
      {
        name: "keep",
        help: "keep the identities this run makes (they stay in .quickstart/identities.json)",
      },
      {
        name: "keep-for-next-step",
        help:
          "keep only the identity the steps share, for the next step; delete the others\n" +
          "(what `npm start` in a sample's folder does, to follow the tutorial step by step)",
      },
      {
        name: "clean-up",
        help: "run no step: delete the chat threads and identities earlier runs left for the resource\n(the summary lists them)",
      },
    ],
  },
  { title: "", options: [{ name: "help", short: "h", help: "show this help" }] },
];

const OPTIONS = OPTION_GROUPS.flatMap((group) => group.options);

function flags(option: OptionSpec): string {
  const long = `--${option.name}${option.value ? ` ${option.value}` : ""}`;
  return option.short ? `-${option.short}, ${long}` : long;
}

/** The help text, from the option table and the runner's settings. */
export function usage(): string {
  const column = 24;
  const row = (left: string, text: string) =>
    text
      .split("\n")
      .map((line, i) => `  ${(i === 0 ? left : "").padEnd(column)}${line}`)
      .join("\n");
  const groups = OPTION_GROUPS.map((group) =>
    [...(group.title ? [group.title] : []), ...group.options.map((o) => row(flags(o), o.help))].join("\n"),
  );
  const environment = SETTINGS.filter((setting) => setting.documented).map((setting) =>
    `  ${setting.variable.padEnd(36)}${setting.summary}`.trimEnd(),
  );
  return [
    "Usage: npm run quickstart -- [options]",
    "",
    'Runs the tutorial "Create and manage access tokens" step by step: on the built-in emulator when no',
    "Azure Communication Services resource is configured, otherwise against your resource. Part 2 (--part 2)",
    "goes on after the token: a token service for your app's users, and a chat client that refreshes its token.",
    "",
    groups.join("\n\n"),
    "",
    "Environment",
    ...environment,
    "",
    "Exit codes: 0 all steps ok, 1 a step failed or an identity could not be deleted,",
    "2 configuration, state or usage error (nothing was run), 129 the terminal was closed (SIGHUP),",
    "130 interrupted (Ctrl-C), 143 terminated (SIGTERM).",
  ].join("\n");
}

function stepId(value: string | undefined, flag: string): StepId {
  const valid = `Valid step ids: ${STEP_IDS.join(", ")}.`;
  if (value === undefined || value === "") throw new UsageError(`${flag} needs a step id. ${valid}`);
  if (!(STEP_IDS as readonly string[]).includes(value)) {
    throw new UsageError(`Unknown step id '${value}' for ${flag}. ${valid}`);
  }
  return value as StepId;
}

/** `--part 2`: the parts to run. */
function parsePart(value: string | undefined): Part[] {
  const valid = "Valid values: 1, 2 or all (e.g. --part 2).";
  if (value === undefined || value.trim() === "") throw new UsageError(`--part needs a value. ${valid}`);
  const part = value.trim().toLowerCase();
  if (part === "all") return [1, 2];
  if (part === "1" || part === "2") return [Number(part) as Part];
  throw new UsageError(`Unknown part '${value}' for --part. ${valid}`);
}

const partOf = (id: StepId): Part => (STEPS.find((step) => step.id === id)?.part ?? 1) as Part;

/** `--scopes chat,voip`: known scopes, comma-separated, duplicates dropped. */
export function parseScopes(value: string | undefined): TokenScope[] {
  const valid = `Valid scopes: ${TOKEN_SCOPES.join(", ")} (comma-separated, e.g. --scopes chat,voip).`;
  if (value === undefined || value.trim() === "") {
    throw new UsageError(`--scopes needs at least one scope. ${valid}`);
  }
  const scopes = value.split(",").map((scope) => scope.trim());
  for (const scope of scopes) {
    if (scope === "") throw new UsageError(`--scopes has an empty entry in '${value}'. ${valid}`);
    if (!(TOKEN_SCOPES as readonly string[]).includes(scope)) {
      throw new UsageError(`Unknown scope '${scope}' in --scopes. ${valid}`);
    }
  }
  return [...new Set(scopes)] as TokenScope[];
}

/**
 * `--expires-in 90`: a whole number of minutes, 1 or more. A value outside the range the service accepts
 * ({@link TOKEN_LIFETIME_MINUTES}: 60 to 1440) is still sent, so that the service itself answers it (400
 * ValidationError, "Value must be within the [60, 1440] interval."): see {@link outsideServiceRange}.
 * @throws {UsageError} for anything else: no value, not a whole number (decimals, signs, exponents), 0.
 */
export function parseExpiresIn(value: string | undefined): number {
  const valid = `Valid values: a whole number of minutes; the service accepts ${min} to ${max} (for example --expires-in 60).`;
  if (value === undefined || value.trim() === "") {
    throw new UsageError(`--expires-in needs a number of minutes. ${valid}`);
  }
  if (!/^\d+$/.test(value.trim()))
    throw new UsageError(`--expires-in '${value}' is not a whole number. ${valid}`);
  const minutes = Number(value.trim());
  if (minutes < 1) throw new UsageError(`--expires-in ${minutes}: a token lives at least a minute. ${valid}`);
  return minutes;
}

/**
 * The note for a `--expires-in` the service will refuse (outside 60 to 1440 minutes), or undefined. The run
 * sends it anyway: the step then fails with the service's own 400, which is what a workshop exercise shows.
 */
export function outsideServiceRange(minutes: number | undefined): string | undefined {
  if (minutes === undefined || (minutes >= min && minutes <= max)) return undefined;
  return `--expires-in ${minutes} is outside the range the service accepts (${min} to ${max} minutes): it is sent anyway, and the service will refuse it (400 ValidationError).`;
}

type Token = ReturnType<typeof parseTokens>["tokens"] extends (infer T)[] | undefined ? T : never;

/**
 * Each option's values in order (a flag's value is `true`; a forgotten value is ""), checked against the
 * table: unknown options, positional arguments, values given to flags.
 */
function readTokens(argv: readonly string[]): Map<string, Array<string | true>> {
  // npm passes through a leading `--` in some setups (`npm run quickstart -- -- --json`).
  const args = argv[0] === "--" ? argv.slice(1) : [...argv];
  const { tokens } = parseTokens({
    args,
    strict: false,
    allowPositionals: true,
    tokens: true,
    options: Object.fromEntries(
      OPTIONS.map((o) => [
        o.name,
        { type: o.value ? "string" : "boolean", ...(o.short ? { short: o.short } : {}) } as const,
      ]),
    ),
  });
  const values = new Map<string, Array<string | true>>();
  for (const token of tokens as Token[]) {
    if (token.kind === "positional") {
      throw new UsageError(`Unexpected argument '${token.value}' (options start with --).`);
    }
    if (token.kind === "option-terminator") continue;
    const option = OPTIONS.find((o) => o.name === token.name);
    if (!option) throw new UsageError(`Unknown option '${token.rawName}'.`);
    const flag = `--${option.name}`;
    let value: string | true = true;
    if (option.value) {
      // A value that looks like the next option means the value was forgotten (`--step --json`).
      const forgotten = token.value === undefined || (!token.inlineValue && token.value.startsWith("--"));
      value = forgotten ? "" : (token.value as string);
    } else if (token.inlineValue) {
      throw new UsageError(`${flag} takes no value (got '${token.rawName}=${token.value}').`);
    }
    values.set(option.name, [...(values.get(option.name) ?? []), value]);
  }
  return values;
}

/** Parses the runner's arguments. Throws UsageError for anything it does not understand. */
export function parseArgs(argv: readonly string[]): RunOptions {
  const values = readTokens(argv);
  const has = (name: string) => values.has(name);
  const last = (name: string) => {
    const value = values.get(name)?.at(-1);
    return typeof value === "string" ? value : undefined;
  };
  if (has("emulator") && has("live")) {
    throw new UsageError("--emulator and --live exclude each other: choose one.");
  }
  const only = (values.get("step") ?? []).map((v) => stepId(typeof v === "string" ? v : "", "--step"));
  const from = has("from") ? stepId(last("from"), "--from") : undefined;
  const to = has("to") ? stepId(last("to"), "--to") : undefined;
  if (only.length > 0 && (from || to)) {
    throw new UsageError("--step cannot be combined with --from or --to: use one way of choosing steps.");
  }
  if (only.length > 0 && has("part")) {
    throw new UsageError(
      "--step cannot be combined with --part: --step runs the steps it names, in any part.",
    );
  }
  const index = (id: StepId) => STEP_IDS.indexOf(id);
  if (from && to && index(from) > index(to)) {
    throw new UsageError(`--from ${from} comes after --to ${to} in the tutorial: nothing would run.`);
  }
  if (has("clean-up") && (only.length > 0 || from || to || has("part"))) {
    throw new UsageError("--clean-up runs no step: leave out --step, --from, --to and --part.");
  }
  // The parts: as --part says; else those of the steps --from and --to name (and any between); else part 1.
  const named = [from, to].filter((id): id is StepId => id !== undefined).map(partOf);
  const parts: Part[] = has("part")
    ? parsePart(last("part"))
    : named.length > 0
      ? ([1, 2] as Part[]).filter((p) => p >= Math.min(...named) && p <= Math.max(...named))
      : [1];
  for (const [flag, id] of [["--from", from] as const, ["--to", to] as const]) {
    if (id && !parts.includes(partOf(id))) {
      throw new UsageError(
        `${flag} ${id} is a step of part ${partOf(id)}, which --part ${last("part")} leaves out.`,
      );
    }
  }
  const inParts = STEP_IDS.filter((id) => parts.includes(partOf(id)));
  const first = from ? index(from) : index(inParts[0] as StepId);
  const lastIndex = to ? index(to) : index(inParts.at(-1) as StepId);
  const steps =
    only.length > 0
      ? STEP_IDS.filter((id) => only.includes(id))
      : inParts.filter((id) => index(id) >= first && index(id) <= lastIndex);
  return {
    mode: has("emulator") ? "emulator" : has("live") ? "live" : "auto",
    steps: has("clean-up") ? [] : steps,
    scopes: has("scopes") ? parseScopes(last("scopes")) : ["voip"],
    expiresInMinutes: has("expires-in") ? parseExpiresIn(last("expires-in")) : undefined,
    pause: has("pause"),
    json: has("json"),
    keep: has("keep"),
    keepForNextStep: has("keep-for-next-step"),
    showSecrets: has("show-secrets"),
    list: has("list"),
    help: has("help"),
    envFile: has("env-file") ? envFileValue(last("env-file")) : undefined,
    cleanUp: has("clean-up"),
    given: new Set(values.keys()),
  };
}

function envFileValue(value: string | undefined): string {
  if (value === undefined || value.trim() === "") {
    throw new UsageError(
      "--env-file needs the path of a file of KEY=value lines, e.g. --env-file workshop.env.",
    );
  }
  return value;
}

/** The one line a usage error ends with, instead of the whole help. */
export const HELP_POINTER = "Run `npm run quickstart -- --help` for the options.";

/**
 * `npm run quickstart --list` (without `--`) makes npm take `--list` as its own setting (common's
 * optionsTakenByNpm). Returns the message that says what was meant, or `undefined` when npm took none of our
 * options.
 */
export function optionsTakenByNpm(env: NodeJS.ProcessEnv, argv: readonly string[]): string | undefined {
  return npmTook(env, argv, OPTIONS, "the quickstart");
}

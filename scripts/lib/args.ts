import { STEP_IDS, type StepId, TOKEN_LIFETIME_MINUTES, TOKEN_SCOPES } from "@acs-quickstart/core";
import type { TokenScope } from "@azure/communication-identity";

/** What the user asked for on the command line. */
export interface RunOptions {
  mode: "auto" | "emulator" | "live";
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
}

/** A mistake on the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

export const USAGE = `Usage: npm run quickstart -- [options]

Runs the tutorial "Create and manage access tokens" step by step: on the built-in emulator when no
Azure Communication Services resource is configured, otherwise against your resource.

Mode
  --emulator              use the built-in emulator even when a resource is configured
  --live                  use the configured resource (fails when none is configured)

Which steps (ids as listed by --list; the steps always run in the tutorial's order)
  --list                  list the steps and their tutorial pages, then exit
  --step ID               run only this step (repeatable)
  --from ID               start at this step
  --to ID                 stop after this step

Tokens
  --scopes a,b            scopes to ask for (default voip): ${TOKEN_SCOPES.join(", ")}
  --expires-in MINUTES    a custom token lifetime, ${TOKEN_LIFETIME_MINUTES.min} to ${TOKEN_LIFETIME_MINUTES.max} (default: 1440 = 24 h; step 2's custom token: 60)

Output
  --json                  NDJSON events on stdout, human messages on stderr
  --show-secrets          print access tokens in full (they are masked by default)
  --pause                 before each step, show its code and wait for Enter (for workshops)

Clean-up
  --keep                  keep the identities this run makes (they stay in .quickstart/identities.json)
  --keep-for-next-step    keep only the identity the steps share, for the next step; delete the others
                          (what \`npm start\` in a sample's folder does, to follow the tutorial step by step)

  --help                  show this help

Environment
  ACS_QUICKSTART_STATE_DIR            where identities.json and the emulator's state live (default .quickstart/)
  ACS_QUICKSTART_REQUEST_TIMEOUT_MS   give up on a request after this long, then retry (default 30000)

Exit codes: 0 all steps ok, 1 a step failed or an identity could not be deleted,
2 configuration, state or usage error (nothing was run), 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).`;

function stepId(value: string | undefined, flag: string): StepId {
  if (value === undefined || value === "" || value.startsWith("--")) {
    throw new UsageError(`${flag} needs a step id. Valid step ids: ${STEP_IDS.join(", ")}.`);
  }
  if (!(STEP_IDS as readonly string[]).includes(value)) {
    throw new UsageError(`Unknown step id '${value}' for ${flag}. Valid step ids: ${STEP_IDS.join(", ")}.`);
  }
  return value as StepId;
}

export function parseScopes(value: string | undefined): TokenScope[] {
  const valid = `Valid scopes: ${TOKEN_SCOPES.join(", ")} (comma-separated, e.g. --scopes chat,voip).`;
  if (value === undefined || value.trim() === "" || value.startsWith("--")) {
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

export function parseExpiresIn(value: string | undefined): number {
  const { min, max } = TOKEN_LIFETIME_MINUTES;
  const valid = `Valid values: a whole number of minutes from ${min} to ${max} (for example --expires-in 60).`;
  if (value === undefined || value.trim() === "" || value.startsWith("--")) {
    throw new UsageError(`--expires-in needs a number of minutes. ${valid}`);
  }
  if (!/^\d+$/.test(value.trim()))
    throw new UsageError(`--expires-in '${value}' is not a whole number. ${valid}`);
  const minutes = Number(value.trim());
  if (minutes < min || minutes > max)
    throw new UsageError(`--expires-in ${minutes} is out of range. ${valid}`);
  return minutes;
}

/** Parses the runner's arguments. Throws UsageError for anything it does not understand. */
export function parseArgs(argv: readonly string[]): RunOptions {
  const options: RunOptions = {
    mode: "auto",
    steps: [...STEP_IDS],
    scopes: ["voip"],
    expiresInMinutes: undefined,
    pause: false,
    json: false,
    keep: false,
    keepForNextStep: false,
    showSecrets: false,
    list: false,
    help: false,
  };
  const only: StepId[] = [];
  let from: StepId | undefined;
  let to: StepId | undefined;
  const args = argv[0] === "--" ? argv.slice(1) : [...argv];
  for (let i = 0; i < args.length; i++) {
    const raw = args[i] as string;
    const eq = raw.startsWith("--") ? raw.indexOf("=") : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    const inline = eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = (): string | undefined => {
      if (inline !== undefined) return inline;
      i += 1;
      return args[i];
    };
    const noValue = () => {
      if (inline !== undefined) throw new UsageError(`${flag} takes no value (got '${raw}').`);
    };
    switch (flag) {
      case "--emulator":
      case "--live": {
        noValue();
        const mode = flag === "--live" ? "live" : "emulator";
        if (options.mode !== "auto" && options.mode !== mode) {
          throw new UsageError("--emulator and --live exclude each other: choose one.");
        }
        options.mode = mode;
        break;
      }
      case "--step":
        only.push(stepId(value(), "--step"));
        break;
      case "--from":
        from = stepId(value(), "--from");
        break;
      case "--to":
        to = stepId(value(), "--to");
        break;
      case "--scopes":
        options.scopes = parseScopes(value());
        break;
      case "--expires-in":
        options.expiresInMinutes = parseExpiresIn(value());
        break;
      case "--pause":
      case "--json":
      case "--keep":
      case "--list":
      case "--help":
        noValue();
        options[flag.slice(2) as "pause" | "json" | "keep" | "list" | "help"] = true;
        break;
      case "-h":
        options.help = true;
        break;
      case "--show-secrets":
        noValue();
        options.showSecrets = true;
        break;
      case "--keep-for-next-step":
        noValue();
        options.keepForNextStep = true;
        break;
      default:
        throw new UsageError(
          raw.startsWith("-")
            ? `Unknown option '${raw}'.`
            : `Unexpected argument '${raw}' (options start with --).`,
        );
    }
  }
  if (only.length > 0 && (from || to)) {
    throw new UsageError("--step cannot be combined with --from or --to: use one way of choosing steps.");
  }
  const index = (id: StepId) => STEP_IDS.indexOf(id);
  if (from && to && index(from) > index(to)) {
    throw new UsageError(`--from ${from} comes after --to ${to} in the tutorial: nothing would run.`);
  }
  options.steps = STEP_IDS.filter((id) =>
    only.length > 0
      ? only.includes(id)
      : index(id) >= (from ? index(from) : 0) && index(id) <= (to ? index(to) : STEP_IDS.length - 1),
  );
  return options;
}

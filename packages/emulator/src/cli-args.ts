/**
 * The command line of `npm run emulator`: flags, validation and the help text.
 */
import { parseArgs } from "node:util";
import { accessKeyProblem, NEW_ACCESS_KEY_COMMAND } from "@acs-quickstart/common";
import { API_VERSION_CHECKS, type ApiVersionCheck } from "./api-versions.js";
import { DEFAULT_HOST, DEFAULT_PORT } from "./server.js";

export const USAGE = `Usage: npm run emulator -- [options]

Starts the offline Azure Communication Services Identity emulator over HTTPS.

Options:
  --port N                 port to listen on (default ${DEFAULT_PORT}; 0 takes a free port)
  --host H                 address to bind (default ${DEFAULT_HOST}; a non-loopback address is reachable by others)
  --public-host NAME       the host learners use (connection string and certificate; default: the bound
                           host, or this machine's first network address when binding 0.0.0.0 or ::)
  --access-key BASE64      access key of the emulated resource (default: random, made on first start and kept)
  --env-file FILE          write COMMUNICATION_SERVICES_CONNECTION_STRING and NODE_EXTRA_CA_CERTS into FILE
  --state-dir DIR          the emulator's folder: certificate, state, connection.env
                           (default $ACS_QUICKSTART_STATE_DIR/emulator, else <repo>/.quickstart/emulator)
  --clock-skew-minutes N   accepted x-ms-date distance from the emulator's clock (default 15)
  --bearer accept|reject   Entra ID bearer tokens: accept any (default) or reject all
  --api-version-check strict|loose
                           strict (default): an api-version the emulator does not implement is 400
                           UnsupportedApiVersion, as the service answers; loose: a later, unknown one is
                           served with the newest rules (one warning line per version)
  --log                    print one line per request: time, client address, operation, status, error code,
                           and for a refused request which part failed (never a token or the access key)
  --no-dashboard           do not serve the dashboard (by default it is at /_dashboard/, behind a secret
                           printed at start: open that address, for the trainer only)
  -h, --help               show this help

Environment:
  ACS_EMULATOR_FAULTS      JSON fault list armed at start, e.g. [{"operation":"*","status":503,"times":1}]
`;

export class UsageError extends Error {}

/** The one line a usage error ends with, instead of the whole help. */
export const HELP_POINTER = "Run `npm run emulator -- --help` for the options.";

const OPTIONS = {
  port: { type: "string" },
  host: { type: "string" },
  "public-host": { type: "string" },
  "access-key": { type: "string" },
  "env-file": { type: "string" },
  "state-dir": { type: "string" },
  "clock-skew-minutes": { type: "string" },
  bearer: { type: "string" },
  "api-version-check": { type: "string" },
  log: { type: "boolean" },
  "no-dashboard": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** The options as npm may take them without `--` (`npm run emulator --port 0`): see common's optionsTakenByNpm. */
export const NPM_TAKABLE_OPTIONS = Object.entries(OPTIONS).map(([name, o]) => ({
  name,
  value: o.type === "string" ? "VALUE" : undefined,
}));

export interface CliOptions {
  port: number;
  host: string;
  publicHost?: string;
  accessKey?: string;
  envFile?: string;
  stateDir?: string;
  clockSkewMinutes?: number;
  bearer?: "accept" | "reject";
  apiVersionCheck?: ApiVersionCheck;
  /** One line per request on stdout. */
  log: boolean;
  /** Serve the dashboard (default true). */
  dashboard: boolean;
  help: boolean;
}

export function parseCliArgs(argv: string[]): CliOptions {
  // The root script is `tsx packages/emulator/src/cli.ts --`, so our arguments may start with "--".
  const args = argv[0] === "--" ? argv.slice(1) : argv;
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: OPTIONS,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const str = (name: string) => values[name] as string | undefined;
  const options: CliOptions = {
    port: DEFAULT_PORT,
    host: DEFAULT_HOST,
    log: values.log === true,
    dashboard: values["no-dashboard"] !== true,
    help: values.help === true,
  };
  const port = str("port");
  if (port !== undefined) {
    if (!/^\d+$/.test(port) || Number(port) > 65535)
      throw new UsageError(`--port must be a number from 0 to 65535, not "${port}"`);
    options.port = Number(port);
  }
  const host = str("host");
  if (host !== undefined) {
    if (host.trim() === "") throw new UsageError("--host must not be empty");
    options.host = host;
  }
  const publicHost = str("public-host");
  if (publicHost !== undefined) {
    if (!/^(\[?[0-9A-Fa-f:.]+\]?|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)$/.test(publicHost))
      throw new UsageError(`--public-host must be a host name or an IP address, not "${publicHost}"`);
    options.publicHost = publicHost;
  }
  const key = str("access-key");
  if (key !== undefined) {
    const problem = accessKeyProblem(key);
    if (problem !== undefined) {
      throw new UsageError(
        `--access-key must be a base64 string (like the key of a real resource), but ${problem}. Make one with \`${NEW_ACCESS_KEY_COMMAND}\`.`,
      );
    }
    options.accessKey = key;
  }
  const envFile = str("env-file");
  if (envFile !== undefined) options.envFile = envFile;
  const stateDir = str("state-dir");
  if (stateDir !== undefined) options.stateDir = stateDir;
  const skew = str("clock-skew-minutes");
  if (skew !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(skew))
      throw new UsageError(`--clock-skew-minutes must be a number >= 0, not "${skew}"`);
    options.clockSkewMinutes = Number(skew);
  }
  const bearer = str("bearer");
  if (bearer !== undefined) {
    if (bearer !== "accept" && bearer !== "reject")
      throw new UsageError('--bearer must be "accept" or "reject"');
    options.bearer = bearer;
  }
  const check = str("api-version-check");
  if (check !== undefined) {
    if (!(API_VERSION_CHECKS as readonly string[]).includes(check))
      throw new UsageError(`--api-version-check must be "strict" or "loose", not "${check}"`);
    options.apiVersionCheck = check as ApiVersionCheck;
  }
  return options;
}

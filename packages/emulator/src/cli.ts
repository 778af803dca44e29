/**
 * `npm run emulator -- [options]`: the ACS Identity emulator as a standalone HTTPS server.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { isBase64Key } from "./emulator.js";
import { type FaultSpec, parseFaults } from "./faults.js";
import {
  DEFAULT_HOST,
  DEFAULT_PORT,
  defaultStateDir,
  isLoopback,
  startStandaloneEmulator,
} from "./server.js";

const USAGE = `Usage: npm run emulator -- [options]

Starts the offline Azure Communication Services Identity emulator over HTTPS.

Options:
  --port N                 port to listen on (default ${DEFAULT_PORT}; 0 takes a free port)
  --host H                 address to bind (default ${DEFAULT_HOST}; a non-loopback address is reachable by others)
  --access-key BASE64      access key of the emulated resource (default: random, made on first start and kept)
  --env-file FILE          write COMMUNICATION_SERVICES_CONNECTION_STRING and NODE_EXTRA_CA_CERTS into FILE
  --state-dir DIR          the emulator's folder: certificate, state, connection.env
                           (default $ACS_QUICKSTART_STATE_DIR/emulator, else <repo>/.quickstart/emulator)
  --clock-skew-minutes N   accepted x-ms-date distance from the emulator's clock (default 15)
  --bearer accept|reject   Entra ID bearer tokens: accept any (default) or reject all
  -h, --help               show this help

Environment:
  ACS_EMULATOR_FAULTS      JSON fault list armed at start, e.g. [{"operation":"*","status":503,"times":1}]
`;

class UsageError extends Error {}

interface CliOptions {
  port: number;
  host: string;
  accessKey?: string;
  envFile?: string;
  stateDir?: string;
  clockSkewMinutes?: number;
  bearer?: "accept" | "reject";
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
      options: {
        port: { type: "string" },
        host: { type: "string" },
        "access-key": { type: "string" },
        "env-file": { type: "string" },
        "state-dir": { type: "string" },
        "clock-skew-minutes": { type: "string" },
        bearer: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const str = (name: string) => values[name] as string | undefined;
  const options: CliOptions = { port: DEFAULT_PORT, host: DEFAULT_HOST, help: values.help === true };
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
  const key = str("access-key");
  if (key !== undefined) {
    if (!isBase64Key(key))
      throw new UsageError("--access-key must be a base64 string (like the key of a real resource)");
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
  return options;
}

async function main(): Promise<number> {
  let options: CliOptions;
  let faults: FaultSpec[] | undefined;
  try {
    options = parseCliArgs(process.argv.slice(2));
    if (process.env.ACS_EMULATOR_FAULTS) faults = parseFaults(process.env.ACS_EMULATOR_FAULTS);
  } catch (error) {
    process.stderr.write(`emulator: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!isLoopback(options.host)) {
    process.stderr.write(
      `\n*** WARNING: binding ${options.host}, a non-loopback address. Anyone who can reach this machine can call\n` +
        "*** the emulator. It is a development tool with a self-signed certificate: bind 127.0.0.1 unless you must.\n\n",
    );
  }
  const stateDir = options.stateDir ?? defaultStateDir();
  let running: Awaited<ReturnType<typeof startStandaloneEmulator>>;
  try {
    running = await startStandaloneEmulator({
      port: options.port,
      host: options.host,
      stateDir,
      ...(options.accessKey !== undefined ? { accessKey: options.accessKey } : {}),
      ...(options.envFile !== undefined ? { envFile: options.envFile } : {}),
      ...(options.clockSkewMinutes !== undefined ? { clockSkewMinutes: options.clockSkewMinutes } : {}),
      ...(options.bearer !== undefined ? { bearer: options.bearer } : {}),
      ...(faults ? { faults } : {}),
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const why =
      e.code === "EADDRINUSE"
        ? `port ${options.port} on ${options.host} is already in use. Stop the other process, or use --port 0 for a free port.`
        : e.code === "EACCES"
          ? `not allowed to listen on ${options.host}:${options.port}. Use a port above 1023.`
          : e.message;
    process.stderr.write(`emulator: cannot start: ${why}\n`);
    return 1;
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    running.close().then(
      () => {
        process.stdout.write(`ACS emulator stopped (${signal}).\n`);
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`emulator: error while stopping: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));

  const envNote = options.envFile
    ? `${options.envFile} and ${running.connectionEnvPath}`
    : running.connectionEnvPath;
  process.stdout.write(
    `State, certificate and access key: ${running.stateDir}\n` +
      `Connection string and NODE_EXTRA_CA_CERTS written to: ${envNote}\n` +
      `Certificate (trust it with NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE or SSL_CERT_FILE): ${join(running.stateDir, "cert.pem")}\n` +
      `ACS emulator listening on ${running.url}\n`,
  );
  return -1; // keep running
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`emulator: ${(error as Error).message}\n`);
    process.exit(1);
  },
);

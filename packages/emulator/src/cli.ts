/**
 * `npm run emulator -- [options]`: the ACS Identity emulator as a standalone HTTPS server.
 */
import { constants as osConstants } from "node:os";
import { join } from "node:path";
import {
  CommittablePathError,
  LockError,
  optionsTakenByNpm,
  StateDirError,
  typedPath,
} from "@acs-quickstart/common";
import { type CliOptions, HELP_POINTER, NPM_TAKABLE_OPTIONS, parseCliArgs, USAGE } from "./cli-args.js";
import type { FaultSpec } from "./faults.js";
import { parseFaults } from "./index.js";
import { formatJournalLine } from "./journal-format.js";
import {
  defaultStateDir,
  EnvFileInUseError,
  isLoopback,
  listeningLine,
  startStandaloneEmulator,
} from "./server.js";
import { EmulatorStateError } from "./state-file.js";

async function main(): Promise<number> {
  let options: CliOptions;
  let faults: FaultSpec[] | undefined;
  const argv = process.argv.slice(2);
  const takenByNpm = optionsTakenByNpm(process.env, argv, NPM_TAKABLE_OPTIONS, "the emulator");
  if (takenByNpm) {
    process.stderr.write(`emulator: ${takenByNpm}\n`);
    return 2;
  }
  try {
    options = parseCliArgs(argv);
    if (process.env.ACS_EMULATOR_FAULTS) faults = parseFaults(process.env.ACS_EMULATOR_FAULTS);
  } catch (error) {
    process.stderr.write(`emulator: ${(error as Error).message}\n${HELP_POINTER}\n`);
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
      ...(options.publicHost !== undefined ? { publicHost: options.publicHost } : {}),
      stateDir,
      ...(options.accessKey !== undefined ? { accessKey: options.accessKey } : {}),
      // A path the trainer typed: from the folder they typed it in (npm runs the script from the root).
      ...(options.envFile !== undefined ? { envFile: typedPath(options.envFile) } : {}),
      ...(options.clockSkewMinutes !== undefined ? { clockSkewMinutes: options.clockSkewMinutes } : {}),
      ...(options.bearer !== undefined ? { bearer: options.bearer } : {}),
      ...(options.apiVersionCheck !== undefined ? { apiVersionCheck: options.apiVersionCheck } : {}),
      ...(faults ? { faults } : {}),
      dashboard: options.dashboard,
      ...(options.log ? { onRequest: (event) => process.stdout.write(`${formatJournalLine(event)}\n`) } : {}),
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
    // What the trainer must change before it can start (another port, folder or file): a configuration error.
    const configuration =
      e.code === "EADDRINUSE" ||
      e.code === "EACCES" ||
      e.code === "EADDRNOTAVAIL" ||
      error instanceof LockError ||
      error instanceof EmulatorStateError ||
      error instanceof StateDirError ||
      error instanceof CommittablePathError ||
      error instanceof EnvFileInUseError;
    return configuration ? 2 : 1;
  }

  let stopping = false;
  // Stopped by a signal: the shell's convention, 128 + the signal's number (SIGINT 130, SIGTERM 143, SIGHUP 129).
  const stop = (signal: "SIGINT" | "SIGTERM" | "SIGHUP") => {
    if (stopping) return;
    stopping = true;
    running.close().then(
      () => {
        process.stdout.write(`ACS emulator stopped (${signal}).\n`);
        process.exit(128 + osConstants.signals[signal]);
      },
      (error: unknown) => {
        process.stderr.write(`emulator: error while stopping: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGHUP", () => stop("SIGHUP"));

  const envNote = options.envFile
    ? `${options.envFile} and ${running.connectionEnvPath}`
    : running.connectionEnvPath;
  process.stdout.write(
    `State, certificate and access key: ${running.stateDir}\n` +
      `Connection string and NODE_EXTRA_CA_CERTS written to: ${envNote}\n` +
      `Certificate (trust it with NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE or SSL_CERT_FILE): ${join(running.stateDir, "cert.pem")}\n` +
      (isLoopback(options.host)
        ? ""
        : `For learners on other machines: share ${running.connectionEnvPath} (their .env; it holds the access key,\n` +
          `so share it only with the room) and ${join(running.stateDir, "cert.pem")} (they trust it with\n` +
          "NODE_EXTRA_CA_CERTS=<its path on their machine>). Their machines must reach " +
          `${running.url}.\n`) +
      (running.dashboard
        ? `Dashboard (for the trainer only: the address holds its secret): ${running.dashboard.url}\n`
        : "") +
      `${listeningLine(running)}\n`,
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

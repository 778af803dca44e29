/**
 * Before anything is sent: the configuration, the runner's settings and the state folder are checked (a
 * mistake exits 2), then the mode starts (the in-process emulator, or a configured resource).
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { fromRoot, typedPath } from "@acs-quickstart/common";
import {
  type Config,
  ConfigError,
  type CreateIdentityClientOptions,
  checkStateDir,
  IdentityStore,
  loadConfig,
  StateError,
} from "@acs-quickstart/core";
import type { RunOptions } from "./cli.js";
import { emulatorMode, liveMode, type Mode } from "./modes.js";
import type { Reporter } from "./reporters/index.js";
import { readSettings, type Settings } from "./settings.js";

export interface Prepared {
  config: Config | undefined;
  settings: Settings;
  store: IdentityStore;
}

/** The exit code of a mistake found before anything was sent. */
export const USAGE_ERROR = 2;

/** Configuration, settings and state, checked before anything is sent: a mistake here exits 2. */
export async function prepare(
  options: RunOptions,
  env: NodeJS.ProcessEnv,
  envFile: string | false | undefined,
  reporter: Reporter,
): Promise<Prepared | number> {
  const setupError = (kind: "usage" | "configuration" | "state", message: string) => {
    reporter.setupError(kind, message);
    return USAGE_ERROR;
  };
  let config: Config | undefined;
  let settings: Settings;
  if (options.envFile !== undefined) {
    // A path the learner typed: from the folder they typed it in (npm runs scripts from the package's folder).
    const file = typedPath(options.envFile, env);
    if (!statSync(file, { throwIfNoEntry: false })?.isFile()) {
      return setupError(
        "usage",
        `--env-file ${options.envFile}: there is no such file (${file}).\n  Fix:      Give the path of a file of KEY=value lines, e.g. the connection.env the emulator writes.`,
      );
    }
    envFile = file;
  }
  try {
    // .env is read in every mode (it also holds the runner's own settings); --emulator only ignores the
    // resource it configures, even a mistyped one.
    try {
      const loaded = loadConfig({
        env,
        ...(envFile !== undefined ? { envFile } : {}),
        onNotice: (notice) => reporter.notice(notice),
      });
      if (options.mode !== "emulator") config = loaded;
    } catch (error) {
      if (options.mode !== "emulator" || !(error instanceof ConfigError)) throw error;
    }
    settings = readSettings(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return setupError("configuration", error.message);
  }
  if (options.mode === "live" && !config) {
    return setupError(
      "configuration",
      "--live needs a Communication Services resource, and none is configured.\n" +
        "Set COMMUNICATION_SERVICES_CONNECTION_STRING (or COMMUNICATION_SERVICES_ENDPOINT) in .env; see .env.sample.\n" +
        "Or run without --live to use the built-in emulator.",
    );
  }
  // The state folder and the identity store next: a file that cannot be used stops the run before it makes
  // anything it could not remember (and so not delete).
  const store = new IdentityStore(join(settings.stateDir, "identities.json"));
  try {
    await checkStateDir(settings.stateDir);
    await store.list();
  } catch (error) {
    if (!(error instanceof StateError)) throw error;
    return setupError("state", error.message);
  }
  return { config, settings, store };
}

export async function startMode(
  config: Config | undefined,
  settings: Settings,
  store: IdentityStore,
): Promise<Mode | string> {
  if (config) return liveMode(config);
  try {
    return await emulatorMode(settings);
  } catch (error) {
    const { EmulatorStateError } = await import("@acs-quickstart/emulator");
    if (!(error instanceof EmulatorStateError)) throw error;
    return error.kind === "locked"
      ? `Another quickstart is running with this state folder (${fromRoot(settings.stateDir)}/).\n` +
          `  ${error.message}\n` +
          "  Fix:      Wait for it to finish (or stop it), or give this terminal its own folder, e.g. ACS_QUICKSTART_STATE_DIR=.quickstart-2"
      : `${error.message}\n  Fix:      Delete ${fromRoot(error.file)} to start the emulator afresh (its identities live only in that file), and ${fromRoot(store.file)} with it.`;
  }
}

/** Every request: the per-attempt timeout, the retry delays, the mode's needs and the trusted certificates. */
export function clientOptions(
  settings: Settings,
  mode: Mode,
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): CreateIdentityClientOptions {
  const delay = settings.retryDelayMs;
  return {
    ...mode.clientOptions,
    env,
    requestTimeoutMs: settings.requestTimeoutMs,
    ...(delay ? { retryOptions: { retryDelayInMs: delay, maxRetryDelayInMs: delay * 8 } } : {}),
    ...(signal ? { abortSignal: signal } : {}),
  };
}

/**
 * The runner's own environment variables (and the emulator's test hooks): one table, read and checked
 * before anything runs. A bad value is a ConfigError (exit 2) that names the variable and the fix.
 */
import { accessKeyProblem, NEW_ACCESS_KEY_COMMAND, STATE_DIR_VARIABLE } from "@acs-quickstart/common";
import { readSetting, stateDir } from "@acs-quickstart/core";
import { type FaultSpec, parseFaults } from "@acs-quickstart/emulator";

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** What the runner's variables say, checked. */
export interface Settings {
  /** Where identities.json and the emulator's state live. */
  stateDir: string;
  /** Each request gives up after this long (then the SDK retries it). */
  requestTimeoutMs: number;
  /** The SDK's first retry delay, when set (tests make it short). */
  retryDelayMs: number | undefined;
  /** Faults the in-process emulator starts with (a test hook). */
  faults: FaultSpec[] | undefined;
  /** The in-process emulator's access key (a test hook). */
  emulatorAccessKey: string | undefined;
}

interface SettingSpec<K extends keyof Settings> {
  variable: string;
  /** Listed under "Environment" in `--help` (test hooks are not). */
  documented: boolean;
  summary: string;
  key: K;
  expected: string;
  fix: string;
  allowSpaces?: boolean;
  parse(value: string): Settings[K] | { problem: string };
}

function wholeNumber(min: number, max: number) {
  return (value: string): number | { problem: string } => {
    if (!/^\d+$/.test(value)) return { problem: "is not a whole number." };
    const n = Number(value);
    return n < min || n > max ? { problem: `is ${n}, out of range.` } : n;
  };
}

/** THE table of the runner's variables. */
export const SETTINGS = [
  {
    variable: STATE_DIR_VARIABLE,
    documented: true,
    summary: "where identities.json and the emulator's state live (default .quickstart/)",
    key: "stateDir",
    expected: "a folder path (relative to the current folder, or absolute); empty means .quickstart/",
    fix: "Set it to a folder you can write, or leave ACS_QUICKSTART_STATE_DIR= empty.",
    allowSpaces: true,
    parse: (value: string) => stateDir({ [STATE_DIR_VARIABLE]: value }),
  } satisfies SettingSpec<"stateDir">,
  {
    variable: "ACS_QUICKSTART_REQUEST_TIMEOUT_MS",
    documented: true,
    summary: "give up on a request after this long, then retry (default 30000)",
    key: "requestTimeoutMs",
    expected: "a whole number of milliseconds from 100 to 600000 (default 30000)",
    fix: "Set it to, e.g., 60000 for a slow network, or leave it empty for the default.",
    parse: wholeNumber(100, 600_000),
  } satisfies SettingSpec<"requestTimeoutMs">,
  {
    variable: "ACS_QUICKSTART_RETRY_DELAY_MS",
    documented: false,
    summary: "the SDK's first retry delay (tests)",
    key: "retryDelayMs",
    expected: "a whole number of milliseconds from 1 to 60000 (the SDK's first retry delay; default 800)",
    fix: "Set it to a number such as 100, or leave it empty for the SDK's default.",
    parse: wholeNumber(1, 60_000),
  } satisfies SettingSpec<"retryDelayMs">,
  {
    variable: "ACS_EMULATOR_FAULTS",
    documented: false,
    summary: "faults the built-in emulator starts with (tests)",
    key: "faults",
    expected:
      'a JSON fault list, e.g. [{"operation":"createIdentity","status":503,"times":1}] (packages/emulator/README.md)',
    fix: "Correct the JSON (it is a test hook), or unset ACS_EMULATOR_FAULTS.",
    allowSpaces: true,
    parse: (value: string) => {
      try {
        return parseFaults(value);
      } catch (error) {
        return { problem: `is not a valid fault list: ${(error as Error).message}.` };
      }
    },
  } satisfies SettingSpec<"faults">,
  {
    variable: "ACS_EMULATOR_ACCESS_KEY",
    documented: false,
    summary: "the built-in emulator's access key (tests)",
    key: "emulatorAccessKey",
    expected: "a base64 key, like the key of a real resource",
    fix: `Set a base64 value (e.g. from \`${NEW_ACCESS_KEY_COMMAND}\`), or unset ACS_EMULATOR_ACCESS_KEY.`,
    parse: (value: string) => {
      const problem = accessKeyProblem(value);
      return problem ? { problem: `is not valid base64: ${problem}.` } : value;
    },
  } satisfies SettingSpec<"emulatorAccessKey">,
] as const;

/** Reads and checks every setting. @throws {ConfigError} naming the first bad variable. */
export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const settings: Settings = {
    stateDir: stateDir({}),
    requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
    retryDelayMs: undefined,
    faults: undefined,
    emulatorAccessKey: undefined,
  };
  for (const spec of SETTINGS as readonly SettingSpec<keyof Settings>[]) {
    const value = readSetting(env, spec.variable, spec);
    if (value !== undefined) (settings as unknown as Record<string, unknown>)[spec.key] = value;
  }
  return settings;
}

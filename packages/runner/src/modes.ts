/**
 * The two modes: the built-in emulator (in this process, offline) or a configured resource (live).
 */
import { fromRoot } from "@acs-quickstart/common";
import { type Config, type CreateIdentityClientOptions, describeConfig } from "@acs-quickstart/core";
import type { Settings } from "./settings.js";
import type { StepContext } from "./step.js";

export interface Mode {
  name: "emulator" | "live";
  config: Config;
  /** What the run says first: which mode, and how to switch. */
  announce: string;
  /** What every client of this mode needs, besides the run's own options. */
  clientOptions: CreateIdentityClientOptions;
  /** Only on the emulator: whether it still accepts a token (the real service has no such route). */
  validateToken?: (token: string) => Promise<{ valid: boolean; reason?: string }>;
  /** Only on the emulator: a clock that can be moved (@acs-quickstart/emulator/virtual-clock). */
  virtualClock?: StepContext["virtualClock"];
  close(): Promise<void>;
}

/** A path as a learner would type it from the repository's root (absolute when it lies elsewhere). */

/** The in-process emulator's host: `*.localhost` never resolves to anything else. */
const EMULATOR_HOST = "acs-emulator.localhost";

/**
 * Starts the in-process emulator on the state folder's `emulator-state.json`.
 * @throws {EmulatorStateError} when another run holds that state, or the file is damaged.
 */
export async function emulatorMode(settings: Settings): Promise<Mode> {
  const { createEmulatorAdminClient } = await import("@acs-quickstart/emulator");
  const { startInProcessEmulator } = await import("@acs-quickstart/emulator/in-process");
  const { withVirtualClock } = await import("@acs-quickstart/emulator/virtual-clock");
  const emulator = await startInProcessEmulator({
    endpoint: `https://${EMULATOR_HOST}`,
    stateFile: `${settings.stateDir}/emulator-state.json`,
    ...(settings.emulatorAccessKey ? { accessKey: settings.emulatorAccessKey } : {}),
    ...(settings.faults ? { faults: settings.faults } : {}),
    // Read at each call: on the virtual clock (withVirtualClock) the emulator's time moves with the SDKs'.
    now: () => Date.now(),
  });
  const admin = createEmulatorAdminClient({
    endpoint: emulator.endpoint,
    accessKey: emulator.emulator.accessKey,
  });
  return {
    name: "emulator",
    config: {
      kind: "connection-string",
      endpoint: emulator.endpoint,
      connectionString: emulator.connectionString,
    },
    announce:
      `Mode: emulator — the built-in ACS emulator, in this process, offline (state in ${fromRoot(settings.stateDir)}/).\n` +
      "      To use your own resource, set COMMUNICATION_SERVICES_CONNECTION_STRING in .env (see .env.sample).",
    // The emulator answers inside this process: a proxy from the environment must not get in between.
    clientOptions: { ignoreProxy: true },
    validateToken: (token) => admin.validateToken(token),
    virtualClock: withVirtualClock,
    close: () => emulator.close(),
  };
}

export function liveMode(config: Config): Mode {
  return {
    name: "live",
    config,
    announce: `Mode: live — ${describeConfig(config)}.\n      To run offline on the built-in emulator instead: npm run quickstart -- --emulator`,
    clientOptions: {},
    close: async () => {},
  };
}

/**
 * `@acs-quickstart/core/testing`, for the samples' tests: the in-process emulator, a client built as the
 * runner builds it (through {@link createIdentityClient}), and the emulator's admin client to look at what
 * the service now holds.
 *
 * ```ts
 * const acs = useSampleEnvironment(); // starts before the file's tests, stops after them
 * it("…", async () => { const identity = await createIdentity(acs.client); … });
 * ```
 */
import { createEmulatorAdminClient, type EmulatorAdminClient } from "@acs-quickstart/emulator";
import { startInProcessEmulator } from "@acs-quickstart/emulator/in-process";
import { testSigningKey } from "@acs-quickstart/emulator/testing";
import type { CommunicationIdentityClient } from "@azure/communication-identity";
import { afterAll, beforeAll } from "vitest";
import { createIdentityClient } from "./client.js";

export interface SampleEnvironment {
  readonly client: CommunicationIdentityClient;
  readonly admin: EmulatorAdminClient;
  /** The emulated resource's id (the part of every identity's id after `8:acs:`). */
  readonly resourceId: string;
  /** The emulated resource's endpoint (`https://acs-emulator.localhost`), e.g. for a ChatClient. */
  readonly endpoint: string;
}

/**
 * Registers vitest hooks that start the environment before the file's tests and stop it after them.
 * @param options.now the emulator's clock (epoch ms); `() => Date.now()` follows fake timers that replace `Date`.
 */
export function useSampleEnvironment(options: { now?: () => number } = {}): SampleEnvironment {
  let started: (SampleEnvironment & { close(): Promise<void> }) | undefined;
  beforeAll(async () => {
    // One signing key for every emulator of the test process: a new RSA key costs 0.2-0.3 s of CPU.
    const emulator = await startInProcessEmulator({
      signingKey: await testSigningKey(),
      ...(options.now ? { now: options.now } : {}),
    });
    const { endpoint, connectionString } = emulator;
    started = {
      client: await createIdentityClient({ kind: "connection-string", endpoint, connectionString }),
      admin: createEmulatorAdminClient({ endpoint, accessKey: emulator.emulator.accessKey }),
      resourceId: emulator.emulator.resourceId,
      endpoint,
      close: () => emulator.close(),
    };
  });
  afterAll(() => started?.close());
  const get = <K extends keyof SampleEnvironment>(key: K): SampleEnvironment[K] => {
    if (!started) throw new Error("The sample environment starts in beforeAll: use it inside a test.");
    return started[key];
  };
  return {
    get client() {
      return get("client");
    },
    get admin() {
      return get("admin");
    },
    get resourceId() {
      return get("resourceId");
    },
    get endpoint() {
      return get("endpoint");
    },
  };
}

/**
 * What every sample's test needs: the in-process emulator, a client built as the runner builds it (through
 * core's factory), and the emulator's admin client to look at what the service now holds.
 */
import { createIdentityClient } from "@acs-quickstart/core";
import { createEmulatorAdminClient } from "@acs-quickstart/emulator";
import { startInProcessEmulator } from "@acs-quickstart/emulator/in-process";

export async function startSampleEnvironment() {
  const emulator = await startInProcessEmulator();
  const { endpoint, connectionString } = emulator;
  const client = await createIdentityClient({ kind: "connection-string", endpoint, connectionString });
  const admin = createEmulatorAdminClient({ endpoint, accessKey: emulator.emulator.accessKey });
  return { client, admin, resourceId: emulator.emulator.resourceId, close: () => emulator.close() };
}

export type SampleEnvironment = Awaited<ReturnType<typeof startSampleEnvironment>>;

import { createIdentityClient } from "@acs-quickstart/core";
import { createEmulatorAdminClient } from "@acs-quickstart/emulator";
import { startInProcessEmulator } from "@acs-quickstart/emulator/in-process";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { createIdentity } from "../src/create-identity.js";

let emulator: Awaited<ReturnType<typeof startInProcessEmulator>>;

beforeAll(async () => {
  emulator = await startInProcessEmulator();
});
afterAll(() => emulator.close());

it("creates an identity of the resource and prints its id", async () => {
  const { endpoint, connectionString } = emulator;
  const client = await createIdentityClient({ kind: "connection-string", endpoint, connectionString });
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  const identity = await createIdentity(client);

  expect(identity.communicationUserId).toMatch(
    new RegExp(`^8:acs:${emulator.emulator.resourceId}_[0-9a-f-]{36}$`),
  );
  expect(log).toHaveBeenCalledWith(`Created an identity with ID: ${identity.communicationUserId}`);
  const admin = createEmulatorAdminClient({ endpoint, accessKey: emulator.emulator.accessKey });
  const { identities } = await admin.state();
  expect(identities).toContainEqual(
    expect.objectContaining({ id: identity.communicationUserId, deleted: false, tokensIssued: 0 }),
  );
});

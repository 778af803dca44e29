import { createIdentityClient } from "@acs-quickstart/core";
import { createEmulatorAdminClient } from "@acs-quickstart/emulator";
import { startInProcessEmulator } from "@acs-quickstart/emulator/in-process";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { deleteIdentity } from "../src/delete-identity.js";

let emulator: Awaited<ReturnType<typeof startInProcessEmulator>>;

beforeAll(async () => {
  emulator = await startInProcessEmulator();
});
afterAll(() => emulator.close());

it("deletes the identity: its tokens stop working and no new ones can be issued", async () => {
  const { endpoint, connectionString } = emulator;
  const client = await createIdentityClient({ kind: "connection-string", endpoint, connectionString });
  const admin = createEmulatorAdminClient({ endpoint, accessKey: emulator.emulator.accessKey });
  const { user, token } = await client.createUserAndToken(["voip"]);
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  await deleteIdentity(client, user);

  expect(log).toHaveBeenCalledWith(`Deleted the identity with ID: ${user.communicationUserId}`);
  const { identities } = await admin.state();
  expect(identities).toEqual([expect.objectContaining({ id: user.communicationUserId, deleted: true })]);
  expect(await admin.validateToken(token)).toMatchObject({ valid: false, reason: "deleted" });
  await expect(client.getToken(user, ["voip"])).rejects.toMatchObject({
    statusCode: 404,
    code: "IdentityNotFound",
  });
});

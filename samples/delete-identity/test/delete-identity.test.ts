import { useSampleEnvironment } from "@acs-quickstart/core/testing";
import { expect, it, vi } from "vitest";
import { deleteIdentity } from "../src/delete-identity.js";

const acs = useSampleEnvironment();

it("deletes the identity: its tokens stop working and no new ones can be issued", async () => {
  const { client, admin } = acs;
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

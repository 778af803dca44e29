import { useSampleEnvironment } from "@acs-quickstart/core/testing";
import { expect, it, vi } from "vitest";
import { createIdentity } from "../src/create-identity.js";

const acs = useSampleEnvironment();

it("creates an identity of the resource and prints its id", async () => {
  const { client, admin } = acs;
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  const identity = await createIdentity(client);

  expect(identity.communicationUserId).toMatch(new RegExp(`^8:acs:${acs.resourceId}_[0-9a-f-]{36}$`));
  expect(log).toHaveBeenCalledWith(`Created an identity with ID: ${identity.communicationUserId}`);
  const { identities } = await admin.state();
  expect(identities).toContainEqual(
    expect.objectContaining({ id: identity.communicationUserId, deleted: false, tokensIssued: 0 }),
  );
});

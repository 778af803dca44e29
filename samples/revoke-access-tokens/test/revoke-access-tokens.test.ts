import { useSampleEnvironment } from "@acs-quickstart/core/testing";
import { expect, it, vi } from "vitest";
import { revokeAccessTokens } from "../src/revoke-access-tokens.js";

const acs = useSampleEnvironment();

it("invalidates every token issued before the revocation, and only those", async () => {
  const { client, admin } = acs;
  const identity = await client.createUser();
  const other = await client.createUserAndToken(["chat"]);
  const earlier = [await client.getToken(identity, ["voip"]), await client.getToken(identity, ["chat"])];
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  await revokeAccessTokens(client, identity);

  for (const { token } of earlier)
    expect(await admin.validateToken(token)).toMatchObject({ valid: false, reason: "revoked" });
  const later = await client.getToken(identity, ["voip"]);
  expect(await admin.validateToken(later.token)).toMatchObject({ valid: true });
  expect(await admin.validateToken(other.token)).toMatchObject({ valid: true });
  expect(log).toHaveBeenCalledWith(
    `Successfully revoked all access tokens for identity with ID: ${identity.communicationUserId}`,
  );
});

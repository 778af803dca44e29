import { useSampleEnvironment } from "@acs-quickstart/core/testing";
import { expect, it, vi } from "vitest";
import { createIdentityAndToken } from "../src/create-identity-and-token.js";

const acs = useSampleEnvironment();

it("creates an identity and its token in one request", async () => {
  const { client, admin } = acs;
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  const { user, token, expiresOn } = await createIdentityAndToken(client, ["chat"], {
    tokenExpiresInMinutes: 120,
  });

  const { identities } = await admin.state();
  expect(identities).toEqual([expect.objectContaining({ id: user.communicationUserId, tokensIssued: 1 })]);
  const check = await admin.validateToken(token);
  expect(check).toMatchObject({
    valid: true,
    claims: { acsScope: "chat", skypeid: user.communicationUserId.slice(2) },
  });
  expect(Math.round((expiresOn.getTime() - Date.now()) / 60_000)).toBe(120);
  const printed = log.mock.calls.flat().join("\n");
  expect(printed).toContain(`Created an identity with ID: ${user.communicationUserId}`);
  expect(printed).toContain("with 'chat' scope that expires at");
  expect(printed).not.toContain(token);
});

it("names the scopes it asked for: 'scope' for one, 'scopes' for more", async () => {
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  await createIdentityAndToken(acs.client, ["chat", "voip"]);
  await createIdentityAndToken(acs.client, ["voip.join"]);
  const printed = log.mock.calls.flat().join("\n");
  expect(printed).toContain("Issued an access token with 'chat, voip' scopes that expires at");
  expect(printed).toContain("Issued an access token with 'voip.join' scope that expires at");
});

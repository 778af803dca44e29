import { useSampleEnvironment } from "@acs-quickstart/core/testing";
import { expect, it, vi } from "vitest";
import { issueAccessToken, issueAccessTokenWithCustomExpiration } from "../src/issue-access-token.js";

const acs = useSampleEnvironment();

const MINUTE = 60_000;

it("issues a 24-hour 'voip' token by default and prints it masked", async () => {
  const identity = await acs.client.createUser();
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  const before = Date.now();
  const { token, expiresOn } = await issueAccessToken(acs.client, identity);

  expect(expiresOn.getTime()).toBeGreaterThanOrEqual(before + 1440 * MINUTE - 1000);
  expect(expiresOn.getTime()).toBeLessThanOrEqual(Date.now() + 1440 * MINUTE + 1000);
  const check = await acs.admin.validateToken(token);
  expect(check.valid).toBe(true);
  expect(check.claims).toMatchObject({ acsScope: "voip", skypeid: identity.communicationUserId.slice(2) });
  const printed = log.mock.calls.flat().join("\n");
  expect(printed).toMatch(/Issued an access token with 'voip' scope that expires at .*Z \(in 23 h 59 min\):/);
  expect(printed).not.toContain(token);
  expect(printed).toContain(token.slice(0, 12));
});

it("issues a token with the given scopes and a custom lifetime", async () => {
  const identity = await acs.client.createUser();
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  const { token, expiresOn } = await issueAccessTokenWithCustomExpiration(
    acs.client,
    identity,
    ["chat", "voip"],
    60,
  );

  expect(Math.round((expiresOn.getTime() - Date.now()) / MINUTE)).toBe(60);
  const check = await acs.admin.validateToken(token);
  expect(check.claims).toMatchObject({ acsScope: "chat,voip", exp: Math.floor(expiresOn.getTime() / 1000) });
  expect(log.mock.calls.flat().join("\n")).toContain("with 'chat, voip' scopes that expires at");
});

it("lets the service reject a lifetime out of range, with its own message", async () => {
  const identity = await acs.client.createUser();
  await expect(
    issueAccessTokenWithCustomExpiration(acs.client, identity, ["voip"], 59),
  ).rejects.toMatchObject({
    statusCode: 400,
    message: "ExpiresInMinutes value 59 is invalid. Value must be within the [60, 1440] interval.",
  });
});

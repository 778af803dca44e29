import { useSampleEnvironment } from "@acs-quickstart/core/testing";
import { expect, it, vi } from "vitest";
import { refreshAccessToken } from "../src/refresh-access-token.js";

const acs = useSampleEnvironment();

it("issues a new token for the stored identity; the earlier one stays valid until it expires", async () => {
  const { client, admin } = acs;
  const identity = await client.createUser();
  const first = await client.getToken(identity, ["voip"]);
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  const refreshed = await refreshAccessToken(client, identity);

  expect(refreshed.token).not.toBe(first.token);
  expect(refreshed.expiresOn.getTime()).toBeGreaterThanOrEqual(first.expiresOn.getTime());
  expect(await admin.validateToken(refreshed.token)).toMatchObject({ valid: true });
  expect(await admin.validateToken(first.token)).toMatchObject({ valid: true });
  expect(log.mock.calls.flat().join("\n")).toContain(
    `Refreshed the access token for ${identity.communicationUserId}`,
  );
});

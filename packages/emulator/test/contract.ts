/**
 * The SDK contract, run unchanged against both transports (in-process msw and standalone HTTPS):
 * every operation and every catalogued error, through the real @azure/communication-identity 1.3.1.
 */
import {
  CommunicationIdentityClient,
  type CommunicationIdentityClientOptions,
} from "@azure/communication-identity";
import { expect, it } from "vitest";
import { createEmulatorAdminClient } from "../src/index.js";
import type { StandaloneEmulator } from "../src/server.js";
import { APP_ID, decodeJwt, entraToken, FOREIGN_ID, rawRequest, USER_OBJECT_ID } from "./helpers.js";

/** The claims of an Entra ID token for Communication Services' Teams exchange. */
const TEAMS_AUDIENCE = { aud: "https://auth.msft.communication.azure.com", scp: "Teams.ManageCalls" };

export interface Target {
  endpoint: string;
  connectionString: string;
  accessKey: string;
  resourceId: string;
  ca?: string;
}

/** How the contract reaches a standalone server: its URL, key and certificate. */
export function standaloneTarget(server: StandaloneEmulator): Target {
  return {
    endpoint: server.url,
    connectionString: server.connectionString,
    accessKey: server.emulator.accessKey,
    resourceId: server.emulator.resourceId,
    ca: server.caPem,
  };
}

export function sdkClient(
  t: Target,
  extra: CommunicationIdentityClientOptions = {},
  cs = t.connectionString,
) {
  return new CommunicationIdentityClient(cs, {
    retryOptions: { maxRetries: 0 },
    ...(t.ca ? { tlsOptions: { ca: t.ca } } : {}),
    ...extra,
  });
}

export async function restError(
  promise: Promise<unknown>,
): Promise<{ statusCode?: number; code?: string; message: string; details?: unknown }> {
  try {
    await promise;
  } catch (error) {
    const e = error as {
      name: string;
      statusCode?: number;
      code?: string;
      message: string;
      response?: { parsedBody?: unknown };
    };
    expect(e.name).toBe("RestError");
    return { statusCode: e.statusCode, code: e.code, message: e.message, details: e.response?.parsedBody };
  }
  throw new Error("expected the SDK call to fail");
}

export function sdkContract(target: () => Target): void {
  const client = () => sdkClient(target());
  const admin = () => {
    const t = target();
    return createEmulatorAdminClient({
      endpoint: t.endpoint,
      accessKey: t.accessKey,
      ...(t.ca ? { ca: t.ca } : {}),
    });
  };

  it("createUser returns an identity 8:acs:<resourceId>_<user> with exactly one underscore", async () => {
    const user = await client().createUser();
    expect(user.communicationUserId).toMatch(new RegExp(`^8:acs:${target().resourceId}_[0-9a-f-]+$`));
    expect(user.communicationUserId.split("_")).toHaveLength(2);
  });

  it("createUserAndToken issues a 24 h RS256 token whose exp equals expiresOn", async () => {
    const before = Date.now();
    const { user, token, expiresOn } = await client().createUserAndToken(["chat", "voip"]);
    const { header, payload } = decodeJwt(token);
    expect(header).toMatchObject({ alg: "RS256", typ: "JWT" });
    expect(typeof header.kid).toBe("string");
    expect(payload).toMatchObject({
      skypeid: user.communicationUserId.slice(2),
      acsScope: "chat,voip",
      resourceId: target().resourceId,
      scp: 1792,
      csi: String(payload.iat),
    });
    expect(payload.exp).toBe(Math.floor(expiresOn.getTime() / 1000));
    expect((payload.exp as number) - (payload.iat as number)).toBe(1440 * 60);
    expect(expiresOn.getTime() - before).toBeGreaterThanOrEqual(1440 * 60_000 - 1000);
    expect(expiresOn.getTime() - before).toBeLessThanOrEqual(1440 * 60_000 + 5000);
  });

  it("createUserAndToken honours tokenExpiresInMinutes", async () => {
    const { token } = await client().createUserAndToken(["chat"], { tokenExpiresInMinutes: 60 });
    const { payload } = decodeJwt(token);
    expect((payload.exp as number) - (payload.iat as number)).toBe(3600);
  });

  it("getToken accepts all five scopes and the 60 and 1440 bounds", async () => {
    const c = client();
    const user = await c.createUser();
    const all = await c.getToken(user, ["chat", "voip", "chat.join", "chat.join.limited", "voip.join"]);
    expect(decodeJwt(all.token).payload.acsScope).toBe("chat,voip,chat.join,chat.join.limited,voip.join");
    const tokens = [all.token];
    for (const minutes of [60, 1440]) {
      const { token } = await c.getToken(user, ["voip"], { tokenExpiresInMinutes: minutes });
      const { payload } = decodeJwt(token);
      expect((payload.exp as number) - (payload.iat as number)).toBe(minutes * 60);
      tokens.push(token);
    }
    expect(new Set(tokens.map((t) => decodeJwt(t).payload.jti)).size).toBe(3);
  });

  it("getToken with expiry 59 or 1441 fails 400 with the service's message", async () => {
    const c = client();
    const user = await c.createUser();
    for (const minutes of [59, 1441]) {
      const e = await restError(c.getToken(user, ["voip"], { tokenExpiresInMinutes: minutes }));
      expect(e).toMatchObject({
        statusCode: 400,
        code: "ValidationError",
        message: `ExpiresInMinutes value ${minutes} is invalid. Value must be within the [60, 1440] interval.`,
      });
      expect(e.details).toMatchObject({ error: { target: "ExpiresInMinutes" } });
    }
  });

  it("createUserAndToken with expiry 1441 fails 400 the same way", async () => {
    const e = await restError(client().createUserAndToken(["chat"], { tokenExpiresInMinutes: 1441 }));
    expect(e).toMatchObject({
      statusCode: 400,
      code: "ValidationError",
      message: "ExpiresInMinutes value 1441 is invalid. Value must be within the [60, 1440] interval.",
    });
  });

  it("getToken with no scopes fails 400 'Invalid scopes - Scopes field is required.'", async () => {
    const c = client();
    const user = await c.createUser();
    const e = await restError(c.getToken(user, []));
    expect(e).toMatchObject({
      statusCode: 400,
      code: "ValidationError",
      message: "Invalid scopes - Scopes field is required.",
    });
    expect(e.details).toMatchObject({ error: { target: "scopes" } });
  });

  it("getToken with an unknown scope fails 400 ValidationError (emulator's message)", async () => {
    const c = client();
    const user = await c.createUser();
    // biome-ignore lint/suspicious/noExplicitAny: sending what the SDK's types forbid, as a JS caller can
    const e = await restError(c.getToken(user, ["bogus" as any]));
    expect(e).toMatchObject({
      statusCode: 400,
      code: "ValidationError",
      message: "Invalid scopes - 'bogus' is not a valid scope.",
    });
  });

  it("revokeTokens and deleteUser succeed (204) for an own identity", async () => {
    const c = client();
    const { user } = await c.createUserAndToken(["voip"]);
    await expect(c.revokeTokens(user)).resolves.toBeUndefined();
    await expect(c.deleteUser(user)).resolves.toBeUndefined();
  });

  it("an identity of another resource fails 401 IdentityNotOwned on issue, revoke and delete", async () => {
    const c = client();
    const foreign = { communicationUserId: FOREIGN_ID };
    for (const call of [
      () => c.getToken(foreign, ["chat"]),
      () => c.revokeTokens(foreign),
      () => c.deleteUser(foreign),
    ]) {
      expect(await restError(call())).toMatchObject({
        statusCode: 401,
        code: "IdentityNotOwned",
        message: "Provided identity doesn't belong to the resource.",
      });
    }
  });

  it("a malformed id fails 401 IdentityNotOwned (assumption)", async () => {
    const c = client();
    const tooManyUnderscores = `8:acs:${target().resourceId}_a_b`;
    for (const id of ["abc", `8:acs:${target().resourceId}`, tooManyUnderscores]) {
      expect(await restError(c.getToken({ communicationUserId: id }, ["chat"]))).toMatchObject({
        statusCode: 401,
        code: "IdentityNotOwned",
      });
    }
  });

  it("a deleted or unknown identity of this resource fails 404 IdentityNotFound (assumption)", async () => {
    const c = client();
    const user = await c.createUser();
    await c.deleteUser(user);
    const unknown = {
      communicationUserId: `8:acs:${target().resourceId}_00000030-0000-0000-0000-000000000000`,
    };
    for (const call of [
      () => c.getToken(user, ["chat"]),
      () => c.revokeTokens(user),
      () => c.deleteUser(user),
      () => c.getToken(unknown, ["chat"]),
    ]) {
      expect(await restError(call())).toMatchObject({
        statusCode: 404,
        code: "IdentityNotFound",
        message: "Provided identity doesn't exist or has been deleted.",
      });
    }
  });

  it("revocation invalidates earlier tokens, not one issued right after (same second)", async () => {
    const c = client();
    const { user, token: before } = await c.createUserAndToken(["chat"]);
    await c.revokeTokens(user);
    const after = await c.getToken(user, ["chat"]);
    expect(decodeJwt(after.token).payload.iat).toBeGreaterThanOrEqual(
      decodeJwt(before).payload.iat as number,
    );
    const a = admin();
    expect(await a.validateToken(before)).toMatchObject({ valid: false, reason: "revoked" });
    expect(await a.validateToken(after.token)).toMatchObject({ valid: true });
    const state = await a.state();
    const entry = state.identities.find((i) => i.id === user.communicationUserId);
    expect(entry).toMatchObject({ deleted: false, tokensIssued: 2 });
    expect(typeof entry?.revokedAt).toBe("string");
  });

  it("deletion invalidates all of the identity's tokens", async () => {
    const c = client();
    const { user, token } = await c.createUserAndToken(["voip"]);
    const a = admin();
    expect(await a.validateToken(token)).toMatchObject({ valid: true, claims: { acsScope: "voip" } });
    await c.deleteUser(user);
    expect(await a.validateToken(token)).toMatchObject({ valid: false, reason: "deleted" });
    expect(await a.validateToken(`${token.slice(0, -4)}AAAA`)).toMatchObject({
      valid: false,
      reason: "signature",
    });
    expect(await a.validateToken("not-a-jwt")).toEqual({ valid: false, reason: "malformed" });
  });

  it("getTokenForTeamsUser exchanges a matching, unexpired Entra token; the ACS token expires with it", async () => {
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const result = await client().getTokenForTeamsUser({
      teamsUserAadToken: entraToken({ appid: APP_ID, oid: USER_OBJECT_ID, exp }),
      clientId: APP_ID,
      userObjectId: USER_OBJECT_ID,
    });
    expect(result.expiresOn.getTime()).toBe(exp * 1000);
    expect(decodeJwt(result.token).payload.exp).toBe(exp);
    expect(await admin().validateToken(result.token)).toMatchObject({ valid: true });
  });

  it("getTokenForTeamsUser takes only a token for Communication Services, valid now: its audience, a Teams scope, its nbf and exp, else 401", async () => {
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const exchange = (claims: { aud?: string | string[]; scp?: string; nbf?: number; exp?: number }) =>
      client().getTokenForTeamsUser({
        teamsUserAadToken: entraToken({ appid: APP_ID, oid: USER_OBJECT_ID, exp, ...claims }),
        clientId: APP_ID,
        userObjectId: USER_OBJECT_ID,
      });
    for (const claims of [
      { aud: "https://graph.microsoft.com", scp: "User.Read" }, // a Microsoft Graph token, as the issue found
      { aud: "https://graph.microsoft.com", scp: "Teams.ManageCalls" },
      { aud: "00000003-0000-0000-c000-000000000000", scp: "Teams.ManageChats" }, // Graph's application id
      { aud: "https://auth.msft.communication.azure.com", scp: "User.Read" },
      { aud: "https://auth.msft.communication.azure.com", scp: "" },
      { aud: "https://auth.msft.communication.azure.com", scp: "Teams.ManageCallsX" },
      { aud: "https://auth.msft.communication.azure.com.evil.example", scp: "Teams.ManageCalls" },
      // Not valid yet (beyond Microsoft Entra's 5 minutes of clock skew), or no longer.
      { ...TEAMS_AUDIENCE, nbf: Math.floor(Date.now() / 1000) + 50 * 60 },
      { ...TEAMS_AUDIENCE, nbf: Math.floor(Date.now() / 1000) + 6 * 60 },
      { ...TEAMS_AUDIENCE, exp: Math.floor(Date.now() / 1000) - 1 },
    ]) {
      const error = await exchange(claims).then(
        () => undefined,
        (e: { statusCode?: number; code?: string }) => e,
      );
      expect(error, JSON.stringify(claims)).toMatchObject({ statusCode: 401, code: "InvalidAccessToken" });
    }
    for (const claims of [
      { aud: "https://auth.msft.communication.azure.com", scp: "Teams.ManageCalls" },
      { aud: "https://auth.msft.communication.azure.com/", scp: "Teams.ManageChats" },
      { aud: "1fd5118e-2576-4263-8130-9503064c837a", scp: "User.Read Teams.ManageChats" }, // a v2 token
      { aud: ["https://auth.msft.communication.azure.com"], scp: "Teams.ManageCalls Teams.ManageChats" },
      { ...TEAMS_AUDIENCE, nbf: Math.floor(Date.now() / 1000) - 60 },
      { ...TEAMS_AUDIENCE, nbf: Math.floor(Date.now() / 1000) + 4 * 60 }, // within the clock skew
    ]) {
      const result = await exchange(claims);
      expect(result.expiresOn.getTime(), JSON.stringify(claims)).toBe(exp * 1000);
    }
  });

  it("getTokenForTeamsUser fails like the service, in the recorded order", async () => {
    const c = client();
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const good = entraToken({ appid: APP_ID, oid: USER_OBJECT_ID, exp });
    const cases: Array<[string, string, string, number, string, string, string | undefined]> = [
      [
        "",
        APP_ID,
        USER_OBJECT_ID,
        401,
        "InvalidAccessToken",
        "Provided access token is not valid.",
        undefined,
      ],
      [
        "invalid",
        APP_ID,
        USER_OBJECT_ID,
        401,
        "InvalidAccessToken",
        "Provided access token is not valid.",
        undefined,
      ],
      [
        entraToken({ appid: APP_ID, oid: USER_OBJECT_ID, exp: exp - 7200 }),
        APP_ID,
        USER_OBJECT_ID,
        401,
        "InvalidAccessToken",
        "Provided access token is not valid.",
        undefined,
      ],
      ["", APP_ID, "", 401, "InvalidAccessToken", "Provided access token is not valid.", undefined],
      [good, "", USER_OBJECT_ID, 400, "ValidationError", "AppId: The AppId field is required.", "AppId"],
      [good, APP_ID, "", 400, "ValidationError", "UserId: The UserId field is required.", "UserId"],
      [
        good,
        "invalid",
        USER_OBJECT_ID,
        400,
        "ValidationError",
        "Provided AppId has invalid format.",
        "appId",
      ],
      [good, APP_ID, "invalid", 400, "ValidationError", "Provided UserId has invalid format.", "userId"],
      [
        good,
        USER_OBJECT_ID,
        USER_OBJECT_ID,
        400,
        "ValidationError",
        "AAD application is not the expected one.",
        "appId",
      ],
      [
        good,
        APP_ID,
        APP_ID,
        400,
        "ValidationError",
        "Provided AAD token issued for unexpected user.",
        "userId",
      ],
    ];
    for (const [token, appId, userId, statusCode, code, message, errorTarget] of cases) {
      const e = await restError(
        c.getTokenForTeamsUser({ teamsUserAadToken: token, clientId: appId, userObjectId: userId }),
      );
      expect(e, `${appId}/${userId}`).toMatchObject({ statusCode, code, message });
      expect((e.details as { error: { target?: string } }).error.target).toBe(errorTarget);
    }
  });

  it("accepts Entra ID bearer auth (TokenCredential) as the SDK sends it", async () => {
    const t = target();
    const credential = {
      getToken: async () => ({
        token: "eyJ0eXAiOiJKV1QifQ.e30.sig",
        expiresOnTimestamp: Date.now() + 3_600_000,
      }),
    };
    const bearerClient = new CommunicationIdentityClient(t.endpoint, credential, {
      retryOptions: { maxRetries: 0 },
      ...(t.ca ? { tlsOptions: { ca: t.ca } } : {}),
    });
    const { user, token } = await bearerClient.createUserAndToken(["chat"]);
    expect(decodeJwt(token).payload.skypeid).toBe(user.communicationUserId.slice(2));
    await bearerClient.deleteUser(user);
  });

  it("a wrong access key fails 401 Denied 'Denied by the resource provider.'", async () => {
    const t = target();
    const wrong = `endpoint=${t.endpoint}/;accesskey=${Buffer.alloc(32, 7).toString("base64")}`;
    expect(await restError(sdkClient(t, {}, wrong).createUser())).toMatchObject({
      statusCode: 401,
      code: "Denied",
      message: "Denied by the resource provider.",
    });
  });

  it("answers with the service's headers: charset JSON, echoed request id, versions, MS-CV, Date; 204 bare", async () => {
    const t = target();
    const common = { endpoint: t.endpoint, accessKey: t.accessKey, ...(t.ca ? { ca: t.ca } : {}) };
    const created = await rawRequest({
      ...common,
      method: "POST",
      path: "/identities?api-version=2023-10-01",
      headers: { "x-ms-client-request-id": "11111111-2222-4333-8444-555555555555" },
    });
    expect(created.status).toBe(201);
    expect(created.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(created.headers["x-ms-client-request-id"]).toBe("11111111-2222-4333-8444-555555555555");
    // The identity routes' list as the service sends it (recorded April 2025, js-433419a362).
    expect(created.headers["api-supported-versions"]).toBe(
      "2020-07-20-preview2, 2021-03-07, 2021-10-31-preview, 2021-11-01, 2022-06-01, 2022-10-01, 2023-10-01, 2025-03-02-preview",
    );
    expect(created.headers["ms-cv"]).toBeTruthy();
    expect(Math.abs(Date.parse(String(created.headers.date)) - Date.now())).toBeLessThan(5000);
    const id = (created.json() as { identity: { id: string } }).identity.id;
    const issued = await rawRequest({
      ...common,
      method: "POST",
      path: `/identities/${encodeURIComponent(id)}/:issueAccessToken?api-version=2023-10-01`,
      body: '{"scopes":["chat"]}',
    });
    expect(issued.status).toBe(200);
    expect((issued.json() as { expiresOn: string }).expiresOn).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}\+00:00$/,
    );
    const revoked = await rawRequest({
      ...common,
      method: "POST",
      path: `/identities/${encodeURIComponent(id)}/:revokeAccessTokens?api-version=2023-10-01`,
    });
    expect(revoked.status).toBe(204);
    expect(revoked.headers["content-type"]).toBeUndefined();
    expect(revoked.text).toBe("");
  });
}

import { beforeAll, describe, expect, it } from "vitest";
import { createEmulator, type Emulator } from "../src/index.js";
import { testSigningKey } from "../src/testing.js";
import { APP_ID, decodeJwt, entraToken, handleCall, USER_OBJECT_ID } from "./helpers.js";

let emulator: Emulator;
const post = (path: string, body?: string) =>
  handleCall(emulator, {
    method: "POST",
    path,
    accessKey: emulator.accessKey,
    ...(body !== undefined ? { body } : {}),
  });
const lifetime = (token: string) => {
  const { payload } = decodeJwt(token);
  return (payload.exp as number) - (payload.iat as number);
};
async function newIdentity(version: string): Promise<string> {
  return (await post(`/identities?api-version=${version}`)).json().identity.id;
}
const issuePath = (id: string, version: string) =>
  `/identities/${encodeURIComponent(id)}/:issueAccessToken?api-version=${version}`;

beforeAll(async () => {
  emulator = await createEmulator({ signingKey: await testSigningKey() });
});

describe("api-version 2021-03-07 (first GA)", () => {
  const v = "2021-03-07";

  it("creates with the .NET-style {} body and advertises the supported versions", async () => {
    const res = await post(`/identities?api-version=${v}`, "{}");
    expect(res.status).toBe(201);
    expect(Object.keys(res.json())).toEqual(["identity"]);
    expect(res.headers.get("api-supported-versions")).toBe("2021-03-07, 2022-06-01, 2022-10-01, 2023-10-01");
  });

  it("issues chat/voip tokens and ignores expiresInMinutes (not in this version): 24 h", async () => {
    const res = await post(
      `/identities?api-version=${v}`,
      '{"createTokenWithScopes":["chat"],"expiresInMinutes":60}',
    );
    expect(res.status).toBe(201);
    expect(lifetime(res.json().accessToken.token)).toBe(86_400);
    const issued = await post(
      issuePath(res.json().identity.id, v),
      '{"scopes":["voip"],"expiresInMinutes":5}',
    );
    expect(issued.status).toBe(200);
    expect(lifetime(issued.json().token)).toBe(86_400);
  });

  it("does not know the *.join scopes", async () => {
    const id = await newIdentity(v);
    const res = await post(issuePath(id, v), '{"scopes":["chat.join"]}');
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({
      error: {
        code: "ValidationError",
        message: "Invalid scopes - 'chat.join' is not a valid scope.",
        target: "scopes",
      },
    });
  });

  it("has no Teams exchange: 400 UnsupportedApiVersion", async () => {
    const res = await post(`/teamsUser/:exchangeAccessToken?api-version=${v}`, "{}");
    expect(res.status).toBe(400);
    expect(res.json().error.code).toBe("UnsupportedApiVersion");
    expect(res.headers.get("api-supported-versions")).toBe("2022-06-01, 2022-10-01, 2023-10-01");
  });
});

describe("api-version 2022-06-01", () => {
  it("exchanges Teams tokens but still ignores expiresInMinutes", async () => {
    const exp = Math.floor(Date.now() / 1000) + 1800;
    const body = JSON.stringify({
      token: entraToken({ appid: APP_ID, oid: USER_OBJECT_ID, exp }),
      appId: APP_ID,
      userId: USER_OBJECT_ID,
    });
    const teams = await post("/teamsUser/:exchangeAccessToken?api-version=2022-06-01", body);
    expect(teams.status).toBe(200);
    expect(decodeJwt(teams.json().token).payload.exp).toBe(exp);
    const id = await newIdentity("2022-06-01");
    const issued = await post(issuePath(id, "2022-06-01"), '{"scopes":["chat"],"expiresInMinutes":60}');
    expect(lifetime(issued.json().token)).toBe(86_400);
  });

  it("accepts an Entra v2 token whose app is in azp", async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const body = JSON.stringify({
      token: entraToken({ azp: APP_ID, oid: USER_OBJECT_ID, exp }),
      appId: APP_ID,
      userId: USER_OBJECT_ID,
    });
    expect((await post("/teamsUser/:exchangeAccessToken?api-version=2023-10-01", body)).status).toBe(200);
  });
});

describe("api-version 2022-10-01 as the Python SDK speaks it", () => {
  const v = "2022-10-01";

  it('treats "expiresInMinutes": null as not given (1440)', async () => {
    const created = await post(
      `/identities?api-version=${v}`,
      '{"createTokenWithScopes": ["chat"], "expiresInMinutes": null}',
    );
    expect(created.status).toBe(201);
    expect(lifetime(created.json().accessToken.token)).toBe(86_400);
    const issued = await post(
      issuePath(created.json().identity.id, v),
      '{"scopes": ["voip"], "expiresInMinutes": null}',
    );
    expect(issued.status).toBe(200);
    expect(lifetime(issued.json().token)).toBe(86_400);
  });

  it("honours expiresInMinutes and validates its range", async () => {
    const id = await newIdentity(v);
    expect(
      lifetime((await post(issuePath(id, v), '{"scopes":["chat"],"expiresInMinutes":90}')).json().token),
    ).toBe(5400);
    const res = await post(issuePath(id, v), '{"scopes":["chat"],"expiresInMinutes":1441}');
    expect(res.json()).toEqual({
      error: {
        code: "ValidationError",
        message: "ExpiresInMinutes value 1441 is invalid. Value must be within the [60, 1440] interval.",
        target: "ExpiresInMinutes",
      },
    });
  });

  it("answers a missing scopes property with 'Scopes: The Scopes field is required.'", async () => {
    const id = await newIdentity(v);
    const res = await post(issuePath(id, v), "{}");
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({
      error: { code: "ValidationError", message: "Scopes: The Scopes field is required.", target: "Scopes" },
    });
  });

  it("creates an identity without a token for {} (no createTokenWithScopes)", async () => {
    const res = await post(`/identities?api-version=${v}`, "{}");
    expect(res.status).toBe(201);
    expect(res.json().accessToken).toBeUndefined();
  });

  it("rejects voip.join (2023-10-01 only)", async () => {
    const res = await post(`/identities?api-version=${v}`, '{"createTokenWithScopes":["voip.join"]}');
    expect(res.status).toBe(400);
    expect(res.json().error.target).toBe("createTokenWithScopes");
  });
});

describe("unsupported and missing api-version", () => {
  it("answers 400 UnsupportedApiVersion with the request URI and version", async () => {
    const res = await post("/identities?api-version=2020-07-20-preview2");
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({
      error: {
        code: "UnsupportedApiVersion",
        message:
          "The HTTP resource that matches the request URI 'https://acs.example.com/identities' does not support the API version '2020-07-20-preview2'.",
      },
    });
  });

  it("answers 400 ApiVersionUnspecified when api-version is missing (assumption)", async () => {
    const res = await post("/identities");
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({
      error: { code: "ApiVersionUnspecified", message: "An API version is required, but was not specified." },
    });
  });

  it("checks authentication before the api-version", async () => {
    const res = await handleCall(emulator, { method: "POST", path: "/identities?api-version=1999-01-01" });
    expect(res.status).toBe(401);
  });
});

describe("request bodies the SDKs do not send (emulator's answers)", () => {
  it("rejects non-JSON and wrongly typed fields with 400 ValidationError", async () => {
    const id = await newIdentity("2023-10-01");
    for (const body of [
      "not json",
      '{"scopes":"chat"}',
      '{"scopes":["chat"],"expiresInMinutes":"90"}',
      '{"scopes":["chat"],"expiresInMinutes":90.5}',
      "[1]",
    ]) {
      const res = await post(issuePath(id, "2023-10-01"), body);
      expect(res.status, body).toBe(400);
      expect(res.json().error.code).toBe("ValidationError");
    }
  });

  it("rejects createTokenWithScopes: [] like an empty scopes list (assumption)", async () => {
    const res = await post("/identities?api-version=2023-10-01", '{"createTokenWithScopes":[]}');
    expect(res.json()).toEqual({
      error: {
        code: "ValidationError",
        message: "Invalid scopes - Scopes field is required.",
        target: "createTokenWithScopes",
      },
    });
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import { MAX_WARNED_VERSIONS } from "../src/handler.js";
import { createEmulator, type Emulator } from "../src/index.js";
import { testSigningKey } from "../src/testing.js";
import { APP_ID, decodeJwt, entraToken, FOREIGN_ID, handleCall, USER_OBJECT_ID } from "./helpers.js";

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
    expect(res.headers.get("api-supported-versions")).toBe(
      "2020-07-20-preview2, 2021-03-07, 2021-10-31-preview, 2021-11-01, 2022-06-01, 2022-10-01, 2023-10-01, 2025-03-02-preview",
    );
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
    expect(res.headers.get("api-supported-versions")).toBe(
      "2021-10-31-preview, 2022-06-01, 2022-10-01, 2023-10-01, 2025-03-02-preview",
    );
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

describe("api-version 2025-03-02-preview: customId and GET /identities/{id}", () => {
  const P = "api-version=2025-03-02-preview";
  const get = (id: string, version = P) =>
    handleCall(emulator, {
      method: "GET",
      path: `/identities/${encodeURIComponent(id)}?${version}`,
      accessKey: emulator.accessKey,
    });

  it("gives one identity per customId: the same one again (201, as recorded), another one for another customId", async () => {
    const carol = await post(`/identities?${P}`, '{"customId":"carol@contoso.com"}');
    const again = await post(`/identities?${P}`, '{"customId":"carol@contoso.com"}');
    const dave = await post(`/identities?${P}`, '{"customId":"dave@contoso.com"}');
    expect([carol.status, again.status, dave.status]).toEqual([201, 201, 201]);
    expect(again.json()).toEqual(carol.json());
    expect(carol.json().identity.customId).toBe("carol@contoso.com");
    expect(dave.json().identity.id).not.toBe(carol.json().identity.id);
    expect((await get(carol.json().identity.id)).json()).toEqual({
      customId: "carol@contoso.com",
      id: carol.json().identity.id,
    });
  });

  it("keeps lastTokenIssuedAt (whole seconds) from the issue operations; a create shows the identity before its own token", async () => {
    const created = await post(
      `/identities?${P}`,
      '{"customId":"erin@contoso.com","createTokenWithScopes":["chat"]}',
    );
    const id = created.json().identity.id as string;
    // As recorded for a new identity with a token: no lastTokenIssuedAt in the create answer.
    expect(Object.keys(created.json().identity)).toEqual(["customId", "id"]);
    const issuedAt = Date.parse(created.headers.get("date") ?? "");
    const after = (await get(id)).json();
    expect(Object.keys(after)).toEqual(["customId", "lastTokenIssuedAt", "id"]);
    expect(Math.abs(Date.parse(after.lastTokenIssuedAt) - issuedAt)).toBeLessThanOrEqual(1000);
    expect(after.lastTokenIssuedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    const plain = (await post(`/identities?${P}`)).json().identity.id as string;
    expect((await get(plain)).json()).toEqual({ id: plain });
    expect((await post(issuePath(plain, "2025-03-02-preview"), '{"scopes":["voip"]}')).status).toBe(200);
    expect(Object.keys((await get(plain)).json())).toEqual(["lastTokenIssuedAt", "id"]);
  });

  it("a deleted identity gives its customId up; GET answers 404 for it and 401 for another resource's", async () => {
    const first = (await post(`/identities?${P}`, '{"customId":"frank@contoso.com"}')).json().identity.id;
    const deleted = await handleCall(emulator, {
      method: "DELETE",
      path: `/identities/${encodeURIComponent(first)}?${P}`,
      accessKey: emulator.accessKey,
    });
    expect(deleted.status).toBe(204);
    expect((await get(first)).json().error.code).toBe("IdentityNotFound");
    const second = (await post(`/identities?${P}`, '{"customId":"frank@contoso.com"}')).json().identity.id;
    expect(second).not.toBe(first);
    const foreign = await get(FOREIGN_ID);
    expect(foreign.status).toBe(401);
    expect(foreign.json().error.code).toBe("IdentityNotOwned");
  });

  it("customId is not part of earlier versions: 2023-10-01 ignores it", async () => {
    const a = await post("/identities?api-version=2023-10-01", '{"customId":"grace@contoso.com"}');
    const b = await post("/identities?api-version=2023-10-01", '{"customId":"grace@contoso.com"}');
    expect(a.json()).toEqual({ identity: { id: expect.any(String) } });
    expect(b.json().identity.id).not.toBe(a.json().identity.id);
  });

  it("refuses a customId outside 1..256 characters or not a string: 400 ValidationError, no api-supported-versions", async () => {
    for (const customId of ["", "x".repeat(257)]) {
      const res = await post(`/identities?${P}`, JSON.stringify({ customId }));
      expect(res.status).toBe(400);
      expect(res.json()).toEqual({
        error: {
          code: "ValidationError",
          message:
            "CustomId: The field CustomId must be a string with a minimum length of 1 and a maximum length of 256.",
          target: "CustomId",
        },
      });
      expect(res.headers.get("api-supported-versions")).toBeNull();
    }
    expect((await post(`/identities?${P}`, JSON.stringify({ customId: "x".repeat(256) }))).status).toBe(201);
    expect((await post(`/identities?${P}`, '{"customId":42}')).json().error.target).toBe("CustomId");
  });

  it("GET of an identity before 2025-03-02-preview: 405 UnsupportedApiVersion, Allow: DELETE", async () => {
    const id = await newIdentity("2023-10-01");
    const res = await get(id, "api-version=2023-10-01");
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("DELETE");
    expect(res.json()).toEqual({
      error: {
        code: "UnsupportedApiVersion",
        message: "The requested resource with API version '2023-10-01' does not support HTTP method 'GET'.",
      },
    });
  });

  it("writes expiresOn with the clock's sub-millisecond digits (the default clock has them)", async () => {
    const id = await newIdentity("2025-03-02-preview");
    const endings = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const { expiresOn, token } = (
        await post(issuePath(id, "2025-03-02-preview"), '{"scopes":["chat"]}')
      ).json();
      endings.add(expiresOn.slice(-10, -6));
      expect(decodeJwt(token).payload.exp).toBe(Math.floor(Date.parse(expiresOn) / 1000));
    }
    // Three readings of a sub-millisecond clock that all end in 0000 would be a one-in-a-trillion coincidence.
    expect([...endings]).not.toEqual(["0000"]);
  });
});

describe("an api-version later than any the emulator implements", () => {
  const LATER = "2026-09-23";

  it("strict (the default): 400 UnsupportedApiVersion, as the service answers an unknown version", async () => {
    const res = await post(`/identities?api-version=${LATER}`, '{"customId":"henry@contoso.com"}');
    expect(res.status).toBe(400);
    expect(res.json().error.code).toBe("UnsupportedApiVersion");
  });

  it("loose: served with the newest rules, one warning line per version; earlier unknown or malformed ones stay 400", async () => {
    const warnings: string[] = [];
    const events: Array<{ apiVersion?: string; servedAs?: string }> = [];
    const loose = await createEmulator({
      signingKey: await testSigningKey(),
      apiVersionCheck: "loose",
      warn: (line) => warnings.push(line),
      onRequest: (event) => events.push(event),
    });
    const call = (method: string, path: string, body?: string) =>
      handleCall(loose, {
        method,
        path,
        accessKey: loose.accessKey,
        ...(body !== undefined ? { body } : {}),
      });
    const created = await call(
      "POST",
      `/identities?api-version=${LATER}`,
      '{"customId":"henry@contoso.com"}',
    );
    expect(created.status).toBe(201);
    // The newest rules: customId is honoured and GET exists.
    expect(created.json().identity.customId).toBe("henry@contoso.com");
    const id = created.json().identity.id as string;
    const got = await call("GET", `/identities/${encodeURIComponent(id)}?api-version=${LATER}`);
    expect(got.json()).toEqual({ customId: "henry@contoso.com", id });
    const issued = await call("POST", issuePath(id, "2027-01-01-preview"), '{"scopes":["voip.join"]}');
    expect(issued.status).toBe(200);
    expect(warnings).toEqual([
      `ACS emulator: api-version ${LATER} is later than any the emulator implements; serving it with the rules of 2025-03-02-preview (--api-version-check loose).`,
      "ACS emulator: api-version 2027-01-01-preview is later than any the emulator implements; serving it with the rules of 2025-03-02-preview (--api-version-check loose).",
    ]);
    expect(events[0]).toMatchObject({ apiVersion: LATER, servedAs: "2025-03-02-preview" });
    for (const version of [
      "2021-11-01",
      "2020-07-20-preview2",
      "latest",
      "9999-99-99x",
      "2026-13-45", // no such date
      "2026-02-30",
      "2027-00-10",
      `2027-01-01-${"a".repeat(40)}`, // a status longer than any
    ]) {
      const res = await call("POST", `/identities?api-version=${version}`);
      expect(res.status, version).toBe(400);
      expect(res.json().error.code, version).toBe("UnsupportedApiVersion");
    }
    // A client sending a new version with each request gets a bounded number of warning lines.
    warnings.length = 0;
    for (let n = 0; n < 40; n++) await call("POST", `/identities?api-version=2030-01-01-x${n}`);
    expect(warnings.length).toBe(MAX_WARNED_VERSIONS - 1); // 2 of the first 16 were warned about above
    expect(warnings.at(-1)).toMatch(
      /^ACS emulator: more than 16 later api-versions served .* no more warnings/,
    );
    await loose.close();
  });

  it("createEmulator refuses an apiVersionCheck that is neither strict nor loose", async () => {
    await expect(
      createEmulator({ signingKey: await testSigningKey(), apiVersionCheck: "lenient" as "loose" }),
    ).rejects.toThrow('apiVersionCheck must be "strict" or "loose", not "lenient"');
  });
});

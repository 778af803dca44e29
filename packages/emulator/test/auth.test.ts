import { beforeAll, describe, expect, it } from "vitest";
import { createEmulator, EMPTY_CONTENT_HASH, type Emulator, signRequest } from "../src/index.js";
import { testSigningKey } from "../src/testing.js";
import { handleCall } from "./helpers.js";

// Test vectors published with @azure/communication-common (communicationKeyCredentialPolicy.spec.ts).
describe("signRequest signs exactly as the SDK", () => {
  const base = { method: "GET", accessKey: "pw==", date: "Wed, 13 Apr 2022 18:09:12 GMT" };

  it("matches the published vector with a query", () => {
    const headers = signRequest({ ...base, url: "https://example.com/testPath?testQuery=test" });
    expect(headers.authorization).toBe(
      "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=DGdgwggJWnQyc6EHjR/Vbqg1ES64KpD6U2XwTDDj3tU=",
    );
    expect(headers["x-ms-content-sha256"]).toBe(EMPTY_CONTENT_HASH);
    expect(headers.host).toBe("example.com");
  });

  it("matches the published vector without a query", () => {
    const headers = signRequest({ ...base, url: "https://example.com/testPath" });
    expect(headers.authorization).toMatch(/&Signature=\+6tWkg3lNKVjQHHmxkdGQcJjUgzclsWTMebnuCz1ngU=$/);
  });

  it("signs the host with a non-default port only", () => {
    expect(signRequest({ ...base, url: "https://localhost:8443/x" }).host).toBe("localhost:8443");
    expect(signRequest({ ...base, url: "https://localhost:443/x" }).host).toBe("localhost");
  });
});

describe("HMAC verification", () => {
  const NOW = Date.parse("2026-11-25T10:00:00Z");
  let emulator: Emulator;
  let key: string;
  const create = "/identities?api-version=2023-10-01";

  beforeAll(async () => {
    emulator = await createEmulator({ signingKey: await testSigningKey(), now: () => NOW });
    key = emulator.accessKey;
  });

  it("accepts a correctly signed request", async () => {
    expect(
      (await handleCall(emulator, { method: "POST", path: create, accessKey: key, date: new Date(NOW) }))
        .status,
    ).toBe(201);
  });

  it("rejects a wrong key with 401 Denied 'Denied by the resource provider.'", async () => {
    const res = await handleCall(emulator, {
      method: "POST",
      path: create,
      accessKey: Buffer.alloc(32, 1).toString("base64"),
      date: new Date(NOW),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("x-emulator-reason")).toBe("signature");
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.json()).toEqual({ error: { code: "Denied", message: "Denied by the resource provider." } });
  });

  it("rejects a body that differs from its signed content hash", async () => {
    const signed = signRequest({
      method: "POST",
      url: `https://acs.example.com${create}`,
      body: '{"createTokenWithScopes":["chat"]}',
      accessKey: key,
      date: new Date(NOW),
    });
    const res = await handleCall(emulator, {
      method: "POST",
      path: create,
      body: '{"createTokenWithScopes":["voip"]}',
      headers: signed,
    });
    expect(res.status).toBe(401);
    expect(res.json()).toEqual({
      error: {
        code: "Denied",
        message: "Request 'x-ms-content-sha256' differs from generated content hash.",
      },
    });
  });

  it("rejects a request whose content hash header was changed to match a tampered body", async () => {
    const signed = signRequest({
      method: "POST",
      url: `https://acs.example.com${create}`,
      body: "{}",
      accessKey: key,
      date: new Date(NOW),
    });
    const tampered = signRequest({
      method: "POST",
      url: `https://acs.example.com${create}`,
      body: '{"x":1}',
      accessKey: key,
      date: new Date(NOW),
    });
    const res = await handleCall(emulator, {
      method: "POST",
      path: create,
      body: '{"x":1}',
      headers: { ...signed, "x-ms-content-sha256": tampered["x-ms-content-sha256"] },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("x-emulator-reason")).toBe("signature");
    expect(res.json().error.message).toBe("Denied by the resource provider.");
  });

  it("accepts x-ms-date within 15 minutes either way, and rejects it beyond", async () => {
    for (const [offsetMin, status] of [
      [-14, 201],
      [14, 201],
      [-16, 401],
      [16, 401],
    ] as const) {
      const res = await handleCall(emulator, {
        method: "POST",
        path: create,
        accessKey: key,
        date: new Date(NOW + offsetMin * 60_000),
      });
      expect(res.status, `offset ${offsetMin} min`).toBe(status);
    }
  });

  it("honours a configured clock window", async () => {
    const strict = await createEmulator({
      signingKey: await testSigningKey(),
      now: () => NOW,
      clockSkewMinutes: 1,
    });
    const res = await handleCall(strict, {
      method: "POST",
      path: create,
      accessKey: strict.accessKey,
      date: new Date(NOW - 2 * 60_000),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("x-emulator-reason")).toBe("stale-date");
  });

  it("accepts the same date and signature re-sent, as the SDK does on retries", async () => {
    const headers = signRequest({
      method: "POST",
      url: `https://acs.example.com${create}`,
      accessKey: key,
      date: new Date(NOW - 10_000),
    });
    for (let i = 0; i < 3; i++) {
      expect((await handleCall(emulator, { method: "POST", path: create, headers })).status).toBe(201);
    }
  });

  it("rejects missing x-ms-date, x-ms-content-sha256, Authorization, or a malformed Authorization", async () => {
    for (const drop of ["x-ms-date", "x-ms-content-sha256", "authorization"]) {
      const res = await handleCall(emulator, {
        method: "POST",
        path: create,
        accessKey: key,
        date: new Date(NOW),
        headers: { [drop]: undefined },
      });
      expect(res.status, drop).toBe(401);
      expect(res.json().error.code).toBe("Denied");
    }
    const res = await handleCall(emulator, {
      method: "POST",
      path: create,
      headers: { authorization: "SharedKey abc" },
    });
    expect(res.status).toBe(401);
  });

  it("signs the Host with its non-default port: dropping the port breaks the signature", async () => {
    const origin = "https://localhost:8443";
    expect(
      (
        await handleCall(emulator, {
          method: "POST",
          path: create,
          origin,
          accessKey: key,
          date: new Date(NOW),
        })
      ).status,
    ).toBe(201);
    const signedWithoutPort = signRequest({
      method: "POST",
      url: `https://localhost${create}`,
      accessKey: key,
      date: new Date(NOW),
    });
    const res = await handleCall(emulator, {
      method: "POST",
      path: create,
      origin,
      headers: { ...signedWithoutPort, host: "localhost:8443" },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("x-emulator-reason")).toBe("signature");
  });

  it("accepts any bearer token by default, and none when configured to reject", async () => {
    const bearer = { authorization: "Bearer eyJhbGciOi.anything.x" };
    expect((await handleCall(emulator, { method: "POST", path: create, headers: bearer })).status).toBe(201);
    const rejecting = await createEmulator({ signingKey: await testSigningKey(), bearer: "reject" });
    const res = await handleCall(rejecting, { method: "POST", path: create, headers: bearer });
    expect(res.status).toBe(401);
    expect(res.headers.get("x-emulator-reason")).toBe("bearer-rejected");
    expect(res.json().error.code).toBe("Denied");
  });

  it("protects every /_emulator/ route: unsigned calls get 401", async () => {
    for (const [method, path] of [
      ["GET", "/_emulator/state"],
      ["POST", "/_emulator/validate-token"],
      ["POST", "/_emulator/faults"],
      ["DELETE", "/_emulator/faults"],
      ["POST", "/_emulator/reset"],
      ["GET", "/_emulator/jwks.json"],
    ] as const) {
      const res = await handleCall(emulator, { method, path, ...(method === "POST" ? { body: "{}" } : {}) });
      expect(res.status, `${method} ${path}`).toBe(401);
    }
  });
});

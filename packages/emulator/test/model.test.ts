import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, type Emulator } from "../src/index.js";
import { testSigningKey } from "../src/testing.js";
import { decodeJwt, handleCall } from "./helpers.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "acs-emulator-model-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function createIdentity(e: Emulator, tokenScopes?: string[]) {
  const body = tokenScopes ? JSON.stringify({ createTokenWithScopes: tokenScopes }) : undefined;
  const res = await handleCall(e, {
    method: "POST",
    path: "/identities?api-version=2023-10-01",
    accessKey: e.accessKey,
    ...(body ? { body } : {}),
  });
  return res.json() as { identity: { id: string }; accessToken?: { token: string; expiresOn: string } };
}
async function issue(e: Emulator, id: string) {
  const res = await handleCall(e, {
    method: "POST",
    path: `/identities/${encodeURIComponent(id)}/:issueAccessToken?api-version=2023-10-01`,
    body: '{"scopes":["chat"]}',
    accessKey: e.accessKey,
  });
  return res.json().token as string;
}
async function revoke(e: Emulator, id: string) {
  const res = await handleCall(e, {
    method: "POST",
    path: `/identities/${encodeURIComponent(id)}/:revokeAccessTokens?api-version=2023-10-01`,
    accessKey: e.accessKey,
  });
  expect(res.status).toBe(204);
}

describe("revocation is exact within one second (issue sequence, not iat)", () => {
  it("with a frozen clock, tokens before the revoke are revoked and tokens after are valid", async () => {
    // Frozen close to the real time, so the SDK-style x-ms-date stays inside the window.
    const frozen = Math.floor(Date.now() / 1000) * 1000 + 123;
    const e = await createEmulator({ signingKey: await testSigningKey(), now: () => frozen });
    const { identity, accessToken } = await createIdentity(e, ["chat"]);
    const before = await issue(e, identity.id);
    await revoke(e, identity.id);
    const after = await issue(e, identity.id);
    expect(decodeJwt(before).payload.iat).toBe(decodeJwt(after).payload.iat);
    expect(await e.validateToken(accessToken?.token ?? "")).toMatchObject({
      valid: false,
      reason: "revoked",
    });
    expect(await e.validateToken(before)).toMatchObject({ valid: false, reason: "revoked" });
    expect(await e.validateToken(after)).toMatchObject({ valid: true });
  });

  it("reports expiry once the clock passes exp", async () => {
    const start = Math.floor(Date.now() / 1000) * 1000 + 250;
    let now = start;
    const e = await createEmulator({ signingKey: await testSigningKey(), now: () => now });
    const { accessToken } = await createIdentity(e, ["voip"]);
    const expected = new Date(start + 1440 * 60_000).toISOString().replace("Z", "0000+00:00");
    expect(accessToken?.expiresOn).toBe(expected);
    expect(accessToken?.expiresOn).toMatch(/\.2500000\+00:00$/);
    now += 1440 * 60_000 - 1000;
    expect(await e.validateToken(accessToken?.token ?? "")).toMatchObject({ valid: true });
    now += 1440 * 60_000;
    expect(await e.validateToken(accessToken?.token ?? "")).toMatchObject({
      valid: false,
      reason: "expired",
    });
  });

  it("keeps bookkeeping bounded: no per-token storage", async () => {
    const file = join(dir, "bounded.json");
    const e = await createEmulator({ signingKey: await testSigningKey(), stateFile: file });
    const { identity } = await createIdentity(e);
    for (let i = 0; i < 100; i++) await issue(e, identity.id);
    e.flush();
    const size200 = readFileSync(file, "utf8").length;
    for (let i = 0; i < 100; i++) await issue(e, identity.id);
    e.flush();
    expect(readFileSync(file, "utf8").length).toBeLessThanOrEqual(size200 + 1);
    expect(e.identities()).toMatchObject([{ tokensIssued: 200 }]);
    await e.close();
  });
});

describe("state file persistence", () => {
  it("a second emulator on the same file continues: same key, owned identities, old tokens still valid", async () => {
    const file = join(dir, "continue.json");
    const first = await createEmulator({ signingKey: await testSigningKey(), stateFile: file });
    const { identity, accessToken } = await createIdentity(first, ["chat"]);
    await revoke(first, identity.id);
    const kept = await issue(first, identity.id);
    const deleted = (await createIdentity(first)).identity.id;
    await handleCall(first, {
      method: "DELETE",
      path: `/identities/${encodeURIComponent(deleted)}?api-version=2023-10-01`,
      accessKey: first.accessKey,
    });
    await first.close();

    // No signing key given: only the state file can provide the one the first emulator signed with.
    const second = await createEmulator({ stateFile: file });
    expect(second.accessKey).toBe(first.accessKey);
    expect(second.resourceId).toBe(first.resourceId);
    expect(await second.validateToken(kept)).toMatchObject({ valid: true });
    expect(await second.validateToken(accessToken?.token ?? "")).toMatchObject({
      valid: false,
      reason: "revoked",
    });
    const again = await issue(second, identity.id);
    expect(await second.validateToken(again)).toMatchObject({ valid: true });
    // A revoke in the second process covers tokens issued by the first (the sequence continues).
    await revoke(second, identity.id);
    expect(await second.validateToken(kept)).toMatchObject({ valid: false, reason: "revoked" });
    const gone = await handleCall(second, {
      method: "POST",
      path: `/identities/${encodeURIComponent(deleted)}/:issueAccessToken?api-version=2023-10-01`,
      body: '{"scopes":["chat"]}',
      accessKey: second.accessKey,
    });
    expect(gone.status).toBe(404);
    await second.close();
  });

  it("keeps customId and lastTokenIssuedAt across a restart (2025-03-02-preview)", async () => {
    const file = join(dir, "custom-id.json");
    const P = "api-version=2025-03-02-preview";
    const first = await createEmulator({ signingKey: await testSigningKey(), stateFile: file });
    const created = await handleCall(first, {
      method: "POST",
      path: `/identities?${P}`,
      body: '{"customId":"ivan@contoso.com","createTokenWithScopes":["chat"]}',
      accessKey: first.accessKey,
    });
    const id = created.json().identity.id as string;
    await first.close();
    const second = await createEmulator({ stateFile: file });
    const again = await handleCall(second, {
      method: "POST",
      path: `/identities?${P}`,
      body: '{"customId":"ivan@contoso.com"}',
      accessKey: second.accessKey,
    });
    expect(again.json().identity).toEqual({
      customId: "ivan@contoso.com",
      lastTokenIssuedAt: expect.stringMatching(/\+00:00$/),
      id,
    });
    await second.close();
  });

  it("writes create/revoke/delete before answering, as readable JSON, with no temp files left", async () => {
    const file = join(dir, "readable.json");
    const e = await createEmulator({ signingKey: await testSigningKey(), stateFile: file });
    const { identity } = await createIdentity(e);
    const state = JSON.parse(readFileSync(file, "utf8"));
    expect(state).toMatchObject({
      version: 1,
      resourceId: e.resourceId,
      accessKey: e.accessKey,
      identities: [{ id: identity.id, deleted: false, tokensIssued: 0, revokedAt: null, revokedSeq: null }],
    });
    expect(state.signingKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(typeof state.sequence).toBe("number");
    await revoke(e, identity.id);
    expect(JSON.parse(readFileSync(file, "utf8")).identities[0].revokedAt).toMatch(/Z$/);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    // Nothing else beside it either (the atomic write's temporary files are named readable.json.<number>).
    const mine = () => readdirSync(dir).filter((f) => f.startsWith("readable.json"));
    expect(mine().sort()).toEqual(["readable.json", "readable.json.lock", "readable.json.lock.owner"]);
    await e.close();
    expect(mine()).toEqual(["readable.json"]);
  });

  it("a corrupted state file gives a clear error naming the file", async () => {
    const file = join(dir, "corrupt.json");
    writeFileSync(file, '{"version":1, "resourceId": ');
    await expect(createEmulator({ signingKey: await testSigningKey(), stateFile: file })).rejects.toThrow(
      `The emulator state file ${file} is corrupted (it is not valid JSON)`,
    );
    writeFileSync(file, '{"version":1}');
    await expect(createEmulator({ signingKey: await testSigningKey(), stateFile: file })).rejects.toThrow(
      /corrupted \("resourceId" is missing\)/,
    );
  });

  it("reset forgets identities but keeps the key, so clients keep working", async () => {
    const e = await createEmulator({ signingKey: await testSigningKey() });
    const { accessToken } = await createIdentity(e, ["chat"]);
    const res = await handleCall(e, { method: "POST", path: "/_emulator/reset", accessKey: e.accessKey });
    expect(res.status).toBe(204);
    expect(e.identities()).toEqual([]);
    expect(await e.validateToken(accessToken?.token ?? "")).toMatchObject({
      valid: false,
      reason: "deleted",
    });
    expect((await createIdentity(e)).identity.id).toMatch(/^8:acs:/);
  });

  it("tells a forged or broken token from a valid one: malformed, then signature, before the model's reasons", async () => {
    const e = await createEmulator({ signingKey: await testSigningKey() });
    const other = await createEmulator();
    const { accessToken } = await createIdentity(e, ["chat"]);
    const { accessToken: foreign } = await createIdentity(other, ["chat"]);
    const token = accessToken?.token ?? "";
    const [h, p, s] = token.split(".") as [string, string, string];
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const { header, payload } = decodeJwt(token);
    const reason = async (t: string) => ((await e.validateToken(t)) as { reason?: string }).reason;
    expect(await reason(foreign?.token ?? "")).toBe("signature"); // another resource's key (kid)
    expect(await reason(`${b64({ ...header, alg: "none" })}.${p}.`)).toBe("signature");
    expect(await reason(`${h}.${b64({ ...payload, skypeid: "acs:someone_else" })}.${s}`)).toBe("signature");
    expect(await reason(`${h}.${p}.${s.replace(/^./, s.startsWith("A") ? "B" : "A")}`)).toBe("signature");
    expect(await reason(`${h}.${p}`)).toBe("malformed");
    expect(await reason(`${h}.bm90IGpzb24.${s}`)).toBe("malformed"); // "not json"
    expect(await reason(`${h}.${p}.${s}+`)).toBe("malformed"); // not base64url
    expect(await e.validateToken(token)).toMatchObject({ valid: true, claims: { acsScope: "chat" } });
    await Promise.all([e.close(), other.close()]);
  });

  it("publishes the signing key as a JWK set that verifies issued tokens", async () => {
    const { createPublicKey, verify } = await import("node:crypto");
    const e = await createEmulator({ signingKey: await testSigningKey() });
    const { accessToken } = await createIdentity(e, ["chat"]);
    const res = await handleCall(e, { method: "GET", path: "/_emulator/jwks.json", accessKey: e.accessKey });
    const [jwk] = res.json().keys;
    expect(jwk).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig" });
    const token = accessToken?.token ?? "";
    expect(decodeJwt(token).header.kid).toBe(jwk.kid);
    const [h, p, s] = token.split(".");
    const ok = verify(
      "sha256",
      Buffer.from(`${h}.${p}`),
      createPublicKey({ key: jwk, format: "jwk" }),
      Buffer.from(s ?? "", "base64url"),
    );
    expect(ok).toBe(true);
  });
});

describe("the signing key", () => {
  const jwk = async (e: Awaited<ReturnType<typeof createEmulator>>) =>
    (await handleCall(e, { method: "GET", path: "/_emulator/jwks.json", accessKey: e.accessKey })).json()
      .keys[0];

  it("is the one given, else a new one; it is kept in the state file, which refuses another", async () => {
    const signingKey = await testSigningKey();
    const given = await createEmulator({ signingKey });
    const fresh = await createEmulator();
    expect((await jwk(given)).n).not.toBe((await jwk(fresh)).n);
    const file = join(dir, "keyed.json");
    const keyed = await createEmulator({ signingKey, stateFile: file });
    expect((await jwk(keyed)).kid).toBe((await jwk(given)).kid);
    await keyed.close();
    const { generateKeyPairSync } = await import("node:crypto");
    const another = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    await expect(createEmulator({ signingKey: another, stateFile: file })).rejects.toThrow(
      /holds another signing key/,
    );
    await Promise.all([given.close(), fresh.close()]);
  });
});

import { randomBytes } from "node:crypto";
import { CompactEncrypt } from "jose/jwe/compact/encrypt";
import { SignJWT } from "jose/jwt/sign";
import { describe, expect, it } from "vitest";
import { accessTokenFacts, readAccessToken, TokenFormatError } from "../src/index.js";

const RESOURCE = "2dee53b4-368b-45b4-ab52-8493fb117652";
const USER = "00000005-14a2-493b-8a72-5a3a0d000081";

/** The claims of a real ACS token (reference: acs-identity-api.md §7.2), signed with a throwaway HMAC key. */
async function realShapedToken(extra: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({
    skypeid: `acs:${RESOURCE}_${USER}`,
    scp: 1792,
    csi: "1755818174",
    exp: 1755821774,
    rgn: "amer",
    acsScope: "chat,voip",
    resourceId: RESOURCE,
    resourceLocation: "unitedstates",
    iat: 1755818174,
    ...extra,
  })
    .setProtectedHeader({ alg: "HS256", kid: "5FEA9E2B1C", x5t: "X-6eKxw", typ: "JWT" })
    .sign(randomBytes(32));
}

/** An encrypted token as Microsoft Entra ID may issue one for its users: five parts, `enc` in the header. */
function encryptedToken(): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode('{"oid":"x"}'))
    .setProtectedHeader({ alg: "dir", enc: "A256GCM", kid: "entra-key", typ: "JWT" })
    .encrypt(randomBytes(32));
}

describe("readAccessToken", () => {
  it("reads the header and claims of a signed token shaped like a real ACS access token", async () => {
    const token = await realShapedToken();
    const reading = readAccessToken(token);
    expect(reading).toMatchObject({ form: "jws", token, header: { alg: "HS256", x5t: "X-6eKxw" } });
    expect(reading.form === "jws" && reading.claims.acsScope).toBe("chat,voip");
  });

  it("reads a token as it is pasted: line breaks, spaces, quotes and a Bearer prefix are ignored", async () => {
    const token = await realShapedToken();
    const wrapped = `${token.slice(0, 40)}\n  ${token.slice(40, 90)}\r\n${token.slice(90)}`;
    for (const pasted of [` ${token}\n`, wrapped, `"${token}"`, `'${token}'`, `Bearer ${token}`]) {
      expect(readAccessToken(pasted).token, JSON.stringify(pasted.slice(0, 12))).toBe(token);
    }
  });

  it("says an encrypted token (JWE) is one, with its readable header and no claims", async () => {
    const reading = readAccessToken(await encryptedToken());
    expect(reading).toMatchObject({ form: "jwe", header: { alg: "dir", enc: "A256GCM", kid: "entra-key" } });
    expect(reading).not.toHaveProperty("claims");
  });

  it.each([
    ["empty input", "  \n", /input is empty/],
    ["a word", "hello", /has 1\b/],
    ["two parts", "eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ", /has 2\b/],
    ["four parts", "a.b.c.d", /has 4\b/],
    ["characters outside base64url", "eyJh+bGc.eyJ4/IjoxfQ.sig", /base64url/],
    ["a header that is not JSON", "bm90IGpzb24.eyJ4IjoxfQ.c2ln", /first part/],
    ["claims that are not JSON", "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln", /second part/],
    ["claims that are a JSON array", "eyJhbGciOiJIUzI1NiJ9.WzFd.c2ln", /second part/],
    ["five parts without enc", "eyJhbGciOiJIUzI1NiJ9.a.b.c.d", /names no encryption/],
  ])("refuses %s with a TokenFormatError that says what is wrong", (_, input, message) => {
    expect(() => readAccessToken(input)).toThrow(TokenFormatError);
    expect(() => readAccessToken(input)).toThrow(message);
  });

  it("never repeats the input in its error (a token is a secret, even a broken one)", () => {
    const secretish = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXNlY3JldC1zZWNyZXQ.c2ln";
    try {
      readAccessToken(secretish);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain("c2VjcmV0");
    }
  });
});

describe("accessTokenFacts", () => {
  it("names the identity, the scopes, the resource and the times of an ACS token", async () => {
    const reading = readAccessToken(await realShapedToken());
    if (reading.form !== "jws") throw new Error("expected a JWS");
    expect(accessTokenFacts(reading.claims)).toEqual({
      holder: "communication-user",
      identity: `8:acs:${RESOURCE}_${USER}`,
      scopes: ["chat", "voip"],
      resourceId: RESOURCE,
      resourceLocation: "unitedstates",
      issuedAt: new Date(1755818174_000),
      expiresOn: new Date(1755821774_000),
      fromEmulator: false,
    });
  });

  it("tells the emulator's tokens by their private claim emulatorSeq", () => {
    expect(accessTokenFacts({ skypeid: "acs:r_u", emulatorSeq: 7 }).fromEmulator).toBe(true);
    expect(accessTokenFacts({ skypeid: "acs:r_u", emulatorSeq: "7" }).fromEmulator).toBe(false);
  });

  it("knows a Teams user's token (skypeid orgid:) and a token that is not an ACS token at all", () => {
    expect(accessTokenFacts({ skypeid: "orgid:aa-bb", acsScope: "voip" })).toMatchObject({
      holder: "teams-user",
      identity: "8:orgid:aa-bb",
      scopes: ["voip"],
    });
    // A Microsoft Entra ID token: no skypeid, no acsScope.
    expect(accessTokenFacts({ aud: "https://graph.microsoft.com", iss: "https://sts", exp: 1 })).toEqual({
      holder: "other",
      scopes: [],
      expiresOn: new Date(1000),
      fromEmulator: false,
    });
  });

  it("leaves out times that are not numbers, and empty scope entries", () => {
    const facts = accessTokenFacts({
      skypeid: "acs:r_u",
      iat: "yesterday",
      exp: null,
      acsScope: "chat,,voip,",
    });
    expect(facts).not.toHaveProperty("issuedAt");
    expect(facts).not.toHaveProperty("expiresOn");
    expect(facts.scopes).toEqual(["chat", "voip"]);
  });
});

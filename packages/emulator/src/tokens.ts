/**
 * Access tokens: RS256-signed JWTs, minted and verified with node:crypto.
 *
 * The claims follow decoded real ACS tokens (the format is not contractual, see README):
 * skypeid, scp, csi, iat, exp, acsScope, resourceId, resourceLocation, rgn, plus a unique jti
 * and the emulator's private claim `emulatorSeq` (a monotonic issue number, used for revocation).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  type KeyObject,
  randomUUID,
  sign,
  verify,
} from "node:crypto";
import { promisify } from "node:util";

const generateKeyPairAsync = promisify(generateKeyPair);

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** PKCS#8 PEM, for the state file. */
  readonly privateKeyPem: string;
  /** The first segment of every token, `base64url({"alg":"RS256","kid":…,"typ":"JWT"})`, made once. */
  readonly headerSegment: string;
}

export interface AccessTokenClaims {
  skypeid: string;
  scp: number;
  csi: string;
  iat: number;
  exp: number;
  acsScope: string;
  resourceId: string;
  resourceLocation: string;
  rgn: string;
  jti: string;
  emulatorSeq: number;
  [claim: string]: unknown;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

export async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey } = await generateKeyPairAsync("rsa", { modulusLength: 2048 });
  return signingKeyFromPem(privateKey.export({ type: "pkcs8", format: "pem" }).toString());
}

export function signingKeyFromPem(privateKeyPem: string): SigningKey {
  const privateKey = createPrivateKey(privateKeyPem);
  const publicKey = createPublicKey(privateKey);
  const der = publicKey.export({ type: "spki", format: "der" });
  // Real tokens carry a hex certificate thumbprint as kid; a SHA-1 of the public key looks alike.
  const kid = createHash("sha1").update(der).digest("hex").toUpperCase();
  const headerSegment = b64url(JSON.stringify({ alg: "RS256", kid, typ: "JWT" }));
  return { kid, privateKey, publicKey, privateKeyPem, headerSegment };
}

/** The public key as a JWK set, for `GET /_emulator/jwks.json`. */
export function jwks(key: SigningKey): { keys: Array<Record<string, string>> } {
  const jwk = key.publicKey.export({ format: "jwk" }) as { kty: string; n: string; e: string };
  return { keys: [{ kty: jwk.kty, n: jwk.n, e: jwk.e, kid: key.kid, alg: "RS256", use: "sig" }] };
}

type MintClaims = Omit<AccessTokenClaims, "jti"> & { jti?: string };

/** `header.payload`, the bytes the RS256 signature covers. */
function signingInput(key: SigningKey, claims: MintClaims): Buffer {
  const payload = claims.jti === undefined ? { ...claims, jti: randomUUID() } : claims;
  return Buffer.from(`${key.headerSegment}.${b64url(JSON.stringify(payload))}`);
}

/** Mints a token on this thread (blocks it for the RSA-2048 signature, ~0.5 ms). */
export function mintToken(key: SigningKey, claims: MintClaims): string {
  const input = signingInput(key, claims);
  return `${input.toString("latin1")}.${b64url(sign("sha256", input, key.privateKey))}`;
}

/**
 * Mints the same token, signing on libuv's thread pool (node:crypto's callback form), so a server keeps
 * answering other requests while the RSA signature is computed. Everything but the signature (claims, jti,
 * the caller's bookkeeping) is decided synchronously, before the first await.
 */
export function mintTokenAsync(key: SigningKey, claims: MintClaims): Promise<string> {
  const input = signingInput(key, claims);
  return new Promise((resolve, reject) => {
    sign("sha256", input, key.privateKey, (error, signature) => {
      if (error) reject(error);
      else resolve(`${input.toString("latin1")}.${b64url(signature)}`);
    });
  });
}

export type DecodedJwt = {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  parts: string[];
};

/** Decodes a compact JWT without checking anything but its shape; undefined if it is not one. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0] ?? "", "base64url").toString("utf8")) as unknown;
    const payload = JSON.parse(Buffer.from(parts[1] ?? "", "base64url").toString("utf8")) as unknown;
    if (!isObject(header) || !isObject(payload)) return undefined;
    return { header, payload, parts };
  } catch {
    return undefined;
  }
}

export type SignatureCheck =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; reason: "malformed" | "signature"; claims?: Record<string, unknown> };

/** Checks shape, algorithm, kid and RS256 signature (not expiry or revocation). */
export function verifySignature(key: SigningKey, token: string): SignatureCheck {
  const decoded = decodeJwt(token);
  if (!decoded) return { ok: false, reason: "malformed" };
  const { header, payload, parts } = decoded;
  if (header.alg !== "RS256" || header.kid !== key.kid) {
    return { ok: false, reason: "signature", claims: payload };
  }
  const valid = verify(
    "sha256",
    Buffer.from(`${parts[0]}.${parts[1]}`),
    key.publicKey,
    Buffer.from(parts[2] ?? "", "base64url"),
  );
  if (!valid) return { ok: false, reason: "signature", claims: payload };
  if (typeof payload.exp !== "number" || typeof payload.iat !== "number") {
    return { ok: false, reason: "malformed", claims: payload };
  }
  return { ok: true, claims: payload as AccessTokenClaims };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `expiresOn` as the service writes it: `yyyy-MM-ddTHH:mm:ss.fffffff+00:00`. */
export function formatExpiresOn(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$10000+00:00");
}

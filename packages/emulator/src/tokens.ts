/**
 * Access tokens: RS256-signed JWTs, minted, verified and decoded with jose (on WebCrypto).
 *
 * The claims follow decoded real ACS tokens (the format is not contractual, see README):
 * skypeid, scp, csi, iat, exp, acsScope, resourceId, resourceLocation, rgn, plus a unique jti
 * and the emulator's private claim `emulatorSeq` (a monotonic issue number, used for revocation).
 *
 * jose is imported by subpath: its index (JWE, remote JWKS...) takes ~20 ms longer to load, at every start.
 */
import { createHash, createPublicKey, randomUUID } from "node:crypto";
import type { CryptoKey, JWK } from "jose";
import { decodeProtectedHeader } from "jose/decode/protected_header";
import { JWSSignatureVerificationFailed } from "jose/errors";
import { CompactSign } from "jose/jws/compact/sign";
import { compactVerify } from "jose/jws/compact/verify";
import { decodeJwt } from "jose/jwt/decode";
import { exportJWK, exportPKCS8 } from "jose/key/export";
import { generateKeyPair } from "jose/key/generate/keypair";
import { importPKCS8, importSPKI } from "jose/key/import";

const ALG = "RS256";

export interface SigningKey {
  readonly kid: string;
  /** Imported once; signing with it runs on libuv's thread pool (WebCrypto). */
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** PKCS#8 PEM, for the state file. */
  readonly privateKeyPem: string;
  /** The public key as a JWK (`kty`, `n`, `e`), for the JWKS. */
  readonly publicJwk: JWK;
  /** The protected header of every token. */
  readonly header: { alg: typeof ALG; kid: string; typ: "JWT" };
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

/** A new RSA-2048 signing key. */
export async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair(ALG, { modulusLength: 2048, extractable: true });
  return signingKeyFromPem(await exportPKCS8(privateKey));
}

/** The signing key of a state file. */
export async function signingKeyFromPem(privateKeyPem: string): Promise<SigningKey> {
  // WebCrypto cannot derive a public key from a private one; node:crypto can, from the PEM.
  const publicKeyObject = createPublicKey(privateKeyPem);
  const spkiPem = publicKeyObject.export({ type: "spki", format: "pem" }).toString();
  const der = publicKeyObject.export({ type: "spki", format: "der" });
  // Real tokens carry a hex certificate thumbprint as kid; a SHA-1 of the public key looks alike.
  const kid = createHash("sha1").update(der).digest("hex").toUpperCase();
  const privateKey = await importPKCS8(privateKeyPem, ALG);
  const publicKey = await importSPKI(spkiPem, ALG, { extractable: true });
  const { kty, n, e } = await exportJWK(publicKey);
  return {
    kid,
    privateKey,
    publicKey,
    privateKeyPem,
    publicJwk: { kty, n, e },
    header: { alg: ALG, kid, typ: "JWT" },
  };
}

/** The public key as a JWK set, for `GET /_emulator/jwks.json`. */
export function jwks(key: SigningKey): { keys: JWK[] } {
  return { keys: [{ ...key.publicJwk, kid: key.kid, alg: ALG, use: "sig" }] };
}

type MintClaims = Omit<AccessTokenClaims, "jti"> & { jti?: string };

/**
 * Mints a token. Everything but the signature (the claims, a jti when none is given, the caller's
 * bookkeeping) is decided synchronously, in call order, before the first await; the RSA signature is computed
 * on libuv's thread pool (WebCrypto's `subtle.sign`), so a server keeps answering other requests meanwhile.
 * jose's compact JWS signer: the claims are serialised here once (SignJWT would copy and re-check them).
 */
export function mintTokenAsync(key: SigningKey, claims: MintClaims): Promise<string> {
  const payload = claims.jti === undefined ? { ...claims, jti: randomUUID() } : claims;
  return new CompactSign(Buffer.from(JSON.stringify(payload)))
    .setProtectedHeader(key.header)
    .sign(key.privateKey);
}

export type SignatureCheck =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; reason: "malformed" | "signature"; claims?: Record<string, unknown> };

/** Three base64url segments: the compact form of a signed JWT. */
const COMPACT_JWS = /^[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

/**
 * Checks shape, algorithm, kid and RS256 signature (not expiry or revocation):
 * not a JWT → `malformed`; another algorithm or key, or a wrong signature → `signature` (with the claims);
 * no numeric `exp` and `iat` → `malformed` (with the claims).
 */
export async function verifySignature(key: SigningKey, token: string): Promise<SignatureCheck> {
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    if (!COMPACT_JWS.test(token)) return { ok: false, reason: "malformed" };
    header = decodeProtectedHeader(token);
    payload = decodeJwt(token);
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (header.alg !== ALG || header.kid !== key.kid)
    return { ok: false, reason: "signature", claims: payload };
  try {
    await compactVerify(token, key.publicKey, { algorithms: [ALG] });
  } catch (error) {
    if (error instanceof JWSSignatureVerificationFailed) {
      return { ok: false, reason: "signature", claims: payload };
    }
    return { ok: false, reason: "malformed", claims: payload };
  }
  if (typeof payload.exp !== "number" || typeof payload.iat !== "number") {
    return { ok: false, reason: "malformed", claims: payload };
  }
  return { ok: true, claims: payload as AccessTokenClaims };
}

/**
 * `expiresOn` as the service writes it, `yyyy-MM-ddTHH:mm:ss.fffffff+00:00` (.NET ticks: 100 ns) [REC]. `ms` is
 * epoch milliseconds; its fraction gives the last four digits (the emulator's default clock has sub-millisecond
 * digits, see preciseNow; an injected whole-millisecond clock gives `0000`).
 */
export function formatExpiresOn(ms: number): string {
  const whole = Math.floor(ms);
  const ticks = Math.min(9999, Math.round((ms - whole) * 10_000));
  return new Date(whole).toISOString().replace(/Z$/, `${String(ticks).padStart(4, "0")}+00:00`);
}

/** `lastTokenIssuedAt` as the service writes it: whole seconds, `yyyy-MM-ddTHH:mm:ss+00:00` [REC js-433419a362]. */
export function formatLastTokenIssuedAt(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "+00:00");
}

/**
 * The emulator's default clock: epoch milliseconds with sub-millisecond digits. The high-resolution clock
 * (performance.timeOrigin + performance.now()) when it agrees with the wall clock to the millisecond; it drifts
 * away after a suspend, and then the wall clock's millisecond is kept, with the high-resolution fraction.
 */
export function preciseNow(): number {
  const wall = Date.now();
  const precise = performance.timeOrigin + performance.now();
  return Math.floor(precise) === wall ? precise : wall + (precise % 1);
}

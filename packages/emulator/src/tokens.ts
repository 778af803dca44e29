/**
 * Access tokens: RS256-signed JWTs, minted with node:crypto (see mintTokenAsync), verified, decoded and published
 * (JWKS) with jose.
 *
 * The claims follow decoded real ACS tokens (the format is not contractual, see README):
 * skypeid, scp, csi, iat, exp, acsScope, resourceId, resourceLocation, rgn, plus a unique jti
 * and the emulator's private claim `emulatorSeq` (a monotonic issue number, used for revocation).
 *
 * jose is imported by subpath: its index (JWE, remote JWKS...) takes ~20 ms longer to load, at every start.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject, randomUUID, sign } from "node:crypto";
import type { CryptoKey, JWK } from "jose";
import { decodeProtectedHeader } from "jose/decode/protected_header";
import { JWSSignatureVerificationFailed } from "jose/errors";
import { compactVerify } from "jose/jws/compact/verify";
import { decodeJwt } from "jose/jwt/decode";
import { exportJWK, exportPKCS8 } from "jose/key/export";
import { generateKeyPair } from "jose/key/generate/keypair";
import { importSPKI } from "jose/key/import";

const ALG = "RS256";

export interface SigningKey {
  readonly kid: string;
  /** The private key for node:crypto's one-shot RS256 signature (on libuv's thread pool). */
  readonly privateKeyObject: KeyObject;
  readonly publicKey: CryptoKey;
  /** PKCS#8 PEM, for the state file. */
  readonly privateKeyPem: string;
  /** The public key as a JWK (`kty`, `n`, `e`), for the JWKS. */
  readonly publicJwk: JWK;
  /** The protected header of every token. */
  readonly header: { alg: typeof ALG; kid: string; typ: "JWT" };
  /** That header, encoded once: the first segment of every token. */
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
  const publicKey = await importSPKI(spkiPem, ALG, { extractable: true });
  const { kty, n, e } = await exportJWK(publicKey);
  const header = { alg: ALG, kid, typ: "JWT" } as const;
  return {
    kid,
    privateKeyObject: createPrivateKey(privateKeyPem),
    publicKey,
    privateKeyPem,
    publicJwk: { kty, n, e },
    header,
    headerSegment: Buffer.from(JSON.stringify(header)).toString("base64url"),
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
 * on libuv's thread pool, so a server keeps answering other requests meanwhile.
 *
 * The compact JWS (RFC 7515 §7.1: BASE64URL(header) . BASE64URL(claims) . BASE64URL(RSASSA-PKCS1-v1_5 SHA-256
 * signature)) is put together here with node:crypto's one-shot `sign`, the header segment made once per key:
 * jose's signer (WebCrypto underneath) cost ~0.05 ms of main-thread CPU per token, a quarter of the handler's
 * (bench/README.md, figure 2). jose verifies every token the tests and `/_emulator/validate-token` check, and
 * exports the JWKS.
 */
export function mintTokenAsync(key: SigningKey, claims: MintClaims): Promise<string> {
  const payload = claims.jti === undefined ? { ...claims, jti: randomUUID() } : claims;
  const signingInput = `${key.headerSegment}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}`;
  return new Promise((resolve, reject) => {
    sign("sha256", Buffer.from(signingInput), key.privateKeyObject, (error, signature) => {
      if (error) reject(error);
      else resolve(`${signingInput}.${signature.toString("base64url")}`);
    });
  });
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
  // toISOString: yyyy-MM-ddTHH:mm:ss.fffZ (years 0-9999).
  return `${new Date(whole).toISOString().slice(0, 23)}${String(ticks).padStart(4, "0")}+00:00`;
}

/** `lastTokenIssuedAt` as the service writes it: whole seconds, `yyyy-MM-ddTHH:mm:ss+00:00` [REC js-433419a362]. */
export function formatLastTokenIssuedAt(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "+00:00");
}

/** performance.timeOrigin, read once (it is constant for the process; its getter is a native call). */
const TIME_ORIGIN = performance.timeOrigin;

/**
 * The emulator's default clock: epoch milliseconds with sub-millisecond digits. The high-resolution clock
 * (performance.timeOrigin + performance.now()) when it agrees with the wall clock to the millisecond; it drifts
 * away after a suspend, and then the wall clock's millisecond is kept, with the high-resolution fraction.
 */
export function preciseNow(): number {
  const wall = Date.now();
  const precise = TIME_ORIGIN + performance.now();
  return Math.floor(precise) === wall ? precise : wall + (precise % 1);
}

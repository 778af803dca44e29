/**
 * Authentication: HMAC-SHA256 exactly as the ACS SDKs sign, and Entra ID bearer tokens.
 *
 * stringToSign = VERB + "\n" + pathAndQuery + "\n" + x-ms-date + ";" + host + ";" + x-ms-content-sha256
 * signature    = base64(HMAC-SHA256(base64decode(accessKey), stringToSign))
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { catalogue, type ServiceError } from "./catalogue.js";

export const EMPTY_CONTENT_HASH = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

export function contentHash(body: string | Uint8Array): string {
  return createHash("sha256").update(body).digest("base64");
}

export function computeSignature(accessKey: string, stringToSign: string): string {
  return createHmac("sha256", Buffer.from(accessKey, "base64")).update(stringToSign, "utf8").digest("base64");
}

export interface SignRequestInput {
  method: string;
  /** Absolute URL, as the SDK has it. */
  url: string | URL;
  body?: string | Uint8Array;
  accessKey: string;
  /** Defaults to now. */
  date?: Date | string;
}

/**
 * Signs a request as `@azure/communication-common` does and returns the headers to send
 * (`host`, `x-ms-date`, `x-ms-content-sha256`, `authorization`).
 */
export function signRequest(input: SignRequestInput): Record<string, string> {
  const url = new URL(input.url);
  const query = url.searchParams.toString();
  const pathAndQuery = query ? `${url.pathname}?${query}` : url.pathname;
  const date = typeof input.date === "string" ? input.date : (input.date ?? new Date()).toUTCString();
  const hash = contentHash(input.body ?? "");
  const stringToSign = `${input.method.toUpperCase()}\n${pathAndQuery}\n${date};${url.host};${hash}`;
  const signature = computeSignature(input.accessKey, stringToSign);
  return {
    host: url.host,
    "x-ms-date": date,
    "x-ms-content-sha256": hash,
    authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
  };
}

export interface AuthSettings {
  accessKey: string;
  clockSkewMinutes: number;
  bearer: "accept" | "reject";
  now: () => number;
}

export interface AuthRequest {
  method: string;
  /** Raw request target as received: path (percent-encoding untouched) and query. */
  rawTarget: string;
  /** The received Host header (falls back to the URL's host). */
  host: string;
  headers: Headers;
  body: Uint8Array;
}

/** Returns undefined when the request is authenticated, else the error to answer with. */
export function authenticate(req: AuthRequest, settings: AuthSettings): ServiceError | undefined {
  const authorization = req.headers.get("authorization");
  if (!authorization) return catalogue.denied("missing-authorization");

  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (bearer) {
    // The emulator cannot validate Entra ID tokens offline: accept any, or none.
    return settings.bearer === "accept" ? undefined : catalogue.denied("bearer-rejected");
  }

  const hmac = /^HMAC-SHA256\s+SignedHeaders=([^&\s]+)&Signature=(\S+)$/i.exec(authorization.trim());
  if (!hmac) return catalogue.denied("malformed-authorization");
  const signedHeaders = (hmac[1] ?? "").toLowerCase().split(";");
  const signature = hmac[2] ?? "";
  const dateHeader = signedHeaders.includes("x-ms-date") ? "x-ms-date" : "date";
  if (!signedHeaders.includes(dateHeader) || !signedHeaders.includes("host")) {
    return catalogue.denied("signed-headers");
  }
  if (!signedHeaders.includes("x-ms-content-sha256")) return catalogue.denied("signed-headers");

  const date = req.headers.get(dateHeader);
  if (!date) return catalogue.denied("missing-date");
  const dateMs = Date.parse(date);
  if (Number.isNaN(dateMs)) return catalogue.denied("invalid-date");
  // One window both ways. No replay protection: SDK retries re-send the same date and signature.
  if (Math.abs(settings.now() - dateMs) > settings.clockSkewMinutes * 60_000) {
    return catalogue.denied("stale-date");
  }

  const sentHash = req.headers.get("x-ms-content-sha256");
  if (!sentHash) return catalogue.denied("missing-content-hash");
  if (!safeEqual(sentHash, contentHash(req.body))) return catalogue.contentHashMismatch();

  const values: string[] = [];
  for (const name of signedHeaders) {
    const value = name === "host" ? req.host : req.headers.get(name);
    if (value === null) return catalogue.denied("missing-signed-header");
    values.push(value);
  }
  const [path = "", rawQuery] = splitTarget(req.rawTarget);
  // The SDKs sign the query as URLSearchParams re-serialises it; accept the raw query too.
  const candidates = new Set<string>([rawQuery ? `${path}?${rawQuery}` : path]);
  if (rawQuery !== undefined) {
    const normalised = new URLSearchParams(rawQuery).toString();
    candidates.add(normalised ? `${path}?${normalised}` : path);
  }
  let ok = false;
  for (const pathAndQuery of candidates) {
    const expected = computeSignature(
      settings.accessKey,
      `${req.method.toUpperCase()}\n${pathAndQuery}\n${values.join(";")}`,
    );
    if (safeEqual(signature, expected)) ok = true;
  }
  return ok ? undefined : catalogue.denied("signature");
}

export function splitTarget(rawTarget: string): [string, string | undefined] {
  const i = rawTarget.indexOf("?");
  return i < 0 ? [rawTarget, undefined] : [rawTarget.slice(0, i), rawTarget.slice(i + 1)];
}

/** Constant-time string comparison (hashes both sides so lengths never leak through timing). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/**
 * Authentication: HMAC-SHA256 exactly as the ACS SDKs sign, and Entra ID bearer tokens.
 *
 * stringToSign = VERB + "\n" + pathAndQuery + "\n" + x-ms-date + ";" + host + ";" + x-ms-content-sha256
 * signature    = base64(HMAC-SHA256(base64decode(accessKey), stringToSign))
 */
import { createHash, createHmac, createSecretKey, timingSafeEqual } from "node:crypto";
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
  /** A request header by its lower-case name. */
  header(name: string): string | undefined;
  body: Uint8Array;
}

/**
 * The verifier of one resource's requests: HMAC-SHA256 with its access key, or an Entra ID bearer token.
 * The key is decoded once. Returns undefined when the request is authenticated, else the error to answer with.
 */
export type { DeniedReason, HmacPart } from "./catalogue.js";

export function createAuthenticator(settings: AuthSettings): (req: AuthRequest) => ServiceError | undefined {
  const key = createSecretKey(Buffer.from(settings.accessKey, "base64"));
  const sign = (stringToSign: string) =>
    createHmac("sha256", key).update(stringToSign, "utf8").digest("base64");

  return (req) => {
    const authorization = req.header("authorization");
    if (!authorization) return catalogue.denied("missing-authorization");

    if (/^Bearer\s/i.test(authorization)) {
      if (!/^Bearer\s+\S+\s*$/i.test(authorization)) return catalogue.denied("malformed-authorization");
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

    const date = req.header(dateHeader);
    if (!date) return catalogue.denied("missing-date");
    const dateMs = Date.parse(date);
    if (Number.isNaN(dateMs)) return catalogue.denied("invalid-date");
    // One window both ways. No replay protection: SDK retries re-send the same date and signature.
    if (Math.abs(settings.now() - dateMs) > settings.clockSkewMinutes * 60_000) {
      return catalogue.denied("stale-date");
    }

    const sentHash = req.header("x-ms-content-sha256");
    if (!sentHash) return catalogue.denied("missing-content-hash");
    // The hash of a body is not a secret: a plain comparison.
    if (sentHash !== contentHash(req.body)) return catalogue.contentHashMismatch();

    const values: string[] = [];
    for (const name of signedHeaders) {
      const value = name === "host" ? req.host : req.header(name);
      if (value === undefined) return catalogue.denied("missing-signed-header");
      values.push(value);
    }
    const method = req.method.toUpperCase();
    const [path = "", rawQuery] = splitTarget(req.rawTarget);
    const pathAndQuery = rawQuery ? `${path}?${rawQuery}` : path;
    const verifies = (target: string, signed: string[]) =>
      safeEqual(signature, sign(`${method}\n${target}\n${signed.join(";")}`));
    if (verifies(pathAndQuery, values)) return undefined;
    // The SDKs sign the query as URLSearchParams re-serialises it; the raw query was tried first.
    const normalised = rawQuery === undefined ? "" : new URLSearchParams(rawQuery).toString();
    const normalisedTarget = normalised ? `${path}?${normalised}` : path;
    if (normalisedTarget !== pathAndQuery && verifies(normalisedTarget, values)) return undefined;

    // Denied. Was it signed for another host (the address the client used is not the Host received)?
    const hostIndex = signedHeaders.indexOf("host");
    for (const other of otherHosts(req.host)) {
      const signed = values.map((v, i) => (i === hostIndex ? other : v));
      if (verifies(pathAndQuery, signed) || verifies(normalisedTarget, signed)) {
        return catalogue.denied("signature", "host");
      }
    }
    return catalogue.denied("signature");
  };
}

/** Hosts a client may have signed instead of the one received: without the port, with 443, loopback aliases. */
function otherHosts(host: string): string[] {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(host);
  if (!match) return [];
  const name = match[1] ?? "";
  const port = match[2];
  const names = new Set([name]);
  if (["localhost", "127.0.0.1", "[::1]"].includes(name.toLowerCase())) {
    for (const alias of ["localhost", "127.0.0.1", "[::1]"]) names.add(alias);
  }
  const hosts = new Set<string>();
  for (const n of names) {
    hosts.add(n);
    if (port !== undefined) hosts.add(`${n}:${port}`);
    hosts.add(`${n}:443`);
  }
  hosts.delete(host);
  return [...hosts];
}

export function splitTarget(rawTarget: string): [string, string | undefined] {
  const i = rawTarget.indexOf("?");
  return i < 0 ? [rawTarget, undefined] : [rawTarget.slice(0, i), rawTarget.slice(i + 1)];
}

/** Constant-time comparison of a received and an expected signature (the length of a signature is public). */
export function safeEqual(received: string, expected: string): boolean {
  const a = Buffer.from(received);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

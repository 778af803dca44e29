/**
 * The headers the service sends on every answer, as recorded (js-433419a362, April 2025):
 *
 *   Date, MS-CV, Request-Context: appId=, Strict-Transport-Security: max-age=31536000;includeSubDomains,
 *   x-azure-ref, X-Cache: CONFIG_NOCACHE, x-ms-client-request-id (the request's, echoed), X-Processing-Time: <n>ms
 *
 * The recordings sanitize MS-CV and x-azure-ref; their forms here are the public ones (README "Assumptions").
 * Made cheaply: the Date string is kept for its second, random parts come from a pooled buffer.
 */
import { randomFillSync } from "node:crypto";

const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;

/** `n` random bytes from a pool refilled from the CSPRNG (ids that must be unique, not secret). */
function randomBytesPooled(n: number): Buffer {
  if (poolOffset + n > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + n);
  poolOffset += n;
  return bytes;
}

const ALPHANUMERIC = "0123456789abcdefghijklmnopqrstuvwxyz";

/** A correlation vector as the service writes it: 22 base64 characters and `.0`. */
export function correlationVector(): string {
  return `${randomBytesPooled(16).toString("base64").slice(0, 22)}.0`;
}

/** An Azure Front Door reference: `<yyyyMMddTHHmmssZ>-<random>`, e.g. `20250415T144808Z-1c6b46f89dmwpmfhc1sn1a2b3c`. */
export function azureRef(nowMs: number): string {
  let id = "";
  for (const byte of randomBytesPooled(28)) id += ALPHANUMERIC[byte % 36];
  return `${second(nowMs).stamp}-${id}`;
}

/** The request id echoed: only a printable ASCII id of at most 256 characters (the SDKs send a GUID). */
export function echoedRequestId(id: string | undefined): string | undefined {
  return id && id.length <= 256 && /^[\x21-\x7e]+$/.test(id) ? id : undefined;
}

let cached = { second: Number.NaN, date: "", stamp: "" };

/** The current second's `Date` text and compact stamp, computed once per second. */
function second(nowMs: number): typeof cached {
  const s = Math.floor(nowMs / 1000);
  if (s !== cached.second) {
    const d = new Date(s * 1000);
    cached = {
      second: s,
      date: d.toUTCString(),
      stamp: d
        .toISOString()
        .replace(/[-:]/g, "")
        .replace(/\.\d{3}Z$/, "Z"),
    };
  }
  return cached;
}

/** `Date` (RFC 1123). */
export function httpDate(nowMs: number): string {
  return second(nowMs).date;
}

/** The headers of every answer (the caller adds Content-Type, api-supported-versions and the like). */
export function serviceHeaders(
  nowMs: number,
  processingMs: number,
  clientRequestId: string | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {
    Date: httpDate(nowMs),
    "MS-CV": correlationVector(),
    "Request-Context": "appId=",
    "Strict-Transport-Security": "max-age=31536000;includeSubDomains",
    "x-azure-ref": azureRef(nowMs),
    "X-Cache": "CONFIG_NOCACHE",
    "X-Processing-Time": `${Math.round(processingMs)}ms`,
  };
  const echoed = echoedRequestId(clientRequestId);
  if (echoed !== undefined) headers["x-ms-client-request-id"] = echoed;
  return headers;
}

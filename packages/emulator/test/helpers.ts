/**
 * Test helpers: raw signed requests over node:https (works through msw and against the standalone
 * server with a CA), JWT decoding (from ../src/testing.ts), and fake Entra ID tokens for the Teams exchange.
 */
import https from "node:https";
import { signRequest } from "../src/index.js";

export { decodeJwt } from "../src/testing.js";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => unknown;
}

export interface RawRequest {
  endpoint: string;
  method: string;
  /** Path and query exactly as sent on the wire. */
  path: string;
  body?: string;
  /** Sign with this key; omit to send unsigned. */
  accessKey?: string;
  /** Override the signing date. */
  date?: Date | string;
  /** Extra or overriding headers (set a value to undefined to drop a signed header). */
  headers?: Record<string, string | undefined>;
  ca?: string;
}

export function rawRequest(r: RawRequest): Promise<RawResponse> {
  const url = new URL(r.path, r.endpoint);
  const body = r.body ?? "";
  const headers: Record<string, string> = { "content-length": String(Buffer.byteLength(body)) };
  if (r.body !== undefined) headers["content-type"] = "application/json";
  if (r.accessKey) {
    Object.assign(
      headers,
      signRequest({
        method: r.method,
        url: `${url.origin}${r.path}`,
        body,
        accessKey: r.accessKey,
        ...(r.date ? { date: r.date } : {}),
      }),
    );
  }
  for (const [k, v] of Object.entries(r.headers ?? {})) {
    if (v === undefined) delete headers[k];
    else headers[k] = v;
  }
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port,
        path: r.path,
        method: r.method,
        headers,
        ...(r.ca ? { ca: r.ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * A JWT shaped like an Entra ID access token for Communication Services (the emulator does not check its
 * signature): audience https://auth.msft.communication.azure.com and both Teams scopes, unless given.
 */
export function entraToken(claims: {
  appid?: string;
  oid?: string;
  exp?: number;
  azp?: string;
  aud?: string | string[];
  scp?: string;
  nbf?: number;
}): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const payload = {
    aud: "https://auth.msft.communication.azure.com",
    scp: "Teams.ManageCalls Teams.ManageChats",
    ...claims,
  };
  return `${enc({ alg: "RS256", typ: "JWT", kid: "test" })}.${enc(payload)}.c2lnbmF0dXJl`;
}

export const APP_ID = "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9";
export const USER_OBJECT_ID = "0a1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d";
export const FOREIGN_ID = "8:acs:00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-000000000000";

export interface HandleCall {
  method: string;
  path: string;
  body?: string;
  /** Sign with this key (omit for an unsigned request). */
  accessKey?: string;
  date?: Date | string;
  origin?: string;
  headers?: Record<string, string | undefined>;
}

// biome-ignore lint/suspicious/noExplicitAny: parsed response bodies are read freely in assertions
type Json = any;

/** Calls the emulator's one Fetch handler directly, signed like the SDK (no transport). */
export async function handleCall(
  emulator: { handle(request: Request): Promise<Response> },
  c: HandleCall,
): Promise<{ status: number; headers: Headers; text: string; json: () => Json }> {
  const origin = c.origin ?? "https://acs.example.com";
  const headers: Record<string, string> = {};
  if (c.body !== undefined) headers["content-type"] = "application/json";
  if (c.accessKey) {
    Object.assign(
      headers,
      signRequest({
        method: c.method,
        url: `${origin}${c.path}`,
        body: c.body ?? "",
        accessKey: c.accessKey,
        ...(c.date ? { date: c.date } : {}),
      }),
    );
  }
  for (const [k, v] of Object.entries(c.headers ?? {})) {
    if (v === undefined) delete headers[k];
    else headers[k] = v;
  }
  const response = await emulator.handle(
    new Request(`${origin}${c.path}`, {
      method: c.method,
      headers,
      ...(c.body !== undefined ? { body: c.body } : {}),
    }),
  );
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

/** Every route of the dashboard (and one it does not have): each needs the secret. */
export const DASHBOARD_ROUTES: ReadonlyArray<readonly [method: string, path: string]> = [
  ["GET", "/_dashboard"],
  ["GET", "/_dashboard/"],
  ["GET", "/_dashboard/app.js"],
  ["GET", "/_dashboard/style.css"],
  ["GET", "/_dashboard/api/state"],
  ["GET", "/_dashboard/api/events"],
  ["POST", "/_dashboard/api/reset"],
  ["POST", "/_dashboard/api/faults"],
  ["DELETE", "/_dashboard/api/faults"],
  ["POST", "/_dashboard/api/tokens/x/reveal"],
  ["GET", "/_dashboard/no-such-thing"],
];

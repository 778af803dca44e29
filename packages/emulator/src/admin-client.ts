/**
 * An HMAC-signing client for the emulator's /_emulator/ routes. Uses node:https (so a `ca` can be
 * given) and therefore also works through msw's in-process interception.
 */
// Default imports, looked up at call time: msw patches the module objects' `request` functions.
import http from "node:http";
import https from "node:https";
import { signRequest } from "./auth.js";
import type { FaultSpec } from "./faults.js";

export interface EmulatorAdminClient {
  state(): Promise<{
    identities: Array<{ id: string; deleted: boolean; tokensIssued: number; revokedAt: string | null }>;
    /** How many chat threads exist. */
    chatThreads: number;
  }>;
  validateToken(
    token: string,
  ): Promise<{ valid: boolean; reason?: string; claims?: Record<string, unknown> }>;
  addFault(f: FaultSpec): Promise<void>;
  clearFaults(): Promise<void>;
  reset(): Promise<void>;
  jwks(): Promise<unknown>;
}

export function createEmulatorAdminClient(opts: {
  endpoint: string;
  accessKey: string;
  ca?: string | Buffer;
}): EmulatorAdminClient {
  const base = new URL(opts.endpoint);

  function call(method: string, path: string, body?: unknown): Promise<unknown> {
    const url = new URL(path, base);
    const text = body === undefined ? "" : JSON.stringify(body);
    const headers: Record<string, string> = {
      ...signRequest({ method, url, body: text, accessKey: opts.accessKey }),
      accept: "application/json",
      "content-length": String(Buffer.byteLength(text)),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    };
    const send = url.protocol === "http:" ? http.request : https.request;
    return new Promise((resolve, reject) => {
      const req = send(
        url,
        { method, headers, ...(opts.ca !== undefined && url.protocol === "https:" ? { ca: opts.ca } : {}) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const raw = Buffer.concat(chunks).toString("utf8");
            const status = res.statusCode ?? 0;
            if (status < 200 || status > 299) {
              reject(new Error(`Emulator ${method} ${url.pathname} failed with ${status}: ${raw}`));
              return;
            }
            try {
              resolve(raw === "" ? undefined : JSON.parse(raw));
            } catch {
              reject(new Error(`Emulator ${method} ${url.pathname} answered non-JSON: ${raw.slice(0, 200)}`));
            }
          });
        },
      );
      req.on("error", reject);
      req.end(text);
    });
  }

  return {
    state: async () =>
      (await call("GET", "/_emulator/state")) as Awaited<ReturnType<EmulatorAdminClient["state"]>>,
    validateToken: async (token) =>
      (await call("POST", "/_emulator/validate-token", { token })) as Awaited<
        ReturnType<EmulatorAdminClient["validateToken"]>
      >,
    addFault: async (f) => {
      await call("POST", "/_emulator/faults", f);
    },
    clearFaults: async () => {
      await call("DELETE", "/_emulator/faults");
    },
    reset: async () => {
      await call("POST", "/_emulator/reset");
    },
    jwks: () => call("GET", "/_emulator/jwks.json"),
  };
}

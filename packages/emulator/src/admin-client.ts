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

/** A `/_emulator/` call the emulator answered with an error status (`status`), e.g. 404 from a real resource. */
export class EmulatorAdminError extends Error {
  override readonly name = "EmulatorAdminError";
  constructor(
    message: string,
    /** The HTTP status of the answer. */
    readonly status: number,
  ) {
    super(message);
  }
}

export interface EmulatorAdminClientOptions {
  /** The emulator's endpoint, e.g. `https://127.0.0.1:8443/`. */
  endpoint: string;
  /** The access key every call is signed with (never sent). */
  accessKey: string;
  /** The certificates to trust (they replace Node's default list), e.g. the standalone emulator's cert.pem. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Gives up on a call that has no answer after this many milliseconds (error code `ETIMEDOUT`). Default: none. */
  timeoutMs?: number;
}

/**
 * A client for the `/_emulator/` routes. A call the emulator refuses rejects with an {@link EmulatorAdminError};
 * a network failure rejects with Node's error (`code` ECONNREFUSED, ENOTFOUND, ETIMEDOUT…).
 */
export function createEmulatorAdminClient(opts: EmulatorAdminClientOptions): EmulatorAdminClient {
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
              reject(
                new EmulatorAdminError(
                  `Emulator ${method} ${url.pathname} failed with ${status}: ${raw}`,
                  status,
                ),
              );
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
      if (opts.timeoutMs !== undefined) {
        const ms = opts.timeoutMs;
        req.setTimeout(ms, () => {
          const error = Object.assign(new Error(`No answer from ${url.host} within ${ms} ms.`), {
            code: "ETIMEDOUT",
          });
          req.destroy(error);
        });
      }
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

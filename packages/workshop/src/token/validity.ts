/**
 * Whether an emulator still accepts a token: the signature through the emulator's JWKS (`GET
 * /_emulator/jwks.json`, verified here with jose), then the emulator's own verdict (`POST
 * /_emulator/validate-token`: deleted, revoked, expired) and the identity's record (`GET /_emulator/state`).
 *
 * Which emulator: the one whose state holds the token's resource (the built-in emulator's
 * `<state folder>/emulator-state.json`, the standalone emulator's `<state folder>/emulator/state.json`), else
 * the configured resource (COMMUNICATION_SERVICES_CONNECTION_STRING, or endpoint and key, from the environment
 * or `.env`: a room's shared emulator). A state file no emulator holds is opened in this process; the
 * standalone emulator, while it runs, is asked over HTTPS. The real service has no route that checks a token,
 * so a token that is not the emulator's is only checked when asked (`force`).
 */
import { existsSync, readFileSync } from "node:fs";
// Default imports, looked up at call time (as the emulator's admin client does): msw patches their `request`.
import http from "node:http";
import https from "node:https";
import { join } from "node:path";
import { rootCertificates } from "node:tls";
import { type AccessTokenFacts, stateDir } from "@acs-quickstart/common";
import { type Config, ConfigError, loadConfig } from "@acs-quickstart/core";
import {
  createEmulatorAdminClient,
  type EmulatorAdminClient,
  EmulatorAdminError,
  EmulatorStateError,
  signRequest,
} from "@acs-quickstart/emulator";
import { parseConnectionString } from "@azure/communication-common";
import type { JSONWebKeySet } from "jose";
import { JWKSNoMatchingKey, JWSSignatureVerificationFailed } from "jose/errors";
import { createLocalJWKSet } from "jose/jwks/local";
import { compactVerify } from "jose/jws/compact/verify";

/** Where the emulator that was asked lives. */
export type EmulatorSource =
  | { kind: "built-in"; stateFile: string }
  | { kind: "standalone"; stateFile: string; endpoint?: string }
  | { kind: "configured"; endpoint: string };

/**
 * Why an emulator refused the inspector's signed request (401 `Denied`), from its answer: the emulator's
 * `x-emulator-reason` header (its README, "Authentication failures"; packages/emulator/src/catalogue.ts
 * `DeniedReason`) and its `Date` header.
 */
export interface Refusal {
  /** `x-emulator-reason`, e.g. `stale-date`, `signature`; absent when the answer had none (not the emulator). */
  reason?: string;
  /** The answer's `Date` (RFC 1123): the emulator's clock, to the second. */
  emulatorDate?: string;
  /**
   * How far the date the request was signed with (this computer's clock) is ahead of the answer's `Date`, in
   * milliseconds (negative: behind), to the second; absent without a readable `Date`.
   */
  clockAheadMs?: number;
}

/** What the emulator's JWKS says of the token's signature. */
export type SignatureVerdict =
  | { ok: true; kid: string }
  /** No key of the JWKS has the token's kid: another resource (or emulator) issued it. */
  | { ok: false; problem: "unknown-key"; kid?: string }
  /** The key is the emulator's, but the signature does not match: the token was altered. */
  | { ok: false; problem: "mismatch"; kid?: string };

export type ValidityCheck =
  | {
      checked: true;
      source: EmulatorSource;
      signature: SignatureVerdict;
      /** The identity's record in the emulator (`unknown`: none, e.g. after a reset, or another resource's). */
      identity: "exists" | "deleted" | "unknown";
      /** When the identity's tokens were last revoked (ISO-8601), or null. */
      revokedAt: string | null;
      /** The emulator's verdict, checked in its order: malformed, signature, deleted, revoked, expired. */
      verdict: { valid: true } | { valid: false; reason: string };
    }
  | {
      checked: false;
      /**
       * `offline`: asked not to; `not-ours`: not the emulator's token, and no `force`; `no-emulator`: none found;
       * `unreachable`: the emulator did not answer; `not-an-emulator`: the endpoint has no `/_emulator/` routes
       * (a real resource); `refused`: the emulator refused the access key; `busy`: a running quickstart holds the
       * built-in emulator; `no-key`: the configured resource signs in with Microsoft Entra ID (the emulator's
       * routes need the access key); `config`: the configuration is wrong.
       */
      why:
        | "offline"
        | "not-ours"
        | "no-emulator"
        | "unreachable"
        | "not-an-emulator"
        | "refused"
        | "busy"
        | "no-key"
        | "config";
      source?: EmulatorSource;
      /** One line: the error behind `unreachable` or `config`. */
      detail?: string;
      /** For `refused`: why, as the emulator's answer said. */
      refusal?: Refusal;
    };

export interface ValidityOptions {
  /** Where the state folder and the configuration are read (with `.env` added). Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** The `.env` file, or false for none. Default `<repo root>/.env`. */
  envFile?: string | false;
  /** Ask an emulator even when the token is not one of the emulator's (no `emulatorSeq` claim). */
  force?: boolean;
  /** Ask nobody. */
  offline?: boolean;
  /** How long to wait for an emulator over the network, in ms. Default 5000. */
  timeoutMs?: number;
}

/** An emulator to ask: its admin client, what to close after, and (over the network) how to learn why it refused. */
interface Opened {
  admin: EmulatorAdminClient;
  close(): Promise<void>;
  whyRefused?(): Promise<Refusal>;
}

interface Target {
  source: EmulatorSource;
  /** For a local state file: its resource. */
  resourceId?: string;
  /** Ask it. */
  open(): Promise<Opened | ValidityCheck>;
}

/** Checks `token` (whose claims say `facts`) against the emulator that issued it; see the module's comment. */
export async function checkValidity(
  token: string,
  facts: AccessTokenFacts,
  options: ValidityOptions = {},
): Promise<ValidityCheck> {
  if (options.offline) return { checked: false, why: "offline" };
  if (!facts.fromEmulator && !options.force) return { checked: false, why: "not-ours" };
  const env = { ...(options.env ?? process.env) };
  let config: Config | undefined;
  let configProblem: string | undefined;
  try {
    config = loadConfig({ env, ...(options.envFile !== undefined ? { envFile: options.envFile } : {}) });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    configProblem = error.message.split("\n")[0];
  }
  const timeoutMs = options.timeoutMs ?? 5000;
  const locals = localEmulators(stateDir(env), timeoutMs);
  const configured = config ? configuredEmulator(config, env, timeoutMs) : undefined;
  const matching = locals.filter((t) => t.resourceId !== undefined && t.resourceId === facts.resourceId);
  const targets = [
    ...matching,
    ...(configured ? [configured] : []),
    ...(options.force ? locals.filter((t) => !matching.includes(t)) : []),
  ];
  const target = targets[0];
  if (!target) {
    return configProblem
      ? { checked: false, why: "config", detail: configProblem }
      : { checked: false, why: "no-emulator" };
  }
  const opened = await target.open();
  if ("checked" in opened) return opened;
  try {
    return await ask(opened, token, facts, target.source);
  } finally {
    await opened.close();
  }
}

async function ask(
  { admin, whyRefused }: Opened,
  token: string,
  facts: AccessTokenFacts,
  source: EmulatorSource,
): Promise<ValidityCheck> {
  let jwks: JSONWebKeySet;
  try {
    jwks = (await admin.jwks()) as JSONWebKeySet;
  } catch (error) {
    if (error instanceof EmulatorAdminError) {
      if (error.status !== 401) return { checked: false, source, why: "not-an-emulator" };
      const refusal = await whyRefused?.();
      return { checked: false, source, why: "refused", ...(refusal ? { refusal } : {}) };
    }
    const e = error as NodeJS.ErrnoException;
    return { checked: false, source, why: "unreachable", detail: e.code ?? e.message };
  }
  const signature = await verifySignature(token, jwks);
  const [verdict, state] = await Promise.all([admin.validateToken(token), admin.state()]);
  const record = state.identities.find((identity) => identity.id === facts.identity);
  return {
    checked: true,
    source,
    signature,
    identity: record === undefined ? "unknown" : record.deleted ? "deleted" : "exists",
    revokedAt: record?.revokedAt ?? null,
    verdict: verdict.valid ? { valid: true } : { valid: false, reason: verdict.reason ?? "malformed" },
  };
}

/** The token's signature, against the keys of a JWKS (RS256, the algorithm of ACS tokens). */
export async function verifySignature(token: string, jwks: JSONWebKeySet): Promise<SignatureVerdict> {
  let kid: string | undefined;
  try {
    const header = JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString("utf8"));
    if (typeof header?.kid === "string") kid = header.kid;
  } catch {}
  const withKid = kid !== undefined ? { kid } : {};
  try {
    await compactVerify(token, createLocalJWKSet(jwks), { algorithms: ["RS256"] });
    return { ok: true, kid: kid ?? "" };
  } catch (error) {
    if (error instanceof JWSSignatureVerificationFailed)
      return { ok: false, problem: "mismatch", ...withKid };
    if (error instanceof JWKSNoMatchingKey) return { ok: false, problem: "unknown-key", ...withKid };
    // Another algorithm (HS256, none…) or a damaged token: no key of this emulator can have made it.
    return { ok: false, problem: "unknown-key", ...withKid };
  }
}

/** The resource of a state file (the emulator's readable JSON), or undefined when there is none. */
function resourceOf(stateFile: string): string | undefined {
  try {
    const state = JSON.parse(readFileSync(stateFile, "utf8")) as { resourceId?: unknown };
    return typeof state.resourceId === "string" ? state.resourceId.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/** The built-in and the standalone emulator of this state folder, where their state exists. */
function localEmulators(folder: string, timeoutMs: number): Target[] {
  const builtIn = join(folder, "emulator-state.json");
  const standalone = join(folder, "emulator", "state.json");
  const targets: Target[] = [];
  if (existsSync(builtIn)) {
    const source: EmulatorSource = { kind: "built-in", stateFile: builtIn };
    targets.push({
      source,
      ...withResource(builtIn),
      open: () =>
        inProcess(builtIn).then((opened) =>
          opened === "locked" ? { checked: false, why: "busy", source } : opened,
        ),
    });
  }
  if (existsSync(standalone)) {
    const connection = readConnectionEnv(join(folder, "emulator", "connection.env"));
    const source: EmulatorSource = {
      kind: "standalone",
      stateFile: standalone,
      ...(connection ? { endpoint: connection.endpoint } : {}),
    };
    targets.push({
      source,
      ...withResource(standalone),
      // Not running: its state is opened here. Running (it holds the state): asked over HTTPS.
      open: async () => {
        const opened = await inProcess(standalone);
        if (opened !== "locked") return opened;
        if (!connection) return { checked: false, why: "no-emulator", source };
        const cert = join(folder, "emulator", "cert.pem");
        return remote(connection.endpoint, connection.accessKey, timeoutMs, readIfExists(cert));
      },
    });
  }
  return targets;
}

function withResource(stateFile: string): { resourceId?: string } {
  const resourceId = resourceOf(stateFile);
  return resourceId !== undefined ? { resourceId } : {};
}

/** An emulator on a state file, in this process (msw), or "locked" when a running emulator holds the file. */
async function inProcess(
  stateFile: string,
): Promise<{ admin: EmulatorAdminClient; close(): Promise<void> } | "locked"> {
  const { startInProcessEmulator } = await import("@acs-quickstart/emulator/in-process");
  try {
    const running = await startInProcessEmulator({
      stateFile,
      endpoint: "https://acs-token-inspector.localhost",
    });
    return {
      admin: createEmulatorAdminClient({ endpoint: running.endpoint, accessKey: running.emulator.accessKey }),
      close: () => running.close(),
    };
  } catch (error) {
    if (error instanceof EmulatorStateError && error.kind === "locked") return "locked";
    throw error;
  }
}

function remote(
  endpoint: string,
  accessKey: string,
  timeoutMs: number,
  extraCa: string | undefined,
): Promise<Opened> {
  const ca = extraCa !== undefined ? [...rootCertificates, extraCa] : undefined;
  return Promise.resolve({
    admin: createEmulatorAdminClient({ endpoint, accessKey, timeoutMs, ...(ca ? { ca } : {}) }),
    close: async () => {},
    whyRefused: () => whyRefused(endpoint, accessKey, timeoutMs, ca),
  });
}

/**
 * Asks the emulator once more (`GET /_emulator/jwks.json`, signed as the admin client signs) for the headers of
 * its refusal, which the admin client does not keep: `x-emulator-reason` and `Date`. Resolves to what it could
 * learn (nothing, when that request fails too).
 */
function whyRefused(
  endpoint: string,
  accessKey: string,
  timeoutMs: number,
  ca: string[] | undefined,
): Promise<Refusal> {
  const url = new URL("/_emulator/jwks.json", endpoint);
  const signedAt = new Date();
  const headers = {
    ...signRequest({ method: "GET", url, accessKey, date: signedAt }),
    "content-length": "0",
  };
  const send = url.protocol === "http:" ? http.request : https.request;
  return new Promise((resolve) => {
    const request = send(
      url,
      { method: "GET", headers, ...(ca && url.protocol === "https:" ? { ca } : {}) },
      (response) => {
        response.resume();
        const reason = response.headers["x-emulator-reason"];
        const date = response.headers.date;
        const emulatorMs = date === undefined ? Number.NaN : Date.parse(date);
        // x-ms-date and Date are both whole seconds.
        const signedMs = Math.floor(signedAt.getTime() / 1000) * 1000;
        resolve({
          ...(typeof reason === "string" ? { reason } : {}),
          ...(date !== undefined ? { emulatorDate: date } : {}),
          ...(Number.isNaN(emulatorMs) ? {} : { clockAheadMs: signedMs - emulatorMs }),
        });
      },
    );
    request.on("error", () => resolve({}));
    request.setTimeout(timeoutMs, () => request.destroy());
    request.end();
  });
}

/** The configured resource (a room's emulator, or a real resource: then it has no `/_emulator/` routes). */
function configuredEmulator(config: Config, env: NodeJS.ProcessEnv, timeoutMs: number): Target {
  const source: EmulatorSource = { kind: "configured", endpoint: config.endpoint };
  return {
    source,
    open: async () => {
      const accessKey =
        config.kind === "connection-string"
          ? parseConnectionString(config.connectionString).credential.key
          : config.kind === "access-key"
            ? config.accessKey
            : undefined;
      if (accessKey === undefined) return { checked: false, why: "no-key", source };
      const caFile = env.NODE_EXTRA_CA_CERTS?.trim();
      return remote(config.endpoint, accessKey, timeoutMs, caFile ? readIfExists(caFile) : undefined);
    },
  };
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** The endpoint and key of the standalone emulator's `connection.env` (the line it writes there). */
function readConnectionEnv(file: string): { endpoint: string; accessKey: string } | undefined {
  const value = /^COMMUNICATION_SERVICES_CONNECTION_STRING=(.+)$/m.exec(readIfExists(file) ?? "")?.[1];
  if (value === undefined) return undefined;
  try {
    const { endpoint, credential } = parseConnectionString(value.trim());
    return { endpoint, accessKey: credential.key };
  } catch {
    return undefined; // not a connection string: as if there were none
  }
}

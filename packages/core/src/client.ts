/**
 * The one place a `CommunicationIdentityClient` is constructed.
 *
 * The SDK offers three constructors, one per kind of {@link Config}:
 *
 * ```ts
 * new CommunicationIdentityClient(connectionString);                              // connection string
 * new CommunicationIdentityClient(endpoint, new AzureKeyCredential(accessKey));   // endpoint + access key
 * new CommunicationIdentityClient(endpoint, new DefaultAzureCredential());        // Microsoft Entra ID
 * ```
 *
 * The first two sign every request with HMAC-SHA256 using the access key; the third sends
 * `Authorization: Bearer <Entra ID token>` for the scope `https://communication.azure.com//.default`.
 */

import { readFileSync } from "node:fs";
import { rootCertificates } from "node:tls";
import {
  CommunicationIdentityClient,
  type CommunicationIdentityClientOptions,
} from "@azure/communication-identity";
import { AzureKeyCredential, type TokenCredential } from "@azure/core-auth";
import { type Config, ConfigError } from "./config.js";

export interface CreateIdentityClientOptions extends CommunicationIdentityClientOptions {
  /**
   * On the Microsoft Entra ID path, use this credential instead of `DefaultAzureCredential`
   * (tests pass a stub). Ignored for a connection string or an access key.
   */
  credential?: TokenCredential;
  /**
   * Gives up on each attempt that gets no answer within this many milliseconds. The attempt fails like a
   * network timeout (`code: "ETIMEDOUT"`, message "The request timed out after N ms …"), so the SDK
   * retries it as it retries other network failures. Default: no limit (the SDK's own behaviour).
   */
  requestTimeoutMs?: number;
  /** Cancels every request in flight, and every retry, when aborted (e.g. on Ctrl-C). */
  abortSignal?: AbortSignal;
  /**
   * Sends every request straight to the endpoint, whatever HTTPS_PROXY and the other proxy variables say
   * (for the in-process emulator, which answers inside this process: a proxy would only be in the way).
   */
  ignoreProxy?: boolean;
  /** Where NODE_EXTRA_CA_CERTS is read (also from `.env`, which Node itself ignores). Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

type Policy = NonNullable<CommunicationIdentityClientOptions["additionalPolicies"]>[number]["policy"];
interface PolicyRequest {
  abortSignal?: AbortSignal;
  url?: string;
  method?: string;
}

/** `POST /identities`: createUser and createUserAndToken. */
function isCreate(request: PolicyRequest): boolean {
  return (
    request.method === "POST" &&
    request.url !== undefined &&
    /\/identities$/.test(new URL(request.url).pathname)
  );
}

/** Per call: the run's abort signal on every request. */
function abortPolicy(signal: AbortSignal): Policy {
  return {
    name: "quickstartAbort",
    sendRequest(request: PolicyRequest, next: (request: PolicyRequest) => Promise<unknown>) {
      // A create is left to finish (bounded by the request timeout): if it were cut off after the service
      // made the identity, nobody would learn its id, and nobody could delete it.
      if (isCreate(request)) return next(request);
      request.abortSignal = request.abortSignal ? AbortSignal.any([request.abortSignal, signal]) : signal;
      return next(request);
    },
  } as unknown as Policy;
}

/**
 * Per attempt (inside the SDK's retry loop): a timer that aborts the attempt. The abort is reported as an
 * error shaped like the SDK's `RestError` with Node's `ETIMEDOUT` code, which its retry policy retries.
 * An abort from outside (Ctrl-C) stays an abort.
 */
function timeoutPolicy(ms: number): Policy {
  return {
    name: "quickstartRequestTimeout",
    async sendRequest(request: PolicyRequest, next: (request: PolicyRequest) => Promise<unknown>) {
      const outer = request.abortSignal;
      const timer = new AbortController();
      const id = setTimeout(() => timer.abort(), ms);
      request.abortSignal = outer ? AbortSignal.any([outer, timer.signal]) : timer.signal;
      try {
        return await next(request);
      } catch (error) {
        if (!timer.signal.aborted || outer?.aborted) throw error;
        const host = request.url ? ` from ${new URL(request.url).host}` : "";
        throw Object.assign(
          new Error(`The request timed out after ${ms} ms (no answer${host}).`, { cause: error }),
          { name: "RestError", code: "ETIMEDOUT", request },
        );
      } finally {
        clearTimeout(id);
        request.abortSignal = outer;
      }
    },
  } as unknown as Policy;
}

/**
 * Per attempt, after the SDK's proxy policy has chosen a proxy agent from the environment: drop it, so the
 * request goes straight to the endpoint.
 */
function directPolicy(): Policy {
  return {
    name: "quickstartIgnoreProxy",
    sendRequest(
      request: PolicyRequest & { agent?: unknown },
      next: (request: PolicyRequest) => Promise<unknown>,
    ) {
      request.agent = undefined;
      return next(request);
    },
  } as unknown as Policy;
}

const EXTRA_CA_VARIABLE = "NODE_EXTRA_CA_CERTS";

/**
 * Node reads NODE_EXTRA_CA_CERTS only when it starts, so the line `npm run emulator -- --env-file .env`
 * writes into `.env` would do nothing, and a shell's own NODE_EXTRA_CA_CERTS (a company bundle) would hide it.
 * The client trusts every file named (on top of the usual certificates) itself.
 */
function extraCertificateAuthorities(
  files: readonly string[],
): CommunicationIdentityClientOptions["tlsOptions"] {
  if (files.length === 0) return undefined;
  const pems = files.map((file) => {
    let pem: string;
    try {
      pem = readFileSync(file, "utf8");
    } catch (error) {
      throw new ConfigError(
        EXTRA_CA_VARIABLE,
        `names a file that cannot be read (${(error as NodeJS.ErrnoException).code}): ${file}`,
        {
          expected: "the path of a PEM certificate, e.g. the emulator's .quickstart/emulator/cert.pem",
          fix: "Correct the path, or remove the line if you do not use the standalone emulator.",
        },
      );
    }
    if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
      throw new ConfigError(EXTRA_CA_VARIABLE, `names a file that holds no PEM certificate: ${file}`, {
        expected: "a file that starts with -----BEGIN CERTIFICATE-----",
        fix: "Point it at the emulator's cert.pem (not key.pem).",
      });
    }
    return pem;
  });
  return { ca: [...rootCertificates, ...pems] };
}

/**
 * The options of any Azure SDK client of this resource (the identity client, and the Chat SDK's `ChatClient`
 * of part two, whose options are the same `CommonClientOptions`): the request timeout, the abort signal, no
 * proxy, and the certificates to trust unless `tlsOptions` is given: `trust.caFiles` (a Config's: the shell's
 * NODE_EXTRA_CA_CERTS and the one in `.env`), else NODE_EXTRA_CA_CERTS of `options.env`.
 * @throws {ConfigError} when a certificate file cannot be read or holds no certificate.
 */
export function clientPipelineOptions(
  options: Omit<CreateIdentityClientOptions, "credential"> = {},
  trust: Pick<Config, "caFiles"> = {},
): CommunicationIdentityClientOptions {
  const { requestTimeoutMs, abortSignal, ignoreProxy, env, ...rest } = options;
  const fromEnv = (env ?? process.env)[EXTRA_CA_VARIABLE]?.trim();
  const tlsOptions =
    rest.tlsOptions ?? extraCertificateAuthorities(trust.caFiles ?? (fromEnv ? [fromEnv] : []));
  return {
    ...rest,
    ...(tlsOptions ? { tlsOptions } : {}),
    additionalPolicies: [
      ...(rest.additionalPolicies ?? []),
      ...(abortSignal ? [{ policy: abortPolicy(abortSignal), position: "perCall" as const }] : []),
      ...(requestTimeoutMs
        ? [{ policy: timeoutPolicy(requestTimeoutMs), position: "perRetry" as const }]
        : []),
      ...(ignoreProxy ? [{ policy: directPolicy(), position: "perRetry" as const }] : []),
    ],
  };
}

/**
 * Creates the client for the resource and sign-in method that `config` describes.
 * `options` go to the SDK unchanged (e.g. `retryOptions`, `tlsOptions`), except `credential`. Without
 * `tlsOptions`, a certificate named by NODE_EXTRA_CA_CERTS (also from `.env`) is trusted.
 *
 * `@azure/identity` is imported only on the Entra ID path: it is slow to load, and a
 * connection string does not need it.
 */
export async function createIdentityClient(
  config: Config,
  options: CreateIdentityClientOptions = {},
): Promise<CommunicationIdentityClient> {
  const { credential, ...rest } = options;
  const clientOptions = clientPipelineOptions(rest, config);
  // The regions are what docs/<language>/01-create-identity.md shows ("Create the client"), checked by docs:check.
  switch (config.kind) {
    case "connection-string": {
      // #region client-connection-string
      return new CommunicationIdentityClient(config.connectionString, clientOptions);
      // #endregion
    }
    case "access-key": {
      // #region client-access-key
      return new CommunicationIdentityClient(
        config.endpoint,
        new AzureKeyCredential(config.accessKey),
        clientOptions,
      );
      // #endregion
    }
    case "entra-id": {
      if (credential) return new CommunicationIdentityClient(config.endpoint, credential, clientOptions);
      // #region client-entra-id
      const { DefaultAzureCredential } = await import("@azure/identity");
      return new CommunicationIdentityClient(config.endpoint, new DefaultAzureCredential(), clientOptions);
      // #endregion
    }
  }
}

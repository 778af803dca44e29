/**
 * What went wrong, and how to fix it: one table that turns any failure of a step (a `RestError`
 * from the service, a network error, a Microsoft Entra ID sign-in error, a configuration
 * mistake) into a short diagnosis for a person.
 *
 * How the SDK reports failures:
 * - the service answered with an error: `RestError` with `statusCode` (401, 404, …), `code`
 *   (`Denied`, `IdentityNotOwned`, …) and the service's own `message`;
 * - the request never got an answer: `RestError` whose `code` is Node's (`ENOTFOUND`,
 *   `ECONNREFUSED`, `DEPTH_ZERO_SELF_SIGNED_CERT`, …) and no `statusCode`;
 * - Microsoft Entra ID sign-in failed: `CredentialUnavailableError`, `AuthenticationError`
 *   (message with an `AADSTS…` code) or `AggregateAuthenticationError` from `@azure/identity`.
 *
 * No text here ever contains an access key or a whole token: messages are passed through
 * {@link redact} first.
 */
import type { ProxyInUse } from "./proxy.js";

/** What diagnose() may know about the request besides the error. */
export interface DiagnoseContext {
  /** The proxy the request went through (see proxyFor), when one applied. */
  proxy?: ProxyInUse;
  /** How the client signed in: with a key (HMAC) or with Microsoft Entra ID. Unknown: both are said. */
  authentication?: "key" | "entra-id";
  /** The endpoint's host[:port]. */
  endpointHost?: string;
}

/** A failure, explained. */
export interface Diagnosis {
  /** Stable id of the table row, e.g. `access-denied`, `unknown-host`. */
  code: string;
  /** One line: what happened. */
  summary: string;
  /** More facts (the service's code and message, the host), when there are any. */
  detail?: string;
  /** What to do about it. */
  fix: string;
}

/** Everything the table looks at, gathered once from the error, its `cause`s and aggregated `errors`. */
interface Facts {
  /** `name` of the error itself. */
  name: string;
  /** Its message, redacted. */
  message: string;
  /** Names of the error and every nested one. */
  names: Set<string>;
  /** `code`s of the error and every nested one (service codes like `Denied`, Node codes like `ENOTFOUND`). */
  codes: Set<string>;
  /** HTTP status of the response, when there was one. */
  status?: number;
  /** The service's error code (`RestError.code` when there was a response). */
  serviceCode?: string;
  /** The response's Retry-After header (seconds, or an HTTP date), when it had one. */
  retryAfter?: string;
  /** The first `AADSTS…` code found in any message, and the line it is on (redacted). */
  aadsts?: string;
  aadstsLine?: string;
  /** `host[:port]` the request went to, when known. */
  host?: string;
  /** Whether every nested `@azure/identity` error says "no credential available". */
  onlyUnavailable: boolean;
  /** The error's own `fix` (ConfigError, StateError). */
  fix?: string;
  context: DiagnoseContext;
}

type Row = { code: string; when: (f: Facts) => boolean; explain: (f: Facts) => Omit<Diagnosis, "code"> };

const NO_PROXY_FIX =
  "For the local emulator no proxy is needed: add its host to NO_PROXY (e.g. NO_PROXY=127.0.0.1,localhost), in .env or the shell.";
const via = (f: Facts) =>
  f.context.proxy ? `${f.context.proxy.url} (from ${f.context.proxy.variable})` : "";
/**
 * The codes the SDK's RestError gets from the SDK itself, not from the service's error body (@azure/core-rest-pipeline:
 * RestError.PARSE_ERROR for a body it could not read, e.g. a proxy's plain-text page; REQUEST_SEND_ERROR).
 */
const SDK_OWN_CODES = new Set(["PARSE_ERROR", "REQUEST_SEND_ERROR"]);
/** A status the proxy answered itself: it has none of the service's error codes. */
const fromProxy = (f: Facts) =>
  f.context.proxy !== undefined && f.status !== undefined && f.serviceCode === undefined;

const TLS_CODES = new Set([
  "CERT_NOT_YET_VALID",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "ECONNABORTED",
  "EPIPE",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
]);
const KEYS_PAGE = "Azure portal → your Communication Services resource → Settings → Keys";
const APP_PAGE = "Azure portal → Microsoft Entra ID → App registrations → your app";

const has = (f: Facts, ...codes: string[]) => codes.some((code) => f.codes.has(code));
/** This computer's time, in UTC to the minute: what a certificate's dates are compared with. */
const clockNow = () => `now ${new Date().toISOString().replace(/:\d\d\.\d+Z$/, "Z")} here`;
const at = (f: Facts) => (f.host ? ` (${f.host})` : "");
const serviceSaid = (f: Facts) =>
  `The service answered HTTP ${f.status}${f.serviceCode ? ` ${f.serviceCode}` : ""}${f.message ? `: ${f.message}` : "."}`;

/** Microsoft Entra ID sign-in errors a learner meets, by AADSTS code. */
const AADSTS: Record<string, { summary: string; fix: string }> = {
  AADSTS7000215: {
    summary: "Microsoft Entra ID rejected the client secret: AZURE_CLIENT_SECRET is wrong.",
    fix: `Set AZURE_CLIENT_SECRET to the secret's "Value" (not its "Secret ID"). If you no longer have it, create a new one: ${APP_PAGE} → Certificates & secrets → New client secret.`,
  },
  AADSTS7000222: {
    summary: "The client secret in AZURE_CLIENT_SECRET has expired.",
    fix: `Create a new one (${APP_PAGE} → Certificates & secrets → New client secret) and put its "Value" in AZURE_CLIENT_SECRET.`,
  },
  AADSTS700016: {
    summary: "No application with the id in AZURE_CLIENT_ID exists in the tenant AZURE_TENANT_ID.",
    fix: `Check AZURE_CLIENT_ID ("Application (client) ID") and AZURE_TENANT_ID ("Directory (tenant) ID"): both are on ${APP_PAGE} → Overview.`,
  },
  AADSTS90002: {
    summary: "The tenant in AZURE_TENANT_ID was not found.",
    fix: `Set AZURE_TENANT_ID to the "Directory (tenant) ID" from ${APP_PAGE} → Overview.`,
  },
  AADSTS900023: {
    summary: "AZURE_TENANT_ID is not a valid tenant id or domain.",
    fix: `Set AZURE_TENANT_ID to the "Directory (tenant) ID" (a GUID) from ${APP_PAGE} → Overview.`,
  },
  AADSTS65002: {
    summary:
      "A Microsoft-owned sign-in app (such as the Azure CLI) is not pre-authorized to request tokens for Communication Services.",
    fix: "Sign in as your own app registration instead: set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (DefaultAzureCredential tries them first).",
  },
  AADSTS50034: {
    summary: "The signed-in user account does not exist in this tenant.",
    fix: "Run `az login --tenant <tenant id>` with an account of the tenant that holds the Communication Services resource.",
  },
  AADSTS700082: {
    summary: "Your Azure CLI sign-in has expired.",
    fix: "Run `az login` again.",
  },
  AADSTS50076: {
    summary: "The sign-in needs multi-factor authentication.",
    fix: "Run `az login` again and complete the multi-factor prompt.",
  },
};

/**
 * The table: the first row whose `when` matches explains the error. Order matters: specific
 * rows (a service error code) come before general ones (an HTTP status range).
 */
const TABLE: Row[] = [
  {
    code: "config",
    when: (f) => f.name === "ConfigError",
    explain: (f) => fromOwnMessage(f),
  },
  {
    code: "state",
    when: (f) => f.name === "StateError",
    explain: (f) => fromOwnMessage(f),
  },
  {
    code: "timeout",
    when: (f) => f.codes.has("ETIMEDOUT") && /timed out after \d+ ms/.test(f.message),
    explain: (f) => {
      const ms = Number(/timed out after (\d+) ms/.exec(f.message)?.[1]);
      const seconds = ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
      return {
        summary: `The service did not answer within ${seconds}: the request timed out${at(f)}, also on the SDK's retries.`,
        detail: f.message,
        fix: `Run the step again in a moment. If it keeps timing out, check your network, VPN or proxy; on a slow network, allow more time with ACS_QUICKSTART_REQUEST_TIMEOUT_MS (now ${ms}).`,
      };
    },
  },
  {
    code: "cancelled",
    when: (f) => f.names.has("AbortError"),
    explain: () => ({
      summary: "The operation was cancelled (or it timed out) before the service answered.",
      fix: "Run the step again. If it keeps timing out, check your network connection.",
    }),
  },
  {
    code: "https-required",
    when: (f) =>
      /allowInsecureConnection is false|not permitted for non-TLS protected/.test(f.message) ||
      f.codes.has("ERR_TLS_REQUIRED"),
    explain: (f) => ({
      summary: "The endpoint uses http://, and the SDK only talks to Communication Services over https://.",
      detail: f.message,
      fix: "Use an https:// endpoint in COMMUNICATION_SERVICES_CONNECTION_STRING or COMMUNICATION_SERVICES_ENDPOINT (the emulator serves https too).",
    }),
  },
  {
    code: "invalid-connection-string",
    when: (f) => /^Invalid (connection string|endpoint url)/.test(f.message),
    explain: () => ({
      summary: "The SDK could not read the connection string or endpoint it was given.",
      fix: `Check COMMUNICATION_SERVICES_CONNECTION_STRING: it must be endpoint=https://<resource>.communication.azure.com/;accesskey=<key>, copied from ${KEYS_PAGE}. Reading it with loadConfig() explains what is wrong.`,
    }),
  },
  {
    code: "entra-sign-in-failed",
    when: (f) => f.aadsts !== undefined,
    explain: (f) => {
      const known = f.aadsts ? AADSTS[f.aadsts] : undefined;
      return {
        summary: known?.summary ?? `Microsoft Entra ID refused the sign-in (${f.aadsts}).`,
        detail: f.aadstsLine,
        fix:
          known?.fix ??
          `Look the code up at https://login.microsoftonline.com/error?code=${f.aadsts?.slice(6)}`,
      };
    },
  },
  {
    code: "entra-no-credential",
    when: (f) => f.names.has("CredentialUnavailableError") && f.onlyUnavailable,
    explain: (f) => ({
      summary:
        "No Microsoft Entra ID credential was found on this computer (COMMUNICATION_SERVICES_ENDPOINT is set alone).",
      detail: firstLine(f.message),
      fix: `Set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET of an app registration (${APP_PAGE}), or run \`az login\`. Or use COMMUNICATION_SERVICES_CONNECTION_STRING instead.`,
    }),
  },
  {
    code: "entra-unreachable",
    when: (f) =>
      f.names.has("AuthenticationError") && /network_error|ENOTFOUND|EAI_AGAIN|ECONNREFUSED/.test(f.message),
    explain: (f) => ({
      summary: "Microsoft Entra ID (login.microsoftonline.com) could not be reached to sign in.",
      detail: firstLine(f.message),
      fix: "Check that you are online and that a proxy or firewall lets this computer reach https://login.microsoftonline.com/.",
    }),
  },
  {
    code: "entra-sign-in-failed",
    when: (f) => f.names.has("AuthenticationError") || f.names.has("AggregateAuthenticationError"),
    explain: (f) => ({
      summary: "Signing in with Microsoft Entra ID failed.",
      detail: firstLine(f.message),
      fix: "Check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, or run `az login` again.",
    }),
  },
  {
    code: "proxy-unreachable",
    when: (f) =>
      f.context.proxy !== undefined &&
      has(f, "ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"),
    explain: (f) => ({
      summary: `The proxy ${via(f)} could not be reached: ${
        has(f, "ECONNREFUSED")
          ? "nothing listens there (the connection was refused)"
          : "its host was not found"
      }. Requests to ${f.context.endpointHost ?? "the endpoint"} go through it.`,
      detail: [...f.codes].filter((code) => /^E[A-Z]+$/.test(code)).join(", "),
      fix: `Check the proxy's address in ${f.context.proxy?.variable}, and that the proxy runs. ${NO_PROXY_FIX}`,
    }),
  },
  {
    code: "proxy-authentication",
    when: (f) => fromProxy(f) && f.status === 407,
    explain: (f) => ({
      summary: `The proxy ${via(f)} wants credentials (HTTP 407 Proxy Authentication Required).`,
      fix: f.context.proxy?.hasCredentials
        ? `It does not accept the user name and password in ${f.context.proxy.variable}: check them with whoever runs the proxy. ${NO_PROXY_FIX}`
        : `Put them in the proxy's URL: ${f.context.proxy?.variable}=http://<user>:<password>@<proxy host>:<port> (ask whoever runs the proxy; percent-encode special characters). ${NO_PROXY_FIX}`,
    }),
  },
  {
    code: "proxy-blocked",
    when: (f) => fromProxy(f) && f.status !== undefined && [403, 502, 503, 504].includes(f.status),
    explain: (f) => ({
      summary: `The proxy ${via(f)} did not connect to ${f.context.endpointHost ?? "the endpoint"}: it answered HTTP ${f.status} itself (${f.status === 403 ? "blocked" : "the endpoint could not be reached from the proxy"}).`,
      fix: `Ask whoever runs the proxy to allow ${f.context.endpointHost ?? "the endpoint's host"}, or go without it. ${NO_PROXY_FIX}`,
    }),
  },
  {
    code: "certificate-not-yet-valid",
    when: (f) => has(f, "CERT_NOT_YET_VALID"),
    explain: (f) => ({
      summary: `The server's TLS certificate${at(f)} is not valid yet by this computer's clock (${clockNow()}): the clock is probably behind.`,
      detail: "CERT_NOT_YET_VALID",
      fix: "Set this computer's clock right (turn on automatic, network time). If the server is the emulator and its clock is the one that is off, set that one and restart it: it makes a certificate valid from a day before.",
    }),
  },
  {
    code: "certificate-expired",
    when: (f) => has(f, "CERT_HAS_EXPIRED"),
    explain: (f) => ({
      summary: `The server's TLS certificate${at(f)} has expired by this computer's clock (${clockNow()}).`,
      detail: "CERT_HAS_EXPIRED",
      fix: "If this computer's clock is ahead, set it right (automatic, network time). If the server is the emulator, restart it: it makes a new certificate when its own has expired (learners then trust the new cert.pem).",
    }),
  },
  {
    code: "untrusted-certificate",
    when: (f) => [...TLS_CODES].some((code) => f.codes.has(code)),
    explain: (f) => ({
      summary: `The server's TLS certificate is not trusted${at(f)}.`,
      detail: [...f.codes].filter((code) => TLS_CODES.has(code)).join(", "),
      fix: f.context.proxy
        ? `Requests go through the proxy ${via(f)}, and the SDK trusts no extra certificate through a proxy. ${NO_PROXY_FIX} For Azure, the proxy may intercept HTTPS: ask for its certificate.`
        : "If this is the local emulator, trust its certificate: set NODE_EXTRA_CA_CERTS to the path of the emulator's certificate (PEM) before starting node. For Azure, check that nothing (a proxy, antivirus) intercepts HTTPS.",
    }),
  },
  {
    code: "unknown-host",
    when: (f) => has(f, "ENOTFOUND", "EAI_AGAIN"),
    explain: (f) => ({
      summary: `The endpoint's host name could not be found${at(f)}.`,
      detail: has(f, "EAI_AGAIN")
        ? "EAI_AGAIN: the DNS lookup failed for now (offline?)."
        : "ENOTFOUND: no such host.",
      fix: `Check the host in the endpoint: it is on ${KEYS_PAGE} → "Endpoint" (https://<resource>.communication.azure.com/). Check that you are online.`,
    }),
  },
  {
    code: "connection-refused",
    when: (f) => has(f, "ECONNREFUSED"),
    explain: (f) => ({
      summary: `Nothing is listening at the endpoint${at(f)}: the connection was refused.`,
      fix: "If the endpoint is the local emulator, is it running? Start it with `npm run emulator` and check the port. Otherwise check the endpoint's host and port.",
    }),
  },
  {
    code: "network",
    // Node codes, or a fetch-style "Network error" / "fetch failed" / "socket hang up" without an answer.
    when: (f) =>
      [...NETWORK_CODES].some((code) => f.codes.has(code)) ||
      (f.status === undefined && /^(Network error|fetch failed|socket hang up)\b/i.test(f.message)),
    explain: (f) => ({
      summary: `The network connection failed or timed out${at(f)}.`,
      detail: [...f.codes].filter((code) => NETWORK_CODES.has(code)).join(", "),
      fix: "Run the step again in a moment (the SDK already retried). If it persists, check your network, VPN or proxy.",
    }),
  },
  {
    // Part two: a client's request to the token service failed (`TokenServiceError`, with the service's message).
    code: "token-service-error",
    when: (f) => f.names.has("TokenServiceError"),
    explain: (f) => ({
      summary: firstLine(f.message),
      fix:
        "401: sign in again (the session ended, or the password is wrong). 429: wait as long as its Retry-After says. " +
        "502 or 503: Communication Services refused or failed the token service's request; the token service's log " +
        "line above says how. Run the step again later.",
    }),
  },
  {
    code: "identity-not-owned",
    when: (f) => f.serviceCode === "IdentityNotOwned",
    explain: (f) => ({
      summary: "The identity belongs to another Communication Services resource.",
      detail: serviceSaid(f),
      fix: "The identity was created with a different resource (another connection string or endpoint, or the emulator). Create a new identity with this resource, and use ids only with the resource that made them.",
    }),
  },
  {
    code: "identity-not-found",
    when: (f) => f.serviceCode === "IdentityNotFound" || f.status === 404,
    explain: (f) => ({
      summary: "The identity does not exist (any more): it was probably deleted.",
      detail: serviceSaid(f),
      fix: "Create a new identity, then run this step again. Deleting an identity cannot be undone.",
    }),
  },
  {
    code: "access-denied",
    when: (f) => f.status === 401 && f.serviceCode === "Denied",
    explain: (f) => ({
      summary:
        "The service rejected the request's HMAC signature: the access key is wrong or the clock is off.",
      detail: serviceSaid(f),
      fix: `1. Copy the key (or the whole connection string) again from ${KEYS_PAGE}; keys change when they are regenerated. 2. Check this computer's clock: requests are signed with the current time and are rejected when the clock is off by more than about 15 minutes.`,
    }),
  },
  {
    code: "unauthorized",
    when: (f) => f.status === 401,
    explain: (f) => ({
      summary: "The service did not accept the credentials.",
      detail: serviceSaid(f),
      fix: `With a connection string or access key: copy it again from ${KEYS_PAGE}. With Microsoft Entra ID: check that AZURE_TENANT_ID is the tenant of the Communication Services resource.`,
    }),
  },
  {
    code: "forbidden",
    when: (f) => f.status === 403 && f.context.authentication !== "key",
    explain: (f) => ({
      summary:
        "Signed in, but not allowed: the Microsoft Entra principal (app, user or managed identity) has no role on this Communication Services resource.",
      detail: serviceSaid(f),
      fix: 'Give it a role on the resource: Azure portal → your Communication Services resource → Access control (IAM) → Add role assignment → "Communication and Email Service Owner" (built-in role for Communication Services) or "Contributor" (the role Microsoft\'s "Authenticate using Microsoft Entra ID" quickstart assigns). New role assignments can take a few minutes to apply.',
    }),
  },
  {
    code: "forbidden",
    when: (f) => f.status === 403,
    explain: (f) => ({
      summary: "The service refused the request (HTTP 403 Forbidden).",
      detail: serviceSaid(f),
      fix: `With an access key, a 403 means the resource does not allow this operation for it: check the resource on the Azure portal (its network and access settings), and that the key belongs to it (${KEYS_PAGE}).`,
    }),
  },
  {
    code: "throttled",
    when: (f) => f.status === 429,
    explain: (f) => ({
      summary: "Too many requests: the service is throttling this resource.",
      detail: serviceSaid(f),
      fix: f.retryAfter
        ? `The service asks to try again ${retryWhen(f.retryAfter)} (its Retry-After header): wait that long and run the step again. Communication Services limits each operation per resource (for example, creating identities: 1000 requests per 30 seconds).`
        : "The service gave no Retry-After header: wait a little (say, 30 seconds) and run the step again. Communication Services limits each operation per resource (for example, creating identities: 1000 requests per 30 seconds).",
    }),
  },
  {
    code: "validation-error",
    when: (f) => f.status === 400,
    explain: (f) => ({
      summary: `The service rejected the request as invalid: ${f.message || f.serviceCode || "no details given"}`,
      detail: serviceSaid(f),
      fix: "Change the request as the service's message says (for example: scopes must not be empty; a token's lifetime must be between 60 and 1440 minutes).",
    }),
  },
  {
    code: "service-error",
    when: (f) => f.status !== undefined && f.status >= 500,
    explain: (f) => ({
      summary: "The service had an internal problem.",
      detail: serviceSaid(f),
      fix: "Run the step again later (the SDK already retried). If it persists, check https://azure.status.microsoft/ .",
    }),
  },
  {
    code: "http-error",
    when: (f) => f.status !== undefined,
    explain: (f) => ({
      summary: `The service answered with HTTP ${f.status}.`,
      detail: serviceSaid(f),
      fix: "Read the service's message above; check the endpoint and the request.",
    }),
  },
];

/** Explains any thrown value. Always returns a diagnosis; the last resort is `unknown`. */
export function diagnose(error: unknown, context: DiagnoseContext = {}): Diagnosis {
  const facts = gather(error, context);
  for (const row of TABLE) {
    if (row.when(facts)) return { code: row.code, ...row.explain(facts) };
  }
  return {
    code: "unknown",
    summary: `${facts.name}: ${firstLine(facts.message) || "(no message)"}`,
    fix: "Read the message above. If it is not clear, run the step again with DEBUG output or ask for help with this text (it contains no secrets).",
  };
}

/** The diagnosis as a few lines for a terminal: what happened, details, the fix. No stack trace. */
export function formatDiagnosis(diagnosis: Diagnosis): string {
  const lines = [diagnosis.summary];
  if (diagnosis.detail) lines.push(...diagnosis.detail.split("\n").map((line) => `  ${line.trim()}`));
  lines.push(`Fix: ${diagnosis.fix}`);
  return lines.join("\n");
}

/**
 * Removes secrets from a message: `accesskey=…`, `Bearer …`, JWTs (access tokens) and long
 * base64 strings (keys) are replaced by `<hidden>` (a JWT keeps its first 12 characters).
 */
export function redact(text: string): string {
  return text
    .replace(/(accesskey=)[^;\s"'`]*/gi, "$1<hidden>")
    .replace(/\b(Bearer\s+)[\w\-.~+/]+=*/gi, "$1<hidden>")
    .replace(/eyJ[\w-]*\.[\w-]*\.[\w-]*/g, (jwt) => `${jwt.slice(0, 12)}…<hidden>`)
    .replace(/[A-Za-z0-9+/]{32,}={0,2}/g, (run) => (looksLikeKey(run) ? "<hidden>" : run));
}

/**
 * A long run of base64 letters is a key when it has a `+` or ends with `=` (padding: what a key's base64
 * ends with, and a word or a path never does), or when it mixes cases and digits with few `/`; a file path
 * (many `/` between words) is left alone.
 */
function looksLikeKey(run: string): boolean {
  if (run.includes("+") || run.endsWith("=")) return true;
  if (!/[a-z]/.test(run) || !/[A-Z]/.test(run) || !/\d/.test(run)) return false;
  const slashes = run.match(/\//g)?.length ?? 0;
  return slashes * 12 < run.length;
}

// ---------------------------------------------------------------------------------------------

function gather(error: unknown, context: DiagnoseContext): Facts {
  const top = asRecord(error);
  const name = typeof top.name === "string" ? top.name : typeof error;
  const message = typeof top.message === "string" ? top.message : String(error);
  const ownError = name === "ConfigError" || name === "StateError"; // written by us, without secrets
  const facts: Facts = {
    name,
    message: ownError ? message : redact(message),
    names: new Set(),
    codes: new Set(),
    onlyUnavailable: true,
    fix: typeof top.fix === "string" ? top.fix : undefined,
    context,
  };
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number) => {
    if (value === undefined || value === null || seen.has(value) || depth > 5) return;
    seen.add(value);
    const e = asRecord(value);
    const name = typeof e.name === "string" ? e.name : undefined;
    if (name) facts.names.add(name);
    if (typeof e.code === "string") facts.codes.add(e.code);
    if (facts.status === undefined && typeof e.statusCode === "number") {
      facts.status = e.statusCode;
      if (typeof e.code === "string" && !SDK_OWN_CODES.has(e.code)) facts.serviceCode = e.code;
      facts.retryAfter = retryAfterOf(e);
    }
    if (name && /Error$/.test(name) && isIdentityError(name) && name !== "CredentialUnavailableError") {
      facts.onlyUnavailable = false;
    }
    const aadsts = typeof e.message === "string" ? /AADSTS\d+[^\r\n]*/.exec(e.message) : null;
    if (aadsts && !facts.aadsts) {
      facts.aadsts = /AADSTS\d+/.exec(aadsts[0])?.[0];
      facts.aadstsLine = redact(aadsts[0].trim());
    }
    facts.host ??= hostOf(e);
    visit(e.cause, depth + 1);
    if (Array.isArray(e.errors)) for (const inner of e.errors) visit(inner, depth + 1);
  };
  visit(error, 0);
  return facts;
}

/** The Retry-After header of a RestError's response (core-rest-pipeline's HttpHeaders, or a plain record). */
function retryAfterOf(e: Record<string, unknown>): string | undefined {
  const headers = asRecord(asRecord(e.response).headers);
  const value =
    typeof headers.get === "function"
      ? (headers.get as (name: string) => unknown)("retry-after")
      : (headers["retry-after"] ?? headers["Retry-After"]);
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** When Retry-After says to try again: "in 30 seconds", "after 12:00:00 UTC". */
function retryWhen(value: string): string {
  if (/^\d+$/.test(value)) return `in ${value} second${value === "1" ? "" : "s"}`;
  const date = new Date(value);
  return Number.isNaN(date.getTime())
    ? `when its Retry-After header says (${value})`
    : `after ${date.toISOString()}`;
}

/** Errors from `@azure/identity` other than "unavailable" mean a credential was found but failed. */
function isIdentityError(name: string): boolean {
  return name === "AuthenticationError" || name === "AuthenticationRequiredError";
}

/** `host[:port]` from a RestError's request URL, or from a Node error's `hostname`/`address`+`port`. */
function hostOf(e: Record<string, unknown>): string | undefined {
  const url = asRecord(e.request).url;
  if (typeof url === "string") {
    try {
      return new URL(url).host;
    } catch {
      // not a URL: fall through
    }
  }
  const host =
    typeof e.hostname === "string" ? e.hostname : typeof e.address === "string" ? e.address : undefined;
  if (!host) return undefined;
  return typeof e.port === "number" ? `${host}:${e.port}` : host;
}

/** For errors that already explain themselves (ConfigError, StateError): their lines, minus the fix. */
function fromOwnMessage(f: Facts): Omit<Diagnosis, "code"> {
  const [summary = f.name, ...rest] = f.message.split("\n");
  const detail = rest.filter((line) => !/^\s*Fix:/.test(line)).map((line) => line.trim());
  return {
    summary,
    ...(detail.length > 0 ? { detail: detail.join("\n") } : {}),
    fix: f.fix ?? "See the message above.",
  };
}

function firstLine(text: string): string {
  return text.split("\n").find((line) => line.trim() !== "") ?? "";
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

/**
 * The error catalogue: every failure the emulator answers with comes from here.
 *
 * Each entry mirrors the real service's error (status, code, message, target) where it is known.
 * Entries marked ASSUMPTION are the emulator's choice where the real behaviour is not recorded;
 * the README lists them.
 */

export interface ServiceError {
  status: number;
  code: string;
  message: string;
  target?: string;
  /** Extra response headers (e.g. Retry-After, Allow). */
  headers?: Record<string, string>;
  /**
   * Emulator-only hint, sent as `x-emulator-reason` and in the request journal, e.g. why a request was Denied
   * (README "Authentication failures").
   */
  reason?: string;
  /** For a refused HMAC-signed request: which part failed (see HmacPart). In the request journal, not on the wire. */
  part?: HmacPart;
  /**
   * The service answers this before its API-versioning layer: no `api-supported-versions` header [REC: the Teams
   * 401 and the "<Field>: The <Field> field is required." 400s carry none].
   */
  withoutApiVersions?: boolean;
}

/**
 * Why a request was Denied (`reason`: `x-emulator-reason`, the request journal), in the order checked:
 * `missing-authorization`, `bearer-rejected`, `malformed-authorization`, `signed-headers` (not
 * `x-ms-date;host;x-ms-content-sha256`), `missing-date`, `invalid-date`, `stale-date` (outside the clock window),
 * `missing-content-hash`, `content-hash` (the body differs from its hash), `missing-signed-header`, `signature`
 * (wrong key, or something signed differently).
 */
export type DeniedReason =
  | "missing-authorization"
  | "bearer-rejected"
  | "malformed-authorization"
  | "signed-headers"
  | "missing-date"
  | "invalid-date"
  | "stale-date"
  | "missing-content-hash"
  | "content-hash"
  | "missing-signed-header"
  | "signature";

/**
 * Which part of a request failed authentication: `authorization` (the header is missing, malformed, or signs
 * other headers; a rejected bearer), `date` (missing, unreadable, or outside the clock window), `body-hash`
 * (missing, or not the body's), `host` (the signature is right for another Host than the one received: the client
 * signed the address it used, e.g. through a port forward or a proxy), `signature` (wrong key, or anything else).
 */
export type HmacPart = "authorization" | "date" | "host" | "body-hash" | "signature";

const PART_OF: Record<DeniedReason, HmacPart> = {
  "missing-authorization": "authorization",
  "bearer-rejected": "authorization",
  "malformed-authorization": "authorization",
  "signed-headers": "authorization",
  "missing-signed-header": "authorization",
  "missing-date": "date",
  "invalid-date": "date",
  "stale-date": "date",
  "missing-content-hash": "body-hash",
  "content-hash": "body-hash",
  signature: "signature",
};

export const EXPIRES_IN_MINUTES_MIN = 60;
export const EXPIRES_IN_MINUTES_MAX = 1440;
/** `customId`: 1..256 characters [SPEC 2025-03-02-preview CommunicationIdentityCreateRequest]. */
export const CUSTOM_ID_MAX_LENGTH = 256;

export const catalogue = {
  // ---- authentication (401 Denied) ----
  /** Wrong key, bad or missing signature. [3P] `reason` says which check failed (README "Authentication failures"). */
  denied: (reason: DeniedReason, part: HmacPart = PART_OF[reason]): ServiceError => ({
    status: 401,
    code: "Denied",
    message: "Denied by the resource provider.",
    reason,
    part,
  }),
  /** Body differs from `x-ms-content-sha256`. [3P] */
  contentHashMismatch: (): ServiceError => ({
    status: 401,
    code: "Denied",
    message: "Request 'x-ms-content-sha256' differs from generated content hash.",
    reason: "content-hash",
    part: "body-hash",
  }),

  // ---- api-version ----
  /** [3P] ASP.NET API-versioning message. */
  unsupportedApiVersion: (requestUri: string, version: string): ServiceError => ({
    status: 400,
    code: "UnsupportedApiVersion",
    message: `The HTTP resource that matches the request URI '${requestUri}' does not support the API version '${version}'.`,
  }),
  /**
   * [INF] ASP.NET API-versioning: the version exists on the route, but not for this method (e.g. GET of an
   * identity before 2025-03-02-preview). `allow`: the methods the route has at that version.
   */
  unsupportedApiVersionForMethod: (version: string, method: string, allow: string[]): ServiceError => ({
    status: 405,
    code: "UnsupportedApiVersion",
    message: `The requested resource with API version '${version}' does not support HTTP method '${method}'.`,
    headers: { Allow: allow.join(", ") },
  }),
  /** ASSUMPTION: the ASP.NET API-versioning answer when `api-version` is missing. */
  apiVersionUnspecified: (): ServiceError => ({
    status: 400,
    code: "ApiVersionUnspecified",
    message: "An API version is required, but was not specified.",
  }),

  // ---- identities ----
  /** [REC] an id of another resource. ASSUMPTION: also used for malformed ids. */
  identityNotOwned: (): ServiceError => ({
    status: 401,
    code: "IdentityNotOwned",
    message: "Provided identity doesn't belong to the resource.",
  }),
  /** ASSUMPTION: an unknown or deleted identity of this resource. */
  identityNotFound: (): ServiceError => ({
    status: 404,
    code: "IdentityNotFound",
    message: "Provided identity doesn't exist or has been deleted.",
  }),

  // ---- scopes and expiry ----
  /** [REC] `scopes: []`. */
  scopesEmpty: (target = "scopes"): ServiceError => ({
    status: 400,
    code: "ValidationError",
    message: "Invalid scopes - Scopes field is required.",
    target,
  }),
  /** [REC] `scopes` property missing (Python sends `{}`); no api-supported-versions header. */
  scopesMissing: (): ServiceError => ({
    status: 400,
    code: "ValidationError",
    message: "Scopes: The Scopes field is required.",
    target: "Scopes",
    withoutApiVersions: true,
  }),
  /** ASSUMPTION: message for a scope the api-version does not know. */
  scopeUnknown: (scope: string, target = "scopes"): ServiceError => ({
    status: 400,
    code: "ValidationError",
    message: `Invalid scopes - '${scope}' is not a valid scope.`,
    target,
  }),
  /** [REC] expiry outside [60, 1440]. */
  expiresInMinutesOutOfRange: (value: unknown): ServiceError => ({
    status: 400,
    code: "ValidationError",
    message: `ExpiresInMinutes value ${String(value)} is invalid. Value must be within the [${EXPIRES_IN_MINUTES_MIN}, ${EXPIRES_IN_MINUTES_MAX}] interval.`,
    target: "ExpiresInMinutes",
  }),
  /**
   * ASSUMPTION: the body is not JSON, or a field has the wrong JSON type. Like the service's other model-binding
   * answers, without an api-supported-versions header.
   */
  invalidBody: (detail: string, target?: string): ServiceError => ({
    status: 400,
    code: "ValidationError",
    message: `The request body is invalid: ${detail}`,
    ...(target ? { target } : {}),
    withoutApiVersions: true,
  }),
  /**
   * ASSUMPTION: `customId` outside the spec's 1..256 characters (2025-03-02-preview), in the form of the service's
   * model-binding messages ("<Field>: …", ASP.NET's StringLength text); no api-supported-versions header.
   */
  customIdLength: (): ServiceError => ({
    status: 400,
    code: "ValidationError",
    message: `CustomId: The field CustomId must be a string with a minimum length of 1 and a maximum length of ${CUSTOM_ID_MAX_LENGTH}.`,
    target: "CustomId",
    withoutApiVersions: true,
  }),

  // ---- Teams user token exchange [REC] (the 401 and the two "required" answers carry no api-supported-versions) ----
  teamsInvalidAccessToken: (): ServiceError => ({
    status: 401,
    code: "InvalidAccessToken",
    message: "Provided access token is not valid.",
    withoutApiVersions: true,
  }),
  teamsAppIdRequired: (): ServiceError => ({
    status: 400,
    code: "ValidationError",
    message: "AppId: The AppId field is required.",
    target: "AppId",
    withoutApiVersions: true,
  }),
  teamsUserIdRequired: (): ServiceError => ({
    status: 400,
    code: "ValidationError",
    message: "UserId: The UserId field is required.",
    target: "UserId",
    withoutApiVersions: true,
  }),
  teamsAppIdInvalidFormat: (): ServiceError => ({
    status: 400,
    code: "ValidationError",
    message: "Provided AppId has invalid format.",
    target: "appId",
  }),
  teamsUserIdInvalidFormat: (): ServiceError => ({
    status: 400,
    code: "ValidationError",
    message: "Provided UserId has invalid format.",
    target: "userId",
  }),
  teamsAppIdMismatch: (): ServiceError => ({
    status: 400,
    code: "ValidationError",
    message: "AAD application is not the expected one.",
    target: "appId",
  }),
  teamsUserIdMismatch: (): ServiceError => ({
    status: 400,
    code: "ValidationError",
    message: "Provided AAD token issued for unexpected user.",
    target: "userId",
  }),

  // ---- transport-level (ASSUMPTION: shapes chosen by the emulator) ----
  notFound: (path: string): ServiceError => ({
    status: 404,
    code: "NotFound",
    message: `No HTTP resource was found that matches the request URI path '${path}'.`,
  }),
  methodNotAllowed: (method: string, allow: string[]): ServiceError => ({
    status: 405,
    code: "MethodNotAllowed",
    message: `The requested resource does not support http method '${method}'.`,
    headers: { Allow: allow.join(", ") },
  }),
  payloadTooLarge: (limit: number): ServiceError => ({
    status: 413,
    code: "RequestEntityTooLarge",
    message: `The request body exceeds the limit of ${limit} bytes.`,
  }),

  /** ASSUMPTION: a body that is not sent as JSON (ASP.NET's model binding answers 415). */
  unsupportedMediaType: (contentType: string | null): ServiceError => ({
    status: 415,
    code: "UnsupportedMediaType",
    message: `The request body must be sent with Content-Type: application/json${contentType ? `, not '${contentType.slice(0, 100)}'` : " (none was given)"}.`,
  }),

  /** A bug or an I/O failure inside the emulator (e.g. the state file cannot be written). */
  internalError: (): ServiceError => ({
    status: 500,
    code: "InternalServerError",
    message: "An internal error occurred in the emulator.",
  }),

  /** ASSUMPTION: the body of an injected fault (the real 429/5xx bodies are not recorded). */
  fault: (status: number, retryAfterSeconds?: number): ServiceError => ({
    status,
    code: FAULT_CODES[status] ?? "EmulatedFault",
    message: `${FAULT_MESSAGES[status] ?? `The service answered ${status}.`} (fault injected by the ACS emulator)`,
    ...(retryAfterSeconds !== undefined ? { headers: { "Retry-After": String(retryAfterSeconds) } } : {}),
  }),

  // ---- emulator admin routes ----
  adminValidation: (message: string, target?: string): ServiceError => ({
    status: 400,
    code: "ValidationError",
    message,
    ...(target ? { target } : {}),
  }),
} as const;

const FAULT_CODES: Record<number, string> = {
  408: "RequestTimeout",
  429: "TooManyRequests",
  500: "InternalServerError",
  502: "BadGateway",
  503: "ServiceUnavailable",
  504: "GatewayTimeout",
};

const FAULT_MESSAGES: Record<number, string> = {
  408: "The request timed out.",
  429: "Too many requests. Retry after the time given in the Retry-After header.",
  500: "An internal server error occurred.",
  502: "Bad gateway.",
  503: "The service is temporarily unavailable.",
  504: "The gateway timed out.",
};

/** The wire body of an error: `{"error":{"code","message","target"?}}` (target omitted when unused). */
export function errorBody(error: ServiceError): {
  error: { code: string; message: string; target?: string };
} {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.target !== undefined ? { target: error.target } : {}),
    },
  };
}

/** Thrown inside the model; the handler turns it into a response. */
export class ServiceErrorException extends Error {
  constructor(readonly error: ServiceError) {
    super(error.message);
    this.name = "ServiceErrorException";
  }
}

export function fail(error: ServiceError): never {
  throw new ServiceErrorException(error);
}

/**
 * The REST contract: ONE Fetch-API handler (Request -> Response) for every route, including /_emulator/.
 *
 * Order of checks (see README "Assumptions"): body size → route and method → authentication →
 * api-version → injected fault → content type → identity ownership → request body.
 */
import { randomBytes } from "node:crypto";
import { decodeJwt } from "jose/jwt/decode";
import { authenticate, splitTarget } from "./auth.js";
import {
  catalogue,
  EXPIRES_IN_MINUTES_MAX,
  EXPIRES_IN_MINUTES_MIN,
  errorBody,
  type ServiceError,
  ServiceErrorException,
} from "./catalogue.js";
import type { ChatModel } from "./chat/model.js";
import { createChatRoutes, isChatPath } from "./chat/routes.js";
import { type FaultBook, type Operation, validateFault } from "./faults.js";
import type { IdentityService } from "./service.js";
import { jwks } from "./tokens.js";

export const API_VERSIONS = ["2021-03-07", "2022-06-01", "2022-10-01", "2023-10-01"] as const;
export const TEAMS_API_VERSIONS = ["2022-06-01", "2022-10-01", "2023-10-01"] as const;
export const BODY_LIMIT_BYTES = 64 * 1024;
const BASE_SCOPES = ["chat", "voip"];
const JOIN_SCOPES = ["chat.join", "chat.join.limited", "voip.join"];
const DEFAULT_EXPIRES_IN_MINUTES = 1440;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface HandlerSettings {
  accessKey: string;
  clockSkewMinutes: number;
  bearer: "accept" | "reject";
  now: () => number;
  /** Aborted when the emulator closes: pending delayed requests are then dropped without effect. */
  closed?: AbortSignal;
}

/** Transport details the Fetch Request cannot carry faithfully. */
export interface HandleContext {
  /** The request target exactly as received (node:http `req.url`), percent-encoding untouched. */
  rawTarget?: string;
}

type Route =
  | { kind: "api"; operation: Operation; id?: string; versions: readonly string[] }
  | { kind: "admin"; name: "state" | "validate-token" | "faults" | "reset" | "jwks" };

interface Matched {
  route: Route;
  methods: string[];
}

function matchRoute(path: string): Matched | undefined {
  const api = (
    operation: Operation,
    method: string,
    id?: string,
    versions: readonly string[] = API_VERSIONS,
  ) => ({
    route: { kind: "api" as const, operation, versions, ...(id !== undefined ? { id } : {}) },
    methods: [method],
  });
  const admin = (name: Extract<Route, { kind: "admin" }>["name"], methods: string[]) => ({
    route: { kind: "admin" as const, name },
    methods,
  });
  const segments = path.split("/").slice(1);
  const [first, second, third, ...rest] = segments;
  if (rest.length > 0) return undefined;
  const action = third !== undefined ? safeDecode(third) : undefined;
  if (first === "identities") {
    if (second === undefined) return api("createIdentity", "POST");
    if (second === "") return undefined;
    const id = safeDecode(second) ?? second;
    if (third === undefined) return api("deleteIdentity", "DELETE", id);
    if (action === ":issueAccessToken") return api("issueAccessToken", "POST", id);
    if (action === ":revokeAccessTokens") return api("revokeAccessTokens", "POST", id);
    return undefined;
  }
  if (first === "teamsUser" && third === undefined && second !== undefined) {
    if (safeDecode(second) === ":exchangeAccessToken") {
      return api("exchangeTeamsToken", "POST", undefined, TEAMS_API_VERSIONS);
    }
  }
  if (first === "_emulator" && third === undefined) {
    switch (second) {
      case "state":
        return admin("state", ["GET"]);
      case "validate-token":
        return admin("validate-token", ["POST"]);
      case "faults":
        return admin("faults", ["POST", "DELETE"]);
      case "reset":
        return admin("reset", ["POST"]);
      case "jwks.json":
        return admin("jwks", ["GET"]);
    }
  }
  return undefined;
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

export function createHandler(
  service: IdentityService,
  faults: FaultBook,
  settings: HandlerSettings,
  chat: ChatModel,
): (request: Request, context?: HandleContext) => Promise<Response> {
  const chatRoutes = createChatRoutes({
    model: chat,
    resourceId: service.resourceId,
    validateToken: (token) => service.validateToken(token),
  });
  return async function handle(request, context) {
    const started = Date.now();
    const url = new URL(request.url);
    const rawTarget = context?.rawTarget ?? `${url.pathname}${url.search}`;
    const [path, rawQuery] = splitTarget(rawTarget);
    const host = request.headers.get("host") ?? url.host;
    const matched = matchRoute(path);
    const versionsHeader =
      matched?.route.kind === "api"
        ? { "api-supported-versions": matched.route.versions.join(", ") }
        : undefined;

    const common = (): Record<string, string> => ({
      Date: new Date(settings.now()).toUTCString(),
      "MS-CV": randomBytes(16).toString("base64").replace(/=+$/, ""),
      "X-Processing-Time": `${Date.now() - started}ms`,
      "Strict-Transport-Security": "max-age=31536000;includeSubDomains",
      ...(versionsHeader ?? {}),
      ...clientRequestId(request),
    });
    // HEAD answers carry the headers only.
    const content = (text: string) => (request.method.toUpperCase() === "HEAD" ? null : text);
    const json = (status: number, body: unknown, extra?: Record<string, string>) =>
      new Response(content(JSON.stringify(body)), {
        status,
        headers: { "Content-Type": "application/json; charset=utf-8", ...common(), ...extra },
      });
    const noContent = () => new Response(null, { status: 204, headers: common() });
    const error = (e: ServiceError) =>
      new Response(content(JSON.stringify(errorBody(e))), {
        status: e.status,
        headers: {
          "Content-Type": "application/json",
          ...common(),
          ...e.headers,
          ...(e.reason ? { "x-emulator-reason": e.reason } : {}),
        },
      });

    const declared = Number(request.headers.get("content-length") ?? "0");
    if (declared > BODY_LIMIT_BYTES) return error(catalogue.payloadTooLarge(BODY_LIMIT_BYTES));
    const body = new Uint8Array(await request.arrayBuffer());
    if (body.byteLength > BODY_LIMIT_BYTES) return error(catalogue.payloadTooLarge(BODY_LIMIT_BYTES));

    // Chat: its own routes, authenticated with the access tokens this emulator issued (./chat/routes.ts).
    if (isChatPath(path)) {
      const { "api-supported-versions": _, ...baseHeaders } = common();
      return chatRoutes({
        method: request.method,
        path,
        rawQuery,
        host,
        headers: request.headers,
        body,
        baseHeaders,
      });
    }
    if (!matched) return error(catalogue.notFound(path));
    const method = request.method.toUpperCase();
    if (!matched.methods.includes(method)) return error(catalogue.methodNotAllowed(method, matched.methods));

    const denied = authenticate({ method, rawTarget, host, headers: request.headers, body }, settings);
    if (denied) return error(denied);

    try {
      if (matched.route.kind === "admin") {
        if (!jsonBody(request, body)) return error(catalogue.unsupportedMediaType(contentType(request)));
        return await admin(matched.route.name, method, body);
      }

      const route = matched.route;
      const version = new URLSearchParams(rawQuery ?? "").get("api-version");
      if (version === null || version === "") return error(catalogue.apiVersionUnspecified());
      if (!route.versions.includes(version)) {
        return error(catalogue.unsupportedApiVersion(`https://${host}${path}`, version));
      }

      const fault = faults.take(route.operation);
      // A delayed request whose client gave up (or whose emulator closed) is dropped without effect, as a
      // request lost on a slow network before it reached the service would be.
      if (fault?.delayMs && !(await sleep(fault.delayMs, request.signal, settings.closed)))
        return Response.error();
      if (fault?.reset) return Response.error();
      if (fault?.status !== undefined) return error(catalogue.fault(fault.status, fault.retryAfterSeconds));
      if (!jsonBody(request, body)) return error(catalogue.unsupportedMediaType(contentType(request)));

      switch (route.operation) {
        case "createIdentity": {
          const input = parseObject(body);
          const scopes = optionalScopes(input.createTokenWithScopes, version);
          const minutes = scopes ? expiresInMinutes(input.expiresInMinutes, version) : undefined;
          const identity = service.createIdentity();
          if (!scopes || minutes === undefined) return json(201, { identity: { id: identity.id } });
          const { token, expiresOn } = await service.issueAccessToken(identity.id, scopes, minutes);
          return json(201, { identity: { id: identity.id }, accessToken: { token, expiresOn } });
        }
        case "issueAccessToken": {
          const id = route.id as string;
          service.ownedIdentity(id);
          const input = parseObject(body);
          if (input.scopes === undefined || input.scopes === null)
            throw new ServiceErrorException(catalogue.scopesMissing());
          const scopes = requiredScopes(input.scopes, version, "scopes");
          const minutes = expiresInMinutes(input.expiresInMinutes, version);
          const { token, expiresOn } = await service.issueAccessToken(id, scopes, minutes);
          return json(200, { token, expiresOn });
        }
        case "revokeAccessTokens":
          service.revokeAccessTokens(route.id as string);
          return noContent();
        case "deleteIdentity":
          service.deleteIdentity(route.id as string);
          return noContent();
        case "exchangeTeamsToken": {
          const { token, expiresOn } = await exchangeTeamsToken(service, parseObject(body), settings.now());
          return json(200, { token, expiresOn });
        }
      }
    } catch (e) {
      if (e instanceof ServiceErrorException) return error(e.error);
      throw e;
    }

    async function admin(name: Extract<Route, { kind: "admin" }>["name"], method: string, raw: Uint8Array) {
      switch (name) {
        case "state":
          return json(200, {
            identities: service.identityList().map((r) => ({
              id: r.id,
              deleted: r.deleted,
              tokensIssued: r.tokensIssued,
              revokedAt: r.revokedAt === null ? null : new Date(r.revokedAt).toISOString(),
            })),
          });
        case "validate-token": {
          const input = parseObject(raw);
          if (typeof input.token !== "string") {
            return error(catalogue.adminValidation('The body must be {"token": "<access token>"}.', "token"));
          }
          return json(200, await service.validateToken(input.token));
        }
        case "faults": {
          if (method === "DELETE") {
            faults.clear();
            return noContent();
          }
          let input: unknown;
          try {
            input = JSON.parse(new TextDecoder().decode(raw));
          } catch {
            return error(catalogue.adminValidation("The fault must be a JSON object."));
          }
          try {
            faults.add(validateFault(input));
          } catch (e) {
            return error(catalogue.adminValidation((e as Error).message));
          }
          return json(200, { faults: faults.list() });
        }
        case "reset":
          faults.clear();
          service.reset();
          chat.reset();
          return noContent();
        case "jwks":
          return json(200, jwks(service.signingKey));
      }
    }
    // Unreachable: every operation returns above.
    return error(catalogue.notFound(path));
  };
}

/** The echoed request id: only a printable ASCII id of at most 256 characters (the SDKs send a GUID). */
function clientRequestId(request: Request): Record<string, string> {
  const id = request.headers.get("x-ms-client-request-id");
  return id && id.length <= 256 && /^[\x21-\x7e]+$/.test(id) ? { "x-ms-client-request-id": id } : {};
}

function contentType(request: Request): string | null {
  return request.headers.get("content-type");
}

/** A body, when there is one, must be declared as JSON (`application/json`, any parameters). */
function jsonBody(request: Request, body: Uint8Array): boolean {
  if (body.byteLength === 0) return true;
  return /^\s*application\/json\s*(;|$)/i.test(contentType(request) ?? "");
}

/** Waits `ms`; resolves false (early) if either signal aborts first. */
function sleep(ms: number, ...signals: Array<AbortSignal | undefined>): Promise<boolean> {
  const active = signals.filter((s): s is AbortSignal => s !== undefined);
  if (active.some((s) => s.aborted)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      for (const s of active) s.removeEventListener("abort", onAbort);
      resolve(ok);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    for (const s of active) s.addEventListener("abort", onAbort, { once: true });
  });
}

/** The JSON body as an object: empty body (and `null`) mean `{}`. */
function parseObject(body: Uint8Array): Record<string, unknown> {
  const text = new TextDecoder().decode(body).trim();
  if (text === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ServiceErrorException(catalogue.invalidBody("it is not valid JSON."));
  }
  if (value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new ServiceErrorException(catalogue.invalidBody("it must be a JSON object."));
  }
  return value as Record<string, unknown>;
}

function scopesFor(version: string): string[] {
  return version >= "2023-10-01" ? [...BASE_SCOPES, ...JOIN_SCOPES] : BASE_SCOPES;
}

function requiredScopes(value: unknown, version: string, target: string): string[] {
  if (!Array.isArray(value)) {
    throw new ServiceErrorException(catalogue.invalidBody(`"${target}" must be an array of scopes.`, target));
  }
  if (value.length === 0) throw new ServiceErrorException(catalogue.scopesEmpty(target));
  const allowed = scopesFor(version);
  for (const scope of value) {
    if (typeof scope !== "string" || !allowed.includes(scope)) {
      throw new ServiceErrorException(catalogue.scopeUnknown(String(scope), target));
    }
  }
  return [...new Set(value as string[])];
}

function optionalScopes(value: unknown, version: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  return requiredScopes(value, version, "createTokenWithScopes");
}

/** `expiresInMinutes` from 2022-10-01; ignored (the default applies) by older api-versions. */
function expiresInMinutes(value: unknown, version: string): number {
  if (version < "2022-10-01" || value === undefined || value === null) return DEFAULT_EXPIRES_IN_MINUTES;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new ServiceErrorException(
      catalogue.invalidBody('"expiresInMinutes" must be an integer number of minutes.', "ExpiresInMinutes"),
    );
  }
  if (value < EXPIRES_IN_MINUTES_MIN || value > EXPIRES_IN_MINUTES_MAX) {
    throw new ServiceErrorException(catalogue.expiresInMinutesOutOfRange(value));
  }
  return value;
}

/**
 * Teams user exchange. The Entra ID token's signature is NOT checked (offline); it must be a JWT,
 * unexpired, whose `appid` (or v2 `azp`) and `oid` match appId and userId. Checks in the recorded order:
 * token (401) → required appId/userId → GUID format → claim match (400).
 */
function exchangeTeamsToken(service: IdentityService, input: Record<string, unknown>, nowMs: number) {
  const token = typeof input.token === "string" ? input.token : "";
  const claims = decodeEntraToken(token);
  if (!claims || typeof claims.exp !== "number" || claims.exp * 1000 <= nowMs) {
    throw new ServiceErrorException(catalogue.teamsInvalidAccessToken());
  }
  const appId = typeof input.appId === "string" ? input.appId : "";
  const userId = typeof input.userId === "string" ? input.userId : "";
  if (appId === "") throw new ServiceErrorException(catalogue.teamsAppIdRequired());
  if (userId === "") throw new ServiceErrorException(catalogue.teamsUserIdRequired());
  if (!GUID.test(appId)) throw new ServiceErrorException(catalogue.teamsAppIdInvalidFormat());
  if (!GUID.test(userId)) throw new ServiceErrorException(catalogue.teamsUserIdInvalidFormat());
  const tokenApp = typeof claims.appid === "string" ? claims.appid : claims.azp;
  if (typeof tokenApp !== "string" || tokenApp.toLowerCase() !== appId.toLowerCase()) {
    throw new ServiceErrorException(catalogue.teamsAppIdMismatch());
  }
  if (typeof claims.oid !== "string" || claims.oid.toLowerCase() !== userId.toLowerCase()) {
    throw new ServiceErrorException(catalogue.teamsUserIdMismatch());
  }
  return service.issueTeamsUserToken(userId, claims.exp * 1000);
}

function decodeEntraToken(token: string): Record<string, unknown> | undefined {
  try {
    return decodeJwt(token);
  } catch {
    return undefined; // not a compact JWT with a JSON object as payload
  }
}

/**
 * THE one handler: a WireRequest in, a WireResponse out, for every route of every module of the route table
 * (./routes/index.ts), on both transports. It runs the same checks, in this order, for every request
 * (README "Assumptions"):
 *
 *   body size (413) → route (404) and method (405) → authentication (401) → api-version (400/405)
 *   → injected fault → content type (415) → the operation (ownership, body validation, the model)
 *
 * and adds the service's headers to every answer, and one request journal event per request.
 */
import { type ApiVersionCheck, resolveApiVersion } from "./api-versions.js";
import { createAuthenticator, splitTarget } from "./auth.js";
import {
  catalogue,
  errorBody,
  type HmacPart,
  type ServiceError,
  ServiceErrorException,
} from "./catalogue.js";
import type { OperationFacts, RequestJournal, RequestJournalEvent } from "./journal.js";
import type {
  Answer,
  Authenticator,
  AuthOutcome,
  EmulatedResource,
  Operation,
  OperationContext,
  Route,
  RouteModule,
} from "./routes/types.js";
import { addServiceHeaders } from "./service-headers.js";
import { bodyText, type WireRequest, type WireResponse } from "./wire.js";

export const BODY_LIMIT_BYTES = 64 * 1024;
/** Loose mode warns once per later api-version, for this many versions at most. */
export const MAX_WARNED_VERSIONS = 16;

export interface HandlerOptions {
  resource: EmulatedResource;
  /** The route table (ROUTE_MODULES of ./routes/index.ts). */
  modules: readonly RouteModule[];
  apiVersionCheck: ApiVersionCheck;
  journal: RequestJournal;
  /** Where warning lines go (loose mode: one per unknown api-version served). */
  warn: (line: string) => void;
  /** Aborted when the emulator closes: pending delayed requests are then dropped without effect. */
  closed?: AbortSignal;
}

type Segment = { literal: string } | { param: string };

interface CompiledRoute {
  route: Route;
  module: RouteModule;
  segments: Segment[];
  methods: string[];
}

/** What the journal event records beyond the request and the answer. */
interface Trace {
  route: RequestJournalEvent["route"];
  operation?: string;
  apiVersion?: string;
  servedAs?: string;
  reason?: string;
  part?: HmacPart;
  errorCode?: string;
  fault?: boolean;
  dropped?: "reset" | "gone";
  /** What the operation said about the request (OperationContext.note). */
  facts?: OperationFacts;
}

/** How this request is answered: the route's header and error shape, HEAD, the timing. */
interface Reply {
  readonly head: boolean;
  readonly started: number;
  readonly time: number;
  readonly clientRequestId: string | undefined;
  supportedVersions?: string;
  module?: RouteModule;
  readonly trace: Trace;
}

export function createHandler(options: HandlerOptions): (request: WireRequest) => Promise<WireResponse> {
  const { resource, journal, warn, closed, apiVersionCheck } = options;
  const routes = compile(options.modules);
  const resourceAuthenticator = createAuthenticator(resource.settings);
  const defaultAuthenticate: Authenticator = (request) => {
    const error = resourceAuthenticator(request);
    return error ? { error } : ACCEPTED;
  };
  const warned = new Set<string>();

  return async function handle(request) {
    const started = performance.now();
    const time = resource.settings.now();
    const [path, rawQuery] = splitTarget(request.rawTarget);
    const reply: Reply = {
      head: request.method === "HEAD",
      started,
      time,
      clientRequestId: request.header("x-ms-client-request-id"),
      trace: { route: "unmatched" },
    };
    let response: WireResponse;
    try {
      response = await dispatch(request, path, rawQuery, reply);
    } catch (error) {
      if (!(error instanceof ServiceErrorException)) {
        // A bug or an I/O failure (e.g. the state file cannot be written): a service-shaped 500.
        console.error("ACS emulator: unexpected error", error);
      }
      response = failure(
        error instanceof ServiceErrorException ? error.error : catalogue.internalError(),
        reply,
      );
    }
    if (journal.active) journal.emit(journalEvent(request, path, reply, response));
    return response;
  };

  async function dispatch(
    request: WireRequest,
    path: string,
    rawQuery: string | undefined,
    reply: Reply,
  ): Promise<WireResponse> {
    if (request.declaredLength > BODY_LIMIT_BYTES || request.body.byteLength > BODY_LIMIT_BYTES) {
      return failure(catalogue.payloadTooLarge(BODY_LIMIT_BYTES), reply);
    }
    const found = match(routes, path);
    if (!found) return failure(catalogue.notFound(path), reply);
    const { compiled, params } = found;
    const { route, module } = compiled;
    reply.trace.route = module.kind;
    reply.module = module;
    if (route.supportedVersions !== undefined) reply.supportedVersions = route.supportedVersions;
    const requested = rawQuery === undefined ? undefined : apiVersionOf(rawQuery);
    if (requested !== undefined) reply.trace.apiVersion = requested;

    const method = request.method;
    const operation = route.operations[method];
    if (!operation) {
      const allow = allowed(compiled, requested, apiVersionCheck) ?? compiled.methods;
      return failure(catalogue.methodNotAllowed(method, allow), reply);
    }
    reply.trace.operation = operation.name;

    const authenticate = module.authenticate ?? defaultAuthenticate;
    const authenticated = authenticate(request, resource);
    const outcome = authenticated instanceof Promise ? await authenticated : authenticated;
    if ("error" in outcome) return failure(outcome.error, reply);

    let apiVersion: string | undefined;
    if (operation.versions) {
      if (requested === undefined || requested === "")
        return failure(catalogue.apiVersionUnspecified(), reply);
      apiVersion = resolveApiVersion(requested, operation.versions, apiVersionCheck);
      if (apiVersion === undefined) {
        const allow = allowed(compiled, requested, apiVersionCheck);
        return failure(
          allow
            ? catalogue.unsupportedApiVersionForMethod(requested, method, allow)
            : catalogue.unsupportedApiVersion(`https://${request.host}${path}`, requested),
          reply,
        );
      }
      if (apiVersion !== requested) {
        reply.trace.servedAs = apiVersion;
        // One line per version, for the first few: a client sending a new version with every request must not
        // fill the terminal or the memory.
        if (!warned.has(requested) && warned.size <= MAX_WARNED_VERSIONS) {
          warned.add(requested);
          warn(
            warned.size > MAX_WARNED_VERSIONS
              ? `ACS emulator: more than ${MAX_WARNED_VERSIONS} later api-versions served with the rules of ${apiVersion}; no more warnings about them.`
              : `ACS emulator: api-version ${requested} is later than any the emulator implements; serving it with the rules of ${apiVersion} (--api-version-check loose).`,
          );
        }
      }
    }

    if ((operation.faultable ?? operation.versions !== undefined) && !resource.faults.empty) {
      const fault = resource.faults.take(operation.name);
      if (fault) {
        reply.trace.fault = true;
        // A delayed request whose client gave up (or whose emulator closed) is dropped without effect, as a
        // request lost on a slow network before it reached the service would be.
        if (fault.delayMs && !(await sleep(fault.delayMs, request.signal, closed)))
          return drop("gone", reply);
        if (fault.reset) return drop("reset", reply);
        if (fault.status !== undefined)
          return failure(catalogue.fault(fault.status, fault.retryAfterSeconds), reply);
      }
    }

    if (!jsonBody(request)) {
      return failure(catalogue.unsupportedMediaType(request.header("content-type") ?? null), reply);
    }

    const context: OperationContext = {
      request,
      params,
      apiVersion,
      principal: "principal" in outcome ? outcome.principal : undefined,
      resource,
      json: () => parseObject(request.body),
      note: (facts) => {
        if (journal.active) reply.trace.facts = { ...reply.trace.facts, ...facts };
      },
    };
    const answered = operation.handle(context);
    return success(answered instanceof Promise ? await answered : answered, reply);
  }
}

const ACCEPTED: AuthOutcome = {};

function compile(modules: readonly RouteModule[]): CompiledRoute[] {
  return modules.flatMap((module) =>
    module.routes.map((route) => ({
      route,
      module,
      segments: route.path
        .split("/")
        .slice(1)
        .map((s): Segment => (/^\{\w+\}$/.test(s) ? { param: s.slice(1, -1) } : { literal: s })),
      methods: Object.keys(route.operations),
    })),
  );
}

function match(
  routes: CompiledRoute[],
  path: string,
): { compiled: CompiledRoute; params: Record<string, string> } | undefined {
  const received = path.split("/").slice(1);
  for (const compiled of routes) {
    if (compiled.segments.length !== received.length) continue;
    const params: Record<string, string> = {};
    let matches = true;
    for (let i = 0; i < received.length && matches; i++) {
      const segment = compiled.segments[i] as Segment;
      const raw = received[i] as string;
      if ("literal" in segment) matches = raw === segment.literal || safeDecode(raw) === segment.literal;
      else if (raw === "") matches = false;
      else params[segment.param] = safeDecode(raw) ?? raw;
    }
    if (matches) return { compiled, params };
  }
  return undefined;
}

function safeDecode(segment: string): string | undefined {
  if (!segment.includes("%")) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The `api-version` query value (first one; percent- and plus-decoded), or undefined when absent. */
function apiVersionOf(rawQuery: string): string | undefined {
  if (/[%+]/.test(rawQuery)) return new URLSearchParams(rawQuery).get("api-version") ?? undefined;
  for (const pair of rawQuery.split("&")) {
    const eq = pair.indexOf("=");
    if ((eq < 0 ? pair : pair.slice(0, eq)) === "api-version") return eq < 0 ? "" : pair.slice(eq + 1);
  }
  return undefined;
}

/**
 * The methods of a route at an api-version (undefined when none: the version is missing or unknown to the
 * route), in the route's order. Loose mode counts a later unknown version as the newest.
 */
function allowed(
  compiled: CompiledRoute,
  version: string | undefined,
  check: ApiVersionCheck,
): string[] | undefined {
  const entries = Object.entries(compiled.route.operations) as Array<[string, Operation]>;
  if (entries.every(([, operation]) => operation.versions === undefined)) return compiled.methods;
  if (version === undefined || version === "") return undefined;
  const methods = entries
    .filter(([, { versions }]) => versions && resolveApiVersion(version, versions, check) !== undefined)
    .map(([method]) => method);
  return methods.length > 0 ? methods : undefined;
}

/** A body, when there is one, must be declared as JSON (`application/json`, any parameters). */
function jsonBody(request: WireRequest): boolean {
  if (request.body.byteLength === 0) return true;
  return /^\s*application\/json\s*(;|$)/i.test(request.header("content-type") ?? "");
}

/** The JSON body as an object: empty body (and `null`) mean `{}`. */
function parseObject(body: Uint8Array): Record<string, unknown> {
  if (body.byteLength === 0) return {};
  const text = bodyText(body).trim();
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

/** The service's headers of every answer, after the ones given first (Content-Type). */
function headersFor(reply: Reply, first: Record<string, string>): Record<string, string> {
  return addServiceHeaders(first, reply.time, performance.now() - reply.started, reply.clientRequestId);
}

function success(answer: Answer, reply: Reply): WireResponse {
  const json = answer.body !== undefined;
  const headers = headersFor(reply, json ? { "Content-Type": "application/json; charset=utf-8" } : {});
  if (reply.supportedVersions !== undefined) headers["api-supported-versions"] = reply.supportedVersions;
  // The service's 200s (not its 201s) carry Accept-Ranges [REC].
  if (json && answer.status === 200 && reply.trace.route === "api") headers["Accept-Ranges"] = "bytes";
  if (answer.headers) Object.assign(headers, answer.headers);
  if (!json || reply.head) return { status: answer.status, headers, body: null };
  const body = JSON.stringify(answer.body);
  headers["Content-Length"] = String(Buffer.byteLength(body));
  return { status: answer.status, headers, body };
}

function failure(error: ServiceError, reply: Reply): WireResponse {
  reply.trace.errorCode = error.code;
  if (error.reason !== undefined) reply.trace.reason = error.reason;
  if (error.part !== undefined) reply.trace.part = error.part;
  const text = reply.module?.errorText
    ? reply.module.errorText(error)
    : JSON.stringify((reply.module?.errorBody ?? errorBody)(error));
  const headers = headersFor(reply, text !== null ? { "Content-Type": "application/json" } : {});
  if (reply.supportedVersions !== undefined && !error.withoutApiVersions) {
    headers["api-supported-versions"] = reply.supportedVersions;
  }
  Object.assign(headers, error.headers);
  if (error.reason !== undefined) headers["x-emulator-reason"] = error.reason;
  return { status: error.status, headers, body: reply.head ? null : text };
}

function drop(why: "reset" | "gone", reply: Reply): WireResponse {
  reply.trace.dropped = why;
  return { status: 0, headers: {}, body: null, drop: "reset" };
}

function journalEvent(
  request: WireRequest,
  path: string,
  reply: Reply,
  response: WireResponse,
): RequestJournalEvent {
  const { trace } = reply;
  return {
    time: reply.time,
    method: request.method,
    path,
    route: trace.route,
    ...(trace.operation !== undefined ? { operation: trace.operation } : {}),
    ...(trace.apiVersion !== undefined ? { apiVersion: trace.apiVersion } : {}),
    ...(trace.servedAs !== undefined ? { servedAs: trace.servedAs } : {}),
    status: response.status,
    ...(trace.errorCode !== undefined && response.status >= 400 ? { errorCode: trace.errorCode } : {}),
    ...(trace.reason !== undefined ? { reason: trace.reason } : {}),
    ...(trace.part !== undefined ? { part: trace.part } : {}),
    ...(trace.fault ? { fault: true } : {}),
    ...(trace.dropped !== undefined ? { dropped: trace.dropped } : {}),
    durationMs: performance.now() - reply.started,
    ...(request.clientAddress !== undefined ? { clientAddress: request.clientAddress } : {}),
    ...(reply.clientRequestId !== undefined ? { clientRequestId: reply.clientRequestId } : {}),
    ...trace.facts,
  };
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

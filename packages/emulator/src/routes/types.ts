/**
 * The shape of a route module: what the one handler (../handler.ts) dispatches to. A group of routes (the identity
 * API, the `/_emulator/` routes, a future Chat API) is one module: its routes, and optionally its own
 * authentication and error body. The handler runs the same checks in the same order for every module.
 */
import type { ServiceError } from "../catalogue.js";
import type { ChatModel } from "../chat/model.js";
import type { FaultBook } from "../faults.js";
import type { OperationFacts } from "../journal.js";
import type { IdentityService } from "../service.js";
import type { WireRequest } from "../wire.js";

/** The emulated ACS resource, as operations see it. */
export interface EmulatedResource {
  readonly service: IdentityService;
  /** The resource's chat threads (../chat/model.ts). */
  readonly chat: ChatModel;
  readonly faults: FaultBook;
  readonly settings: ResourceSettings;
}

export interface ResourceSettings {
  readonly accessKey: string;
  /** Accepted distance of `x-ms-date` from the emulator's clock, both ways (minutes). */
  readonly clockSkewMinutes: number;
  readonly bearer: "accept" | "reject";
  /** The emulator's clock (epoch ms). */
  readonly now: () => number;
}

/** What an operation answers on success; the handler adds the service's headers and serialises `body` as JSON. */
export interface Answer {
  readonly status: number;
  /** A JSON value, or undefined for no body (204). */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface OperationContext {
  readonly request: WireRequest;
  /** Path parameters by name, percent-decoded (the raw segment when it does not decode), e.g. `id` → `8:acs:…`. */
  readonly params: Readonly<Record<string, string>>;
  /**
   * The api-version whose rules apply: the one requested, or in loose mode the newest implemented one serving a
   * later unknown version. Undefined on routes without api-versions (`/_emulator/`).
   */
  readonly apiVersion: string | undefined;
  /** What the module's authenticator returned (undefined for the resource's HMAC/Entra authentication). */
  readonly principal: unknown;
  readonly resource: EmulatedResource;
  /** The body as a JSON object: `{}` for no body or `null`; anything else is a 400 ValidationError. */
  json(): Record<string, unknown>;
  /**
   * Tells the request journal what the request is about (its identity, scopes, lifetime, the token answered).
   * Call it as soon as a fact is known: a request that fails later is journaled with what it asked for.
   */
  note(facts: OperationFacts): void;
}

export interface Operation {
  /** The operation's name: in the request journal and as a fault's `operation`, e.g. `issueAccessToken`. */
  readonly name: string;
  /** API routes: the api-versions it implements, oldest first. Absent: the route takes no api-version. */
  readonly versions?: readonly string[];
  /** Whether faults can target it (default: true when it has `versions`, i.e. on the service's API routes). */
  readonly faultable?: boolean;
  /** Answers, or throws a ServiceErrorException (../catalogue.ts) for a catalogued failure. */
  handle(context: OperationContext): Answer | Promise<Answer>;
}

export interface Route {
  /**
   * The path: literal segments, compared with the percent-decoded received segment, and `{name}` segments that
   * take any non-empty segment into `params.name`. E.g. `/identities/{id}/:issueAccessToken`.
   */
  readonly path: string;
  /** The service's `api-supported-versions` header on this route's answers (API routes only). */
  readonly supportedVersions?: string;
  /** Method → operation, in the order `Allow` lists them. */
  readonly operations: Readonly<Record<string, Operation>>;
}

/** The outcome of authentication: refused with a catalogued error, or accepted (with who, when the module cares). */
export type AuthOutcome = { readonly error: ServiceError } | { readonly principal?: unknown };

export type Authenticator = (
  request: WireRequest,
  resource: EmulatedResource,
) => AuthOutcome | Promise<AuthOutcome>;

export interface RouteModule {
  /** A short name, e.g. `identity`. */
  readonly name: string;
  /** `api`: the service's routes (journal `route: "api"`); `admin`: the emulator's own `/_emulator/` routes. */
  readonly kind: "api" | "admin";
  readonly routes: readonly Route[];
  /** Authentication for every route of the module. Default: the resource's access key (HMAC) or an Entra ID bearer. */
  readonly authenticate?: Authenticator;
  /** The wire body of an error answer. Default: `{"error":{"code","message","target"?}}` (errorBody of ../catalogue.ts). */
  readonly errorBody?: (error: ServiceError) => unknown;
  /**
   * The wire text of an error answer, when the module writes it itself (e.g. pretty-printed), or `null` for an
   * answer without a body (and without Content-Type). Takes precedence over `errorBody`.
   */
  readonly errorText?: (error: ServiceError) => string | null;
}

/**
 * The chat routes of the one handler: `/chat/threads…` as `@azure/communication-chat` 1.6.0 calls them
 * (api-version 2025-03-15), authenticated with the ACS access tokens this emulator issued.
 *
 * Order of checks (acs-chat-api.md §7): route and method (404/405) → access token (401, empty body) →
 * api-version (400) → content type (415) → request body (400) → thread exists (404) → caller is a participant
 * (403) → scope allows the operation (403) → success with the exact status the SDK expects (201 create, send
 * and add; 200 get and list; 204 delete). A body that cannot be parsed is refused before the thread is looked
 * at (ASP.NET binds the model first); what the body asks for is checked by the model, after who may ask.
 */
import type { TokenValidation } from "../service.js";
import { type ChatError, ChatErrorException, chatErrorBody, chatErrors } from "./errors.js";
import {
  type Caller,
  CHAT_SCOPES,
  type ChatModel,
  type IdentityCheck,
  type InvalidParticipant,
  type Message,
  type NewMessage,
  type NewThread,
  type Participant,
  type RetentionPolicy,
  type Thread,
} from "./model.js";

/** What `api-supported-versions` says on the real chat routes (June 2025); all are served as 2025-03-15. */
export const CHAT_API_VERSIONS = [
  "2021-03-07",
  "2021-04-05-preview6",
  "2021-09-07",
  "2023-04-01-preview",
  "2023-07-01-preview",
  "2023-11-07",
  "2023-11-15-preview",
  "2024-03-01-preview",
  "2024-03-07",
  "2024-03-15-preview",
  "2024-06-05-preview",
  "2025-03-15",
] as const;

/** Page sizes when the caller gives no `maxPageSize` (unknown for the service: ASSUMPTION). */
export const DEFAULT_PAGE_SIZE = { messages: 50, threads: 50, participants: 100 } as const;
const MAX_PAGE_SIZE = 200;

/** The chat operations (for faults and the request journal, named as the SDK's methods). */
export type ChatOperation =
  | "createChatThread"
  | "listChatThreads"
  | "getChatThread"
  | "deleteChatThread"
  | "sendChatMessage"
  | "listChatMessages"
  | "listChatParticipants"
  | "addChatParticipants";

/** A chat request, as the one handler has read it. */
export interface ChatRequest {
  method: string;
  /** The path as received (percent-encoding untouched), starting with `/chat`. */
  path: string;
  rawQuery: string | undefined;
  /** The Host the client used: Location headers and nextLinks point back to it. */
  host: string;
  headers: Headers;
  body: Uint8Array;
  /** Headers every answer of the emulator carries (Date, MS-CV, …). */
  baseHeaders: Record<string, string>;
}

export interface ChatRoutesOptions {
  model: ChatModel;
  /** The resource the tokens must belong to. */
  resourceId: string;
  /** The emulator's token check (signature, deletion, revocation, expiry). */
  validateToken(token: string): Promise<TokenValidation>;
}

type Route = { operation: ChatOperation; threadId?: string };

/** Whether a path belongs to the chat routes. */
export function isChatPath(path: string): boolean {
  return path === "/chat" || path.startsWith("/chat/");
}

/** The route of a chat path and the methods it answers; `undefined` when there is none. */
export function matchChatRoute(
  path: string,
  method: string,
): { route?: Route; allow: readonly string[] } | undefined {
  const [chat, threads, rawId, collection, action, ...rest] = path.split("/").slice(1);
  if (chat !== "chat" || threads !== "threads" || rest.length > 0) return undefined;
  const pick = (routes: Record<string, ChatOperation>, threadId?: string) => {
    const operation = routes[method];
    return {
      allow: Object.keys(routes),
      ...(operation ? { route: { operation, ...(threadId !== undefined ? { threadId } : {}) } } : {}),
    };
  };
  if (rawId === undefined) return pick({ GET: "listChatThreads", POST: "createChatThread" });
  const threadId = decode(rawId);
  if (threadId === undefined || threadId === "") return undefined;
  if (collection === undefined) return pick({ GET: "getChatThread", DELETE: "deleteChatThread" }, threadId);
  if (collection === "messages" && action === undefined) {
    return pick({ GET: "listChatMessages", POST: "sendChatMessage" }, threadId);
  }
  if (collection === "participants" && action === undefined) {
    return pick({ GET: "listChatParticipants" }, threadId);
  }
  if (collection === "participants" && decode(action ?? "") === ":add") {
    return pick({ POST: "addChatParticipants" }, threadId);
  }
  return undefined;
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The chat routes' handler. */
export function createChatRoutes(options: ChatRoutesOptions): (request: ChatRequest) => Promise<Response> {
  const { model } = options;

  return async function handleChat(request) {
    const method = request.method.toUpperCase();
    const cors = corsHeaders(request.headers);
    const headers = (extra?: Record<string, string>) => ({
      ...request.baseHeaders,
      "api-supported-versions": CHAT_API_VERSIONS.join(", "),
      ...cors,
      ...extra,
    });
    const failure = (error: ChatError) => {
      const body = chatErrorBody(error);
      return new Response(body, {
        status: error.status,
        headers: headers({
          ...(body !== null ? { "Content-Type": "application/json" } : {}),
          ...error.headers,
          ...(error.reason ? { "x-emulator-reason": error.reason } : {}),
        }),
      });
    };
    const json = (status: number, body: unknown, extra?: Record<string, string>) =>
      new Response(JSON.stringify(body), {
        status,
        headers: headers({ "Content-Type": "application/json; charset=utf-8", ...extra }),
      });

    const matched = matchChatRoute(request.path, method);
    if (method === "OPTIONS" && matched) return preflight(request.headers, headers());
    if (!matched) return failure(chatErrors.routeNotFound(request.path));
    if (!matched.route) return failure(chatErrors.methodNotAllowed(method, matched.allow));
    const route = matched.route;

    const caller = await authenticate(request.headers, options);
    if ("status" in caller) return failure(caller);

    const query = new URLSearchParams(request.rawQuery ?? "");
    const version = query.get("api-version");
    if (version === null || version === "") return failure(chatErrors.apiVersionUnspecified());
    if (!(CHAT_API_VERSIONS as readonly string[]).includes(version)) {
      return failure(chatErrors.unsupportedApiVersion(`https://${request.host}${request.path}`, version));
    }
    if (request.body.byteLength > 0 && !isJson(request.headers.get("content-type"))) {
      return failure(chatErrors.unsupportedMediaType(request.headers.get("content-type")));
    }

    const origin = `https://${request.host}`;
    const threadId = route.threadId ?? "";
    try {
      switch (route.operation) {
        case "createChatThread": {
          const input = parseNewThread(readBody(request.body));
          const requestId = request.headers.get("repeatability-request-id") ?? undefined;
          const { thread, invalid } = model.createThread(caller, input, requestId);
          return json(
            201,
            {
              chatThread: threadModel(thread),
              ...(invalid.length > 0 ? { invalidParticipants: invalid } : {}),
            },
            { Location: `${origin}/chat/threads/${locationId(thread.id)}` },
          );
        }
        case "getChatThread":
          return json(200, threadModel(model.getThread(caller, threadId)));
        case "deleteChatThread":
          model.deleteThread(caller, threadId);
          return new Response(null, { status: 204, headers: headers() });
        case "listChatThreads": {
          const paging = readPaging(query, "threads");
          const threads = model.listThreads(caller, paging.startTime);
          const page = threads.slice(paging.offset, paging.offset + paging.size);
          const more = paging.offset + paging.size < threads.length;
          return json(200, {
            value: page.map((t) => ({
              id: t.id,
              topic: t.topic,
              lastMessageReceivedOn: isoSeconds(t.lastMessageReceivedOn),
            })),
            ...(more
              ? { nextLink: nextLink(`${origin}/chat/threads`, paging, paging.offset + paging.size, version) }
              : {}),
          });
        }
        case "sendChatMessage": {
          const message = model.sendMessage(caller, threadId, parseNewMessage(readBody(request.body)));
          return json(
            201,
            { id: message.id },
            { Location: `${origin}/chat/threads/${locationId(threadId)}/messages/${message.id}` },
          );
        }
        case "listChatMessages": {
          const paging = readPaging(query, "messages");
          const below = paging.cursor;
          const all = model.listMessages(caller, threadId, paging.startTime);
          const rest = below === undefined ? all : all.filter((m) => m.sequenceId < below);
          const page = rest.slice(0, paging.size);
          const last = page.at(-1);
          const more = rest.length > page.length && last !== undefined;
          return json(200, {
            value: page.map(messageModel),
            ...(more
              ? {
                  nextLink: nextLink(
                    `${origin}/chat/threads/${threadId}/messages`,
                    paging,
                    last.sequenceId,
                    version,
                  ),
                }
              : {}),
          });
        }
        case "listChatParticipants": {
          const paging = readPaging(query, "participants");
          const participants = model.listParticipants(caller, threadId);
          const page = participants.slice(paging.offset, paging.offset + paging.size);
          const more = paging.offset + paging.size < participants.length;
          return json(200, {
            value: page.map(participantModel),
            ...(more
              ? {
                  nextLink: `${origin}/chat/threads/${threadId}/participants?skip=${paging.offset + paging.size}&maxPageSize=${paging.size}&api-version=${version}`,
                }
              : {}),
          });
        }
        case "addChatParticipants": {
          const body = readBody(request.body);
          if (!Array.isArray(body.participants)) {
            throw new ChatErrorException(
              chatErrors.badRequest("'participants' is required: an array of participants."),
            );
          }
          const invalid = model.addParticipants(caller, threadId, parseParticipants(body.participants));
          return json(201, invalid.length > 0 ? { invalidParticipants: invalid } : {});
        }
      }
    } catch (error) {
      if (error instanceof ChatErrorException) return failure(error.error);
      throw error;
    }
  };
}

/** The caller behind `Authorization: Bearer <ACS access token>`, or the 401 to answer. */
async function authenticate(headers: Headers, options: ChatRoutesOptions): Promise<Caller | ChatError> {
  const authorization = headers.get("authorization");
  if (!authorization) return chatErrors.unauthorized("missing-authorization");
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!bearer) return chatErrors.unauthorized("not-a-bearer-token");
  const checked = await options.validateToken(bearer[1] as string);
  if (!checked.valid) return chatErrors.unauthorized(checked.reason);
  const { skypeid, resourceId, acsScope } = checked.claims;
  if (typeof skypeid !== "string" || !skypeid.startsWith("acs:")) {
    return chatErrors.unauthorized("not-a-communication-services-user");
  }
  if (typeof resourceId !== "string" || resourceId.toLowerCase() !== options.resourceId.toLowerCase()) {
    return chatErrors.unauthorized("another-resource");
  }
  const scopes = new Set(typeof acsScope === "string" ? acsScope.split(",").map((s) => s.trim()) : []);
  if (!CHAT_SCOPES.some((scope) => scopes.has(scope))) return chatErrors.unauthorized("no-chat-scope");
  return { id: `8:${skypeid}`, scopes };
}

/** Browsers' CORS: any origin may call (the service answers `Access-Control-Allow-Origin: *`). */
function corsHeaders(headers: Headers): Record<string, string> {
  return headers.get("origin")
    ? { "Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "Location" }
    : {};
}

function preflight(headers: Headers, base: Record<string, string>): Response {
  return new Response(null, {
    status: 200,
    headers: {
      ...base,
      "Access-Control-Allow-Origin": "*",
      "Access-Control-Allow-Methods": "GET, POST, DELETE, PATCH, OPTIONS",
      "Access-Control-Allow-Headers":
        headers.get("access-control-request-headers") ??
        "authorization, content-type, repeatability-request-id, x-ms-client-request-id, x-ms-useragent",
      "Access-Control-Max-Age": "86400",
    },
  });
}

function isJson(contentType: string | null): boolean {
  return /^\s*application\/json\s*(;|$)/i.test(contentType ?? "");
}

// ---- reading requests ----

const bad = (message: string): never => {
  throw new ChatErrorException(chatErrors.badRequest(message));
};

function readBody(body: Uint8Array): Record<string, unknown> {
  const text = new TextDecoder().decode(body).trim();
  if (text === "") bad("A request body is required.");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    bad("The request body is not valid JSON.");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    bad("The request body must be a JSON object.");
  return value as Record<string, unknown>;
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === "string" ? value : bad(`'${name}' must be a string.`);
}

function metadataOf(value: unknown, name: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) bad(`'${name}' must be an object of strings.`);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.some(([, v]) => typeof v !== "string")) bad(`'${name}' must be an object of strings.`);
  if (Buffer.byteLength(JSON.stringify(value)) > 1024) bad(`'${name}' must not be larger than 1 KB.`);
  return entries.length > 0 ? (value as Record<string, string>) : undefined;
}

function timeOf(value: unknown, name: string): number | undefined {
  const text = optionalString(value, name);
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? bad(`'${name}' is not a date and time.`) : ms;
}

function parseNewThread(body: Record<string, unknown>): NewThread {
  const topic = optionalString(body.topic, "topic");
  if (topic === undefined || topic.trim() === "") bad("'topic' is required.");
  const participants =
    body.participants === undefined || body.participants === null
      ? []
      : Array.isArray(body.participants)
        ? parseParticipants(body.participants)
        : bad("'participants' must be an array.");
  const metadata = metadataOf(body.metadata, "metadata");
  const retentionPolicy = retentionOf(body.retentionPolicy);
  return {
    topic: topic as string,
    participants,
    ...(metadata ? { metadata } : {}),
    ...(retentionPolicy ? { retentionPolicy } : {}),
  };
}

function retentionOf(value: unknown): RetentionPolicy | undefined {
  if (value === undefined || value === null) return undefined;
  const policy = value as Record<string, unknown>;
  if (policy.kind === "none") return { kind: "none" };
  const days = policy.deleteThreadAfterDays;
  if (
    policy.kind === "threadCreationDate" &&
    Number.isInteger(days) &&
    (days as number) >= 30 &&
    (days as number) <= 90
  ) {
    return { kind: "threadCreationDate", deleteThreadAfterDays: days as number };
  }
  return bad(
    '\'retentionPolicy\' must be {"kind":"none"} or {"kind":"threadCreationDate","deleteThreadAfterDays":30..90}.',
  );
}

function parseParticipants(list: unknown[]): Participant[] {
  return list.map((item, i) => {
    if (typeof item !== "object" || item === null) bad(`participants[${i}] must be an object.`);
    const p = item as Record<string, unknown>;
    const identifier = p.communicationIdentifier as Record<string, unknown> | undefined;
    if (typeof identifier !== "object" || identifier === null) {
      bad(`participants[${i}].communicationIdentifier is required.`);
    }
    // Which of rawId and communicationUser.id the service trusts when they differ is not known (§11.9).
    const user = (identifier as Record<string, unknown>).communicationUser as { id?: unknown } | undefined;
    const id = typeof user?.id === "string" ? user.id : (identifier as Record<string, unknown>).rawId;
    if (typeof id !== "string" || id === "") bad(`participants[${i}].communicationIdentifier has no id.`);
    const displayName = optionalString(p.displayName, `participants[${i}].displayName`);
    const shareHistoryTime = timeOf(p.shareHistoryTime, `participants[${i}].shareHistoryTime`);
    const metadata = metadataOf(p.metadata, `participants[${i}].metadata`);
    return {
      id: id as string,
      ...(displayName !== undefined ? { displayName } : {}),
      shareHistoryTime: shareHistoryTime ?? 0,
      ...(metadata ? { metadata } : {}),
    };
  });
}

function parseNewMessage(body: Record<string, unknown>): NewMessage {
  const content = optionalString(body.content, "content");
  if (content === undefined || content === "") bad("'content' is required.");
  const type = optionalString(body.type, "type") ?? "text";
  if (type.toLowerCase() !== "text" && type.toLowerCase() !== "html") {
    bad("'type' must be 'text' or 'html' (the other types are written by the service).");
  }
  const senderDisplayName = optionalString(body.senderDisplayName, "senderDisplayName");
  const metadata = metadataOf(body.metadata, "metadata");
  return {
    content: content as string,
    type: type.toLowerCase() as "text" | "html",
    ...(senderDisplayName !== undefined ? { senderDisplayName } : {}),
    ...(metadata ? { metadata } : {}),
  };
}

interface Paging {
  size: number;
  startTime: number | undefined;
  /** threads and participants: where the page starts. */
  offset: number;
  /** messages: the page holds messages below this sequenceId. */
  cursor: number | undefined;
  startTimeText: string | undefined;
}

function readPaging(query: URLSearchParams, list: keyof typeof DEFAULT_PAGE_SIZE): Paging {
  const whole = (name: string, min: number, max: number) => {
    const text = query.get(name);
    if (text === null) return undefined;
    const n = Number(text);
    return Number.isInteger(n) && n >= min && n <= max
      ? n
      : bad(`'${name}' must be a whole number from ${min} to ${max}.`);
  };
  const startTimeText = query.get("startTime") ?? undefined;
  const startTime = startTimeText === undefined ? undefined : Date.parse(startTimeText);
  if (startTime !== undefined && Number.isNaN(startTime)) bad("'startTime' is not a date and time.");
  const state = query.get("syncState");
  const cursor =
    state === null
      ? undefined
      : /^[0-9a-f]{1,12}$/.test(state)
        ? Number.parseInt(state, 16)
        : bad("'syncState' is not valid.");
  return {
    size: whole("maxPageSize", 1, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE[list],
    startTime,
    startTimeText,
    offset: list === "participants" ? (whole("skip", 0, Number.MAX_SAFE_INTEGER) ?? 0) : (cursor ?? 0),
    cursor,
  };
}

/** The next page's absolute URL on the emulator's own origin, with an opaque cursor (the SDK requests it as is). */
function nextLink(base: string, paging: Paging, cursor: number, version: string): string {
  const start =
    paging.startTimeText !== undefined ? `&startTime=${encodeURIComponent(paging.startTimeText)}` : "";
  return `${base}?syncState=${cursor.toString(16)}${start}&maxPageSize=${paging.size}&api-version=${version}`;
}

// ---- writing answers ----

/** `Location` writes the thread id with its colon encoded and its `@` as is (as recorded). */
function locationId(threadId: string): string {
  return encodeURIComponent(threadId).replace(/%40/g, "@");
}

/** RFC 3339, whole seconds, `Z`: as the service writes its times. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A `CommunicationIdentifierModel` as the service writes it: `rawId` and `communicationUser.id`, no `kind`. */
function identifierModel(id: string) {
  return { rawId: id, communicationUser: { id } };
}

function threadModel(thread: Thread) {
  return {
    id: thread.id,
    topic: thread.topic,
    createdOn: isoSeconds(thread.createdOn),
    createdByCommunicationIdentifier: identifierModel(thread.createdBy),
    ...(thread.metadata ? { metadata: thread.metadata } : {}),
    retentionPolicy: thread.retentionPolicy,
  };
}

function participantModel(p: Participant) {
  return {
    communicationIdentifier: identifierModel(p.id),
    ...(p.displayName !== undefined ? { displayName: p.displayName } : {}),
    shareHistoryTime: isoSeconds(p.shareHistoryTime),
    ...(p.metadata ? { metadata: p.metadata } : {}),
  };
}

function messageModel(m: Message) {
  const head = { id: m.id, type: m.type, sequenceId: String(m.sequenceId), version: m.id };
  const createdOn = isoSeconds(m.createdOn);
  switch (m.content.kind) {
    case "user":
      return {
        ...head,
        content: { message: m.content.message, attachments: [] },
        senderDisplayName: m.senderDisplayName ?? "",
        createdOn,
        senderCommunicationIdentifier: identifierModel(m.sender as string),
        ...(m.metadata ? { metadata: m.metadata } : {}),
      };
    case "participantAdded":
      return {
        ...head,
        content: {
          participants: m.content.participants.map(participantModel),
          initiatorCommunicationIdentifier: identifierModel(m.content.initiator),
        },
        createdOn,
      };
    case "topicUpdated":
      return {
        ...head,
        content: {
          topic: m.content.topic,
          initiatorCommunicationIdentifier: identifierModel(m.content.initiator),
        },
        createdOn,
      };
  }
}

/** How an identity that cannot take part is reported in `invalidParticipants` ([SPEC] example, [3P]). */
export function identityCheck(state: (id: string) => "ok" | "foreign" | "unknown"): IdentityCheck {
  return (id) => {
    switch (state(id)) {
      case "ok":
        return undefined;
      case "foreign":
        return { code: "403", message: "Permissions check failed" };
      case "unknown":
        return { code: "404", message: "Not found" };
    }
  };
}

export type { InvalidParticipant };

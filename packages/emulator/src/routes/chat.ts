/**
 * The Chat API routes (`/chat/threads…`) as `@azure/communication-chat` 1.6.0 calls them (api-version
 * 2025-03-15), authenticated with the ACS access tokens this emulator issued. The model (no HTTP) is
 * ../chat/model.ts; the errors ../chat/errors.ts. Source: ../shared/reference/acs-chat-api.md.
 *
 * The one handler runs its checks in its order (route, method, this module's authentication: 401 with an empty
 * body, api-version, fault, content type); then here: the body's shape (400), and in the model, the thread (404),
 * the caller's participation (403) and scope (403), and what the body asks for (400). Success statuses are
 * exactly those the SDK accepts: 201 create, send and add; 200 get and list; 204 delete.
 */

import { splitTarget } from "../auth.js";
import { fail } from "../catalogue.js";
import { chatErrors, chatErrorText } from "../chat/errors.js";
import {
  type Caller,
  CHAT_SCOPES,
  type IdentityCheck,
  type Message,
  type NewMessage,
  type NewThread,
  type Participant,
  type RetentionPolicy,
  type Thread,
} from "../chat/model.js";
import { bodyText, type WireRequest } from "../wire.js";
import type {
  Answer,
  AuthOutcome,
  EmulatedResource,
  Operation,
  OperationContext,
  RouteModule,
} from "./types.js";

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

const op = (name: string, handle: Operation["handle"]): Operation => ({
  name,
  versions: CHAT_API_VERSIONS,
  handle,
});
/** Browsers' CORS preflight: answered without a token (it carries none), never a fault. */
const preflight: Operation = {
  name: "chatPreflight",
  versions: CHAT_API_VERSIONS,
  faultable: false,
  handle: corsPreflight,
};
const supportedVersions = CHAT_API_VERSIONS.join(", ");

export const chatRoutes: RouteModule = {
  name: "chat",
  kind: "api",
  routes: [
    {
      path: "/chat/threads",
      supportedVersions,
      operations: {
        GET: op("listChatThreads", listThreads),
        POST: op("createChatThread", createThread),
        OPTIONS: preflight,
      },
    },
    {
      path: "/chat/threads/{threadId}",
      supportedVersions,
      operations: {
        GET: op("getChatThread", getThread),
        DELETE: op("deleteChatThread", deleteThread),
        OPTIONS: preflight,
      },
    },
    {
      path: "/chat/threads/{threadId}/messages",
      supportedVersions,
      operations: {
        GET: op("listChatMessages", listMessages),
        POST: op("sendChatMessage", sendMessage),
        OPTIONS: preflight,
      },
    },
    {
      path: "/chat/threads/{threadId}/participants",
      supportedVersions,
      operations: { GET: op("listChatParticipants", listParticipants), OPTIONS: preflight },
    },
    {
      path: "/chat/threads/{threadId}/participants/:add",
      supportedVersions,
      operations: { POST: op("addChatParticipants", addParticipants), OPTIONS: preflight },
    },
  ],
  authenticate,
  errorText: chatErrorText,
};

/** The caller behind `Authorization: Bearer <ACS access token>`, or a 401 (empty body). */
async function authenticate(request: WireRequest, resource: EmulatedResource): Promise<AuthOutcome> {
  if (request.method === "OPTIONS") return {};
  const authorization = request.header("authorization");
  if (!authorization) return { error: chatErrors.unauthorized("missing-authorization") };
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!bearer) return { error: chatErrors.unauthorized("not-a-bearer-token") };
  const checked = await resource.service.validateToken(bearer[1] as string);
  if (!checked.valid) return { error: chatErrors.unauthorized(checked.reason) };
  const { skypeid, resourceId, acsScope } = checked.claims;
  if (typeof skypeid !== "string" || !skypeid.startsWith("acs:")) {
    return { error: chatErrors.unauthorized("not-a-communication-services-user") };
  }
  if (
    typeof resourceId !== "string" ||
    resourceId.toLowerCase() !== resource.service.resourceId.toLowerCase()
  ) {
    return { error: chatErrors.unauthorized("another-resource") };
  }
  const scopes = new Set(typeof acsScope === "string" ? acsScope.split(",").map((s) => s.trim()) : []);
  if (!CHAT_SCOPES.some((scope) => scopes.has(scope)))
    return { error: chatErrors.unauthorized("no-chat-scope") };
  const caller: Caller = { id: `8:${skypeid}`, scopes };
  return { principal: caller };
}

// ---- the operations ----

const callerOf = (context: OperationContext) => context.principal as Caller;
const origin = (context: OperationContext) => `https://${context.request.host}`;
const queryOf = (context: OperationContext) =>
  new URLSearchParams(splitTarget(context.request.rawTarget)[1] ?? "");
/** Browsers read the answers of any origin (the service answers `Access-Control-Allow-Origin: *`). */
const cors = (context: OperationContext): Record<string, string> =>
  context.request.header("origin")
    ? { "Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "Location" }
    : {};

function createThread(context: OperationContext): Answer {
  const input = parseNewThread(readBody(context.request.body));
  const requestId = context.request.header("repeatability-request-id");
  const { thread, invalid } = context.resource.chat.createThread(callerOf(context), input, requestId);
  return {
    status: 201,
    body: {
      chatThread: threadModel(thread),
      ...(invalid.length > 0 ? { invalidParticipants: invalid } : {}),
    },
    headers: { Location: `${origin(context)}/chat/threads/${locationId(thread.id)}`, ...cors(context) },
  };
}

function getThread(context: OperationContext): Answer {
  const thread = context.resource.chat.getThread(callerOf(context), context.params.threadId as string);
  return { status: 200, body: threadModel(thread), headers: cors(context) };
}

function deleteThread(context: OperationContext): Answer {
  context.resource.chat.deleteThread(callerOf(context), context.params.threadId as string);
  return { status: 204, headers: cors(context) };
}

function listThreads(context: OperationContext): Answer {
  const query = queryOf(context);
  const paging = readPaging(query, "threads");
  const threads = context.resource.chat.listThreads(callerOf(context), paging.startTime);
  const page = threads.slice(paging.offset, paging.offset + paging.size);
  const more = paging.offset + paging.size < threads.length;
  const next = nextLink(
    `${origin(context)}/chat/threads`,
    paging,
    paging.offset + paging.size,
    context.apiVersion,
  );
  return {
    status: 200,
    body: {
      value: page.map((t) => ({
        id: t.id,
        topic: t.topic,
        lastMessageReceivedOn: isoSeconds(t.lastMessageReceivedOn),
      })),
      ...(more ? { nextLink: next } : {}),
    },
    headers: cors(context),
  };
}

function sendMessage(context: OperationContext): Answer {
  const threadId = context.params.threadId as string;
  const input = parseNewMessage(readBody(context.request.body));
  const message = context.resource.chat.sendMessage(callerOf(context), threadId, input);
  return {
    status: 201,
    body: { id: message.id },
    headers: {
      Location: `${origin(context)}/chat/threads/${locationId(threadId)}/messages/${message.id}`,
      ...cors(context),
    },
  };
}

function listMessages(context: OperationContext): Answer {
  const threadId = context.params.threadId as string;
  const paging = readPaging(queryOf(context), "messages");
  const all = context.resource.chat.listMessages(callerOf(context), threadId, paging.startTime);
  const below = paging.cursor;
  const rest = below === undefined ? all : all.filter((m) => m.sequenceId < below);
  const page = rest.slice(0, paging.size);
  const last = page.at(-1);
  const more = rest.length > page.length && last !== undefined;
  return {
    status: 200,
    body: {
      value: page.map(messageModel),
      ...(more
        ? {
            nextLink: nextLink(
              `${origin(context)}/chat/threads/${threadId}/messages`,
              paging,
              last.sequenceId,
              context.apiVersion,
            ),
          }
        : {}),
    },
    headers: cors(context),
  };
}

function listParticipants(context: OperationContext): Answer {
  const threadId = context.params.threadId as string;
  const paging = readPaging(queryOf(context), "participants");
  const participants = context.resource.chat.listParticipants(callerOf(context), threadId);
  const end = paging.offset + paging.size;
  const more = end < participants.length;
  return {
    status: 200,
    body: {
      value: participants.slice(paging.offset, end).map(participantModel),
      ...(more
        ? {
            nextLink: `${origin(context)}/chat/threads/${threadId}/participants?skip=${end}&maxPageSize=${paging.size}&api-version=${context.apiVersion}`,
          }
        : {}),
    },
    headers: cors(context),
  };
}

function addParticipants(context: OperationContext): Answer {
  const body = readBody(context.request.body);
  if (!Array.isArray(body.participants)) bad("'participants' is required: an array of participants.");
  const participants = parseParticipants(body.participants as unknown[]);
  const invalid = context.resource.chat.addParticipants(
    callerOf(context),
    context.params.threadId as string,
    participants,
  );
  return {
    status: 201,
    body: invalid.length > 0 ? { invalidParticipants: invalid } : {},
    headers: cors(context),
  };
}

function corsPreflight(context: OperationContext): Answer {
  return {
    status: 200,
    headers: {
      "Access-Control-Allow-Origin": "*",
      "Access-Control-Allow-Methods": "GET, POST, DELETE, PATCH, OPTIONS",
      "Access-Control-Allow-Headers":
        context.request.header("access-control-request-headers") ??
        "authorization, content-type, repeatability-request-id, x-ms-client-request-id, x-ms-useragent",
      "Access-Control-Max-Age": "86400",
    },
  };
}

// ---- reading requests ----

const bad = (message: string): never => fail(chatErrors.badRequest(message));

function readBody(body: Uint8Array): Record<string, unknown> {
  const text = bodyText(body).trim();
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
function nextLink(base: string, paging: Paging, cursor: number, version: string | undefined): string {
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

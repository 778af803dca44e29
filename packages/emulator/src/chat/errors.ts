/**
 * The Chat part of the error catalogue: every failure a chat route answers with comes from here.
 *
 * The real chat service does not use the REST spec's `{"error":{"code","message"}}`: every reported error body
 * (2021 to 2025) is the PascalCase wrapper `{"CommunicationError":{"Code","Message"?,"Details":[]}}`,
 * pretty-printed, and a 401 has an empty body (acs-chat-api.md §6). Entries marked ASSUMPTION are the
 * emulator's choice where nothing is recorded; the README lists them.
 */

export interface ChatError {
  status: number;
  /** `Code` of the wrapper; a 401 has no body at all. */
  code?: string;
  /** `Message` of the wrapper, omitted when the service sends none. */
  message?: string;
  headers?: Record<string, string>;
  /** Emulator-only hint, sent as `x-emulator-reason` (why a token was refused). */
  reason?: string;
}

export const chatErrors = {
  /**
   * 401, empty body: a missing, malformed, wrongly signed, expired or revoked token, a deleted identity, a
   * token of another resource, or one without any chat scope. [3P] empty 401 (2020); per cause ASSUMPTION.
   */
  unauthorized: (reason: string): ChatError => ({ status: 401, reason }),
  /** [3P] a caller who is not a participant of the thread (list messages, send message). */
  notParticipant: (): ChatError => ({
    status: 403,
    code: "Forbidden",
    message: "The initiator doesn't have the permission to perform the requested operation.",
  }),
  /** ASSUMPTION (from the scope table of the docs): `chat.join*` creating or deleting a thread, `chat.join.limited` adding participants. */
  scopeTooWeak: (scope: string, operation: string): ChatError => ({
    status: 403,
    code: "Forbidden",
    message: `An access token with scope '${scope}' is not allowed to ${operation}.`,
    reason: "scope",
  }),
  /** [3P] an unknown or deleted thread (`{"CommunicationError":{"Code":"NotFound","Details":[]}}`, no Message). */
  threadNotFound: (): ChatError => ({ status: 404, code: "NotFound" }),
  /** [3P] validation failures answer `BadRequest`; the message is the emulator's (the service often sends none). */
  badRequest: (message: string): ChatError => ({ status: 400, code: "BadRequest", message }),
  /** ASSUMPTION: an api-version the chat routes do not serve (unknown for the real service, §11.8). */
  unsupportedApiVersion: (requestUri: string, version: string): ChatError => ({
    status: 400,
    code: "BadRequest",
    message: `The HTTP resource that matches the request URI '${requestUri}' does not support the API version '${version}'.`,
  }),
  /** ASSUMPTION: no api-version at all. */
  apiVersionUnspecified: (): ChatError => ({
    status: 400,
    code: "BadRequest",
    message: "An API version is required, but was not specified.",
  }),
  /** ASSUMPTION: a chat path the emulator does not serve. */
  routeNotFound: (path: string): ChatError => ({
    status: 404,
    code: "NotFound",
    message: `No HTTP resource was found that matches the request URI path '${path}'.`,
  }),
  /** ASSUMPTION: a known chat path with another method. */
  methodNotAllowed: (method: string, allow: readonly string[]): ChatError => ({
    status: 405,
    code: "MethodNotAllowed",
    message: `The requested resource does not support http method '${method}'.`,
    headers: { Allow: allow.join(", ") },
  }),
  /** ASSUMPTION: a body that is not sent as JSON (ASP.NET's model binding answers 415). */
  unsupportedMediaType: (contentType: string | null): ChatError => ({
    status: 415,
    code: "UnsupportedMediaType",
    message: `The request body must be sent with Content-Type: application/json${contentType ? `, not '${contentType.slice(0, 100)}'` : " (none was given)"}.`,
  }),
  /** The emulator's own bound on what it keeps in memory (the real service has none that a learner meets). */
  emulatorLimit: (what: string): ChatError => ({
    status: 400,
    code: "BadRequest",
    message: `The emulator keeps at most ${what} (a limit of the emulator, not of the service).`,
  }),
} as const;

/** The wire body of a chat error: the pretty-printed wrapper, or nothing for a 401. */
export function chatErrorBody(error: ChatError): string | null {
  if (error.code === undefined) return null;
  const wrapper = {
    CommunicationError: {
      Code: error.code,
      ...(error.message !== undefined ? { Message: error.message } : {}),
      Details: [],
    },
  };
  return JSON.stringify(wrapper, null, 2);
}

/** Thrown inside the chat model; the chat routes turn it into a response. */
export class ChatErrorException extends Error {
  constructor(readonly error: ChatError) {
    super(error.message ?? error.code ?? `chat error ${error.status}`);
    this.name = "ChatErrorException";
  }
}

export function chatFail(error: ChatError): never {
  throw new ChatErrorException(error);
}

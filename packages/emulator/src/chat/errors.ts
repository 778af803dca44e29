/**
 * The Chat part of the error catalogue: every failure a chat route answers with comes from here (as a
 * ServiceError of ../catalogue.ts, rendered by {@link chatErrorText}).
 *
 * The real chat service does not use the REST spec's `{"error":{"code","message"}}`: every reported error body
 * (2021 to 2025) is the PascalCase wrapper `{"CommunicationError":{"Code","Message"?,"Details":[]}}`,
 * pretty-printed, and a 401 has an empty body (acs-chat-api.md §6). Entries marked ASSUMPTION are the
 * emulator's choice where nothing is recorded; the README lists them.
 */
import type { ServiceError } from "../catalogue.js";

/** Why a chat request's access token was refused (`x-emulator-reason`, the request journal). */
export type ChatDeniedReason =
  | "missing-authorization"
  | "not-a-bearer-token"
  | "malformed"
  | "signature"
  | "expired"
  | "revoked"
  | "deleted"
  | "not-a-communication-services-user"
  | "another-resource"
  | "no-chat-scope";

export const chatErrors = {
  /**
   * 401, empty body: a missing, malformed, wrongly signed, expired or revoked token, a deleted identity, a
   * token of another resource, or one without any chat scope. [3P] empty 401 (2020); per cause ASSUMPTION.
   */
  unauthorized: (reason: ChatDeniedReason): ServiceError => ({
    status: 401,
    code: "Unauthorized",
    message: "",
    reason,
  }),
  /** [3P] a caller who is not a participant of the thread (list messages, send message). */
  notParticipant: (): ServiceError => ({
    status: 403,
    code: "Forbidden",
    message: "The initiator doesn't have the permission to perform the requested operation.",
  }),
  /** ASSUMPTION (from the scope table of the docs): `chat.join*` creating or deleting a thread, `chat.join.limited` adding participants. */
  scopeTooWeak: (scope: string, operation: string): ServiceError => ({
    status: 403,
    code: "Forbidden",
    message: `An access token with scope '${scope}' is not allowed to ${operation}.`,
    reason: "scope",
  }),
  /** [3P] an unknown or deleted thread (`{"CommunicationError":{"Code":"NotFound","Details":[]}}`, no Message). */
  threadNotFound: (): ServiceError => ({ status: 404, code: "NotFound", message: "" }),
  /** [3P] validation failures answer `BadRequest`; the message is the emulator's (the service often sends none). */
  badRequest: (message: string): ServiceError => ({ status: 400, code: "BadRequest", message }),
  /** The emulator's own bound on what it keeps in memory (the real service has none that a learner meets). */
  emulatorLimit: (what: string): ServiceError => ({
    status: 400,
    code: "BadRequest",
    message: `The emulator keeps at most ${what} (a limit of the emulator, not of the service).`,
  }),
} as const;

/**
 * The wire text of an error on a chat route: nothing for a 401, else the pretty-printed wrapper (`Message`
 * omitted when empty). Every catalogued error (404 route, 405, 415, api-version, faults) takes this shape here.
 */
export function chatErrorText(error: ServiceError): string | null {
  if (error.status === 401) return null;
  const wrapper = {
    CommunicationError: {
      Code: error.code,
      ...(error.message !== "" ? { Message: error.message } : {}),
      Details: [],
    },
  };
  return JSON.stringify(wrapper, null, 2);
}

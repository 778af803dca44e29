/**
 * The request journal: one event for every request the one handler answers (or drops), on either transport.
 * Nothing is built when nobody listens. Listeners run synchronously after the answer is decided; one that throws
 * is reported once on stderr and never changes an answer.
 */

import type { HmacPart } from "./catalogue.js";

export interface RequestJournalEvent {
  /** When the request arrived (epoch ms, the emulator's clock). */
  time: number;
  method: string;
  /** The path as received (percent-encoding untouched, no query). */
  path: string;
  /** `api`: a service route; `admin`: an `/_emulator/` route; `unmatched`: no route (404). */
  route: "api" | "admin" | "unmatched";
  /** The operation, e.g. `issueAccessToken` (admin: e.g. `validateToken`); absent when the method matched none (405) or no route matched. */
  operation?: string;
  /** The `api-version` query value as sent (absent when none was sent). */
  apiVersion?: string;
  /** In loose mode, the implemented version whose rules served a later unknown `apiVersion`. */
  servedAs?: string;
  /** The HTTP status; 0 when the connection was dropped without an answer (see `dropped`). */
  status: number;
  /** The service error code of an error answer, e.g. `Denied`, `IdentityNotOwned`. */
  errorCode?: string;
  /**
   * Why a 401 `Denied` happened, e.g. `stale-date`, `content-hash`, `signature` (DeniedReason; README
   * "Authentication failures"); also sent to the client as `x-emulator-reason`.
   */
  reason?: string;
  /** For a 401 `Denied`: which part of the request failed: `authorization`, `date`, `host`, `body-hash` or `signature` (HmacPart). */
  part?: HmacPart;
  /** The answer was an injected fault (status fault, delay, or reset). */
  fault?: boolean;
  /** `reset`: dropped on purpose (a reset fault); `gone`: a delayed request whose client or emulator went away. */
  dropped?: "reset" | "gone";
  /** Time spent in the handler, in milliseconds (fractional). */
  durationMs: number;
  /** The client's address, when the transport knows it (standalone server: yes; in-process msw: no). */
  clientAddress?: string;
  /** The request's `x-ms-client-request-id`, when sent. */
  clientRequestId?: string;
  /** The identity the request is about: the one in its path, or the one a create made (its `id`). */
  identity?: string;
  /** The scopes it asked for, as sent (`scopes`, or a create's `createTokenWithScopes`), when a list of strings. */
  scopes?: string[];
  /** The token lifetime it asked for (`expiresInMinutes`, in minutes), when one was sent. */
  expiresInMinutes?: number;
  /**
   * The access token the answer carried (issue, create with a token, Teams exchange). A SECRET, in this
   * process only: a listener that shows events masks it, and never logs or sends it (the dashboard keeps the
   * latest ones to reveal on request).
   */
  accessToken?: string;
}

/** What an operation tells the journal about its request (see RequestJournalEvent). */
export type OperationFacts = Pick<
  RequestJournalEvent,
  "identity" | "scopes" | "expiresInMinutes" | "accessToken"
>;

export type RequestJournalListener = (event: RequestJournalEvent) => void;

export class RequestJournal {
  private listeners: RequestJournalListener[] = [];
  private reported = false;

  /** True when at least one listener is subscribed (the handler skips building events otherwise). */
  get active(): boolean {
    return this.listeners.length > 0;
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: RequestJournalListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  emit(event: RequestJournalEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        if (!this.reported) {
          this.reported = true;
          console.error("ACS emulator: a request journal listener threw (reported once)", error);
        }
      }
    }
  }
}

/**
 * The request and the answer as the one handler sees them: plain objects, no Fetch API.
 *
 * Both transports build a {@link WireRequest} from what they received and send the {@link WireResponse} back:
 * the standalone server straight from and to node:http (no `Request`/`Response` per request: building them,
 * their streams and their abort signals cost more than the rest of a request, see bench/README.md), msw through
 * the Fetch adapters below, which also give the emulator its `handle(Request): Promise<Response>` face.
 */

export interface WireRequest {
  /** Upper-case method, e.g. `POST`. */
  readonly method: string;
  /** The request target exactly as received (path and query, percent-encoding untouched), e.g. `/identities?api-version=2023-10-01`. */
  readonly rawTarget: string;
  /** The received `Host` header (what the client signed), e.g. `127.0.0.1:8443`. */
  readonly host: string;
  /** A request header by its lower-case name; repeated headers joined with `, `. */
  header(name: string): string | undefined;
  /** The body's bytes (empty when there is none). Bodies over the limit are not kept: see `declaredLength`. */
  readonly body: Uint8Array;
  /** `Content-Length` as declared (bytes; NaN when absent or not a number), for the 413 check before reading. */
  readonly declaredLength: number;
  /** Aborted when the client goes away before the answer (read lazily: only a delayed fault waits on it). */
  readonly signal?: AbortSignal;
  /** The client's address when the transport knows it (the standalone server does; msw does not). */
  readonly clientAddress?: string;
}

export interface WireResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The body (JSON text), or null for none (204, HEAD). */
  readonly body: string | null;
  /**
   * `reset`: no answer at all, the connection is dropped (a `reset` fault, or a delayed request whose client or
   * emulator went away). The standalone server destroys the socket; msw answers `HttpResponse.error()`.
   */
  readonly drop?: "reset";
}

/** A WireRequest from a Fetch `Request` (msw, tests). `rawTarget`: the target as received, when the caller has it. */
export async function wireFromFetch(request: Request, rawTarget?: string): Promise<WireRequest> {
  const url = new URL(request.url);
  const declared = request.headers.get("content-length");
  const body = new Uint8Array(await request.arrayBuffer());
  return {
    method: request.method.toUpperCase(),
    rawTarget: rawTarget ?? `${url.pathname}${url.search}`,
    host: request.headers.get("host") ?? url.host,
    header: (name) => request.headers.get(name) ?? undefined,
    body,
    declaredLength: declared === null ? Number.NaN : Number(declared),
    signal: request.signal,
  };
}

/** A Fetch `Response` from a WireResponse (`Response.error()` for a dropped connection). */
export function fetchFromWire(response: WireResponse): Response {
  if (response.drop) return Response.error();
  return new Response(response.body, { status: response.status, headers: response.headers });
}

const utf8 = new TextDecoder();

/** A body as text (UTF-8; a leading byte-order mark is dropped, as TextDecoder does). */
export function bodyText(body: Uint8Array): string {
  return utf8.decode(body);
}

/**
 * The dashboard of the standalone emulator, under its own path (`/_dashboard/`): what the room does, live.
 * Identities, access tokens (masked; decoded claims, scopes, time left, revoked / expired / deleted), the
 * request journal (who, what, status, and why a request was refused), reset and fault presets for teaching.
 *
 * A Fetch-API handler of its own, beside the service's one handler: it reads the emulator through its
 * public face (the request journal, `identities()`, faults, `reset()`) and changes nothing else.
 *
 * Access, as Jupyter does it: a random secret in the URL printed at start. `GET /_dashboard/?secret=…` sets it as
 * a cookie (HttpOnly, Secure, SameSite=Strict, path `/_dashboard`) and redirects to `/_dashboard/`, so the secret
 * leaves the address bar (a projector shows it). Every dashboard request needs the secret (the cookie, `?secret=`
 * or the header `x-dashboard-secret`), else 401; changes (POST, DELETE) also need the header `x-acs-dashboard: 1`,
 * which a page of another site cannot send without the browser asking first (CSRF). The page and its data never
 * hold the access key; a full token is sent only when a person asks for it (reveal).
 *
 * Assets (index.html, app.js, style.css in ../dashboard/) are files of this package: no CDN, no build step.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { accessTokenFacts, readAccessToken } from "@acs-quickstart/common";
import { safeEqual } from "./auth.js";
import type { Emulator } from "./emulator.js";
import { FAULT_PRESETS } from "./fault-presets.js";
import type { FaultSpec } from "./faults.js";
import type { RequestJournalEvent } from "./journal.js";
import { explainReason } from "./journal-format.js";
import { OPERATIONS } from "./routes/index.js";

export const DASHBOARD_PATH = "/_dashboard/";
const COOKIE = "acs_dashboard";
/** How many tokens and requests the dashboard keeps (in memory; the emulator itself keeps no token). */
const KEEP_TOKENS = 200;
const KEEP_REQUESTS = 200;
/** How many identities a state update carries (the newest). */
const SHOW_IDENTITIES = 300;
/** State updates to the browsers: at most one per this many ms (a burst of requests is one update). */
const STATE_THROTTLE_MS = 100;
const HEARTBEAT_MS = 15_000;

const ASSETS: Record<string, { file: string; type: string }> = {
  "": { file: "index.html", type: "text/html; charset=utf-8" },
  "app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "style.css": { file: "style.css", type: "text/css; charset=utf-8" },
};

const SECURITY_HEADERS = {
  "Cache-Control": "no-store",
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
};

export interface DashboardOptions {
  /** The address learners use (shown on the page), e.g. `https://192.168.1.20:8443`. */
  endpoint: string;
  /** The secret of the URL; default 32 random bytes (base64url), new at every start. */
  secret?: string;
  /** The emulator's clock (epoch ms), for the tokens' state and time left. Default `Date.now`. */
  now?: () => number;
}

export interface Dashboard {
  readonly secret: string;
  /** The address to open: `<endpoint>/_dashboard/?secret=…`. */
  readonly url: string;
  /** Answers a request whose path starts with `/_dashboard`. */
  handle(request: Request): Promise<Response>;
  /** Ends the live streams and stops listening to the emulator. */
  close(): void;
}

interface KeptToken {
  id: string;
  token: string;
  identity: string;
  scopes: string[];
  issuedAt: string;
  expiresOn: string;
  expiresMs: number;
  sequence: number;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/** A request as the page shows it: the journal's event without the token, with the refusal explained. */
export type DashboardRequest = Omit<RequestJournalEvent, "accessToken"> & {
  explanation?: { en: string; "zh-CN": string };
};

export function createDashboard(emulator: Emulator, options: DashboardOptions): Dashboard {
  const secret = options.secret ?? randomBytes(32).toString("base64url");
  const now = options.now ?? Date.now;
  const endpoint = options.endpoint.replace(/\/+$/, "");
  const assets = new Map(
    Object.entries(ASSETS).map(([name, asset]) => [
      name,
      { body: readFileSync(new URL(`../dashboard/${asset.file}`, import.meta.url)), type: asset.type },
    ]),
  );
  const tokens: KeptToken[] = [];
  const requests: DashboardRequest[] = [];
  const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const encoder = new TextEncoder();
  let stateTimer: NodeJS.Timeout | undefined;

  const unsubscribe = emulator.onRequest((event) => {
    const { accessToken, ...shown } = event;
    if (accessToken !== undefined) keep(accessToken);
    const row: DashboardRequest = { ...shown, ...explained(event) };
    requests.push(row);
    if (requests.length > KEEP_REQUESTS) requests.shift();
    send("request", row);
    scheduleState();
  });
  const heartbeat = setInterval(() => {
    for (const stream of streams) enqueue(stream, ": ping\n\n");
  }, HEARTBEAT_MS);
  heartbeat.unref();

  function keep(token: string): void {
    try {
      const reading = readAccessToken(token);
      if (reading.form !== "jws") return;
      const facts = accessTokenFacts(reading.claims);
      tokens.push({
        id: typeof reading.claims.jti === "string" ? reading.claims.jti : String(tokens.length),
        token,
        identity: facts.identity ?? "",
        scopes: facts.scopes,
        issuedAt: facts.issuedAt?.toISOString() ?? "",
        expiresOn: facts.expiresOn?.toISOString() ?? "",
        expiresMs: facts.expiresOn?.getTime() ?? 0,
        sequence: typeof reading.claims.emulatorSeq === "number" ? reading.claims.emulatorSeq : 0,
        header: reading.header,
        claims: reading.claims,
      });
      if (tokens.length > KEEP_TOKENS) tokens.shift();
    } catch {
      // Not a token the emulator could have issued: nothing to show.
    }
  }

  /** What the page shows of the emulator now; never the access key, never a whole token. */
  function state() {
    const identities = emulator.identities();
    const byId = new Map(identities.map((identity) => [identity.id, identity]));
    const at = now();
    const newest = [...identities].sort((a, b) => b.createdAt - a.createdAt).slice(0, SHOW_IDENTITIES);
    return {
      endpoint,
      resourceId: emulator.resourceId,
      serverTime: at,
      identityTotal: identities.length,
      identities: newest.map((identity) => ({
        id: identity.id,
        ...(identity.customId !== undefined ? { customId: identity.customId } : {}),
        createdAt: new Date(identity.createdAt).toISOString(),
        deleted: identity.deleted,
        tokensIssued: identity.tokensIssued,
        revokedAt: identity.revokedAt === null ? null : new Date(identity.revokedAt).toISOString(),
      })),
      tokens: [...tokens].reverse().map((kept) => {
        const record = byId.get(kept.identity);
        const tokenState =
          !record || record.deleted
            ? "deleted"
            : record.revokedSeq !== null && kept.sequence <= record.revokedSeq
              ? "revoked"
              : kept.expiresMs <= at
                ? "expired"
                : "valid";
        return {
          id: kept.id,
          masked: `${kept.token.slice(0, 12)}… (${kept.token.length} characters)`,
          identity: kept.identity,
          scopes: kept.scopes,
          issuedAt: kept.issuedAt,
          expiresOn: kept.expiresOn,
          state: tokenState,
          header: kept.header,
          claims: kept.claims,
        };
      }),
      faults: emulator.armedFaults(),
      presets: FAULT_PRESETS,
      /** What a fault can target. */
      operations: OPERATIONS,
    };
  }

  function enqueue(stream: ReadableStreamDefaultController<Uint8Array>, text: string): void {
    try {
      stream.enqueue(encoder.encode(text));
    } catch {
      streams.delete(stream); // the browser went away
    }
  }

  function send(event: string, data: unknown): void {
    if (streams.size === 0) return;
    const text = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const stream of streams) enqueue(stream, text);
  }

  function scheduleState(): void {
    if (stateTimer || streams.size === 0) return;
    stateTimer = setTimeout(() => {
      stateTimer = undefined;
      send("state", state());
    }, STATE_THROTTLE_MS);
  }

  function authorised(request: Request, url: URL): boolean {
    const given =
      url.searchParams.get("secret") ??
      request.headers.get("x-dashboard-secret") ??
      cookie(request.headers.get("cookie"), COOKIE);
    return given !== undefined && given !== null && safeEqual(given, secret);
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    if (!authorised(request, url)) {
      const message =
        "This dashboard needs its secret: open the address the emulator printed when it started (…/_dashboard/?secret=…).";
      // A browser gets a page (with an icon of its own, so it asks the emulator for no /favicon.ico).
      return (request.headers.get("accept") ?? "").includes("text/html")
        ? new Response(
            `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>ACS emulator</title></head><body><p>${message}</p></body></html>\n`,
            { status: 401, headers: { ...SECURITY_HEADERS, "Content-Type": "text/html; charset=utf-8" } },
          )
        : text(401, `${message}\n`);
    }
    const path = url.pathname === "/_dashboard" ? "" : url.pathname.slice(DASHBOARD_PATH.length);
    if (url.searchParams.has("secret") && method === "GET" && path === "") {
      // Keep the secret in a cookie, and out of the address bar.
      return new Response(null, {
        status: 303,
        headers: {
          ...SECURITY_HEADERS,
          Location: DASHBOARD_PATH,
          "Set-Cookie": `${COOKIE}=${secret}; Path=/_dashboard; HttpOnly; Secure; SameSite=Strict`,
        },
      });
    }
    // The page's own addresses are relative to `/_dashboard/`.
    if (url.pathname === "/_dashboard") {
      return new Response(null, { status: 308, headers: { ...SECURITY_HEADERS, Location: DASHBOARD_PATH } });
    }
    const asset = assets.get(path);
    if (asset) {
      if (method !== "GET" && method !== "HEAD") return text(405, "Use GET.\n", { Allow: "GET, HEAD" });
      return new Response(method === "HEAD" ? null : asset.body, {
        headers: { ...SECURITY_HEADERS, "Content-Type": asset.type },
      });
    }
    const changes = method === "POST" || method === "DELETE";
    if (changes && request.headers.get("x-acs-dashboard") !== "1") {
      return text(403, "Changes need the header x-acs-dashboard: 1 (the dashboard's page sends it).\n");
    }
    if (path === "api/state" && method === "GET") return json(200, { ...state(), journal: requests });
    if (path === "api/events" && method === "GET") return events();
    if (path === "api/reset" && method === "POST") {
      emulator.reset();
      tokens.length = 0;
      send("state", state());
      return new Response(null, { status: 204, headers: SECURITY_HEADERS });
    }
    if (path === "api/faults" && method === "DELETE") {
      emulator.clearFaults();
      send("state", state());
      return new Response(null, { status: 204, headers: SECURITY_HEADERS });
    }
    if (path === "api/faults" && method === "POST") return armPreset(await request.text());
    const reveal = /^api\/tokens\/([^/]+)\/reveal$/.exec(path);
    if (reveal && method === "POST") {
      const id = decodeURIComponent(reveal[1] as string);
      const kept = tokens.find((t) => t.id === id);
      return kept
        ? json(200, { token: kept.token })
        : text(404, "No such token (the dashboard keeps the latest 200).\n");
    }
    return text(404, "Not found.\n");
  }

  function armPreset(body: string): Response {
    let input: { preset?: unknown; operation?: unknown; times?: unknown };
    try {
      input = JSON.parse(body);
    } catch {
      return text(400, 'The body must be JSON: {"preset": "429", "operation": "*", "times": 1}.\n');
    }
    const preset = FAULT_PRESETS.find((p) => p.id === input.preset);
    if (!preset) {
      return text(400, `Unknown preset; the presets: ${FAULT_PRESETS.map((p) => p.id).join(", ")}.\n`);
    }
    try {
      emulator.addFault({
        ...preset.fault,
        operation: input.operation ?? "*",
        times: input.times ?? 1,
      } as FaultSpec);
    } catch (error) {
      return text(400, `${(error as Error).message}\n`);
    }
    send("state", state());
    return json(200, { faults: emulator.armedFaults() });
  }

  function events(): Response {
    let self: ReadableStreamDefaultController<Uint8Array> | undefined;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        self = controller;
        streams.add(controller);
        enqueue(controller, `retry: 2000\n\nevent: state\ndata: ${JSON.stringify(state())}\n\n`);
      },
      cancel() {
        if (self) streams.delete(self);
      },
    });
    return new Response(body, {
      headers: {
        ...SECURITY_HEADERS,
        "Content-Type": "text/event-stream; charset=utf-8",
        Connection: "keep-alive",
      },
    });
  }

  return {
    secret,
    url: `${endpoint}${DASHBOARD_PATH}?secret=${secret}`,
    handle,
    close() {
      unsubscribe();
      clearInterval(heartbeat);
      if (stateTimer) clearTimeout(stateTimer);
      for (const stream of streams) {
        try {
          stream.close();
        } catch {}
      }
      streams.clear();
    },
  };
}

function explained(event: RequestJournalEvent): { explanation?: { en: string; "zh-CN": string } } {
  const explanation = explainReason(event);
  return explanation ? { explanation } : {};
}

function cookie(header: string | null, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

function text(status: number, body: string, extra: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: { ...SECURITY_HEADERS, "Content-Type": "text/plain; charset=utf-8", ...extra },
  });
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...SECURITY_HEADERS, "Content-Type": "application/json; charset=utf-8" },
  });
}

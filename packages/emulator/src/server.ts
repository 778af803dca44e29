/**
 * Transport 2: a standalone HTTPS server of the same one handler (`npm run emulator`).
 */
import { existsSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { hostname, networkInterfaces } from "node:os";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import {
  canonicalAccessKey,
  makeStateDir,
  stateDir as quickstartStateDir,
  refuseCommittable,
  writeAtomicSync,
} from "@acs-quickstart/common";
import { ensureCertificate } from "./certificate.js";
import { createDashboard, type Dashboard } from "./dashboard.js";
import { createEmulator, type Emulator, type EmulatorOptions } from "./emulator.js";
import { BODY_LIMIT_BYTES } from "./handler.js";
import type { WireRequest, WireResponse } from "./wire.js";

export const DEFAULT_PORT = 8443;
export const DEFAULT_HOST = "127.0.0.1";

export interface StandaloneOptions extends EmulatorOptions {
  /** Default 8443; 0 takes a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * The host learners use to reach the emulator: in the connection string and in the certificate. Default:
   * the bound host; for a wildcard bind (0.0.0.0, ::) this machine's first network address.
   */
  publicHost?: string;
  /** The emulator's own folder (cert.pem, key.pem, state.json, connection.env). See defaultStateDir(). */
  stateDir?: string;
  /** Also write/update COMMUNICATION_SERVICES_CONNECTION_STRING and NODE_EXTRA_CA_CERTS in this dotenv file. */
  envFile?: string;
  /** Serve the dashboard under `/_dashboard/` (./dashboard.ts). Default false (`npm run emulator` turns it on). */
  dashboard?: boolean;
}

export interface StandaloneEmulator {
  url: string;
  host: string;
  port: number;
  connectionString: string;
  caPem: string;
  caPath: string;
  /** `<stateDir>/connection.env`, always written. */
  connectionEnvPath: string;
  stateDir: string;
  emulator: Emulator;
  /** With `dashboard: true`: its address with the secret (print it for the trainer only), and the secret. */
  dashboard?: { url: string; secret: string };
  close(): Promise<void>;
}

/**
 * `<state folder>/emulator`: `$ACS_QUICKSTART_STATE_DIR/emulator` (relative to the repository's root), else
 * `<repo root>/.quickstart/emulator`; the state folder is the quickstart's (stateDir of @acs-quickstart/common).
 */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(quickstartStateDir(env), "emulator");
}

/** This machine's non-loopback addresses, IPv4 first (what other laptops in the room can reach). */
export function networkAddresses(): string[] {
  const all = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && !a.internal);
  return [
    ...all.filter((a) => a?.family === "IPv4"),
    ...all.filter((a) => a?.family === "IPv6" && !a.address.startsWith("fe80")),
  ].map((a) => a?.address as string);
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

export async function startStandaloneEmulator(opts: StandaloneOptions = {}): Promise<StandaloneEmulator> {
  const {
    port: wantedPort,
    host: wantedHost,
    publicHost: givenPublicHost,
    stateDir: givenDir,
    envFile,
    dashboard: withDashboard,
    ...emulatorOptions
  } = opts;
  const host = wantedHost ?? DEFAULT_HOST;
  const wildcard = host === "0.0.0.0" || host === "::";
  const publicHost = givenPublicHost ?? (wildcard ? (networkAddresses()[0] ?? "127.0.0.1") : host);
  const stateDir = resolve(givenDir ?? defaultStateDir());
  // The env file gets the access key: never where git would commit it (checked before anything is made).
  if (envFile) refuseCommittable(envFile, "the access key (in the connection string)");
  makeStateDir(stateDir);
  // A room reaches a wildcard bind by any of this machine's addresses or its name: the certificate covers them.
  const names = wildcard ? [publicHost, hostname(), ...networkAddresses()] : [publicHost];
  const certificate = await ensureCertificate(stateDir, Date.now(), names);
  const emulator = await createEmulator({ stateFile: join(stateDir, "state.json"), ...emulatorOptions });
  if (envFile) {
    try {
      refuseOtherResource(resolve(envFile), emulator.accessKey, [
        publicHost.toLowerCase(),
        hostname().toLowerCase(),
        ...networkAddresses(),
      ]);
    } catch (error) {
      await emulator.close();
      throw error;
    }
  }

  let dashboard: Dashboard | undefined;
  const server = createServer(
    { key: certificate.keyPem, cert: certificate.certPem, keepAlive: true },
    (req, res) => {
      if (dashboard && /^\/_dashboard(?:[/?]|$)/.test(req.url ?? "")) serveDashboard(dashboard, req, res);
      else serve(emulator, req, res);
    },
  );
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(wantedPort ?? DEFAULT_PORT, host, () => {
      server.off("error", reject);
      resolveListen();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = publicHost.includes(":") && !publicHost.startsWith("[") ? `[${publicHost}]` : publicHost;
  const url = `https://${urlHost}:${port}`;
  const connectionString = `endpoint=${url}/;accesskey=${emulator.accessKey}`;
  const lines = {
    COMMUNICATION_SERVICES_CONNECTION_STRING: connectionString,
    NODE_EXTRA_CA_CERTS: certificate.certPath,
  };
  const connectionEnvPath = join(stateDir, "connection.env");
  writeEnvFile(connectionEnvPath, lines);
  if (envFile) writeEnvFile(resolve(envFile), lines);
  if (withDashboard) dashboard = createDashboard(emulator, { endpoint: url });

  let closing: Promise<void> | undefined;
  return {
    url,
    host,
    port,
    connectionString,
    caPem: certificate.certPem,
    caPath: certificate.certPath,
    connectionEnvPath,
    stateDir,
    emulator,
    ...(dashboard ? { dashboard: { url: dashboard.url, secret: dashboard.secret } } : {}),
    close: () => {
      closing ??= (async () => {
        dashboard?.close();
        await new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        });
        await emulator.close();
      })();
      return closing;
    },
  };
}

/**
 * One request, straight from node:http to the one handler and back (no Fetch objects: see ./wire.ts). Reads the
 * body to its end (so a 413 can be written), keeping at most the limit; a huge upload is cut off.
 */
function serve(emulator: Emulator, req: IncomingMessage, res: ServerResponse): void {
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  const chunks: Buffer[] = [];
  let size = 0;
  req.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size <= BODY_LIMIT_BYTES) chunks.push(chunk);
    else if (size > 64 * BODY_LIMIT_BYTES) req.socket.destroy();
  });
  req.on("end", () => {
    const tooLarge = size > BODY_LIMIT_BYTES;
    const method = (req.method ?? "GET").toUpperCase();
    const body =
      tooLarge || chunks.length === 0 ? EMPTY : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    emulator
      .handleWire(
        new NodeWireRequest(
          req,
          res,
          method,
          body as Uint8Array,
          tooLarge ? Math.max(size, declared || 0) : declared,
        ),
      )
      .then((response) => {
        if (response.drop) {
          // A fault with `reset: true` (or a client that went away): drop the connection, as a network failure would.
          req.socket.destroy();
          return;
        }
        if (tooLarge) res.setHeader("connection", "close");
        writeResponse(res, response);
      })
      .catch((error: unknown) => {
        console.error("ACS emulator: failed to answer a request", error);
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
  });
}

const EMPTY = new Uint8Array(0);

/**
 * A dashboard request: a small Fetch Request (a few per page view, not the service's hot path) to the dashboard's
 * handler, and its answer back; the live event stream is piped as it comes, until the browser goes away.
 */
function serveDashboard(dashboard: Dashboard, req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size <= BODY_LIMIT_BYTES) chunks.push(chunk);
    else req.socket.destroy();
  });
  req.on("end", async () => {
    const method = (req.method ?? "GET").toUpperCase();
    const headers = new Headers();
    for (const name of ["accept", "cookie", "content-type", "x-acs-dashboard", "x-dashboard-secret"]) {
      const value = req.headers[name];
      if (typeof value === "string") headers.set(name, value);
    }
    try {
      const response = await dashboard.handle(
        new Request(`https://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
          method,
          headers,
          ...(method !== "GET" && method !== "HEAD" && chunks.length > 0
            ? { body: Buffer.concat(chunks) }
            : {}),
        }),
      );
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (!response.body) res.end();
      else if ((response.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
        const stream = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream);
        res.on("close", () => stream.destroy());
        stream.pipe(res);
      } else res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      console.error("ACS emulator: the dashboard failed to answer", error);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    }
  });
}

/** A WireRequest over node:http's request (a class: one shape for every request, the signal on its prototype). */
class NodeWireRequest implements WireRequest {
  readonly rawTarget: string;
  readonly host: string;
  readonly clientAddress?: string;
  #signal: AbortSignal | undefined;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    readonly method: string,
    readonly body: Uint8Array,
    readonly declaredLength: number,
  ) {
    this.rawTarget = req.url ?? "/";
    this.host = req.headers.host ?? "localhost";
    const address = req.socket.remoteAddress;
    if (address !== undefined) this.clientAddress = address;
  }

  header(name: string): string | undefined {
    const value = this.req.headers[name];
    return Array.isArray(value) ? value.join(", ") : value;
  }

  /** Made on first use (only a delayed fault waits on it): aborted when the client goes away before the answer. */
  get signal(): AbortSignal {
    if (this.#signal === undefined) {
      const gone = new AbortController();
      if (this.req.socket.destroyed) gone.abort();
      else
        this.res.once("close", () => {
          if (!this.res.writableFinished) gone.abort();
        });
      this.#signal = gone.signal;
    }
    return this.#signal;
  }
}

/**
 * Writes an answer: JSON bodies with the Content-Length the handler set; error bodies chunked, as the service sends
 * them [REC].
 */
function writeResponse(res: ServerResponse, response: WireResponse): void {
  res.writeHead(response.status, response.headers);
  if (response.body === null) res.end();
  else if (response.status >= 400) {
    res.write(response.body);
    res.end();
  } else res.end(response.body);
}

/** Sets KEY=value lines in a dotenv file, keeping its other lines; written atomically. */
/**
 * The line the CLI prints last when it is ready: `ACS emulator listening on <url>`, the URL clients use (in
 * the connection string), then ` (bound to <address>:<port>)` when the address it listens on is another
 * (`--public-host`, or a wildcard bind), so what the room uses and what the machine opened are both said.
 */
export function listeningLine(running: { url: string; host: string; port: number }): string {
  const urlHost = new URL(running.url).hostname.replace(/^\[|\]$/g, "");
  const bound = running.host.includes(":")
    ? `[${running.host}]:${running.port}`
    : `${running.host}:${running.port}`;
  const wildcard = running.host === "0.0.0.0" || running.host === "::";
  const suffix =
    urlHost === running.host
      ? ""
      : ` (bound to ${bound}${wildcard ? ", every address of this machine" : ""})`;
  return `ACS emulator listening on ${running.url}${suffix}`;
}

/** `--env-file` names a file that holds the connection string of another resource (a key that is not ours). */
export class EnvFileInUseError extends Error {
  override readonly name = "EnvFileInUseError";
  constructor(
    readonly file: string,
    endpoint: string,
  ) {
    super(
      `${file} already holds COMMUNICATION_SERVICES_CONNECTION_STRING for another resource (${endpoint}): the emulator does not overwrite it (its access key would be lost). ` +
        "Write the emulator's to a file of its own, e.g. --env-file .env.room, and run npm run quickstart -- --env-file .env.room.",
    );
  }
}

/**
 * @throws {EnvFileInUseError} when `path` holds a connection string whose access key is not `accessKey` and whose
 *   endpoint is not on this machine (`localNames`, loopback): a real resource's, or another machine's emulator's.
 *   Never says the key.
 */
function refuseOtherResource(path: string, accessKey: string, localNames: readonly string[]): void {
  if (!existsSync(path)) return;
  const line = readFileSync(path, "utf8")
    .split(/\r?\n/)
    .map((text) => /^\s*(?:export\s+)?COMMUNICATION_SERVICES_CONNECTION_STRING\s*=\s*(.*)$/.exec(text)?.[1])
    .find((value) => value !== undefined);
  if (line === undefined) return;
  const value = line.trim().replace(/^["']|["']$/g, "");
  const key = /(?:^|;)\s*accesskey\s*=\s*([^;]*)/i.exec(value)?.[1]?.trim();
  if (key === undefined || key === "" || canonicalAccessKey(key) === canonicalAccessKey(accessKey)) return;
  const endpoint = /(?:^|;)\s*endpoint\s*=\s*([^;]*)/i.exec(value)?.[1]?.trim() ?? "an endpoint it names";
  // An emulator's of this machine (an earlier key, after its state was deleted) may be replaced.
  let host = "";
  try {
    host = new URL(endpoint).hostname.replace(/^\[|\]$/g, "");
  } catch {}
  if (host !== "" && (isLoopback(host) || localNames.includes(host.toLowerCase()))) return;
  throw new EnvFileInUseError(path, endpoint);
}

export function writeEnvFile(path: string, values: Record<string, string>): void {
  const existing = existsSync(path) ? readFileSync(path, "utf8").split(/\r?\n/) : [];
  const kept = existing.filter((line) => {
    const key = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
    return !(key && key in values);
  });
  while (kept.length > 0 && kept[kept.length - 1] === "") kept.pop();
  const lines = [...kept, ...Object.entries(values).map(([k, v]) => `${k}=${v}`)];
  writeAtomicSync(path, `${lines.join("\n")}\n`, { mode: 0o600 });
}

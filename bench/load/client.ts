/**
 * The load generator of figure 2, in a process of its own: node:https with a keep-alive Agent
 * (maxSockets = concurrency), trusting the emulator's certificate, sending real HMAC-signed
 * `POST /identities/{id}/:issueAccessToken?api-version=2023-10-01` requests. Loopback only.
 *
 * Input: one JSON argument (ClientConfig). Output: one JSON line (ClientResult) on stdout.
 * Bounded by time (durationMs) and by count (maxRequests), after an un-measured warm-up.
 */
import { readFileSync } from "node:fs";
import https from "node:https";
import { signRequest } from "@acs-quickstart/emulator";
import { percentile } from "../lib/stats.js";

export interface ClientConfig {
  url: string;
  caPath: string;
  accessKey: string;
  concurrency: number;
  durationMs: number;
  maxRequests: number;
  warmupRequests: number;
}

export interface ClientResult {
  ok: number;
  errors: number;
  statuses: Record<string, number>;
  elapsedMs: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  /** CPU time (user + system) of this load generator per measured request. */
  clientCpuMsPerRequest: number;
  identity: string;
}

const API_VERSION = "2023-10-01";
const config = JSON.parse(process.argv[2] ?? "{}") as ClientConfig;
const base = new URL(config.url);
if (!["127.0.0.1", "localhost", "[::1]"].includes(base.hostname)) {
  throw new Error(`The load generator only talks to loopback, not ${base.hostname}.`);
}
const agent = new https.Agent({
  keepAlive: true,
  maxSockets: config.concurrency,
  ca: readFileSync(config.caPath),
});

/** Headers signed for this second: the date has a one-second resolution, so equal seconds sign alike. */
function signer(method: string, url: URL, body: string) {
  let date = "";
  let headers: Record<string, string> = {};
  return () => {
    const now = new Date().toUTCString();
    if (now !== date) {
      date = now;
      headers = {
        ...signRequest({ method, url, body, accessKey: config.accessKey, date }),
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(body)),
        accept: "application/json",
      };
    }
    return headers;
  };
}

function send(method: string, url: URL, body: string, headers: () => Record<string, string>) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = https.request(
      {
        agent,
        method,
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        headers: headers(),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function main(): Promise<ClientResult> {
  // One identity, made through the API (the floor server answers without one: any id will do there).
  const createUrl = new URL(`/identities?api-version=${API_VERSION}`, base);
  const created = await send("POST", createUrl, "{}", signer("POST", createUrl, "{}"));
  let identity = "8:acs:00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-000000000000";
  try {
    const id = (JSON.parse(created.text) as { identity?: { id?: string } }).identity?.id;
    if (id) identity = id;
  } catch {
    // the floor answers a constant body
  }
  const url = new URL(
    `/identities/${encodeURIComponent(identity)}/:issueAccessToken?api-version=${API_VERSION}`,
    base,
  );
  const body = JSON.stringify({ scopes: ["voip"], expiresInMinutes: 60 });
  const headers = signer("POST", url, body);

  const statuses: Record<string, number> = {};
  const latencies = new Float64Array(Math.max(1, config.maxRequests));
  let ok = 0;
  let errors = 0;
  let recorded = 0;

  async function phase(limit: number, deadline: number, record: boolean): Promise<void> {
    let started = 0;
    const worker = async () => {
      while (started < limit && performance.now() < deadline) {
        started++;
        const t0 = performance.now();
        let status = 0;
        try {
          const res = await send("POST", url, body, headers);
          status = res.status;
          if (status === 200 && !res.text.startsWith('{"token":"')) status = -1;
        } catch {
          status = -2;
        }
        if (!record) continue;
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status === 200) {
          ok++;
          latencies[recorded++] = performance.now() - t0;
        } else errors++;
      }
    };
    await Promise.all(Array.from({ length: config.concurrency }, worker));
  }

  await phase(config.warmupRequests, performance.now() + 30_000, false);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await phase(config.maxRequests, t0 + config.durationMs, true);
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const sorted = latencies.subarray(0, recorded).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    ok,
    errors,
    statuses,
    elapsedMs,
    perSecond: (ok / elapsedMs) * 1000,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    meanMs: recorded ? sum / recorded : Number.NaN,
    clientCpuMsPerRequest: (cpu.user + cpu.system) / 1000 / Math.max(1, ok + errors),
    identity,
  };
}

main().then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    agent.destroy();
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`load client: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);

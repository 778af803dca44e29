/**
 * Figure 2: the standalone emulator over HTTPS (keep-alive, 32 concurrent requests, loopback), beside two floors
 * measured in the same run: a trivial Node HTTPS server answering a constant JSON body (the cost of HTTPS alone),
 * and the same server answering each request with a freshly signed RS256 JWT (the signing floor: what any
 * faithful token issuer must do at least). Each server is a child process of its own, the load generator
 * (bench/load/client.ts) a third; the servers are measured one after the other, interleaved run by run, never at
 * the same time.
 *
 * Memory: the emulator child reports process.memoryUsage() after forced GC (--expose-gc) after the warm-up
 * and again once `tokens` more access tokens have been issued; "flat" = the growth stays under the bounds.
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { mustRun, offlineEnv } from "../lib/proc.js";
import type { FigureResult, Row } from "../lib/result.js";
import { median, round } from "../lib/stats.js";
import type { ClientConfig, ClientResult } from "../load/client.js";

export const GOAL_PER_SECOND = 1000;
/** The emulator against the signing floor (HTTPS + RS256). */
export const GOAL_RATIO = 0.8;
/** "Flat": heap (after GC) and RSS may grow at most this much over `tokens` issuances after warm-up. */
export const HEAP_BOUND_MIB = 2;
export const RSS_BOUND_MIB = 32;
const MiB = 1024 * 1024;
const WARMUP = 500;

type Measured = ClientResult & {
  serverCpuMsPerRequest: number;
  serverMainMsPerRequest: number;
  /** NaN where the main thread's CPU time is not known (not Linux). */
  serverMainCpuMsPerRequest: number;
};

interface Ready {
  url: string;
  caPath: string;
  accessKey: string;
}

interface Usage {
  cpu: NodeJS.CpuUsage;
  elu: { idle: number; active: number; utilization: number };
  mainCpuMs?: number;
}

interface Server {
  ready: Ready;
  child: ChildProcess;
  memory(): Promise<NodeJS.MemoryUsage>;
  usage(): Promise<Usage>;
  stop(): Promise<void>;
}

function startServer(module: string, args: string[], execArgv: string[], cwd: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = fork(module, args, {
      cwd,
      execArgv,
      env: offlineEnv(),
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${module} did not start within 60 s`));
    }, 60_000);
    child.once("exit", (code) => reject(new Error(`${module} exited early (${code})`)));
    child.once("message", (message: Ready & { type: string }) => {
      clearTimeout(timer);
      const server: Server = {
        ready: message,
        child,
        memory: () =>
          new Promise((done) => {
            child.once("message", (m: NodeJS.MemoryUsage) => done(m));
            child.send({ type: "mem" });
          }),
        usage: () =>
          new Promise((done) => {
            child.once("message", (m: Usage) => done(m));
            child.send({ type: "usage" });
          }),
        stop: () =>
          new Promise((done) => {
            const kill = setTimeout(() => child.kill("SIGKILL"), 5_000);
            child.removeAllListeners("exit");
            child.once("exit", () => {
              clearTimeout(kill);
              done();
            });
            child.send({ type: "stop" });
          }),
      };
      resolve(server);
    });
  });
}

export interface EmulatorFigureOptions {
  runs: number;
  durationMs: number;
  concurrency: number;
  tokens: number;
}

export async function emulatorFigure(
  root: string,
  options: EmulatorFigureOptions,
  log: (s: string) => void,
): Promise<FigureResult> {
  const stateDir = mkdtempSync(join(tmpdir(), "acs-bench-emu-"));
  const load = async (ready: Ready, extra: Partial<ClientConfig>): Promise<ClientResult> => {
    const config: ClientConfig = {
      url: ready.url,
      caPath: ready.caPath,
      accessKey: ready.accessKey,
      concurrency: options.concurrency,
      durationMs: options.durationMs,
      maxRequests: 1_000_000,
      warmupRequests: WARMUP,
      ...extra,
    };
    const run = await mustRun(
      process.execPath,
      ["--import", "tsx", join(root, "bench/load/client.ts"), JSON.stringify(config)],
      {
        cwd: root,
        env: offlineEnv(),
        timeoutMs: config.durationMs + 120_000,
      },
    );
    return JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "{}") as ClientResult;
  };
  // As `npm run emulator` runs it: from launch.mjs's esbuild bundle (tsx would add its loader thread and wrap every
  // function made at run time to keep its name).
  const emulator = await startServer(
    join(root, "scripts/launch.mjs"),
    ["bench/load/emulator-child.ts", stateDir],
    ["--expose-gc"],
    root,
  );
  let floor: Server | undefined;
  let signing: Server | undefined;
  try {
    const certificate = [join(stateDir, "cert.pem"), join(stateDir, "key.pem")];
    floor = await startServer(join(root, "bench/floors/https-floor.mjs"), certificate, ["--expose-gc"], root);
    signing = await startServer(
      join(root, "bench/floors/https-rs256-floor.mjs"),
      certificate,
      ["--expose-gc"],
      root,
    );
    // Warm-up of all three (JIT, TLS sessions, the emulator's first sequence block), then the memory baseline.
    await load(floor.ready, { durationMs: 1_000, warmupRequests: 0 });
    await load(signing.ready, { durationMs: 1_000, warmupRequests: 0 });
    const warm = await load(emulator.ready, { durationMs: 2_000, warmupRequests: 0 });
    const mem0 = await emulator.memory();
    let issuedSinceBaseline = 0;

    const emu: Measured[] = [];
    const flo: Measured[] = [];
    const sig: Measured[] = [];
    /** One load run, with the server's CPU (all threads) and main-thread time per request it handled. */
    const measured = async (server: Server): Promise<Measured> => {
      const u0 = await server.usage();
      const result = await load(server.ready, {});
      const u1 = await server.usage();
      const handled = result.ok + result.errors + WARMUP + 1;
      return {
        ...result,
        serverCpuMsPerRequest: (u1.cpu.user + u1.cpu.system - u0.cpu.user - u0.cpu.system) / 1000 / handled,
        serverMainMsPerRequest: (u1.elu.active - u0.elu.active) / handled,
        serverMainCpuMsPerRequest:
          u0.mainCpuMs === undefined || u1.mainCpuMs === undefined
            ? Number.NaN
            : (u1.mainCpuMs - u0.mainCpuMs) / handled,
      };
    };
    const describe = (name: string, r: Measured) =>
      `${name} ${Math.round(r.perSecond)}/s p50 ${r.p50Ms.toFixed(1)} p99 ${r.p99Ms.toFixed(1)} ms (errors ${r.errors};` +
      ` CPU/req server ${r.serverCpuMsPerRequest.toFixed(3)}, main thread ${r.serverMainCpuMsPerRequest.toFixed(3)}` +
      ` (event loop ${r.serverMainMsPerRequest.toFixed(3)}),` +
      ` client ${r.clientCpuMsPerRequest.toFixed(3)} ms)`;
    for (let i = 0; i < options.runs; i++) {
      const f = await measured(floor);
      const g = await measured(signing);
      const e = await measured(emulator);
      issuedSinceBaseline += e.ok + WARMUP + 1;
      flo.push(f);
      sig.push(g);
      emu.push(e);
      log(`  run ${i + 1}/${options.runs}: ${describe("emulator", e)}`);
      log(`    ${describe("signing floor", g)}`);
      log(`    ${describe("HTTPS floor", f)}`);
    }
    // Top up to `tokens` issuances since the baseline, then sample memory again.
    let topUp: ClientResult | undefined;
    const remaining = options.tokens - issuedSinceBaseline;
    if (remaining > 0) {
      log(`  memory: issuing ${remaining} more tokens (to ${options.tokens} since the baseline)…`);
      topUp = await load(emulator.ready, { maxRequests: remaining, durationMs: 600_000, warmupRequests: 0 });
      issuedSinceBaseline += topUp.ok;
    }
    const mem1 = await emulator.memory();
    const heapGrowth = (mem1.heapUsed - mem0.heapUsed) / MiB;
    const rssGrowth = (mem1.rss - mem0.rss) / MiB;
    log(
      `  memory after ${issuedSinceBaseline} tokens: heap ${(mem0.heapUsed / MiB).toFixed(1)} -> ${(mem1.heapUsed / MiB).toFixed(1)} MiB,` +
        ` rss ${(mem0.rss / MiB).toFixed(1)} -> ${(mem1.rss / MiB).toFixed(1)} MiB`,
    );

    const perSecond = median(emu.map((r) => r.perSecond));
    const floorPerSecond = median(flo.map((r) => r.perSecond));
    const signingPerSecond = median(sig.map((r) => r.perSecond));
    // Each run measures the servers back to back: the median of the runs' own ratios cancels a machine that got
    // busier or quieter between runs (the ratio of the medians would not).
    const pairedRatio = (floorRuns: Measured[]) =>
      median(emu.map((r, i) => r.perSecond / (floorRuns[i]?.perSecond ?? Number.NaN)));
    const ratio = pairedRatio(sig);
    const errors = emu.reduce((s, r) => s + r.errors, 0);
    type Metric =
      | "serverCpuMsPerRequest"
      | "serverMainMsPerRequest"
      | "serverMainCpuMsPerRequest"
      | "clientCpuMsPerRequest"
      | "p50Ms"
      | "p99Ms";
    /** A per-request metric of the emulator beside the signing floor's (the HTTPS floor's in the note). */
    const besideFloors = (metric: Metric, label: string, unit: string, digits: number): Row => {
      const value = median(emu.map((r) => r[metric]));
      const fl = median(sig.map((r) => r[metric]));
      return {
        figure: "2 emulator",
        metric: label,
        unit,
        value: round(value, digits),
        runs: emu.map((r) => round(r[metric], digits)),
        floorLabel: "HTTPS + RS256 floor",
        floor: round(fl, digits),
        floorRuns: sig.map((r) => round(r[metric], digits)),
        ratio: round(value / fl),
        note: `HTTPS floor: ${round(median(flo.map((r) => r[metric])), digits)} ${unit}`,
      };
    };
    const serverCpu = median(emu.map((r) => r.serverCpuMsPerRequest));
    const serverMain = median(emu.map((r) => r.serverMainMsPerRequest));
    const clientCpu = median(emu.map((r) => r.clientCpuMsPerRequest));
    const cores = availableParallelism();
    // What the machine could do at best: the event loop saturated, or every core busy (server + client).
    const serverMainCpu = median(emu.map((r) => r.serverMainCpuMsPerRequest));
    // The main thread's own CPU time where known (the event loop's active time also counts waiting for a core).
    const mainMs = Number.isNaN(serverMainCpu) ? serverMain : serverMainCpu;
    const ceiling = Math.min(1000 / mainMs, (cores * 1000) / (serverCpu + clientCpu));
    const goalPerSecond = GOAL_RATIO * signingPerSecond;
    /**
     * Issuances per CPU-second of the server and the load generator together: the throughput ratio both would
     * have if CPU-bound on the same cores, and far steadier than throughput on a machine other work shares.
     */
    const perCpuSecond = (): Row => {
      const of = (r: Measured) => 1000 / (r.serverCpuMsPerRequest + r.clientCpuMsPerRequest);
      return {
        figure: "2 emulator",
        metric: "issuances per CPU-second (server + load generator)",
        unit: "req/s",
        value: round(median(emu.map(of)), 0),
        runs: emu.map((r) => round(of(r), 0)),
        floorLabel: "HTTPS + RS256 floor",
        floor: round(median(sig.map(of)), 0),
        floorRuns: sig.map((r) => round(of(r), 0)),
        ratio: round(median(emu.map((r, i) => of(r) / of(sig[i] as Measured))), 3),
      };
    };
    /** Issuances per second beside a floor's. */
    const throughput = (metric: string, floorLabel: string, floorRuns: Measured[]): Row => {
      const fl = median(floorRuns.map((r) => r.perSecond));
      return {
        figure: "2 emulator",
        metric,
        unit: "req/s",
        value: round(perSecond, 0),
        runs: emu.map((r) => round(r.perSecond, 0)),
        floorLabel,
        floor: round(fl, 0),
        floorRuns: floorRuns.map((r) => round(r.perSecond, 0)),
        ratio: round(pairedRatio(floorRuns), 3),
      };
    };
    return {
      rows: [
        {
          ...throughput(
            `issueAccessToken/s @${options.concurrency}, HTTPS keep-alive`,
            "HTTPS + RS256 floor",
            sig,
          ),
          goal: `>= ${GOAL_RATIO}x signing floor, >= ${GOAL_PER_SECOND}/s`,
          met: perSecond >= GOAL_PER_SECOND && ratio >= GOAL_RATIO && errors === 0,
          ...(errors ? { note: `${errors} failed requests` } : {}),
        },
        {
          ...throughput("the same, beside the HTTPS floor", "HTTPS floor, constant JSON", flo),
          note: `the signing floor is ${round(signingPerSecond / floorPerSecond, 3)}x the HTTPS floor`,
        },
        perCpuSecond(),
        besideFloors("p50Ms", `p50 latency @${options.concurrency}`, "ms", 2),
        besideFloors("p99Ms", `p99 latency @${options.concurrency}`, "ms", 2),
        besideFloors("serverMainCpuMsPerRequest", "server main-thread CPU per request (Linux)", "ms", 3),
        besideFloors(
          "serverMainMsPerRequest",
          "server event-loop time per request (incl. waiting for a core)",
          "ms",
          3,
        ),
        besideFloors("serverCpuMsPerRequest", "server CPU (all threads) per request", "ms", 3),
        besideFloors("clientCpuMsPerRequest", "load generator CPU per request", "ms", 3),
        {
          figure: "2 emulator",
          metric: `estimated ceiling on ${cores} cores (from the CPU rows)`,
          unit: "req/s",
          value: round(ceiling, 0),
          runs: [round(ceiling, 0)],
          note:
            `min(1000 / main-thread ms, ${cores} x 1000 / (server + client CPU ms)). ${GOAL_RATIO}x the signing floor is ` +
            `${Math.round(goalPerSecond)}/s: it needs <= ${(1000 / goalPerSecond).toFixed(3)} ms ` +
            `of main thread and <= ${((cores * 1000) / goalPerSecond - clientCpu).toFixed(3)} ms of server CPU per issuance`,
        },
        {
          figure: "2 emulator",
          metric: `heap growth (after GC) over ${issuedSinceBaseline} tokens`,
          unit: "MiB",
          value: round(heapGrowth),
          runs: [round(heapGrowth)],
          goal: `< ${HEAP_BOUND_MIB} MiB (flat)`,
          met: heapGrowth < HEAP_BOUND_MIB,
          note: `heapUsed ${(mem0.heapUsed / MiB).toFixed(1)} -> ${(mem1.heapUsed / MiB).toFixed(1)} MiB`,
        },
        {
          figure: "2 emulator",
          metric: `RSS growth over ${issuedSinceBaseline} tokens`,
          unit: "MiB",
          value: round(rssGrowth),
          runs: [round(rssGrowth)],
          goal: `< ${RSS_BOUND_MIB} MiB (flat)`,
          met: rssGrowth < RSS_BOUND_MIB,
          note: `rss ${(mem0.rss / MiB).toFixed(1)} -> ${(mem1.rss / MiB).toFixed(1)} MiB`,
        },
      ],
      details: { warmup: warm, emulator: emu, signingFloor: sig, floor: flo, topUp, mem0, mem1 },
    };
  } finally {
    await emulator.stop().catch(() => {});
    await floor?.stop().catch(() => {});
    await signing?.stop().catch(() => {});
    rmSync(stateDir, { recursive: true, force: true });
  }
}

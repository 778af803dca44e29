/**
 * `npm run bench`: how fast the first minute is. One table, each figure beside its floor measured in the
 * same run, medians over several runs; also written to bench/results/latest.json.
 *
 *   npm run bench -- [--only quickstart,emulator,test,fresh] [--runs N] [--duration S] [--tokens N]
 *                    [--concurrency N] [--out FILE]
 *
 * See bench/README.md for what each figure and floor is.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { emulatorFigure } from "./figures/emulator.js";
import { freshFigure } from "./figures/fresh.js";
import { quickstartFigure } from "./figures/quickstart.js";
import { testFigure } from "./figures/test.js";
import { timed } from "./lib/proc.js";
import type { FigureResult, Row } from "./lib/result.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const FIGURES = ["quickstart", "emulator", "test", "fresh"] as const;
type Figure = (typeof FIGURES)[number];

const USAGE = `npm run bench -- [options]
  --only LIST       figures to run, comma-separated: ${FIGURES.join(",")} (default: all)
  --runs N          runs per figure (default: quickstart 5; emulator 3, each the emulator, the signing floor
                    and the HTTPS floor; test 1 fresh + 3 one-line changes and cached runs; fresh 1)
  --duration S      seconds of load per server in each emulator run (default 5)
  --tokens N        tokens issued between the two memory samples (default 100000)
  --concurrency N   concurrent requests of the load generator (default 32)
  --out FILE        results JSON (default bench/results/latest.json)
  -h, --help        this text`;

function options() {
  const { values } = parseArgs({
    options: {
      only: { type: "string" },
      runs: { type: "string" },
      duration: { type: "string", default: "5" },
      tokens: { type: "string", default: "100000" },
      concurrency: { type: "string", default: "32" },
      out: { type: "string", default: join(ROOT, "bench", "results", "latest.json") },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  const int = (name: string, value: string | undefined, min: number) => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new Error(`--${name} must be an integer >= ${min}, not ${value}`);
    return n;
  };
  const only = (values.only ?? FIGURES.join(",")).split(",").map((s) => s.trim()) as Figure[];
  for (const f of only)
    if (!FIGURES.includes(f)) throw new Error(`--only: unknown figure '${f}' (${FIGURES.join(", ")})`);
  return {
    help: values.help ?? false,
    only,
    runs: int("runs", values.runs, 1),
    duration: int("duration", values.duration, 1) ?? 5,
    tokens: int("tokens", values.tokens, 0) ?? 100_000,
    concurrency: int("concurrency", values.concurrency, 1) ?? 32,
    out: resolve(values.out ?? ""),
  };
}

const fmt = (value: number | undefined, unit = "") => {
  if (value === undefined || Number.isNaN(value)) return "—";
  const n = Math.abs(value) >= 100 ? Math.round(value).toLocaleString("en-US") : String(value);
  return unit ? `${n} ${unit}` : n;
};

function table(rows: Row[]): string {
  const header = ["figure", "metric", "value", "floor", "ratio", "goal", "met"];
  const lines = rows.map((r) => [
    r.figure,
    r.metric,
    fmt(r.value, r.unit),
    r.floor === undefined ? "—" : `${fmt(r.floor, r.unit)} (${r.floorLabel})`,
    r.ratio === undefined ? "—" : `${r.ratio}x`,
    r.goal ?? "—",
    r.met === undefined ? "" : r.met ? "yes" : "NO",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...lines.map(line)].join("\n");
}

async function main(): Promise<number> {
  let opts: ReturnType<typeof options>;
  try {
    opts = options();
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const git = await timed("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT });
  const machine = {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? "?",
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    commit: git.stdout.trim(),
  };
  log(
    `bench on ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.commit}`,
  );
  const started = performance.now();
  const results: Partial<Record<Figure, FigureResult>> = {};
  for (const figure of opts.only) {
    log(`\n${figure}:`);
    const t0 = performance.now();
    try {
      switch (figure) {
        case "quickstart":
          results.quickstart = await quickstartFigure(ROOT, opts.runs ?? 5, log);
          break;
        case "emulator":
          results.emulator = await emulatorFigure(
            ROOT,
            {
              runs: opts.runs ?? 3,
              durationMs: opts.duration * 1000,
              concurrency: opts.concurrency,
              tokens: opts.tokens,
            },
            log,
          );
          break;
        case "test":
          results.test = await testFigure(ROOT, { cold: opts.runs ?? 1, cached: opts.runs ?? 3 }, log);
          break;
        case "fresh":
          results.fresh = await freshFigure(ROOT, opts.runs ?? 1, log);
          break;
      }
    } catch (error) {
      // One figure failing does not lose the others: it gets a row saying why.
      const message = (error as Error).message.split("\n")[0] ?? String(error);
      log(`  ${figure} FAILED: ${(error as Error).message}`);
      results[figure] = {
        rows: [{ figure, metric: `FAILED: ${message}`, unit: "", value: Number.NaN, runs: [], met: false }],
        details: { error: (error as Error).message },
      };
    }
    log(`  (${figure}: ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  const rows = opts.only.flatMap((f) => results[f]?.rows ?? []);
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`\n${table(rows)}\n\n`);
  const notes = rows.filter((r) => r.note).map((r) => `- ${r.figure}, ${r.metric}: ${r.note}`);
  if (notes.length > 0) process.stdout.write(`Notes:\n${notes.join("\n")}\n\n`);
  process.stdout.write(
    `Machine: ${machine.cpus} cores, Node ${machine.node}; bench took ${seconds.toFixed(0)} s. Medians; runs and details in ${opts.out}\n`,
  );
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(
    opts.out,
    `${JSON.stringify({ date: new Date().toISOString(), machine, seconds: Math.round(seconds), rows, details: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v?.details])) }, null, 2)}\n`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);

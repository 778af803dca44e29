/**
 * Figure 3: `npm test` cold (turbo --force: every task runs, no cache read) and cached (the same again).
 * Floors: cold = the slowest single task run alone by `npm run <task>` (the critical path if the tasks ran
 * perfectly in parallel) + `npm run` of nothing; cached = `turbo run <tasks> --dry=json` (start-up and
 * input hashing, no task) + `npm run` of nothing.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { mustRun, offlineEnv, timed } from "../lib/proc.js";
import type { FigureResult } from "../lib/result.js";
import { median, round } from "../lib/stats.js";

export const GOAL_COLD_MS = 30_000;
export const GOAL_CACHED_MS = 2_000;

/** The turbo tasks of the root `test` script (`turbo run a b c --flags`). */
export function testTasks(root: string): string[] {
  const scripts = (
    JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }
  ).scripts;
  const words = (scripts.test ?? "").split(/\s+/);
  const start = words.indexOf("run");
  if (words[0] !== "turbo" || start < 0) throw new Error(`unexpected test script: ${scripts.test}`);
  return words.slice(start + 1).filter((w) => w !== "" && !w.startsWith("-"));
}

export async function testFigure(
  root: string,
  runs: { cold: number; cached: number },
  log: (s: string) => void,
): Promise<FigureResult> {
  const env = offlineEnv();
  const noopDir = join(root, "bench", "floors", "npm-noop");
  const npmNoop = async () => (await mustRun("npm", ["run", "noop"], { cwd: noopDir, env })).ms;
  const turbo = join(root, "node_modules", ".bin", "turbo");
  const tasks = testTasks(root);

  const cold: number[] = [];
  const cached: number[] = [];
  const coldFloor: number[] = [];
  const cachedFloor: number[] = [];
  const perTask: Record<string, number[]> = {};
  for (let i = 0; i < Math.max(runs.cold, runs.cached); i++) {
    if (i < runs.cold) {
      const c = await mustRun("npm", ["test", "--", "--force"], { cwd: root, env });
      cold.push(c.ms);
      log(`  npm test cold run ${i + 1}/${runs.cold}: ${Math.round(c.ms)} ms`);
      let slowest = 0;
      for (const task of tasks) {
        const t = await timed("npm", ["run", task], { cwd: root, env });
        if (t.code !== 0) log(`  (npm run ${task} exited ${t.code}; its time still counts)`);
        perTask[task] = [...(perTask[task] ?? []), round(t.ms, 0)];
        slowest = Math.max(slowest, t.ms);
      }
      coldFloor.push(slowest + (await npmNoop()));
    }
    // Cached: run once to fill the cache if this is the first pass, then time.
    if (i === 0) await mustRun("npm", ["test"], { cwd: root, env });
    if (i < runs.cached) {
      const dry = await mustRun(turbo, ["run", ...tasks, "--dry=json"], { cwd: root, env });
      cachedFloor.push(dry.ms + (await npmNoop()));
      const c = await mustRun("npm", ["test"], { cwd: root, env });
      cached.push(c.ms);
      log(
        `  npm test cached run ${i + 1}/${runs.cached}: ${Math.round(c.ms)} ms (floor ${Math.round(cachedFloor[i] ?? 0)} ms)`,
      );
    }
  }
  const coldValue = median(cold);
  const cachedValue = median(cached);
  const coldFloorValue = median(coldFloor);
  const cachedFloorValue = median(cachedFloor);
  const slowestTask = Object.entries(perTask).sort((a, b) => median(b[1]) - median(a[1]))[0]?.[0] ?? "?";
  return {
    rows: [
      {
        figure: "3 npm test",
        metric: "cold (turbo --force)",
        unit: "ms",
        value: round(coldValue, 0),
        runs: cold.map((v) => round(v, 0)),
        floorLabel: `slowest task alone (${slowestTask}) + npm run noop`,
        floor: round(coldFloorValue, 0),
        floorRuns: coldFloor.map((v) => round(v, 0)),
        ratio: round(coldValue / coldFloorValue),
        goal: `<= ${GOAL_COLD_MS / 1000} s`,
        met: coldValue <= GOAL_COLD_MS,
        note: `tasks alone: ${Object.entries(perTask)
          .map(([t, v]) => `${t} ${Math.round(median(v))} ms`)
          .join(", ")}`,
      },
      {
        figure: "3 npm test",
        metric: "cached (second run)",
        unit: "ms",
        value: round(cachedValue, 0),
        runs: cached.map((v) => round(v, 0)),
        floorLabel: "turbo run --dry=json + npm run noop",
        floor: round(cachedFloorValue, 0),
        floorRuns: cachedFloor.map((v) => round(v, 0)),
        ratio: round(cachedValue / cachedFloorValue),
        goal: `<= ${GOAL_CACHED_MS / 1000} s`,
        met: cachedValue <= GOAL_CACHED_MS,
      },
    ],
    details: { tasks, perTaskMs: perTask },
  };
}

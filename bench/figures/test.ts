/**
 * Figure 3: `npm test` in a fresh clone of HEAD (after `npm ci`; no turbo cache: every task runs), then after a
 * one-line change to one sample (a comment line appended to its source, outside the tutorial's regions), then
 * again with nothing changed (everything from turbo's cache). Each run is `turbo run … --summarize`: turbo's
 * own summary gives each task's duration and whether it ran or came from the cache.
 * Floors: the slowest task of that run, alone (the critical path if the tasks ran perfectly in parallel), plus
 * `npm run` of nothing; cached: `turbo run <tasks> --dry=json` (start-up and input hashing, no task).
 */
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { STEPS } from "@acs-quickstart/runner";
import { mustRun, offlineEnv } from "../lib/proc.js";
import type { FigureResult, Row } from "../lib/result.js";
import { median, round } from "../lib/stats.js";

export const GOAL_COLD_MS = 40_000;
export const GOAL_CHANGE_MS = 15_000;
export const GOAL_CACHED_MS = 2_000;

/** The sample the one-line change goes to: the second step's (the first is also where shared setup lives). */
const CHANGED_SOURCE = (STEPS[1] ?? STEPS[0]).source;

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

interface TurboRun {
  ms: number;
  /** Tasks that ran (not from the cache), with their durations. */
  executed: Record<string, number>;
  cached: number;
  total: number;
}

/**
 * `npm test -- --summarize` in `repo` (with `--force`: no task read from the cache, as in a fresh clone), and
 * turbo's summary of it.
 */
async function npmTest(repo: string, env: NodeJS.ProcessEnv, force = false): Promise<TurboRun> {
  const runs = join(repo, ".turbo", "runs");
  const before = new Set(safeList(runs));
  const args = ["test", "--", ...(force ? ["--force"] : []), "--summarize"];
  const run = await mustRun("npm", args, { cwd: repo, env });
  const file = safeList(runs).find((name) => !before.has(name) && name.endsWith(".json"));
  if (!file) throw new Error("turbo wrote no run summary");
  const summary = JSON.parse(readFileSync(join(runs, file), "utf8")) as {
    tasks: Array<{
      taskId: string;
      cache: { status: string };
      execution?: { startTime: number; endTime: number };
    }>;
  };
  const executed: Record<string, number> = {};
  let cached = 0;
  for (const task of summary.tasks) {
    if (task.cache.status === "HIT") cached += 1;
    else if (task.execution) executed[task.taskId] = task.execution.endTime - task.execution.startTime;
  }
  return { ms: run.ms, executed, cached, total: summary.tasks.length };
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

const slowest = (run: TurboRun) => Math.max(0, ...Object.values(run.executed));

export async function testFigure(
  root: string,
  runs: { cold: number; cached: number },
  log: (s: string) => void,
): Promise<FigureResult> {
  const tmp = mkdtempSync(join(tmpdir(), "acs-bench-test-"));
  try {
    const repo = join(tmp, "repo");
    const env = offlineEnv({ ACS_QUICKSTART_STATE_DIR: join(tmp, "state") });
    await mustRun("git", ["clone", "--quiet", root, repo], { env });
    await mustRun("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: repo, env });
    const noop = async () =>
      (await mustRun("npm", ["run", "noop"], { cwd: join(repo, "bench", "floors", "npm-noop"), env })).ms;
    const turbo = join(repo, "node_modules", ".bin", "turbo");
    const tasks = testTasks(repo);

    const cold: TurboRun[] = [];
    const change: TurboRun[] = [];
    const cached: TurboRun[] = [];
    const coldFloor: number[] = [];
    const changeFloor: number[] = [];
    const cachedFloor: number[] = [];
    for (let i = 0; i < runs.cold; i++) {
      // The first run is the fresh clone's; later ones force turbo to ignore its cache, as a fresh clone has none.
      const c = await npmTest(repo, env, i > 0);
      cold.push(c);
      coldFloor.push(slowest(c) + (await noop()));
      log(
        `  npm test, fresh clone ${i + 1}/${runs.cold}: ${Math.round(c.ms)} ms (${Object.keys(c.executed).length} tasks ran)`,
      );
    }
    for (let i = 0; i < runs.cached; i++) {
      appendFileSync(join(repo, CHANGED_SOURCE), `// bench: a one-line change ${i}\n`);
      const c = await npmTest(repo, env);
      change.push(c);
      changeFloor.push(slowest(c) + (await noop()));
      log(
        `  npm test after a one-line change to ${CHANGED_SOURCE} ${i + 1}/${runs.cached}: ${Math.round(c.ms)} ms; ran: ${Object.keys(c.executed).join(", ")}`,
      );
      const dry = await mustRun(turbo, ["run", ...tasks, "--dry=json"], { cwd: repo, env });
      cachedFloor.push(dry.ms + (await noop()));
      const h = await npmTest(repo, env);
      cached.push(h);
      log(
        `  npm test again, nothing changed ${i + 1}/${runs.cached}: ${Math.round(h.ms)} ms (${h.cached} of ${h.total} cached)`,
      );
    }
    const row = (
      metric: string,
      values: TurboRun[],
      floors: number[],
      floorLabel: string,
      goal: number,
    ): Row => {
      const value = median(values.map((v) => v.ms));
      const floor = median(floors);
      return {
        figure: "3 npm test",
        metric,
        unit: "ms",
        value: round(value, 0),
        runs: values.map((v) => round(v.ms, 0)),
        floorLabel,
        floor: round(floor, 0),
        floorRuns: floors.map((v) => round(v, 0)),
        ratio: round(value / floor),
        goal: `<= ${goal / 1000} s`,
        met: value <= goal,
        note: `ran ${Object.keys(values[0]?.executed ?? {}).length} of ${values[0]?.total ?? 0} tasks: ${Object.entries(
          values[0]?.executed ?? {},
        )
          .sort((a, b) => b[1] - a[1])
          .map(([task, ms]) => `${task} ${Math.round(ms)} ms`)
          .join(", ")}`,
      };
    };
    return {
      rows: [
        row(
          "fresh clone (no turbo cache)",
          cold,
          coldFloor,
          "slowest task alone + npm run noop",
          GOAL_COLD_MS,
        ),
        row(
          `after a one-line change to one sample`,
          change,
          changeFloor,
          "slowest re-run task alone + npm run noop",
          GOAL_CHANGE_MS,
        ),
        {
          ...row(
            "nothing changed (all cached)",
            cached,
            cachedFloor,
            "turbo run --dry=json + npm run noop",
            GOAL_CACHED_MS,
          ),
          note: `${cached[0]?.cached ?? 0} of ${cached[0]?.total ?? 0} tasks from the cache`,
        },
      ],
      details: { tasks, cold, change, cached, changedSource: CHANGED_SOURCE },
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Figure 1: `npm run quickstart` offline, wall time, against its floor:
 * `node bench/floors/quickstart-floor.mjs` (same SDK and msw, same calls, one process, plain JS)
 * plus `npm run` of a script that does nothing (bench/floors/npm-noop).
 *
 * The quickstart runs with a state dir of its own (first run un-timed: it makes the emulator's key), and
 * `--emulator`, so a developer's .env can never send it to a real resource.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mustRun, offlineEnv } from "../lib/proc.js";
import type { FigureResult } from "../lib/result.js";
import { median, round } from "../lib/stats.js";

const GOAL_RATIO = 1.3;

export async function quickstartFigure(
  root: string,
  runs: number,
  log: (s: string) => void,
): Promise<FigureResult> {
  const stateDir = mkdtempSync(join(tmpdir(), "acs-bench-qs-"));
  const env = offlineEnv({ ACS_QUICKSTART_STATE_DIR: stateDir });
  const noopDir = join(root, "bench", "floors", "npm-noop");
  const quickstart = () => mustRun("npm", ["run", "quickstart", "--", "--emulator"], { cwd: root, env });
  const floorNode = () =>
    mustRun(process.execPath, [join(root, "bench/floors/quickstart-floor.mjs")], { cwd: root, env });
  const npmNoop = () => mustRun("npm", ["run", "noop"], { cwd: noopDir, env });
  try {
    // Warm-up (un-timed): file cache, and the emulator's state (key pair) in the state dir.
    const first = await quickstart();
    if (!/Done: 6 of 6 steps ok/.test(first.stdout))
      throw new Error(`quickstart did not finish:\n${first.stdout}`);
    await floorNode();
    await npmNoop();
    const q: number[] = [];
    const f: number[] = [];
    const n: number[] = [];
    for (let i = 0; i < runs; i++) {
      // Interleaved, so the subject and its floor see the same machine.
      f.push((await floorNode()).ms);
      n.push((await npmNoop()).ms);
      const run = await quickstart();
      if (!/Done: 6 of 6 steps ok/.test(run.stdout)) throw new Error(`quickstart run failed:\n${run.stdout}`);
      q.push(run.ms);
      log(
        `  quickstart run ${i + 1}/${runs}: ${Math.round(run.ms)} ms (floor ${Math.round(f[i] ?? 0)} + npm ${Math.round(n[i] ?? 0)} ms)`,
      );
    }
    const floorRuns = f.map((v, i) => v + (n[i] ?? 0));
    const value = median(q);
    const floor = median(floorRuns);
    const ratio = value / floor;
    return {
      rows: [
        {
          figure: "1 quickstart",
          metric: "npm run quickstart (offline), wall",
          unit: "ms",
          value: round(value, 0),
          runs: q.map((v) => round(v, 0)),
          floorLabel: "node floor.mjs (SDK+msw, same calls) + npm run noop",
          floor: round(floor, 0),
          floorRuns: floorRuns.map((v) => round(v, 0)),
          ratio: round(ratio),
          goal: `<= ${GOAL_RATIO}x floor`,
          met: ratio <= GOAL_RATIO,
        },
      ],
      details: { floorNodeMs: f.map((v) => round(v, 0)), npmNoopMs: n.map((v) => round(v, 0)) },
    };
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}

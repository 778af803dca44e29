/**
 * Figure 4: fresh clone to six steps done. `git clone` of this repository's HEAD into a temp dir,
 * `npm ci` with the warm npm cache (--prefer-offline), then `npm run quickstart` (first run: it makes the
 * emulator's key). Installed size = du of every node_modules folder of the clone.
 * Floor: the same clone + copying the installed node_modules trees (the bytes npm must write) + the
 * quickstart floor (bench/floors/quickstart-floor.mjs + `npm run` of nothing).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mustRun, offlineEnv } from "../lib/proc.js";
import type { FigureResult } from "../lib/result.js";
import { median, round } from "../lib/stats.js";

export const GOAL_FRESH_MS = 45_000;

function nodeModulesDirs(repo: string): string[] {
  const dirs = [join(repo, "node_modules")];
  for (const group of ["packages", "samples"]) {
    for (const name of readdirSync(join(repo, group))) {
      const dir = join(repo, group, name, "node_modules");
      try {
        readdirSync(dir);
        dirs.push(dir);
      } catch {
        // no node_modules of its own
      }
    }
  }
  return dirs;
}

export async function freshFigure(
  root: string,
  runs: number,
  log: (s: string) => void,
): Promise<FigureResult> {
  const total: number[] = [];
  const ci: number[] = [];
  const quick: number[] = [];
  const clone: number[] = [];
  const floor: number[] = [];
  let sizeKiB = 0;
  for (let i = 0; i < runs; i++) {
    const tmp = mkdtempSync(join(tmpdir(), "acs-bench-fresh-"));
    try {
      const repo = join(tmp, "repo");
      const env = offlineEnv({ ACS_QUICKSTART_STATE_DIR: join(tmp, "state") });
      const c = await mustRun("git", ["clone", "--quiet", root, repo], { env });
      const install = await mustRun("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund"], {
        cwd: repo,
        env,
      });
      const q = await mustRun("npm", ["run", "quickstart", "--", "--emulator"], { cwd: repo, env });
      if (!/Done: 6 of 6 steps ok/.test(q.stdout))
        throw new Error(`quickstart in the clone failed:\n${q.stdout}`);
      const dirs = nodeModulesDirs(repo);
      const du = await mustRun("du", ["-sk", "--total", ...dirs]);
      sizeKiB = Number(du.stdout.trim().split("\n").at(-1)?.split(/\s+/)[0] ?? 0);

      // Floor: write the same trees again (cp -a), and the quickstart floor, in the clone.
      const copy = join(tmp, "copy");
      mkdirSync(copy);
      let cpMs = 0;
      for (const [k, dir] of dirs.entries())
        cpMs += (await mustRun("cp", ["-a", dir, join(copy, `nm${k}`)])).ms;
      // The clone's own floor script when the bench is committed, else this checkout's.
      const floorScript = existsSync(join(repo, "bench/floors/quickstart-floor.mjs")) ? repo : root;
      const qf = await mustRun(process.execPath, [join(floorScript, "bench/floors/quickstart-floor.mjs")], {
        cwd: floorScript,
        env,
      });
      const noop = await mustRun("npm", ["run", "noop"], { cwd: join(root, "bench/floors/npm-noop"), env });

      clone.push(c.ms);
      ci.push(install.ms);
      quick.push(q.ms);
      total.push(c.ms + install.ms + q.ms);
      floor.push(c.ms + cpMs + qf.ms + noop.ms);
      log(
        `  fresh run ${i + 1}/${runs}: clone ${Math.round(c.ms)} + npm ci ${Math.round(install.ms)} + quickstart ${Math.round(q.ms)} ms;` +
          ` floor: cp -a ${Math.round(cpMs)} + quickstart floor ${Math.round(qf.ms + noop.ms)} ms; node_modules ${Math.round(sizeKiB / 1024)} MiB`,
      );
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  const value = median(total);
  const floorValue = median(floor);
  return {
    rows: [
      {
        figure: "4 fresh clone",
        metric: "git clone + npm ci (warm cache) + npm run quickstart",
        unit: "ms",
        value: round(value, 0),
        runs: total.map((v) => round(v, 0)),
        floorLabel: "clone + cp -a of node_modules + quickstart floor",
        floor: round(floorValue, 0),
        floorRuns: floor.map((v) => round(v, 0)),
        ratio: round(value / floorValue),
        goal: `<= ${GOAL_FRESH_MS / 1000} s`,
        met: value <= GOAL_FRESH_MS,
        note: `clone ${Math.round(median(clone))} ms, npm ci ${Math.round(median(ci))} ms, first quickstart ${Math.round(median(quick))} ms`,
      },
      {
        figure: "4 fresh clone",
        metric: "installed size (du of node_modules)",
        unit: "MiB",
        value: round(sizeKiB / 1024, 1),
        runs: [round(sizeKiB / 1024, 1)],
      },
    ],
    details: { cloneMs: clone, npmCiMs: ci, quickstartMs: quick },
  };
}

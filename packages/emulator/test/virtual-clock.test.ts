/**
 * The virtual clock (src/virtual-clock.ts): time passes at once for the timers made on it; timers made before
 * it stay real, also when fetch's kept-alive connections cross it (nodejs/undici#4755); timers of one clock
 * cannot cancel another's; and it is the project's only way to fake timers.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { withVirtualClock } from "../src/virtual-clock.js";

const ROOT = resolve(import.meta.dirname, "../../..");
const MINUTE = 60_000;

describe("withVirtualClock", () => {
  it("passes 50 minutes at once: Date moves and the timers due fire in order; then the real clock is back", async () => {
    const realNow = Date.now();
    const fired: string[] = [];
    const started = performance.now();
    const moved = await withVirtualClock(async (clock) => {
      setTimeout(() => fired.push(`40 min at ${Math.round((Date.now() - realNow) / MINUTE)}`), 40 * MINUTE);
      setTimeout(() => fired.push(`10 min at ${Math.round((Date.now() - realNow) / MINUTE)}`), 10 * MINUTE);
      const never = setTimeout(() => fired.push("cleared"), 20 * MINUTE);
      clearTimeout(never);
      await clock.pass(50 * MINUTE);
      return Date.now() - realNow;
    });
    expect(fired).toEqual(["10 min at 10", "40 min at 40"]);
    expect(moved).toBeGreaterThanOrEqual(50 * MINUTE);
    expect(Date.now() - realNow).toBeLessThan(MINUTE);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("keeps a timer made before it real: clearing that timer while the clock runs cancels it", async () => {
    let fired = false;
    const real = setTimeout(() => {
      fired = true;
    }, 100);
    await withVirtualClock(async () => {
      clearTimeout(real);
    });
    await sleep(200);
    expect(fired).toBe(false);
  });

  it("a timer of an earlier clock, cleared on a later one, does not cancel the later clock's timers", async () => {
    const stale = await withVirtualClock(async () => setTimeout(() => {}, 1_000));
    let fired = false;
    await withVirtualClock(async (clock) => {
      setTimeout(() => {
        fired = true;
      }, 1_000);
      clearTimeout(stale);
      await clock.pass(1_000);
    });
    expect(fired).toBe(true);
  });

  it("fetch: a kept-alive connection reused on the clock leaves no timer to outlive it (nodejs/undici#4755)", async () => {
    // A process of its own: the failure is an uncaught exception seconds later, after a garbage collection.
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ["--expose-gc", "scripts/launch.mjs", "packages/emulator/test/fixtures/fetch-across-clock.ts"],
      { cwd: ROOT },
    );
    // The request on the clock went over the connection made before it: the case that failed.
    expect(JSON.parse(stdout)).toEqual({ served: [1, 1] });
    // Neither the exception nor fake-timers' warning that it ignored a real timer.
    expect(stderr).toBe("");
  });

  it("is the project's only way to fake timers: nothing else imports @sinonjs/fake-timers", () => {
    const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
      cwd: ROOT,
      encoding: "utf8",
    })
      .split("\n")
      .filter((file) => /\.(c|m)?(t|j)sx?$/.test(file) && existsSync(join(ROOT, file)));
    const importer = /(from|import\(|require\()\s*["']@sinonjs\/fake-timers["']/;
    const importers = files.filter((file) => importer.test(readFileSync(join(ROOT, file), "utf8")));
    expect(importers).toEqual(["packages/emulator/src/virtual-clock.ts"]);
  });
});

/**
 * What only real processes show: signals from the OS, exit codes, files after a kill, and what a learner
 * could see on a projector. Few child processes, run concurrently.
 */
import { execFile, execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { IdentityStore } from "@acs-quickstart/core";
import { readStateFile } from "@acs-quickstart/emulator/testing";
import { describe, expect, it } from "vitest";
import { emulatorIdentities, storedIdentities } from "../helpers/in-process.js";
import { freshStateDir, ROOT, seededStateDir, spawnQuickstart } from "../helpers/spawn.js";

const execFileAsync = promisify(execFile);
const summary = (run: { events: Array<{ event: string }> }) => run.events.find((e) => e.event === "summary");

describe.concurrent("real processes", () => {
  it("npm start at the repository's root is npm run quickstart (options after --)", async () => {
    const { stdout } = await execFileAsync("npm", ["start", "--silent", "--", "--list"], {
      cwd: ROOT,
      env: { ...process.env, npm_config_update_notifier: "false" },
    });
    expect(stdout).toMatch(/^Part 1: .*\n1\. create-identity /);
    expect(stdout).toContain("6. delete-identity");
  });

  it("state files survive being killed mid-write (SIGKILL, SIGTERM, SIGINT at random moments)", async () => {
    const kills = ["SIGKILL", "SIGTERM", "SIGINT"] as const;
    await Promise.all(
      kills.map(async (signal, i) => {
        const dir = freshStateDir();
        const child = spawn(
          process.execPath,
          [join(ROOT, "scripts/launch.mjs"), "packages/runner/test/fixtures/write-loop.ts", dir],
          {
            cwd: ROOT,
            stdio: ["ignore", "pipe", "inherit"],
          },
        );
        await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
        await new Promise((resolve) => setTimeout(resolve, 20 + i * 37));
        const exited = new Promise((resolve) => child.on("exit", resolve));
        child.kill(signal);
        await exited;
        // Both files parse and pass their checks, whatever moment the process died at.
        expect(await new IdentityStore(join(dir, "identities.json")).list()).not.toHaveLength(0);
        expect(readStateFile(join(dir, "emulator-state.json"))?.identities).toHaveLength(2000);
        JSON.parse(readFileSync(join(dir, "identities.json"), "utf8"));
        // At most the one temporary file of each file being written at that moment is left (write-file-atomic
        // names it <file>.<hash>); the lock of a killed writer (<file>.lock, .lock.owner) is the next one's to take.
        const temporary = readdirSync(dir).filter(
          (f) =>
            !["identities.json", "emulator-state.json", ".gitignore"].includes(f) &&
            !/\.lock(\.owner)?$/.test(f),
        );
        expect(temporary.length, temporary.join(", ")).toBeLessThanOrEqual(2);
      }),
    );
  });

  it("SIGTERM mid-step, then SIGINT twice during clean-up: exit 143, clean-up finished, nothing left", async () => {
    const stateDir = await seededStateDir();
    let cleaning = false;
    const run = await spawnQuickstart(["--json"], {
      env: {
        ACS_QUICKSTART_STATE_DIR: stateDir,
        ACS_EMULATOR_FAULTS: JSON.stringify([
          { operation: "issueAccessToken", delayMs: 20_000, times: 1 },
          { operation: "deleteIdentity", delayMs: 400, times: 2 },
        ]),
      },
      onEvent(event, child) {
        if (event.event === "step-start" && event.step === "issue-access-token") {
          setTimeout(() => child.kill("SIGTERM"), 200);
        }
        if (event.event === "step-end" && event.interrupted && !cleaning) {
          cleaning = true;
          setTimeout(() => child.kill("SIGINT"), 150);
          setTimeout(() => child.kill("SIGINT"), 300);
        }
      },
    });
    expect(run.code, run.stderr).toBe(143);
    expect(run.stderr).toContain("SIGINT: still deleting the identities this run made");
    expect(summary(run)).toMatchObject({ ok: false, leftoverIdentities: 0 });
    expect(emulatorIdentities(stateDir)).toEqual([]);
    expect(storedIdentities(stateDir)).toEqual([]);
  });

  it("a run killed with SIGKILL leaves readable state, and the next run takes over its emulator state", async () => {
    const stateDir = await seededStateDir();
    const killed = await spawnQuickstart(["--json", "--keep"], {
      env: {
        ACS_QUICKSTART_STATE_DIR: stateDir,
        ACS_EMULATOR_FAULTS: JSON.stringify([{ operation: "issueAccessToken", delayMs: 20_000, times: 1 }]),
      },
      onEvent: (event, child) =>
        event.event === "step-start" && event.step === "issue-access-token" && child.kill("SIGKILL"),
    });
    expect(killed.signal).toBe("SIGKILL");
    const [made] = emulatorIdentities(stateDir);
    expect(storedIdentities(stateDir).map((i) => i.id)).toEqual([made]);
    // The lock of the killed run is stale: the next run starts, uses and then deletes the stored identity.
    const next = await spawnQuickstart(["--json", "--step", "delete-identity"], {
      env: { ACS_QUICKSTART_STATE_DIR: stateDir },
    });
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain(`Deleted the identity with ID: ${made}`);
    expect(emulatorIdentities(stateDir)).toEqual([]);
  });

  it(".env and the state folder are ignored by git", () => {
    for (const path of [".env", ".env.local", ".quickstart/identities.json"]) {
      expect(() => execFileSync("git", ["check-ignore", "-q", path], { cwd: ROOT }), path).not.toThrow();
    }
    expect(() => execFileSync("git", ["check-ignore", "-q", ".env.sample"], { cwd: ROOT })).toThrow();
  });
});

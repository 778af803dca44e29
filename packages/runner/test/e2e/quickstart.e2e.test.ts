import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createEmulatorAdminClient } from "@acs-quickstart/emulator";
import { startInProcessEmulator } from "@acs-quickstart/emulator/in-process";
import { describe, expect, it } from "vitest";
import { STEPS } from "../../src/index.js";
import { freshStateDir, type QuickstartRun, seededStateDir, spawnQuickstart } from "../helpers/spawn.js";

/** The emulator's view of a state folder after a run: the identities that still exist. */
async function liveIdentities(stateDir: string): Promise<string[]> {
  const emulator = await startInProcessEmulator({ stateFile: join(stateDir, "emulator-state.json") });
  try {
    const admin = createEmulatorAdminClient({
      endpoint: emulator.endpoint,
      accessKey: emulator.emulator.accessKey,
    });
    const { identities } = await admin.state();
    return identities.filter((identity) => !identity.deleted).map((identity) => identity.id);
  } finally {
    await emulator.close();
  }
}

function summary(run: QuickstartRun) {
  return run.events.find((event) => event.event === "summary");
}

function stepEnds(run: QuickstartRun) {
  return run.events.filter((event) => event.event === "step-end");
}

describe.concurrent("npm run quickstart on the embedded emulator", () => {
  it("runs the six steps in the tutorial's order and leaves nothing behind", async () => {
    const stateDir = freshStateDir();
    const run = await spawnQuickstart(["--json"], { env: { ACS_QUICKSTART_STATE_DIR: stateDir } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.events.filter((e) => e.event === "step-start").map((e) => e.step)).toEqual(
      STEPS.filter((step) => step.part === 1).map((step) => step.id),
    );
    for (const end of stepEnds(run)) {
      expect(end).toMatchObject({ ok: true });
      expect(end.ms).toEqual(expect.any(Number));
    }
    expect(summary(run)).toMatchObject({ ok: true, mode: "emulator", steps: 6, leftoverIdentities: 0 });
    // Human messages go to stderr in --json mode: every stdout line is an event.
    expect(
      run.stdout
        .trim()
        .split("\n")
        .every((line) => line.startsWith("{")),
    ).toBe(true);
    expect(run.stderr).toContain("Mode: emulator");
    expect(run.stderr).toMatch(/Created an identity with ID: 8:acs:[0-9a-f-]+_[0-9a-f-]+/);
    expect(run.stderr).toMatch(/expires at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in 23 h 59 min\)/);
    expect(run.stderr).toMatch(/before the revocation: invalid \(revoked\)/);
    expect(run.stderr).toMatch(/after the revocation: +valid/);
    expect(await liveIdentities(stateDir)).toEqual([]);
    const store = JSON.parse(readFileSync(join(stateDir, "identities.json"), "utf8"));
    expect(store.identities).toEqual([]);
  });
});

describe.concurrent("failures and interrupts", () => {
  it("Ctrl-C in the middle of a step stops the run, deletes what it made and exits 130", async () => {
    const stateDir = await seededStateDir();
    const run = await spawnQuickstart(["--json"], {
      env: {
        ACS_QUICKSTART_STATE_DIR: stateDir,
        ACS_EMULATOR_FAULTS: JSON.stringify([{ operation: "issueAccessToken", delayMs: 20_000, times: 1 }]),
      },
      onEvent(event, child) {
        if (event.event === "step-start" && event.step === "issue-access-token") {
          setTimeout(() => child.kill("SIGINT"), 300);
        }
      },
    });
    expect(run.code).toBe(130);
    expect(summary(run)).toMatchObject({ ok: false, leftoverIdentities: 0 });
    expect(await liveIdentities(stateDir)).toEqual([]);
  });
});

describe("the process", () => {
  it("a usage error exits 2 with the message and where the options are, and no stack trace", async () => {
    const run = await spawnQuickstart(["--step", "make-coffee"], {
      env: { ACS_QUICKSTART_STATE_DIR: freshStateDir() },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Unknown step id 'make-coffee'.*create-identity, issue-access-token/);
    expect(run.stderr).toContain("Run `npm run quickstart -- --help` for the options.");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

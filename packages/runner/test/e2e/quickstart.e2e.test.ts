import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createEmulatorAdminClient } from "@acs-quickstart/emulator";
import { startInProcessEmulator } from "@acs-quickstart/emulator/in-process";
import { describe, expect, it } from "vitest";
import { STEP_IDS } from "../../src/index.js";
import { freshStateDir, type QuickstartRun, spawnQuickstart } from "../helpers/spawn.js";

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
    expect(run.events.filter((e) => e.event === "step-start").map((e) => e.step)).toEqual([...STEP_IDS]);
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

  it("passes --scopes and --expires-in to the service (and a proxy in the environment does not get in the way)", async () => {
    const run = await spawnQuickstart(
      ["--step", "create-identity-and-token", "--scopes", "chat,voip.join", "--expires-in", "90"],
      // An unreachable proxy: the in-process emulator must be reached without it.
      { env: { ACS_QUICKSTART_STATE_DIR: freshStateDir(), HTTPS_PROXY: "http://127.0.0.1:9" } },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("with 'chat, voip.join' scope that expires at");
    expect(run.stdout).toContain("(in 1 h 29 min)");
  });
});

describe.concurrent("failures and interrupts", () => {
  it("Ctrl-C in the middle of a step stops the run, deletes what it made and exits 130", async () => {
    const stateDir = freshStateDir();
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

describe("Microsoft Entra ID", () => {
  it("runs every step with a bearer token from a service principal, offline", async () => {
    const { mkdtempSync, readFileSync: read } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const stateDir = freshStateDir();
    const logFile = join(mkdtempSync(join(tmpdir(), "entra-log-")), "log.ndjson");
    const run = await spawnQuickstart(["--json"], {
      imports: [join(import.meta.dirname, "../fixtures/entra-offline.ts")],
      env: {
        ACS_QUICKSTART_STATE_DIR: stateDir,
        ENTRA_TEST_LOG: logFile,
        COMMUNICATION_SERVICES_ENDPOINT: "https://contoso-entra.communication.azure.com/",
        AZURE_TENANT_ID: "72f988bf-86f1-41af-91ab-2d7cd011db47",
        AZURE_CLIENT_ID: "11111111-2222-3333-4444-555555555555",
        AZURE_CLIENT_SECRET: "a-client-secret-that-must-not-be-printed",
      },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(summary(run)).toMatchObject({ ok: true, mode: "live", steps: 6, leftoverIdentities: 0 });
    expect(run.stderr).toContain("Microsoft Entra ID");
    const entries = read(logFile, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(entries).toContainEqual(
      expect.objectContaining({
        kind: "entra-token",
        scope: expect.stringContaining("https://communication.azure.com//.default"),
      }),
    );
    const schemes = new Set(entries.filter((e) => e.kind === "acs").map((e) => e.authorization));
    expect([...schemes]).toEqual(["Bearer"]);
    expect(`${run.stdout}${run.stderr}`).not.toContain("a-client-secret-that-must-not-be-printed");
  });
});

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

  it("runs the steps one at a time, as `npm start` in each sample does, sharing step 1's identity", async () => {
    const env = { ACS_QUICKSTART_STATE_DIR: freshStateDir() };
    const step = (id: string) => spawnQuickstart(["--step", id, "--keep-for-next-step", "--json"], { env });
    const first = await step("create-identity");
    expect(first.code, first.stderr).toBe(0);
    const [made] = await liveIdentities(env.ACS_QUICKSTART_STATE_DIR);
    expect(made).toMatch(/^8:acs:/);
    expect(summary(first)).toMatchObject({ ok: true, leftoverIdentities: 1 });
    // Step 3 makes an identity of its own: it is not the shared one, so that run deletes it.
    const third = await step("create-identity-and-token");
    expect(summary(third)).toMatchObject({ ok: true, leftoverIdentities: 0 });
    expect(await liveIdentities(env.ACS_QUICKSTART_STATE_DIR)).toEqual([made]);
    const revoke = await step("revoke-access-tokens");
    expect(revoke.stderr).toContain(`Using the identity stored by an earlier step: ${made}`);
    expect(revoke.stderr).toMatch(/before the revocation: invalid \(revoked\)/);
    const last = await step("delete-identity");
    expect(last.code, last.stderr).toBe(0);
    expect(last.stderr).toContain(`Deleted the identity with ID: ${made}`);
    expect(summary(last)).toMatchObject({ ok: true, leftoverIdentities: 0 });
    expect(await liveIdentities(env.ACS_QUICKSTART_STATE_DIR)).toEqual([]);
  });

  it("a step that needs an identity makes one when none is stored, and says so", async () => {
    const env = { ACS_QUICKSTART_STATE_DIR: freshStateDir() };
    const run = await spawnQuickstart(["--step", "issue-access-token", "--keep-for-next-step"], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      "No identity is stored for this resource yet, so this step creates one first",
    );
    expect(await liveIdentities(env.ACS_QUICKSTART_STATE_DIR)).toHaveLength(1);
  });

  it("selects steps with --step, --from and --to", async () => {
    const env = { ACS_QUICKSTART_STATE_DIR: freshStateDir() };
    const range = await spawnQuickstart(
      ["--json", "--from", "refresh-access-token", "--to", "revoke-access-tokens"],
      {
        env,
      },
    );
    expect(range.code, range.stderr).toBe(0);
    expect(stepEnds(range).map((e) => e.step)).toEqual(["refresh-access-token", "revoke-access-tokens"]);
    const picked = await spawnQuickstart(
      ["--json", "--step", "delete-identity", "--step", "create-identity"],
      {
        env,
      },
    );
    expect(stepEnds(picked).map((e) => e.step)).toEqual(["create-identity", "delete-identity"]);
    expect(summary(picked)).toMatchObject({ ok: true, leftoverIdentities: 0 });
    expect(await liveIdentities(env.ACS_QUICKSTART_STATE_DIR)).toEqual([]);
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

  it("--pause shows each step's code and its page, and does not wait without a terminal", async () => {
    const run = await spawnQuickstart(["--pause", "--step", "create-identity"], {
      env: { ACS_QUICKSTART_STATE_DIR: freshStateDir() },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("const identityResponse = await identityClient.createUser();");
    expect(run.stdout).toContain("docs/en/01-create-identity.md");
    expect(run.stdout).toContain("stdin is not a terminal, so not waiting");
  });

  it("--keep leaves the identities in place and counts them", async () => {
    const stateDir = freshStateDir();
    const run = await spawnQuickstart(["--json", "--keep", "--to", "create-identity-and-token"], {
      env: { ACS_QUICKSTART_STATE_DIR: stateDir },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(summary(run)).toMatchObject({ ok: true, leftoverIdentities: 2 });
    expect(await liveIdentities(stateDir)).toHaveLength(2);
  });
});

describe.concurrent("failures and interrupts", () => {
  it("a failed step exits 1 with a diagnosis, and clean-up still deletes every identity", async () => {
    const stateDir = freshStateDir();
    const run = await spawnQuickstart(["--json"], {
      env: {
        ACS_QUICKSTART_STATE_DIR: stateDir,
        ACS_QUICKSTART_RETRY_DELAY_MS: "5",
        ACS_EMULATOR_FAULTS: JSON.stringify([{ operation: "revokeAccessTokens", status: 500, times: 10 }]),
      },
    });
    expect(run.code).toBe(1);
    expect(stepEnds(run).at(-1)).toMatchObject({ step: "revoke-access-tokens", ok: false });
    expect(summary(run)).toMatchObject({ ok: false, leftoverIdentities: 0 });
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(await liveIdentities(stateDir)).toEqual([]);
  });

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

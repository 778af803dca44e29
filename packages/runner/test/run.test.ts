/**
 * A run of the quickstart on the built-in emulator, in-process: which steps run, what the options do, and
 * that a failed step still ends in clean-up. (A whole run as a child process: e2e/quickstart.e2e.test.ts.)
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { type Event, emulatorIdentities, runInProcess, seededDir, summary } from "./helpers/in-process.js";

afterEach(() => {
  vi.unstubAllEnvs();
});

const stepEnds = (run: { events: Event[] }) => run.events.filter((e) => e.event === "step-end");

describe("npm run quickstart on the built-in emulator", () => {
  it("passes --scopes and --expires-in to the service (and a proxy in the environment does not get in the way)", async () => {
    // An unreachable proxy, where the SDK reads it: the in-process emulator must be reached without it.
    vi.stubEnv("HTTPS_PROXY", "http://127.0.0.1:9");
    const run = await runInProcess([
      "--step",
      "create-identity-and-token",
      "--scopes",
      "chat,voip.join",
      "--expires-in",
      "90",
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("with 'chat, voip.join' scopes that expires at");
    expect(run.stdout).toContain("(in 1 h 29 min)");
  });
  it("--expires-in outside 60 to 1440 is sent: the service answers 400 ValidationError, diagnosed; inside, the token lives that long", async () => {
    const stateDir = await seededDir();
    const env = { ACS_QUICKSTART_STATE_DIR: stateDir };
    for (const minutes of [59, 1441, 1]) {
      const run = await runInProcess(
        ["--json", "--step", "issue-access-token", "--expires-in", `${minutes}`],
        {
          env,
        },
      );
      const where = `--expires-in ${minutes}:\n${run.stderr}`;
      const message = `ExpiresInMinutes value ${minutes} is invalid. Value must be within the [60, 1440] interval.`;
      expect(run.code, where).toBe(1);
      expect(run.events[0], where).toEqual({
        v: 1,
        event: "notice",
        kind: "outside-service-range",
        option: "--expires-in",
        message: expect.stringContaining(
          `--expires-in ${minutes} is outside the range the service accepts (60 to 1440 minutes)`,
        ),
      });
      // The token with the default lifetime is issued; the custom one is the service's 400.
      expect(
        run.events.filter((e) => e.event === "token-issued"),
        where,
      ).toHaveLength(1);
      expect(stepEnds(run)[0], where).toMatchObject({
        ok: false,
        error: { code: "validation-error", summary: expect.stringContaining(message) },
      });
      expect(run.stderr, where).toContain(`The service answered HTTP 400 ValidationError: ${message}`);
      expect(summary(run), where).toMatchObject({ ok: false, outcome: "failed", leftoverIdentities: 0 });
    }
    for (const minutes of [60, 90, 1440]) {
      const before = Date.now();
      const run = await runInProcess(
        ["--json", "--step", "issue-access-token", "--expires-in", `${minutes}`],
        {
          env,
        },
      );
      expect(run.code, run.stderr).toBe(0);
      expect(run.events.some((e) => e.event === "notice")).toBe(false);
      const custom = run.events.filter((e) => e.event === "token-issued").at(-1);
      const lifetime = Date.parse(custom?.expiresOn as string) - before;
      expect(Math.round(lifetime / 60_000), `--expires-in ${minutes}`).toBe(minutes);
    }
    expect(emulatorIdentities(stateDir)).toEqual([]);
  });

  it("selects steps with --step, --from and --to", async () => {
    const env = { ACS_QUICKSTART_STATE_DIR: await seededDir() };
    const range = await runInProcess(
      ["--json", "--from", "refresh-access-token", "--to", "revoke-access-tokens"],
      {
        env,
      },
    );
    expect(range.code, range.stderr).toBe(0);
    expect(stepEnds(range).map((e) => e.step)).toEqual(["refresh-access-token", "revoke-access-tokens"]);
    const picked = await runInProcess(["--json", "--step", "delete-identity", "--step", "create-identity"], {
      env,
    });
    expect(stepEnds(picked).map((e) => e.step)).toEqual(["create-identity", "delete-identity"]);
    expect(summary(picked)).toMatchObject({ ok: true, leftoverIdentities: 0 });
    expect(emulatorIdentities(env.ACS_QUICKSTART_STATE_DIR)).toEqual([]);
  });

  it("--pause shows each step's code and its page, and does not wait without a terminal", async () => {
    const run = await runInProcess(["--pause", "--step", "create-identity"], {});
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("const identityResponse = await identityClient.createUser();");
    expect(run.stdout).toContain("docs/en/01-create-identity.md");
    expect(run.stdout).toContain("stdin is not a terminal, so not waiting");
  });

  it("--keep leaves the identities in place and counts them", async () => {
    const stateDir = await seededDir();
    const run = await runInProcess(["--json", "--keep", "--to", "create-identity-and-token"], {
      env: { ACS_QUICKSTART_STATE_DIR: stateDir },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(summary(run)).toMatchObject({ ok: true, leftoverIdentities: 2 });
    expect(emulatorIdentities(stateDir)).toHaveLength(2);
  });
});

describe("failures", () => {
  it("a failed step exits 1 with a diagnosis, and clean-up still deletes every identity", async () => {
    const stateDir = await seededDir();
    const run = await runInProcess(["--json"], {
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
    expect(emulatorIdentities(stateDir)).toEqual([]);
  });
});

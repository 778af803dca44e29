/**
 * Network faults in every step: a connection reset, an answer slower than the per-attempt time-out once or on
 * every attempt; and what the time-out's diagnosis says. Nothing is left behind (helpers/fault-matrix.ts).
 */
import { describe, expect, it } from "vitest";
import { STEP_IDS } from "../src/index.js";
import { type FaultCase, faultMatrix } from "./helpers/fault-matrix.js";
import { emulatorIdentities, runInProcess, summary } from "./helpers/in-process.js";

const CASES: FaultCase[] = [
  // msw reports an in-process reset as "Network error" without ECONNRESET: the SDK does not retry it
  // (a real reset over TCP is retried: see live-standalone.test.ts and the emulator's faults tests).
  { name: "reset connection", fault: { reset: true, times: 1 }, diagnosis: "network" },
  { name: "slower than the timeout, once", fault: { delayMs: 5_000, times: 1 } },
  {
    name: "slower than the timeout, every attempt",
    fault: { delayMs: 5_000, times: 4 },
    diagnosis: "timeout",
  },
];

export const TIMEOUT_RUNS = CASES.length * STEP_IDS.length;

describe("every network fault in every step (in-process runner)", () => {
  faultMatrix(CASES);

  it("the timeout is diagnosed with its length and the variable that sets it", async () => {
    const run = await runInProcess(["--step", "create-identity"], {
      env: {
        ACS_EMULATOR_FAULTS: JSON.stringify([{ operation: "createIdentity", delayMs: 5_000, times: 4 }]),
        ACS_QUICKSTART_REQUEST_TIMEOUT_MS: "120",
      },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("The service did not answer within 120 ms: the request timed out");
    expect(run.stdout).toContain("ACS_QUICKSTART_REQUEST_TIMEOUT_MS (now 120)");
  });

  it("a fault in every step of one full run: each is retried, the run succeeds and cleans up", async () => {
    const faults = ["createIdentity", "issueAccessToken", "revokeAccessTokens", "deleteIdentity"].map(
      (operation) => ({ operation, status: 503, retryAfterSeconds: 0, times: 2 }),
    );
    const run = await runInProcess(["--json"], { env: { ACS_EMULATOR_FAULTS: JSON.stringify(faults) } });
    expect(run.code, run.stderr).toBe(0);
    expect(summary(run)).toMatchObject({ ok: true, steps: 6, leftoverIdentities: 0 });
    expect(emulatorIdentities(run.stateDir)).toEqual([]);
  });
});

/**
 * Faults injected through the emulator, one run of the runner per (fault, step), in-process and in
 * sequence (fast: ~0.1–0.5 s a run). Each run ends in success after the SDK's retries, or in a clear
 * diagnosis and exit 1; never with an identity left behind, never with the access key or a whole token
 * in the output.
 */

import type { FaultSpec } from "@acs-quickstart/emulator";
import { describe, expect, it } from "vitest";
import { STEP_IDS, type StepId } from "../src/index.js";
import {
  emulatorIdentities,
  JWT,
  NO_STACK,
  runInProcess,
  storedIdentities,
  summary,
} from "./helpers/in-process.js";

const ACCESS_KEY = Buffer.from("fault-matrix known key, never to be printed").toString("base64");
const TIMEOUT_MS = 150;

/** The operation each step is about: a fault on it lands inside that step (run alone). */
const OPERATION: Record<StepId, FaultSpec["operation"]> = {
  "create-identity": "createIdentity",
  "issue-access-token": "issueAccessToken",
  "create-identity-and-token": "createIdentity",
  "refresh-access-token": "issueAccessToken",
  "revoke-access-tokens": "revokeAccessTokens",
  "delete-identity": "deleteIdentity",
};

interface Case {
  name: string;
  fault: Omit<FaultSpec, "operation">;
  /** Undefined: the run succeeds after retries. Otherwise the diagnosis code of the failed step. */
  diagnosis?: string;
}

// The SDK makes 4 attempts (1 + 3 retries) for 5xx, 503/429 with Retry-After, and network timeouts.
const CASES: Case[] = [
  { name: "429 with Retry-After, twice", fault: { status: 429, retryAfterSeconds: 0, times: 2 } },
  { name: "429 without Retry-After (not retried)", fault: { status: 429, times: 1 }, diagnosis: "throttled" },
  { name: "500, twice", fault: { status: 500, times: 2 } },
  { name: "500 on every attempt", fault: { status: 500, times: 4 }, diagnosis: "service-error" },
  { name: "503 with Retry-After, three times", fault: { status: 503, retryAfterSeconds: 0, times: 3 } },
  {
    name: "503 without Retry-After, every attempt",
    fault: { status: 503, times: 4 },
    diagnosis: "service-error",
  },
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

export const FAULT_RUNS = CASES.length * STEP_IDS.length;

describe("every fault in every step (in-process runner)", () => {
  for (const c of CASES) {
    it(`${c.name}`, async () => {
      for (const step of STEP_IDS) {
        const fault = { operation: OPERATION[step], ...c.fault };
        const run = await runInProcess(["--json", "--step", step], {
          env: {
            ACS_EMULATOR_FAULTS: JSON.stringify([fault]),
            ACS_EMULATOR_ACCESS_KEY: ACCESS_KEY,
            ACS_QUICKSTART_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS),
          },
        });
        const where = `${c.name} in ${step}:\n${run.stderr}`;
        const end = run.events.find((e) => e.event === "step-end");
        if (c.diagnosis === undefined) {
          expect(run.code, where).toBe(0);
          expect(end, where).toMatchObject({ step, ok: true });
        } else {
          expect(run.code, where).toBe(1);
          expect(end, where).toMatchObject({ step, ok: false, error: { code: c.diagnosis } });
          expect(run.stderr, where).toMatch(/✖ failed[^\n]*\n[^\n]+\n(?:.*\n)*Fix: /);
        }
        expect(summary(run), where).toMatchObject({ leftoverIdentities: 0 });
        expect(emulatorIdentities(run.stateDir), where).toEqual([]);
        expect(storedIdentities(run.stateDir), where).toEqual([]);
        const output = `${run.stdout}${run.stderr}`;
        expect(output, where).not.toMatch(NO_STACK);
        expect(output, where).not.toContain(ACCESS_KEY);
        expect(output, where).not.toMatch(JWT);
      }
    });
  }

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

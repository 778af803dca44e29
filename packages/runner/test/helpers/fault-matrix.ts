/**
 * The fault matrix: one run of the runner per (fault, step), in-process and in sequence. Each run ends in
 * success after the SDK's retries, or in a clear diagnosis and exit 1; never with an identity left behind,
 * never with the access key or a whole token in the output.
 */
import type { FaultSpec } from "@acs-quickstart/emulator";
import { expect, it } from "vitest";
import { findStep, STEP_IDS } from "../../src/index.js";
import {
  emulatorIdentities,
  JWT,
  NO_STACK,
  operationOf,
  runInProcess,
  storedIdentities,
  summary,
} from "./in-process.js";

export const ACCESS_KEY = Buffer.from("fault-matrix known key, never to be printed").toString("base64");
/** Each attempt's time-out in these runs: a delayed answer always exceeds it, an in-process one never. */
export const TIMEOUT_MS = 100;

export interface FaultCase {
  name: string;
  fault: Omit<FaultSpec, "operation">;
  /**
   * Undefined: the run succeeds after retries. Otherwise the diagnosis code of the failed step (for a step whose
   * requests go through a server of its own, part two's token service, that server's answer: `token-service-error`).
   */
  diagnosis?: string;
}

/** One test per case; in it, the fault lands in each step in turn (the step run alone, on its operation). */
export function faultMatrix(cases: readonly FaultCase[]): void {
  for (const c of cases) {
    it(`${c.name}`, async () => {
      for (const step of STEP_IDS) {
        const fault = { operation: operationOf(step), ...c.fault };
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
          const diagnosis = findStep(step)?.services ? "token-service-error" : c.diagnosis;
          expect(run.code, where).toBe(1);
          expect(end, where).toMatchObject({ step, ok: false, error: { code: diagnosis } });
          expect(run.stderr, where).toMatch(/✖ failed[^\n]*\n[^\n]+\n(?:.*\n)*Fix: /);
          if (findStep(step)?.services && c.fault.status !== undefined) {
            // The fix points at the server's log line: it says what Communication Services answered.
            expect(run.stderr, where).toMatch(
              new RegExp(
                `: Communication Services did not answer as expected \\(status ${c.fault.status}, code \\w+\\)`,
              ),
            );
          }
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
}

/**
 * Faults the service answers with (429, 500, 503, with and without Retry-After), in every step: retried by the
 * SDK and then ok, or diagnosed; nothing left behind (helpers/fault-matrix.ts). Network faults: timeouts.test.ts.
 */
import { describe } from "vitest";
import { STEP_IDS } from "../src/index.js";
import { type FaultCase, faultMatrix } from "./helpers/fault-matrix.js";

// The SDK makes 4 attempts (1 + 3 retries) for 5xx, 503/429 with Retry-After, and network timeouts.
const CASES: FaultCase[] = [
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
];

export const FAULT_RUNS = CASES.length * STEP_IDS.length;

describe("every service fault in every step (in-process runner)", () => {
  faultMatrix(CASES);
});

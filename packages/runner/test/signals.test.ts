/**
 * Signals: SIGINT and SIGTERM at every point of a run (the runner in-process, in sequence), during clean-up,
 * and the signal handling itself. Each run checks the exit code, the message, and that nothing is left.
 */
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { findStep, STEP_IDS } from "../src/index.js";
import { HANDLED_SIGNALS, listenForSignals, type SignalSource, signalExitCode } from "../src/signals.js";
import { NO_STACK, nothingLeft, operationOf, runInProcess, summary } from "./helpers/in-process.js";

export const INTERRUPT_RUNS = HANDLED_SIGNALS.length * (1 + STEP_IDS.length) + 2;

describe("SIGINT, SIGTERM and SIGHUP at any point leave nothing behind", () => {
  for (const name of HANDLED_SIGNALS) {
    const code = signalExitCode(name);
    it(`${name} right after start, and in the middle of each step's request`, async () => {
      const atStart = await runInProcess(["--json"], {
        onEvent: (event, signal) => event.event === "mode" && signal(name),
      });
      expect(atStart.code, atStart.stderr).toBe(code);
      expect(summary(atStart)).toMatchObject({ ok: false, leftoverIdentities: 0 });
      nothingLeft(atStart);
      for (const step of STEP_IDS) {
        // The step's own request hangs (2 s); the signal comes 30 ms into the step.
        // A create is left to finish (see below), so it is delayed less.
        const fault = {
          operation: operationOf(step),
          delayMs: operationOf(step) === "createIdentity" ? 400 : 2_000,
          times: 1,
        };
        // From this step on, so the fault lands in it (earlier steps would use the same operation).
        const run = await runInProcess(["--json", "--from", step], {
          env: { ACS_EMULATOR_FAULTS: JSON.stringify([fault]) },
          onEvent: (event, signal) => {
            if (event.event === "step-start" && event.step === step) setTimeout(() => signal(name), 30);
          },
        });
        const where = `${name} in ${step}:\n${run.stderr}`;
        expect(run.code, where).toBe(code);
        const last = run.events.filter((e) => e.event === "step-end").at(-1);
        // A step behind a server of its own (part two's token service) is stopped by the signal whatever it
        // calls: the service's later requests are cancelled.
        if (operationOf(step) === "createIdentity" && !findStep(step)?.services) {
          // A create is never cut off (the service may already have made the identity, and its id would be
          // lost): it finishes, the run stops after it, and clean-up deletes what it made.
          expect(last, where).toMatchObject({ step, ok: true });
          expect(run.stderr, where).toMatch(/Created an identity with ID: 8:acs:/);
          expect(run.stderr, where).toContain("deleted 8:acs:");
        } else {
          expect(last, where).toMatchObject({ step, ok: false, interrupted: name });
          expect(run.stderr, where).toContain(`✖ stopped by ${name}`);
          // An interruption is not a failure: no diagnosis, and no server blaming Communication Services.
          expect(last, where).not.toHaveProperty("error");
          expect(run.stderr, where).not.toMatch(/did not answer as expected|could not be reached/);
        }
        expect(summary(run), where).toMatchObject({ ok: false, leftoverIdentities: 0 });
        expect(run.stderr, where).not.toMatch(NO_STACK);
        nothingLeft(run, where);
      }
    });
  }

  it("more Ctrl-C and SIGTERM during clean-up: clean-up goes on and deletes everything", async () => {
    const run = await runInProcess(["--json"], {
      // Step 3 hangs and is interrupted; each clean-up delete is slow, and is signalled again meanwhile.
      env: {
        ACS_EMULATOR_FAULTS: JSON.stringify([
          { operation: "issueAccessToken", delayMs: 2_000, times: 1 },
          { operation: "deleteIdentity", delayMs: 150, times: 2 },
        ]),
      },
      onEvent: (event, signal) => {
        if (event.event === "step-start" && event.step === "issue-access-token")
          setTimeout(() => signal("SIGINT"), 30);
      },
      onLine: (line, signal) => {
        if (!line.startsWith("Clean-up:")) return;
        signal("SIGINT");
        setTimeout(() => signal("SIGINT"), 50);
        setTimeout(() => signal("SIGTERM"), 100);
      },
    });
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr.match(/still deleting the identities this run made/g)?.length).toBeGreaterThanOrEqual(
      2,
    );
    expect(run.stderr).toContain("SIGTERM: still deleting");
    expect(summary(run)).toMatchObject({ leftoverIdentities: 0 });
    nothingLeft(run);
  });

  it("a signal during a clean-up after a successful run does not stop the clean-up", async () => {
    const run = await runInProcess(["--json", "--to", "create-identity-and-token"], {
      env: { ACS_EMULATOR_FAULTS: JSON.stringify([{ operation: "deleteIdentity", delayMs: 150, times: 2 }]) },
      onLine: (line, signal) => line.startsWith("Clean-up:") && signal("SIGINT"),
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("SIGINT: still deleting");
    expect(summary(run)).toMatchObject({ ok: true, leftoverIdentities: 0 });
    nothingLeft(run);
  });
});

describe("listenForSignals", () => {
  const source = () => new EventEmitter() as unknown as SignalSource & EventEmitter;

  it("the first signal stops the run once: aborts the requests and reports which signal", () => {
    const emitter = source();
    const stops: string[] = [];
    const signals = listenForSignals(emitter, (signal) => stops.push(signal));
    expect(signals.abortSignal.aborted).toBe(false);
    emitter.emit("SIGTERM");
    emitter.emit("SIGINT");
    expect(stops).toEqual(["SIGTERM"]);
    expect(signals.interrupted()).toBe("SIGTERM");
    expect(signals.abortSignal.aborted).toBe(true);
    signals.dispose();
    expect(emitter.listenerCount("SIGINT") + emitter.listenerCount("SIGTERM")).toBe(0);
  });

  it("during a shielded task (clean-up) signals are answered, not obeyed", async () => {
    const emitter = source();
    const signals = listenForSignals(emitter, () => {});
    const answered: string[] = [];
    await signals.shielded(
      (signal) => answered.push(signal),
      async () => {
        emitter.emit("SIGINT");
        signals.raise("SIGTERM");
      },
    );
    expect(answered).toEqual(["SIGINT", "SIGTERM"]);
    expect(signals.interrupted()).toBeUndefined();
    expect(signals.abortSignal.aborted).toBe(false);
    emitter.emit("SIGINT"); // after the task: obeyed again
    expect(signals.interrupted()).toBe("SIGINT");
  });

  it("exit codes are 128 + the signal's number", () => {
    expect(signalExitCode("SIGINT")).toBe(130);
    expect(signalExitCode("SIGTERM")).toBe(143);
    expect(signalExitCode("SIGHUP")).toBe(129);
  });
});

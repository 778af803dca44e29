/** The two reporters: what a person reads, and the NDJSON events programs read (`--json`). */
import { describe, expect, it } from "vitest";
import { STEPS } from "../src/index.js";
import { createReporter, type RunSummary } from "../src/reporters/index.js";
import { validateEvent } from "./helpers/events.js";

const step = STEPS[1] as (typeof STEPS)[number];
const diagnosis = {
  code: "throttled",
  summary: "Too many requests.",
  detail: "HTTP 429",
  fix: "Wait a little.",
};

function collect() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
  };
}

function summaryOf(overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    ok: true,
    outcome: "done",
    mode: "emulator",
    selected: 6,
    ran: 6,
    passed: 6,
    seconds: 0.42,
    leftoverIdentities: 0,
    leftoverThreads: 0,
    keptOnPurpose: false,
    keep: false,
    identities: { leftByThisRun: [], keptForNextStep: [], leftByEarlierRuns: [] },
    threads: { leftByThisRun: [], leftByEarlierRuns: [], undeletable: [] },
    storeFile: ".quickstart/identities.json",
    ...overrides,
  };
}

function playRun(json: boolean) {
  const io = collect();
  const reporter = createReporter(json, io.stdout, io.stderr);
  reporter.mode("emulator", "https://acs-emulator.localhost/", "Mode: emulator");
  reporter.stepStart(step, 1, 6);
  reporter.output(step, "Issued an access token");
  reporter.stepEnd(step, { ok: false, ms: 12, diagnosis });
  reporter.note("Clean-up: deleting 1 identity this run made…");
  reporter.summary(summaryOf({ ok: false, outcome: "failed", ran: 2, passed: 1 }));
  return io;
}

describe("--json", () => {
  it("writes only events on stdout, one JSON object a line, and the text for a person on stderr", () => {
    const { out, err } = playRun(true);
    const events = out
      .join("")
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events).toEqual([
      { v: 1, event: "mode", mode: "emulator", endpoint: "https://acs-emulator.localhost/" },
      { v: 1, event: "step-start", step: step.id, title: step.title, index: 2, total: 6 },
      { v: 1, event: "output", step: step.id, text: "Issued an access token" },
      {
        v: 1,
        event: "step-end",
        step: step.id,
        ok: false,
        ms: 12,
        error: { code: "throttled", summary: "Too many requests.", fix: "Wait a little." },
      },
      {
        v: 1,
        event: "summary",
        ok: false,
        outcome: "failed",
        mode: "emulator",
        selected: 6,
        steps: 2,
        passed: 1,
        seconds: 0.42,
        leftoverIdentities: 0,
        leftoverThreads: 0,
        identities: { leftByThisRun: [], keptForNextStep: [], leftByEarlierRuns: [] },
        threads: { leftByThisRun: [], leftByEarlierRuns: [], undeletable: [] },
      },
    ]);
    for (const event of events) expect(validateEvent(event), JSON.stringify(event)).toEqual([]);
    expect(err.join("")).toContain("Clean-up: deleting 1 identity");
    expect(err.join("")).toContain("Fix: Wait a little.");
  });

  it("an interrupted step says which signal stopped it", () => {
    const io = collect();
    createReporter(true, io.stdout, io.stderr).stepEnd(step, {
      ok: false,
      ms: 5,
      diagnosis,
      interrupted: "SIGTERM",
    });
    expect(JSON.parse(io.out.join(""))).toMatchObject({ ok: false, interrupted: "SIGTERM" });
    expect(io.err.join("")).toContain("✖ stopped by SIGTERM (5 ms)");
  });
});

describe("for a person", () => {
  it("numbers the steps, shows what they printed, the diagnosis with its fix, and one summary line", () => {
    const { out, err } = playRun(false);
    const text = out.join("");
    expect(err).toEqual([]);
    expect(text).toContain(`\n[2/6] ${step.title}  (${step.id})\n`);
    expect(text).toContain("Issued an access token\n");
    expect(text).toContain("✖ failed (12 ms)\nToo many requests.\n  HTTP 429\nFix: Wait a little.\n");
    expect(text).toContain(
      "\nFailed: 1 of 6 steps ok in 0.4 s (emulator mode). Identities left behind: 0.\n",
    );
    expect(text).not.toContain("{");
  });

  it.each([
    [summaryOf(), "Done: 6 of 6 steps ok in 0.4 s (emulator mode). Identities left behind: 0."],
    [
      summaryOf({ ok: false, outcome: "interrupted", mode: "live", passed: 2, selected: 6 }),
      "Interrupted: 2 of 6 steps ok in 0.4 s (live mode). Identities left behind: 0.",
    ],
    [
      summaryOf({ ok: false, outcome: "cleanup-failed", leftoverIdentities: 1 }),
      "Clean-up failed: 6 of 6 steps ok in 0.4 s (emulator mode). Identities left behind: 1.",
    ],
    [
      summaryOf({ selected: 1, passed: 1, leftoverIdentities: 1, keptOnPurpose: true }),
      "Done: 1 of 1 step ok in 0.4 s (emulator mode). Identities left behind: 1 (kept on purpose).",
    ],
  ])("summary %#", (summary, line) => {
    const io = collect();
    createReporter(false, io.stdout, io.stderr).summary(summary);
    expect(io.out.join("").trim()).toBe(line);
  });
});

describe("the summary's chat threads (part two)", () => {
  const a = "8:acs:r_a";
  const b = "8:acs:r_b";
  it("lists each thread by id with the identity that can delete it, and the command that deletes them", () => {
    const io = collect();
    createReporter(false, io.stdout, io.stderr).summary(
      summaryOf({
        selected: 1,
        passed: 1,
        leftoverIdentities: 1,
        leftoverThreads: 1,
        keptOnPurpose: true,
        keep: true,
        identities: { leftByThisRun: [a], keptForNextStep: [], leftByEarlierRuns: [] },
        threads: {
          leftByThisRun: [{ thread: "19:t1@thread.v2", identity: a, appUser: "alice" }],
          leftByEarlierRuns: [{ thread: "19:t2@thread.v2", identity: b }],
          undeletable: [{ thread: "19:t3@thread.v2", identity: "8:acs:r_gone" }],
        },
      }),
    );
    expect(io.out.join("").trim().split("\n")).toEqual([
      "Done: 1 of 1 step ok in 0.4 s (emulator mode). Identities left behind: 1 (kept on purpose). Chat threads left behind: 1.",
      `  Left by this run (--keep): ${a}.`,
      `  Chat threads left by this run (--keep): 19:t1@thread.v2 (made by alice: ${a}).`,
      `  Chat threads left by earlier runs, still in .quickstart/identities.json: 19:t2@thread.v2 (made by ${b}).`,
      "  Chat threads that cannot be deleted any more (the identity that made them no longer exists; only a participant can delete a thread): 19:t3@thread.v2 (made by 8:acs:r_gone).",
      "  To delete every chat thread and identity stored for this resource: npm run quickstart -- --clean-up",
    ]);
  });

  it("a thread clean-up could not delete is 'not deleted', also when the shared identity is kept for the next step", () => {
    const io = collect();
    createReporter(false, io.stdout, io.stderr).summary(
      summaryOf({
        ok: false,
        outcome: "cleanup-failed",
        leftoverThreads: 1,
        keptOnPurpose: true,
        threads: {
          leftByThisRun: [{ thread: "19:t1@thread.v2", identity: a }],
          leftByEarlierRuns: [],
          undeletable: [],
        },
      }),
    );
    expect(io.out.join("")).toContain(
      `  Chat threads left by this run, not deleted: 19:t1@thread.v2 (made by ${a}).`,
    );
  });
});

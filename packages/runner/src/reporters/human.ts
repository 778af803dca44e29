/** The run as a person reads it in a terminal. */
import { formatDiagnosis } from "@acs-quickstart/core";
import { PARTS } from "../steps.js";
import type { Reporter, RunSummary, StepResult, ThreadLeft, Writer } from "./reporter.js";

/** `1 identity`, `3 identities`, `2 chat threads`. */
export function plural(n: number, word: string): string {
  if (n === 1) return `${n} ${word}`;
  return `${n} ${/[^aeiou]y$/.test(word) ? `${word.slice(0, -1)}ies` : `${word}s`}`;
}

/** `19:acsV1_…@thread.v2 (made by alice: 8:acs:…)`: a thread and the identity that can delete it. */
const threadList = (threads: readonly ThreadLeft[]) =>
  threads
    .map(({ thread, identity, appUser }) => `${thread} (made by ${appUser ? `${appUser}: ` : ""}${identity})`)
    .join(", ");

const OUTCOME: Record<RunSummary["outcome"], string> = {
  done: "Done",
  failed: "Failed",
  interrupted: "Interrupted",
  "cleanup-failed": "Clean-up failed",
};

export function humanReporter(out: Writer, cleanUpCommand = "npm run quickstart -- --clean-up"): Reporter {
  const say = (text = "") => out.write(`${text}\n`);
  return {
    setupError: (_kind, message) => say(message),
    list: (steps) =>
      steps.forEach((step, i) => {
        if (steps[i - 1]?.part !== step.part) {
          const how = step.part === 1 ? "npm run quickstart" : `npm run quickstart -- --part ${step.part}`;
          say(`${i > 0 ? "\n" : ""}Part ${step.part}: ${PARTS[step.part]} (${how})`);
        }
        say(`${i + 1}. ${step.id.padEnd(26)} ${step.title} — docs/en/${step.page}`);
      }),
    notice: (notice) => say(`Note: ${notice.message}`),
    mode: (_name, _endpoint, announce) => say(announce),
    stepStart: (step, index, total) => say(`\n[${index + 1}/${total}] ${step.title}  (${step.id})`),
    stepCode(step, regions) {
      say(`      Code (${step.source}):`);
      for (const [name, code] of regions) {
        say(`      ── ${name}`);
        say(
          code
            .split("\n")
            .map((line) => `      │ ${line}`)
            .join("\n"),
        );
      }
      say(`      Tutorial page: docs/en/${step.page} (中文: docs/zh-CN/${step.page})`);
    },
    output: (_step, text) => say(text),
    stepEnd(_step, result: StepResult) {
      if (result.ok) say(`✔ ok (${result.ms} ms)`);
      else if (result.interrupted) say(`✖ stopped by ${result.interrupted} (${result.ms} ms)`);
      else
        say(`✖ failed (${result.ms} ms)${result.diagnosis ? `\n${formatDiagnosis(result.diagnosis)}` : ""}`);
    },
    identityCreated: () => {}, // the step's own output says so
    identityDeleted: (identity, step) => {
      if (!step) say(`  deleted ${identity}`);
    },
    threadCreated: () => {}, // the step's own output says so
    threadDeleted: (thread, step) => {
      if (!step) say(`  deleted ${thread}`);
    },
    tokenIssued: () => {}, // the step's own output shows it
    note: say,
    summary(s) {
      const kept = s.keptOnPurpose && s.leftoverIdentities > 0 ? " (kept on purpose)" : "";
      say(
        `\n${OUTCOME[s.outcome]}: ${s.passed} of ${plural(s.selected, "step")} ok in ${s.seconds.toFixed(1)} s ` +
          `(${s.mode} mode). Identities left behind: ${s.leftoverIdentities}${kept}.` +
          (s.leftoverThreads > 0 ? ` Chat threads left behind: ${s.leftoverThreads}.` : ""),
      );
      const { leftByThisRun, keptForNextStep, leftByEarlierRuns } = s.identities;
      const lines = [
        ...(keptForNextStep.length > 0
          ? [
              `  Kept for the next step: ${keptForNextStep.join(", ")}${s.deletingStep ? ` (step ${s.deletingStep.number}, ${s.deletingStep.id}, deletes it)` : ""}.`,
            ]
          : []),
        ...(leftByThisRun.length > 0
          ? [
              `  Left by this run${s.keptOnPurpose ? " (--keep)" : ", not deleted"}: ${leftByThisRun.join(", ")}.`,
            ]
          : []),
        ...(leftByEarlierRuns.length > 0
          ? [`  Left by earlier runs, still in ${s.storeFile}: ${leftByEarlierRuns.join(", ")}.`]
          : []),
      ];
      const threads = [
        ...(s.threads.leftByThisRun.length > 0
          ? [
              `  Chat threads left by this run${s.keep ? " (--keep)" : ", not deleted"}: ${threadList(s.threads.leftByThisRun)}.`,
            ]
          : []),
        ...(s.threads.leftByEarlierRuns.length > 0
          ? [
              `  Chat threads left by earlier runs, still in ${s.storeFile}: ${threadList(s.threads.leftByEarlierRuns)}.`,
            ]
          : []),
      ];
      const what = threads.length > 0 ? "chat thread and identity" : "identity";
      const undeletable = s.threads.undeletable;
      const all = [
        ...lines,
        ...threads,
        ...(undeletable.length > 0
          ? [
              `  Chat threads that cannot be deleted any more (the identity that made them no longer exists; only a participant can delete a thread): ${threadList(undeletable)}.`,
            ]
          : []),
        ...(lines.length + threads.length > 0
          ? [`  To delete every ${what} stored for this resource: ${cleanUpCommand}`]
          : []),
      ];
      if (all.length > 0) say(all.join("\n"));
    },
  };
}

/** The run as a person reads it in a terminal. */
import { formatDiagnosis } from "@acs-quickstart/core";
import { PARTS } from "../steps.js";
import type { Reporter, RunSummary, StepResult, Writer } from "./reporter.js";

/** `1 identity`, `3 identities`, `2 chat threads`. */
export function plural(n: number, word: string): string {
  if (n === 1) return `${n} ${word}`;
  return `${n} ${/[^aeiou]y$/.test(word) ? `${word.slice(0, -1)}ies` : `${word}s`}`;
}

const OUTCOME: Record<RunSummary["outcome"], string> = {
  done: "Done",
  failed: "Failed",
  interrupted: "Interrupted",
  "cleanup-failed": "Clean-up failed",
};

export function humanReporter(out: Writer): Reporter {
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
      if (lines.length > 0)
        say(
          [
            ...lines,
            "  To delete every identity stored for this resource: npm run quickstart -- --clean-up",
          ].join("\n"),
        );
    },
  };
}

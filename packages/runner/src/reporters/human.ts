/** The run as a person reads it in a terminal. */
import { formatDiagnosis } from "@acs-quickstart/core";
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
    note: say,
    summary(s) {
      const kept = s.keptOnPurpose && s.leftoverIdentities > 0 ? " (kept on purpose)" : "";
      say(
        `\n${OUTCOME[s.outcome]}: ${s.passed} of ${plural(s.selected, "step")} ok in ${s.seconds.toFixed(1)} s ` +
          `(${s.mode} mode). Identities left behind: ${s.leftoverIdentities}${kept}.` +
          (s.leftoverThreads > 0 ? ` Chat threads left behind: ${s.leftoverThreads}.` : ""),
      );
    },
  };
}

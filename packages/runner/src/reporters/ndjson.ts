/** `--json`: one JSON object a line on stdout, for programs (`npm run -s quickstart -- --json | jq`). */
import type { Reporter, Writer } from "./reporter.js";

export function ndjsonReporter(out: Writer): Reporter {
  const event = (value: Record<string, unknown>) => out.write(`${JSON.stringify(value)}\n`);
  return {
    setupError: (kind, message) => event({ event: "error", kind, message }),
    mode: (mode, endpoint) => event({ event: "mode", mode, endpoint }),
    stepStart: (step) => event({ event: "step-start", step: step.id, title: step.title }),
    stepCode: () => {},
    output: (step, text) => event({ event: "output", step: step.id, text }),
    stepEnd(step, result) {
      event({
        event: "step-end",
        step: step.id,
        ok: result.ok,
        ms: result.ms,
        ...(result.ok || !result.diagnosis
          ? {}
          : { error: { code: result.diagnosis.code, summary: result.diagnosis.summary } }),
        ...(result.interrupted ? { interrupted: result.interrupted } : {}),
      });
    },
    note: () => {},
    summary: (s) =>
      event({
        event: "summary",
        ok: s.ok,
        mode: s.mode,
        steps: s.ran,
        passed: s.passed,
        leftoverIdentities: s.leftoverIdentities,
        leftoverThreads: s.leftoverThreads,
      }),
  };
}

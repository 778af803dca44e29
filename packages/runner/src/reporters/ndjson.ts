/** `--json`: one JSON object a line on stdout, for programs (`npm run -s quickstart -- --json | jq`). */
import type { Reporter, Writer } from "./reporter.js";

/** The version of the events' schema (packages/runner/schema/events-v1.json), in every event as `v`. */
export const EVENTS_VERSION = 1;

export function ndjsonReporter(out: Writer): Reporter {
  const event = (value: Record<string, unknown>) =>
    out.write(`${JSON.stringify({ v: EVENTS_VERSION, ...value })}\n`);
  return {
    setupError: (kind, message) => event({ event: "error", kind, message }),
    list: (steps) =>
      event({
        event: "list",
        steps: steps.map(({ id, part, title, page }) => ({ id, part, title, page })),
      }),
    notice: (notice) => event({ event: "notice", ...notice }),
    mode: (mode, endpoint) => event({ event: "mode", mode, endpoint }),
    stepStart: (step, index, total) =>
      event({ event: "step-start", step: step.id, title: step.title, index: index + 1, total }),
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
          : {
              error: {
                code: result.diagnosis.code,
                summary: result.diagnosis.summary,
                fix: result.diagnosis.fix,
              },
            }),
        ...(result.interrupted ? { interrupted: result.interrupted } : {}),
      });
    },
    identityCreated: (step, identity, shared) =>
      event({ event: "identity-created", step: step.id, identity, shared }),
    identityDeleted: (identity, step) =>
      event({
        event: "identity-deleted",
        ...(step ? { step: step.id } : {}),
        identity,
        by: step ? "step" : "clean-up",
      }),
    threadCreated: (step, thread, identity, appUser) =>
      event({
        event: "thread-created",
        step: step.id,
        thread,
        identity,
        ...(appUser !== undefined ? { appUser } : {}),
      }),
    threadDeleted: (thread, step) =>
      event({
        event: "thread-deleted",
        ...(step ? { step: step.id } : {}),
        thread,
        by: step ? "step" : "clean-up",
      }),
    tokenIssued: (step, identity, token, expiresOn, scopes, appUser) =>
      event({
        event: "token-issued",
        step: step.id,
        identity,
        token,
        expiresOn: expiresOn.toISOString(),
        scopes,
        ...(appUser !== undefined ? { appUser } : {}),
      }),
    note: () => {},
    summary: (s) =>
      event({
        event: "summary",
        ok: s.ok,
        outcome: s.outcome,
        mode: s.mode,
        selected: s.selected,
        steps: s.ran,
        passed: s.passed,
        seconds: Math.round(s.seconds * 1000) / 1000,
        leftoverIdentities: s.leftoverIdentities,
        leftoverThreads: s.leftoverThreads,
        identities: s.identities,
        threads: s.threads,
      }),
  };
}

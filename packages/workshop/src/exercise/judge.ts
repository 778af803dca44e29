/**
 * What `verify` concludes from one run of a learner's code: the Identity API requests the emulator's journal
 * saw while the code ran, compared with the requests the step's exercise expects (the registry's
 * `exercise.requests`), plus what the run left behind, printed, or threw. Pure: no I/O here.
 */
import type { ExpectedRequest, IdentityOperation, StepExercise } from "@acs-quickstart/runner";

/** A request of the Identity API as the emulator's journal saw it. */
export interface ObservedRequest {
  operation: string;
  status: number;
  /** The service's error code of an error answer. */
  errorCode?: string;
  /** The identity in the path (issue, revoke, delete), or the one a create made (201). */
  identity?: string;
  /** The scopes asked for (issue; a create with `createTokenWithScopes`). */
  scopes?: string[];
  /** `expiresInMinutes` as sent; absent when none was sent. */
  expiresInMinutes?: number;
}

/** What the run was given, and what happened outside the requests. */
export interface Attempt {
  exercise: StepExercise;
  /** The identity the step was given (a step that uses the shared identity), its scopes and lifetime. */
  given: { identity?: string; scopes: string[]; expiresInMinutes: number };
  /** The Identity API requests the code sent, in order. */
  requests: ObservedRequest[];
  /** What the code threw, worded (core's diagnosis), if it did. */
  error?: string;
  /** What a check of the step (e.g. that revocation works) found wrong, if anything. */
  checkError?: string;
  /** What the code printed. */
  output: string;
  /** Whether it printed an access token in full (a token must be masked). */
  printedToken: boolean;
  /** Identities the code reported to the run (the step's hook: `session.created`), so clean-up deletes them. */
  reported: string[];
}

/**
 * A compile error in a sample's file, as esbuild reported it when scripts/launch-bundled.mjs bundled the
 * exercise command (see its `compileErrors`).
 */
export interface CompileError {
  /** The file, from the repository's root, with `/`. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, in characters (esbuild's `column` counts bytes from 0). */
  column: number;
  /** esbuild's message, e.g. `Expected ")" but found ";"`. */
  text: string;
  /** The error as esbuild shows it (its formatMessages, without colours): the message, the line, a caret. */
  shown: string;
}

/** One thing the run got wrong. `index` counts the expected requests from 0. */
export type Failure =
  /** The step's sample does not compile: its code did not run. */
  | { kind: "compile"; errors: CompileError[] }
  | { kind: "error"; message: string }
  | { kind: "check"; message: string }
  | { kind: "missing"; index: number; expected: ExpectedRequest; identity?: string }
  | { kind: "operation"; index: number; expected: ExpectedRequest; actual: ObservedRequest }
  | { kind: "extra"; actual: ObservedRequest }
  | { kind: "scopes"; index: number; expected: string[] | "none"; actual: string[] }
  | { kind: "lifetime"; index: number; expected: number | "default"; actual: number | undefined }
  | { kind: "identity"; index: number; expected: string; actual: string }
  | { kind: "cleanup"; identities: string[] }
  | { kind: "secret" };

/** Operations on an existing identity: their path names it, and it must be the one the step was given. */
const ON_IDENTITY: readonly IdentityOperation[] = [
  "issueAccessToken",
  "revokeAccessTokens",
  "deleteIdentity",
];

/** The order failures are told in: what went wrong first, then the details, then what was left. */
const ORDER: readonly Failure["kind"][] = [
  "compile",
  "error",
  "operation",
  "missing",
  "identity",
  "scopes",
  "lifetime",
  "extra",
  "cleanup",
  "secret",
  "check",
];

/**
 * Every failure of an attempt, most telling first; none means it passed. Each expected request is matched with
 * the next request of its operation (what the code sent in between is extra); an expected request with no such
 * request is a wrong operation when the code sent another one in its place, else missing.
 */
export function judge(attempt: Attempt): Failure[] {
  const failures: Failure[] = [];
  const { exercise, given, requests } = attempt;
  if (attempt.error !== undefined) failures.push({ kind: "error", message: attempt.error });
  let next = 0;
  exercise.requests.forEach((expected, index) => {
    const found = requests.findIndex((r, i) => i >= next && r.operation === expected.operation);
    if (found < 0) {
      const instead = requests[next];
      // A request of another operation where this one belongs: the wrong call.
      const laterExpected = exercise.requests
        .slice(index + 1)
        .some((e) => e.operation === instead?.operation);
      if (instead && !laterExpected) {
        failures.push({ kind: "operation", index, expected, actual: instead });
        next += 1;
      } else if (attempt.error === undefined) {
        // After an error the rest was never sent: the error says why.
        failures.push({
          kind: "missing",
          index,
          expected,
          ...(given.identity ? { identity: given.identity } : {}),
        });
      }
      return;
    }
    for (const extra of requests.slice(next, found)) failures.push({ kind: "extra", actual: extra });
    next = found + 1;
    failures.push(...details(expected, requests[found] as ObservedRequest, index, given));
  });
  for (const extra of requests.slice(next)) failures.push({ kind: "extra", actual: extra });
  // Identities the code made and neither handed to the run (which deletes them) nor deleted: left behind.
  const created = requests.filter((r) => r.operation === "createIdentity" && r.status === 201 && r.identity);
  const deleted = new Set(
    requests.filter((r) => r.operation === "deleteIdentity" && r.status < 300).map((r) => r.identity),
  );
  const leftBehind = created
    .map((r) => r.identity as string)
    .filter((id) => !attempt.reported.includes(id) && !deleted.has(id));
  if (leftBehind.length > 0) failures.push({ kind: "cleanup", identities: leftBehind });
  if (attempt.printedToken) failures.push({ kind: "secret" });
  if (attempt.checkError !== undefined) failures.push({ kind: "check", message: attempt.checkError });
  return failures
    .map((failure, position) => ({ failure, position }))
    .sort((a, b) => ORDER.indexOf(a.failure.kind) - ORDER.indexOf(b.failure.kind) || a.position - b.position)
    .map(({ failure }) => failure);
}

/** What differs between a request and the one expected: its identity, scopes, lifetime. */
function details(
  expected: ExpectedRequest,
  actual: ObservedRequest,
  index: number,
  given: Attempt["given"],
): Failure[] {
  const failures: Failure[] = [];
  if (ON_IDENTITY.includes(expected.operation) && given.identity && actual.identity !== given.identity) {
    failures.push({ kind: "identity", index, expected: given.identity, actual: actual.identity ?? "?" });
  }
  if (expected.scopes === "none" && actual.scopes !== undefined) {
    failures.push({ kind: "scopes", index, expected: "none", actual: actual.scopes });
  } else if (expected.scopes === "given" && !sameSet(actual.scopes ?? [], given.scopes)) {
    failures.push({ kind: "scopes", index, expected: given.scopes, actual: actual.scopes ?? [] });
  }
  if (expected.lifetime === "default" && actual.expiresInMinutes !== undefined) {
    failures.push({ kind: "lifetime", index, expected: "default", actual: actual.expiresInMinutes });
  } else if (expected.lifetime === "given" && actual.expiresInMinutes !== given.expiresInMinutes) {
    failures.push({
      kind: "lifetime",
      index,
      expected: given.expiresInMinutes,
      actual: actual.expiresInMinutes,
    });
  }
  return failures;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return new Set(a).size === new Set(b).size && a.every((x) => b.includes(x));
}

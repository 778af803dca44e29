/**
 * `npm run exercise -- verify STEP`: runs the learner's code for a step (the step's `run` hook from the
 * registry, which calls the sample as it is in the folder now) on a fresh in-process emulator, records the
 * Identity API requests it sends from the emulator's request journal, and judges them (./judge.ts).
 *
 * The step is given scopes and a lifetime that differ from the tutorial's defaults (`chat, voip` and 90
 * minutes), so that code which writes its own instead of passing the parameters on is found out; a step that
 * uses the shared identity is given one made for it first.
 */
import { createIdentityClient, diagnose, formatDiagnosis } from "@acs-quickstart/core";
import { createEmulatorAdminClient, type RequestJournalEvent } from "@acs-quickstart/emulator";
import { startInProcessEmulator } from "@acs-quickstart/emulator/in-process";
import {
  capturingConsole,
  type StepContext,
  type StepSession,
  type TutorialStep,
} from "@acs-quickstart/runner";
import type { TokenScope } from "@azure/communication-identity";
import { type Attempt, type CompileError, type Failure, judge, type ObservedRequest } from "./judge.js";

/** What verify gives every step: not the tutorial's defaults (`voip`, 24 hours), to see they are passed on. */
export const VERIFY_SCOPES: readonly TokenScope[] = ["chat", "voip"];
export const VERIFY_LIFETIME_MINUTES = 90;

/** A full JWT in what the code printed: an access token that was not masked. */
const FULL_TOKEN = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]{16,}/;

export interface VerifyOptions {
  /** The emulator's signing key (PKCS#8 PEM); default a new one (tests pass one made once per process). */
  signingKey?: string;
  /**
   * The samples' compile errors (scripts/launch-bundled.mjs found them, and bundled the committed version of
   * those files instead): a step whose sample has one fails without running.
   */
  compileErrors?: readonly CompileError[];
}

/** Whether `file` (from the root) is in the step's sample folder. */
export function inSample(step: TutorialStep, file: string): boolean {
  return file.startsWith(`${step.sample}/`);
}

export interface VerifyResult {
  given: Attempt["given"];
  /** The Identity API requests the code sent, from the journal. */
  requests: ObservedRequest[];
  output: string;
  /** None: passed. */
  failures: Failure[];
}

/** Runs the step's code on a fresh emulator and judges what it did. */
export async function verifyStep(step: TutorialStep, options: VerifyOptions = {}): Promise<VerifyResult> {
  const exercise = step.exercise;
  if (!exercise) throw new Error(`${step.id} is not an exercise.`);
  const given: Attempt["given"] = { scopes: [...VERIFY_SCOPES], expiresInMinutes: VERIFY_LIFETIME_MINUTES };
  const broken = (options.compileErrors ?? []).filter((error) => inSample(step, error.file));
  if (broken.length > 0) {
    // What would run is not the learner's code (the launcher put the committed file in its place): nothing runs.
    return { given, requests: [], output: "", failures: [{ kind: "compile", errors: broken }] };
  }
  const requests: ObservedRequest[] = [];
  let recording = false;
  const acs = await startInProcessEmulator({
    endpoint: "https://acs-exercise.localhost",
    ...(options.signingKey !== undefined ? { signingKey: options.signingKey } : {}),
    onRequest: (event) => {
      if (recording && event.route === "api") requests.push(observed(event));
    },
  });
  try {
    const retryOptions = { retryDelayInMs: 10, maxRetryDelayInMs: 40 };
    const client = await createIdentityClient(
      { kind: "connection-string", endpoint: acs.endpoint, connectionString: acs.connectionString },
      { ignoreProxy: true, retryOptions },
    );
    const admin = createEmulatorAdminClient({ endpoint: acs.endpoint, accessKey: acs.emulator.accessKey });
    const scopes = [...VERIFY_SCOPES];
    if (step.sharedIdentity === "uses") given.identity = (await client.createUser()).communicationUserId;
    const reported: string[] = [];
    const issued: Array<{ identity: string; token: string }> = [];
    const session: StepSession = {
      identity: async () => {
        if (given.identity === undefined) throw new Error(`${step.id} does not use an identity it is given.`);
        return { communicationUserId: given.identity };
      },
      created: async (identity) => {
        reported.push(identity.communicationUserId);
      },
      // Exercises are part one's steps: no app users, no chat threads.
      appUserIdentity: async () => undefined,
      threadCreated: () => {},
      deleted: async () => {},
      tokenIssued: (identity, { token }) => {
        issued.push({ identity: identity.communicationUserId, token });
      },
      tokens: (identity) =>
        issued.filter((t) => t.identity === identity.communicationUserId).map((t) => t.token),
    };
    const context: StepContext = {
      client,
      endpoint: acs.endpoint,
      clientOptions: { retryOptions },
      services: {},
      scopes,
      expiresInMinutes: VERIFY_LIFETIME_MINUTES,
      session,
      validateToken: (token) => admin.validateToken(token),
    };
    let output = "";
    let error: string | undefined;
    let checkError: string | undefined;
    // Only what the learner's code prints, on any stream (runner's capturingConsole): a check's own lines
    // (before and after it) are the runner's, and not shown.
    await capturingConsole(
      () => {},
      async () => {
        try {
          for (const check of step.checks ?? []) await check.before?.(context);
        } catch (e) {
          checkError = formatDiagnosis(diagnose(e));
          return; // the step's preparation failed: its code did not run
        }
        recording = true;
        try {
          await capturingConsole(
            (text) => {
              output += `${text}\n`;
            },
            () => step.run(context),
          );
        } catch (e) {
          error = formatDiagnosis(diagnose(e));
        } finally {
          recording = false;
        }
        if (error !== undefined) return;
        try {
          for (const check of step.checks ?? []) await check.after?.(context);
        } catch (e) {
          checkError = (e as Error).message;
        }
      },
    );
    const attempt: Attempt = {
      exercise,
      given,
      requests,
      ...(error !== undefined ? { error } : {}),
      ...(checkError !== undefined ? { checkError } : {}),
      output,
      printedToken: FULL_TOKEN.test(output),
      reported,
    };
    return { given, requests, output: maskTokens(output), failures: judge(attempt) };
  } finally {
    await acs.close();
  }
}

/** The output as it is shown back: a token printed in full is masked there too. */
function maskTokens(output: string): string {
  return output.replace(new RegExp(FULL_TOKEN.source, "g"), (jwt) => `${jwt.slice(0, 12)}…`);
}

function observed(event: RequestJournalEvent): ObservedRequest {
  return {
    operation: event.operation ?? "(none)",
    status: event.status,
    ...(event.errorCode !== undefined ? { errorCode: event.errorCode } : {}),
    ...(event.identity !== undefined ? { identity: event.identity } : {}),
    ...(event.scopes !== undefined ? { scopes: event.scopes } : {}),
    ...(event.expiresInMinutes !== undefined ? { expiresInMinutes: event.expiresInMinutes } : {}),
  };
}

/**
 * `npm run exercise -- verify`: the samples as they are (the tutorial's solutions) pass; code with a typical
 * mistake (wrong scope, no custom lifetime, no clean-up, wrong operation, a token printed in full, another
 * identity, a service error) fails with what is wrong and how to fix it, judged from the emulator's journal.
 * A mistake is the step's own hook calling code a learner could have written instead of the sample's.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "@acs-quickstart/common";
import { maskToken } from "@acs-quickstart/core";
import { testSigningKey } from "@acs-quickstart/emulator/testing";
import { findStep, STEPS, type StepContext, type TutorialStep } from "@acs-quickstart/runner";
import { formatMessages, type Message, transform } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { type CompileError, type Failure, runExerciseCommand, verifyStep } from "../src/index.js";

const EXERCISES = (STEPS as readonly TutorialStep[]).filter((step) => step.exercise);
const options = async () => ({ signingKey: await testSigningKey() });

/** The step of the registry whose exercise expects these operations (no step is named here). */
function stepExpecting(...operations: string[]): TutorialStep {
  const step = EXERCISES.find(
    (s) => JSON.stringify(s.exercise?.requests.map((r) => r.operation)) === JSON.stringify(operations),
  );
  if (!step) throw new Error(`No exercise expects ${operations.join(", ")}`);
  return step;
}

/** The same step, its hook calling the learner's code instead of the sample's. */
const withCode = (step: TutorialStep, run: (context: StepContext) => Promise<void>): TutorialStep => ({
  ...step,
  run,
});

const kinds = (failures: Failure[]) => failures.map((f) => f.kind);

describe.each(EXERCISES.map((step) => ({ step })))("$step.id as the tutorial writes it", ({ step }) => {
  it("passes: the requests the exercise expects, nothing left behind, no token in full", async () => {
    const result = await verifyStep(step, await options());
    expect(result.failures).toEqual([]);
    expect(result.requests.map((r) => r.operation)).toEqual(step.exercise?.requests.map((r) => r.operation));
    expect(result.requests.every((r) => r.status < 300)).toBe(true);
  });
});

describe("typical mistakes fail, each with its hint", () => {
  const issueTwice = stepExpecting("issueAccessToken", "issueAccessToken");

  it("wrong scope: a list of its own instead of the scopes it was given", async () => {
    const result = await verifyStep(
      withCode(issueTwice, async ({ client, session, scopes, expiresInMinutes }) => {
        const identity = await session.identity();
        await client.getToken(identity, ["voip"]);
        await client.getToken(identity, scopes, { tokenExpiresInMinutes: expiresInMinutes });
      }),
      await options(),
    );
    expect(result.failures).toEqual([
      { kind: "scopes", index: 0, expected: ["chat", "voip"], actual: ["voip"] },
    ]);
    expect(await verdictText(issueTwice, result)).toContain(
      "Wrong scopes: request 1 asked for 'voip', but the step was given 'chat, voip'. Pass the `scopes` parameter on",
    );
  });

  it("no custom lifetime: the second token without tokenExpiresInMinutes", async () => {
    const result = await verifyStep(
      withCode(issueTwice, async ({ client, session, scopes }) => {
        const identity = await session.identity();
        await client.getToken(identity, scopes);
        await client.getToken(identity, scopes);
      }),
      await options(),
    );
    expect(result.failures).toEqual([{ kind: "lifetime", index: 1, expected: 90, actual: undefined }]);
    expect(await verdictText(issueTwice, result)).toContain(
      "No custom lifetime: request 2 sent none, so the token lasts 24 hours; the step was given 90 minutes. Pass { tokenExpiresInMinutes }",
    );
  });

  it("a lifetime of its own, and a custom one where the default belongs", async () => {
    const result = await verifyStep(
      withCode(issueTwice, async ({ client, session, scopes }) => {
        const identity = await session.identity();
        await client.getToken(identity, scopes, { tokenExpiresInMinutes: 60 });
        await client.getToken(identity, scopes, { tokenExpiresInMinutes: 60 });
      }),
      await options(),
    );
    expect(result.failures).toEqual([
      { kind: "lifetime", index: 0, expected: "default", actual: 60 },
      { kind: "lifetime", index: 1, expected: 90, actual: 60 },
    ]);
  });

  it("no clean-up: the identity to delete is still there", async () => {
    const deleting = stepExpecting("deleteIdentity");
    const result = await verifyStep(
      withCode(deleting, async ({ session }) => {
        console.log(`Deleted the identity with ID: ${(await session.identity()).communicationUserId}`);
      }),
      await options(),
    );
    expect(kinds(result.failures)).toEqual(["missing"]);
    expect(await verdictText(deleting, result)).toMatch(
      /No clean-up: the identity 8:acs:\S+ still exists\. Delete it with identityClient\.deleteUser\(identity\)\./,
    );
  });

  it("no clean-up: an identity made on the side, neither returned nor deleted", async () => {
    const creating = stepExpecting("createIdentity");
    const result = await verifyStep(
      withCode(creating, async ({ client, session }) => {
        await client.createUser(); // a first try, forgotten
        await session.created(await client.createUser(), { shared: true });
      }),
      await options(),
    );
    expect(kinds(result.failures)).toEqual(["extra", "cleanup"]);
    expect(await verdictText(creating, result)).toMatch(
      /No clean-up: your code created 8:acs:\S+ and neither returned nor deleted it/,
    );
  });

  it("wrong operation: the identity deleted where its tokens should be revoked", async () => {
    const revoking = stepExpecting("revokeAccessTokens");
    const result = await verifyStep(
      withCode(revoking, async ({ client, session }) => {
        await client.deleteUser(await session.identity());
      }),
      await options(),
    );
    expect(result.failures[0]).toMatchObject({
      kind: "operation",
      index: 0,
      actual: { operation: "deleteIdentity" },
    });
    expect(await verdictText(revoking, result)).toContain(
      "Wrong operation: request 1 was deleteIdentity, but this step sends revokeAccessTokens there: identityClient.revokeTokens(identity).",
    );
  });

  it("wrong operation: two requests where one creates the identity and its token", async () => {
    // The step whose one request creates an identity and issues its token.
    const step = EXERCISES.find(
      (s) =>
        s.exercise?.requests.length === 1 &&
        s.exercise.requests[0]?.operation === "createIdentity" &&
        s.exercise.requests[0].scopes === "given",
    ) as TutorialStep;
    const result = await verifyStep(
      withCode(step, async ({ client, session, scopes, expiresInMinutes }) => {
        const user = await client.createUser();
        await client.getToken(user, scopes, { tokenExpiresInMinutes: expiresInMinutes });
        await session.created(user);
      }),
      await options(),
    );
    expect(kinds(result.failures)).toEqual(["scopes", "lifetime", "extra"]);
    expect(await verdictText(step, result)).toContain(
      "Request 1 asked for no access token, but this step's request issues one with 'chat, voip' too: identityClient.createUserAndToken(scopes, options).",
    );
    expect(await verdictText(step, result)).toContain(
      "An extra request: your code also sent issueAccessToken (identityClient.getToken(identity, scopes, options))",
    );
  });

  it("a token printed in full", async () => {
    const result = await verifyStep(
      withCode(issueTwice, async ({ client, session, scopes, expiresInMinutes }) => {
        const identity = await session.identity();
        console.log((await client.getToken(identity, scopes)).token);
        console.log(
          maskToken(
            (await client.getToken(identity, scopes, { tokenExpiresInMinutes: expiresInMinutes })).token,
          ),
        );
      }),
      await options(),
    );
    expect(kinds(result.failures)).toEqual(["secret"]);
    expect(result.output).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]{16,}/);
  });

  it.each([
    ["console.error(tokenResponse)", (t: { token: string }) => console.error(t)],
    ["console.warn", (t: { token: string }) => console.warn(`token: ${t.token}`)],
    ["console.info", (t: { token: string }) => console.info(t.token)],
    ["console.debug", (t: { token: string }) => console.debug(t.token)],
    ["console.dir", (t: { token: string }) => console.dir(t)],
    ["process.stdout.write", (t: { token: string }) => process.stdout.write(`${t.token}\n`)],
    ["process.stderr.write", (t: { token: string }) => process.stderr.write(t.token)],
  ])("a token printed in full with %s", async (_how, print) => {
    const result = await verifyStep(
      withCode(issueTwice, async ({ client, session, scopes, expiresInMinutes }) => {
        const identity = await session.identity();
        print(await client.getToken(identity, scopes));
        await client.getToken(identity, scopes, { tokenExpiresInMinutes: expiresInMinutes });
      }),
      await options(),
    );
    expect(kinds(result.failures)).toEqual(["secret"]);
    expect(result.output).toMatch(/eyJ[\w-]{9}…/);
    expect(result.output).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]{16,}/);
  });

  it("another identity than the one it was given", async () => {
    const result = await verifyStep(
      withCode(issueTwice, async ({ client, scopes, expiresInMinutes }) => {
        const mine = await client.createUser();
        await client.getToken(mine, scopes);
        await client.getToken(mine, scopes, { tokenExpiresInMinutes: expiresInMinutes });
      }),
      await options(),
    );
    expect(kinds(result.failures)).toEqual(["identity", "identity", "extra", "cleanup"]);
    expect(await verdictText(issueTwice, result)).toMatch(
      /Wrong identity: request 1 was for 8:acs:\S+, not for the identity the step was given \(8:acs:\S+\): use `identityResponse`\./,
    );
  });

  it("a request the service refuses: its diagnosis, and nothing said about what was never sent", async () => {
    const result = await verifyStep(
      withCode(issueTwice, async ({ client, session, scopes }) => {
        const identity = await session.identity();
        await client.getToken(identity, scopes);
        await client.getToken(identity, scopes, { tokenExpiresInMinutes: 30 });
      }),
      await options(),
    );
    expect(kinds(result.failures)).toEqual(["error", "lifetime"]);
    expect(result.failures[0]).toMatchObject({
      message: expect.stringContaining("ExpiresInMinutes value 30 is invalid"),
    });
    expect(result.requests.map((r) => `${r.operation} ${r.status} ${r.errorCode ?? ""}`.trim())).toEqual([
      "issueAccessToken 200",
      "issueAccessToken 400 ValidationError",
    ]);
  });

  it("code that is still a TODO: the error says which name is missing", async () => {
    const result = await verifyStep(
      withCode(issueTwice, async () => {
        throw new ReferenceError("tokenResponse is not defined");
      }),
      await options(),
    );
    expect(kinds(result.failures)).toEqual(["error"]);
    expect(result.failures[0]).toMatchObject({
      message: expect.stringContaining("tokenResponse is not defined"),
    });
  });
});

describe("npm run exercise -- verify", () => {
  const dir = mkdtempSync(join(tmpdir(), "acs-verify-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function exercise(args: string[], compileErrors?: CompileError[]) {
    let stdout = "";
    let stderr = "";
    const code = await runExerciseCommand(args, {
      env: { ACS_QUICKSTART_STATE_DIR: dir, LANG: "C" },
      envFile: false,
      verify: await options(),
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      now: () => new Date("2026-11-25T10:00:00Z"),
      ...(compileErrors ? { compileErrors } : {}),
    });
    return { code, stdout, stderr };
  }
  const progress = () => JSON.parse(readFileSync(join(dir, "exercises.json"), "utf8")).exercises;

  /**
   * The step's record as `start` leaves it (start itself is tested in exercise-files.test.ts, on a clone). The
   * file here stays the tutorial's code, which is what a correct attempt looks like.
   */
  function started(step: TutorialStep) {
    const file = join(dir, "exercises.json");
    const state = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : { version: 1, exercises: {} };
    state.exercises[step.id] = {
      startedAt: "2026-11-25T09:00:00.000Z",
      solution: "0".repeat(40),
      hintsShown: 0,
      attempts: 0,
      passedAt: null,
    };
    writeFileSync(file, JSON.stringify(state));
  }

  /** esbuild's error for the step's source with its first tutorial line broken, as the launcher hands it over. */
  async function compileError(step: TutorialStep): Promise<CompileError> {
    const source = readFileSync(join(repoRoot(import.meta.dirname), step.source), "utf8").replace(
      /\);\n/,
      ";\n",
    );
    const failure = (await transform(source, { loader: "ts", sourcefile: step.source }).then(
      () => undefined,
      (error: { errors: Message[] }) => error.errors[0],
    )) as Message;
    const { line, column, lineText } = failure.location as NonNullable<Message["location"]>;
    return {
      file: step.source,
      line,
      column: Buffer.from(lineText).subarray(0, column).toString().length + 1,
      text: failure.text,
      shown: (await formatMessages([failure], { kind: "error", color: false })).join(""),
    };
  }

  it("a step not started: exit 2, start it first; nothing is run or recorded", async () => {
    const step = EXERCISES[0] as TutorialStep;
    const run = await exercise(["verify", step.id]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `exercise: ${step.id} is not started: ${step.source} is still the tutorial's own code, and verify checks yours. Start it first: npm run exercise -- start ${step.id}\n`,
    );
    expect(run.stdout).toBe("");
    expect(existsSync(join(dir, "exercises.json"))).toBe(false);
    expect((await exercise(["list"])).stdout).toMatch(new RegExp(`${step.id} +not started\n`));
  });

  it("a pass: exit 0, what the code printed and sent, and the attempt in the progress file", async () => {
    const step = EXERCISES[0] as TutorialStep;
    started(step);
    const run = await exercise(["verify", step.id]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `Verify ${step.id}: your code ran on the built-in emulator with scopes 'chat, voip'`,
    );
    expect(run.stdout).toMatch(/The requests it sent \(the emulator's journal\):\n {2}1\. \w+/);
    expect(run.stdout).toContain("✔ Passed");
    expect(progress()[step.id]).toMatchObject({ attempts: 1, passedAt: "2026-11-25T10:00:00.000Z" });
  });

  it("in Chinese", async () => {
    const step = findStep(EXERCISES[1]?.id ?? "") as TutorialStep;
    started(step);
    const run = await exercise(["verify", step.id, "--lang", "zh-CN"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("✔ 通过");
  });

  it("code that does not compile: exit 1, where and why (esbuild's words), fix it or reset; nothing ran", async () => {
    const step = EXERCISES.at(-2) as TutorialStep;
    started(step);
    const error = await compileError(step);
    const run = await exercise(["verify", step.id], [error]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `Verify ${step.id}: ✘ not yet.\n  - Your code does not compile, so it did not run:\n`,
    );
    expect(run.stdout).toContain(`    ${step.source}:${error.line}:${error.column}: ${error.text}\n`);
    expect(run.stdout).toMatch(new RegExp(`\\n {6}${error.line} │ .*;\\n {6} +│ +\\^`));
    expect(run.stdout).toContain(
      `Fix it there (file:line:column), or put the tutorial's code back: npm run exercise -- reset ${step.id} (your attempt is kept).`,
    );
    expect(run.stdout).not.toContain("The requests it sent");
    expect(progress()[step.id]).toMatchObject({ attempts: 1, passedAt: null });
    const list = await exercise(["list"], [error]);
    expect(list.stdout).toMatch(new RegExp(`${step.id} +started, 1 attempt, does not compile\n`));
  });

  it("another step's sample that does not compile: this one runs, and the note says so", async () => {
    const [step, other] = [EXERCISES[0], EXERCISES.at(-1)] as [TutorialStep, TutorialStep];
    started(step);
    const run = await exercise(["verify", step.id], [await compileError(other)]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("✔ Passed");
    expect(run.stdout).toContain(
      `Note: ${other.source} does not compile either; this run used the file as git has it.`,
    );
  });
});

/** The verdict as `verify` prints it (English). */
async function verdictText(
  step: TutorialStep,
  result: Awaited<ReturnType<typeof verifyStep>>,
): Promise<string> {
  const { EXERCISE_WORDS } = await import("../src/exercise/messages.js");
  return EXERCISE_WORDS.en.verdict(step, result, {
    startedAt: null,
    solution: null,
    hintsShown: 0,
    attempts: 1,
    passedAt: null,
  });
}

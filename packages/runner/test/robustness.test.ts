/**
 * Interrupts at every point of a run, broken or busy state, and bad input: the runner in-process, in
 * sequence. Each case checks the exit code, the message, and that no identity is left behind.
 */

import { EventEmitter } from "node:events";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runQuickstart, STEP_IDS } from "../src/index.js";
import {
  emulatorIdentities,
  freshDir,
  type InProcessRun,
  NO_STACK,
  runInProcess,
  storedIdentities,
  summary,
} from "./helpers/in-process.js";

/** Both state files still parse (atomic writes), and nothing is left in the emulator or the store. */
function nothingLeft(run: InProcessRun, where = run.stderr) {
  expect(emulatorIdentities(run.stateDir), where).toEqual([]);
  expect(storedIdentities(run.stateDir), where).toEqual([]);
  expect(
    readdirSync(run.stateDir).filter((f) => f.endsWith(".tmp") || f.endsWith(".lock")),
    where,
  ).toEqual([]);
}

const OPERATION = {
  "create-identity": "createIdentity",
  "issue-access-token": "issueAccessToken",
  "create-identity-and-token": "createIdentity",
  "refresh-access-token": "issueAccessToken",
  "revoke-access-tokens": "revokeAccessTokens",
  "delete-identity": "deleteIdentity",
} as const;

export const INTERRUPT_RUNS = 2 * (1 + STEP_IDS.length) + 2;

describe("SIGINT and SIGTERM at any point leave nothing behind", () => {
  for (const name of ["SIGINT", "SIGTERM"] as const) {
    const code = name === "SIGINT" ? 130 : 143;
    it(`${name} right after start, and in the middle of each step's request`, async () => {
      const atStart = await runInProcess(["--json"], {
        onEvent: (event, signal) => event.event === "mode" && signal(name),
      });
      expect(atStart.code, atStart.stderr).toBe(code);
      expect(summary(atStart)).toMatchObject({ ok: false, leftoverIdentities: 0 });
      nothingLeft(atStart);
      for (const step of STEP_IDS) {
        // The step's own request hangs (2 s); the signal comes 30 ms into the step.
        const fault = { operation: OPERATION[step], delayMs: 2_000, times: 1 };
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
        if (OPERATION[step] === "createIdentity") {
          // A create is never cut off (the service may already have made the identity, and its id would be
          // lost): it finishes, the run stops after it, and clean-up deletes what it made.
          expect(last, where).toMatchObject({ step, ok: true });
          expect(run.stderr, where).toMatch(/Created an identity with ID: 8:acs:/);
          expect(run.stderr, where).toContain("deleted 8:acs:");
        } else {
          expect(last, where).toMatchObject({ step, ok: false, interrupted: name });
          expect(run.stderr, where).toContain(`✖ stopped by ${name}`);
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

const IS_ROOT = process.getuid?.() === 0;

describe("broken, busy or unwritable state", () => {
  const setupFails = async (prepare: (dir: string) => void, message: RegExp, args = ["--json"]) => {
    const dir = freshDir();
    prepare(dir);
    const run = await runInProcess(args, { env: { ACS_QUICKSTART_STATE_DIR: dir } });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.code, output).toBe(2);
    expect(output).toMatch(message);
    expect(output).toContain("Fix:");
    expect(output).not.toMatch(NO_STACK);
    expect(run.events.find((e) => e.event === "step-start")).toBeUndefined();
    return { run, dir };
  };

  it.each([
    ["not JSON", "{ oops", /identities\.json is not valid JSON/],
    ["truncated JSON", '{"version":1,"identities":[{"id":"8:acs:x_y",', /identities\.json is not valid JSON/],
    ["another version", '{"version":2,"identities":[]}', /identities\.json has version 2/],
    ["no identities list", '{"version":1}', /identities\.json is not of the form/],
    [
      "an entry without id",
      '{"version":1,"identities":[{"endpoint":"https://x/","createdAt":"2026-01-01T00:00:00Z"}]}',
      /identities\[0\] without an "id"/,
    ],
    [
      "an entry with a bad endpoint",
      '{"version":1,"identities":[{"id":"a","endpoint":"nope","createdAt":"2026-01-01T00:00:00Z"}]}',
      /without a valid "endpoint"/,
    ],
    [
      "a bad pendingCleanup",
      '{"version":1,"identities":[{"id":"a","endpoint":"https://x/","createdAt":"2026-01-01T00:00:00Z","pendingCleanup":"yes"}]}',
      /"pendingCleanup" is not true or false/,
    ],
  ])("identities.json that is %s: exit 2, the file named, nothing run", async (_, content, message) => {
    const { dir } = await setupFails((d) => writeFileSync(join(d, "identities.json"), content), message);
    expect(readFileSync(join(dir, "identities.json"), "utf8")).toBe(content); // left as it was
  });

  it("identities.json that is a folder: exit 2", async () => {
    await setupFails(
      (d) => mkdirSync(join(d, "identities.json")),
      /identities\.json cannot be read \(EISDIR\)/,
    );
  });

  it.each([
    ["not JSON", "{{{"],
    ["missing its key", '{"version":1,"identities":[]}'],
  ])("an emulator state file that is %s: exit 2, the file named", async (_, content) => {
    await setupFails(
      (d) => writeFileSync(join(d, "emulator-state.json"), content),
      /emulator-state\.json is corrupted .*\n.*Fix: +Delete/,
    );
  });

  it("a state folder that is a regular file, or lies under one: exit 2", async () => {
    const file = join(freshDir(), "a-file");
    writeFileSync(file, "");
    for (const dir of [file, join(file, "below")]) {
      const run = await runInProcess(["--json"], { env: { ACS_QUICKSTART_STATE_DIR: dir } });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        `The state folder ${dir} cannot be created: it, or a folder above it, is a file.`,
      );
      expect(run.stderr).toContain("Fix:      Set ACS_QUICKSTART_STATE_DIR");
    }
  });

  it.skipIf(IS_ROOT)(
    "a read-only state folder (chmod 500): exit 2 [skipped as root: chmod does not stop root]",
    async () => {
      const dir = freshDir();
      chmodSync(dir, 0o500);
      try {
        const run = await runInProcess(["--json"], { env: { ACS_QUICKSTART_STATE_DIR: dir } });
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(/The state folder .* cannot be written \(EACCES\)/);
      } finally {
        chmodSync(dir, 0o700);
      }
    },
  );

  it("a hand-edited identities.json: an unknown id fails the step with a diagnosis (exit 1) and is forgotten; extra fields are kept", async () => {
    const dir = freshDir();
    const first = await runInProcess(["--json", "--step", "create-identity", "--keep"], {
      env: { ACS_QUICKSTART_STATE_DIR: dir },
    });
    expect(first.code).toBe(0);
    const store = JSON.parse(readFileSync(join(dir, "identities.json"), "utf8"));
    const [kept] = store.identities;
    const resource = kept.id.split("_")[0];
    kept.note = "added by hand";
    const unknown = `${resource}_00000030-0000-0000-0000-000000000000`;
    store.identities.push({ ...kept, id: unknown, createdAt: "2099-01-01T00:00:00.000Z", note: undefined });
    writeFileSync(join(dir, "identities.json"), JSON.stringify(store));
    const run = await runInProcess(["--json", "--step", "issue-access-token"], {
      env: { ACS_QUICKSTART_STATE_DIR: dir },
    });
    expect(run.code).toBe(1);
    expect(run.events.find((e) => e.event === "step-end")).toMatchObject({
      ok: false,
      error: { code: "identity-not-found" },
    });
    expect(run.stderr).not.toMatch(NO_STACK);
    // The resource does not have the unknown id: it is forgotten, so the next run does not fail the same way.
    expect(run.stderr).toContain(`Removed ${unknown} from`);
    const after = JSON.parse(readFileSync(join(dir, "identities.json"), "utf8")).identities;
    expect(after).toEqual([expect.objectContaining({ id: kept.id, note: "added by hand" })]);
    expect(emulatorIdentities(dir)).toEqual([kept.id]); // the kept one stays kept
  });

  it("two runs at once on one state folder: the second says another quickstart is running (exit 2); nothing is lost", async () => {
    const dir = freshDir();
    let second: Promise<{ code: number; text: string }> | undefined;
    const first = await runInProcess(["--json", "--keep", "--to", "create-identity-and-token"], {
      env: {
        ACS_QUICKSTART_STATE_DIR: dir,
        ACS_EMULATOR_FAULTS: JSON.stringify([{ operation: "issueAccessToken", delayMs: 300, times: 1 }]),
      },
      onEvent: (event) => {
        if (event.event !== "step-start" || event.step !== "issue-access-token") return;
        let text = "";
        const writer = {
          write: (t: string) => {
            text += t;
            return true;
          },
        };
        second = runQuickstart(["--step", "create-identity"], {
          env: { ACS_QUICKSTART_STATE_DIR: dir, COMMUNICATION_SERVICES_CONNECTION_STRING: "" },
          envFile: false,
          stdout: writer,
          stderr: writer,
          signals: { on: () => process, off: () => process } as unknown as Pick<NodeJS.Process, "on" | "off">,
        }).then((code) => ({ code, text }));
      },
    });
    expect(first.code, first.stderr).toBe(0);
    const other = await second;
    expect(other?.code).toBe(2);
    expect(other?.text).toContain("Another quickstart is running with this state folder");
    expect(other?.text).toMatch(/in use by process \d+/);
    expect(other?.text).not.toMatch(NO_STACK);
    // The first run's identities are all in the emulator and in the store: nothing was overwritten.
    const made = emulatorIdentities(dir);
    expect(made).toHaveLength(2);
    expect(
      storedIdentities(dir)
        .map((i) => i.id)
        .sort(),
    ).toEqual([...made].sort());
    expect(existsSync(join(dir, "emulator-state.json.lock"))).toBe(false);
  });
});

/** Bad values for every variable and flag: exit 2, the name of what to fix, no stack trace. */
const BAD_VARIABLES: Array<[string, string]> = [
  ["COMMUNICATION_SERVICES_CONNECTION_STRING", "endpoint=https://contoso.communication.azure.com/"],
  [
    "COMMUNICATION_SERVICES_CONNECTION_STRING",
    "endpoint=http://contoso.communication.azure.com/;accesskey=c2VjcmV0",
  ],
  [
    "COMMUNICATION_SERVICES_CONNECTION_STRING",
    "endpoint=https://contoso.communication.azure.com/;accesskey=c2VjcmV0!",
  ],
  ["COMMUNICATION_SERVICES_CONNECTION_STRING", "<your connection string>"],
  ["COMMUNICATION_SERVICES_CONNECTION_STRING", "   "],
  [
    "COMMUNICATION_SERVICES_CONNECTION_STRING",
    '"endpoint=https://a.communication.azure.com/;accesskey=c2VjcmV0"',
  ],
  ["COMMUNICATION_SERVICES_CONNECTION_STRING", "endpoint=<your-resource>;accesskey=<your-key>"],
  [
    "COMMUNICATION_SERVICES_CONNECTION_STRING",
    "endpoint=ftp://a.communication.azure.com/;accesskey=c2VjcmV0",
  ],
  [
    "COMMUNICATION_SERVICES_CONNECTION_STRING",
    " endpoint=https://a.communication.azure.com/;accesskey=c2VjcmV0",
  ],
  [
    "COMMUNICATION_SERVICES_CONNECTION_STRING",
    "endpoint=https://a.communication.azure.com/;accesskey=c2VjcmV0;",
  ],
  ["COMMUNICATION_SERVICES_ENDPOINT", "a.communication.azure.com"],
  ["COMMUNICATION_SERVICES_ENDPOINT", "http://a.communication.azure.com/"],
  ["COMMUNICATION_SERVICES_ENDPOINT", "https://a.communication.azure.com/some/path"],
  ["COMMUNICATION_SERVICES_ENDPOINT", "/home/me/endpoint.txt"],
  ["COMMUNICATION_SERVICES_ENDPOINT", "'https://a.communication.azure.com/'"],
  ["COMMUNICATION_SERVICES_ACCESS_KEY", "c2VjcmV0"], // a key without an endpoint
  ["AZURE_TENANT_ID", "not a tenant"],
  ["AZURE_TENANT_ID", "<tenant-id>"],
  ["AZURE_CLIENT_ID", "12345"],
  ["AZURE_CLIENT_ID", "“11111111-2222-3333-4444-555555555555”"],
  ["AZURE_CLIENT_SECRET", "  "],
  ["AZURE_CLIENT_SECRET", "'a-secret'"],
  ["ACS_QUICKSTART_STATE_DIR", "  "],
  ["ACS_QUICKSTART_STATE_DIR", '"/tmp/quoted"'],
  ["ACS_QUICKSTART_STATE_DIR", "<state dir>"],
  ["ACS_QUICKSTART_REQUEST_TIMEOUT_MS", "soon"],
  ["ACS_QUICKSTART_REQUEST_TIMEOUT_MS", "-5"],
  ["ACS_QUICKSTART_REQUEST_TIMEOUT_MS", "99"],
  ["ACS_QUICKSTART_REQUEST_TIMEOUT_MS", "1e9"],
  ["ACS_QUICKSTART_REQUEST_TIMEOUT_MS", " 3000"],
  ["ACS_QUICKSTART_RETRY_DELAY_MS", "0"],
  ["ACS_QUICKSTART_RETRY_DELAY_MS", "fast"],
  ["ACS_EMULATOR_FAULTS", "{not json"],
  ["ACS_EMULATOR_FAULTS", '[{"operation":"teleport","status":500,"times":1}]'],
  ["ACS_EMULATOR_FAULTS", '[{"operation":"createIdentity","status":200,"times":1}]'],
  ["ACS_EMULATOR_ACCESS_KEY", "not base64!"],
  ["ACS_EMULATOR_ACCESS_KEY", "'c2VjcmV0'"],
];
const BAD_FLAGS: Array<[string[], RegExp]> = [
  [["--bogus"], /Unknown option '--bogus'/],
  [["-x"], /Unknown option '-x'/],
  [["stray"], /Unexpected argument 'stray'/],
  [["--step"], /--step needs a step id/],
  [["--step", ""], /--step needs a step id/],
  [["--step", "make-coffee"], /Unknown step id 'make-coffee'.*create-identity, issue-access-token/],
  [["--step", "../../etc/passwd"], /Unknown step id/],
  [["--from", "nope"], /Unknown step id 'nope' for --from/],
  [["--to", "--json"], /--to needs a step id/],
  [["--from", "delete-identity", "--to", "create-identity"], /comes after --to/],
  [["--step", "create-identity", "--from", "create-identity"], /cannot be combined/],
  [["--scopes"], /--scopes needs at least one scope/],
  [["--scopes", " "], /--scopes needs at least one scope/],
  [["--scopes", "chat,,voip"], /empty entry/],
  [
    ["--scopes", "chat,video"],
    /Unknown scope 'video'.*chat, voip, chat\.join, chat\.join\.limited, voip\.join/,
  ],
  [["--scopes", "'chat'"], /Unknown scope ''chat''/],
  [["--expires-in"], /--expires-in needs a number/],
  [["--expires-in", "59"], /--expires-in 59 is out of range.*60 to 1440/],
  [["--expires-in", "1441"], /out of range/],
  [["--expires-in", "-60"], /--expires-in needs a number|not a whole number/],
  [["--expires-in", "60.5"], /not a whole number/],
  [["--expires-in", "1e3"], /not a whole number/],
  [["--expires-in", "ninety"], /not a whole number/],
  [["--json=yes"], /--json takes no value/],
  [["--keep=1"], /--keep takes no value/],
  [["--emulator", "--live"], /exclude each other/],
];
export const BAD_INPUTS = BAD_VARIABLES.length + BAD_FLAGS.length;

describe("bad input: exit 2, a message naming what to fix, no stack trace", () => {
  it("every configuration variable, with bad values", async () => {
    for (const [variable, value] of BAD_VARIABLES) {
      // The Entra ID variables are read when the endpoint alone is configured.
      const env: Record<string, string> = { [variable]: value };
      if (variable.startsWith("AZURE_"))
        env.COMMUNICATION_SERVICES_ENDPOINT = "https://a.communication.azure.com/";
      const run = await runInProcess(["--json"], { env, unseeded: true });
      const output = `${run.stdout}${run.stderr}`;
      const where = `${variable}=${value}:\n${output}`;
      expect(run.code, where).toBe(2);
      expect(output, where).toContain(variable);
      expect(output, where).toMatch(/Fix: /);
      expect(output, where).not.toMatch(NO_STACK);
      expect(output, where).not.toContain("c2VjcmV0");
      expect(
        run.events.find((e) => e.event === "error"),
        where,
      ).toMatchObject({ kind: "configuration" });
      expect(existsSync(join(run.stateDir, "emulator-state.json")), where).toBe(false);
    }
  });

  it("every flag, with bad values", async () => {
    for (const [args, message] of BAD_FLAGS) {
      const run = await runInProcess(args);
      const where = `${JSON.stringify(args)}:\n${run.stderr}`;
      expect(run.code, where).toBe(2);
      expect(run.stderr, where).toMatch(message);
      expect(run.stderr, where).toContain("Usage: npm run quickstart");
      expect(run.stderr, where).not.toMatch(NO_STACK);
    }
  });
});

describe("following the tutorial step by step", () => {
  it("running step 1 again replaces the stored identity: the earlier one is deleted, not forgotten", async () => {
    const dir = freshDir();
    const step1 = () =>
      runInProcess(["--json", "--step", "create-identity", "--keep-for-next-step"], {
        env: { ACS_QUICKSTART_STATE_DIR: dir },
      });
    const first = await step1();
    const [earlier] = emulatorIdentities(dir);
    const second = await step1();
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain(`deleted ${earlier}`);
    const [now] = emulatorIdentities(dir);
    expect(now).not.toBe(earlier);
    expect(storedIdentities(dir)).toEqual([expect.objectContaining({ id: now })]);
    expect(summary(first)).toMatchObject({ ok: true, leftoverIdentities: 1 });
    const last = await runInProcess(["--json", "--step", "delete-identity", "--keep-for-next-step"], {
      env: { ACS_QUICKSTART_STATE_DIR: dir },
    });
    expect(summary(last)).toMatchObject({ ok: true, leftoverIdentities: 0 });
    expect(emulatorIdentities(dir)).toEqual([]);
  });

  it("--emulator still reads the runner's own settings from .env (and ignores the resource it names)", async () => {
    const dir = freshDir();
    const stateFromDotenv = join(dir, "from-dotenv");
    const envFile = join(dir, ".env");
    writeFileSync(
      envFile,
      `ACS_QUICKSTART_STATE_DIR=${stateFromDotenv}\nCOMMUNICATION_SERVICES_CONNECTION_STRING=<your connection string>\n`,
    );
    let stderr = "";
    const code = await runQuickstart(["--json", "--emulator", "--step", "create-identity"], {
      env: { ACS_QUICKSTART_RETRY_DELAY_MS: "1" }, // no ACS_QUICKSTART_STATE_DIR: .env provides it
      envFile,
      stdout: { write: () => true },
      stderr: { write: (text: string) => (stderr += text) },
      signals: new EventEmitter() as unknown as Pick<NodeJS.Process, "on" | "off">,
    });
    expect(code, stderr).toBe(0);
    expect(stderr).toContain(`state in ${stateFromDotenv}/`);
    expect(existsSync(join(stateFromDotenv, "emulator-state.json"))).toBe(true);
  });
});

/**
 * The state folder and its files (identities.json, the emulator's state): broken, busy or unwritable state
 * stops the run before it sends anything (exit 2), names the file and the fix, and changes nothing.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runQuickstart } from "../src/index.js";
import {
  emulatorIdentities,
  freshDir,
  NO_STACK,
  runInProcess,
  storedIdentities,
} from "./helpers/in-process.js";

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

describe("no secret can be committed by following the docs", () => {
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", ["-c", "init.defaultBranch=main", ...args], { cwd, encoding: "utf8" });

  it("a second state folder inside a repository (ACS_QUICKSTART_STATE_DIR=.quickstart-2) stays out of git status", async () => {
    const repo = freshDir();
    git(repo, "init", "-q");
    const dir = join(repo, ".quickstart-2");
    // --keep leaves the identity store and the emulator's state (its access key, its signing key) behind.
    const run = await runInProcess(["--json", "--keep", "--to", "issue-access-token"], {
      env: { ACS_QUICKSTART_STATE_DIR: dir },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(["identities.json", "emulator-state.json"]));
    expect(readFileSync(join(dir, "emulator-state.json"), "utf8")).toContain("accessKey");
    expect(git(repo, "status", "--porcelain", "--untracked-files=all")).toBe("");
  });

  it("a state folder whose own .gitignore lets files through (a repository's root) stops the run: exit 2", async () => {
    const repo = freshDir();
    git(repo, "init", "-q");
    writeFileSync(join(repo, ".gitignore"), "node_modules/\n");
    const run = await runInProcess(["--json"], { env: { ACS_QUICKSTART_STATE_DIR: repo } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /The state folder .* has a \.gitignore of its own that does not ignore everything/,
    );
    expect(run.stderr).toContain("ACS_QUICKSTART_STATE_DIR");
    expect(run.stderr).not.toMatch(NO_STACK);
    expect(git(repo, "status", "--porcelain", "--untracked-files=all")).toBe("?? .gitignore\n");
  });
});

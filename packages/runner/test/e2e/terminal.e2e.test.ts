/**
 * `--pause` in a real terminal (a tmux pseudo-terminal): at the prompt, Ctrl-C, SIGTERM and closing the
 * terminal (SIGHUP) each stop the run at once, delete what it made, and exit 128 + n.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emulatorIdentities, freshDir, seededDir, storedIdentities } from "../helpers/in-process.js";
import { ROOT } from "../helpers/spawn.js";

const HAS_TMUX = (() => {
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
if (!HAS_TMUX && process.env.CI)
  throw new Error("tmux is needed for the terminal tests: apt-get install -y tmux");

const PROMPT = "Press Enter to run this step";

async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `npm run quickstart -- --pause` in a terminal of its own (a tmux session on its own server). */
async function pausedInTerminal() {
  const socket = `acs-qs-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
  const stateDir = await seededDir();
  const codeFile = join(freshDir(), "exit-code");
  const command = [
    process.execPath,
    join(ROOT, "packages/runner/test/fixtures/exit-code.mjs"),
    codeFile,
    process.execPath,
    join(ROOT, "scripts/launch.mjs"),
    "scripts/quickstart.ts",
    "--pause",
  ];
  // A terminal with an interactive shell in it, and the command typed at its prompt: closing the terminal
  // hangs up the shell, which passes SIGHUP on to the command, as in a real terminal window.
  tmux(
    "new-session",
    "-d",
    "-x",
    "200",
    "-y",
    "50",
    "-c",
    ROOT,
    "-e",
    `ACS_QUICKSTART_STATE_DIR=${stateDir}`,
    "-e",
    "COMMUNICATION_SERVICES_CONNECTION_STRING=",
    "-e",
    "COMMUNICATION_SERVICES_ENDPOINT=",
    "-e",
    "NODE_EXTRA_CA_CERTS=",
    "bash --norc --noprofile -i",
  );
  tmux("send-keys", command.map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(" "), "Enter");
  tmux("set-option", "remain-on-exit", "on");
  const screen = () => tmux("capture-pane", "-p", "-S", "-200");
  const prompts = () => screen().split(PROMPT).length - 1;
  // Step 1 runs after Enter; at step 2's prompt there is an identity to clean up.
  await waitFor("the first prompt", () => (prompts() >= 1 ? true : undefined));
  tmux("send-keys", "Enter");
  await waitFor("the second prompt", () => (prompts() >= 2 ? true : undefined));
  expect(emulatorIdentities(stateDir)).toHaveLength(1);
  const pid = Number(readFileSync(`${codeFile}.pid`, "utf8"));
  return {
    stateDir,
    pid,
    tmux,
    screen,
    exitCode: () =>
      waitFor("the exit code", () =>
        existsSync(codeFile) ? Number(readFileSync(codeFile, "utf8")) : undefined,
      ),
    close: () => {
      try {
        tmux("kill-server");
      } catch {
        // already gone
      }
    },
  };
}

describe.skipIf(!HAS_TMUX).concurrent("--pause in a real terminal", () => {
  it("Ctrl-C at the prompt: exit 130 at once, what the run made is deleted", async () => {
    const t = await pausedInTerminal();
    try {
      t.tmux("send-keys", "C-c");
      expect(await t.exitCode()).toBe(130);
      expect(t.screen()).toContain("Interrupted (Ctrl-C): stopping and cleaning up");
      expect(emulatorIdentities(t.stateDir)).toEqual([]);
      expect(storedIdentities(t.stateDir)).toEqual([]);
    } finally {
      t.close();
    }
  });

  it("SIGTERM at the prompt: exit 143 at once, without waiting for Enter; nothing left", async () => {
    const t = await pausedInTerminal();
    try {
      process.kill(t.pid, "SIGTERM");
      expect(await t.exitCode()).toBe(143);
      expect(t.screen()).toContain("Terminated: stopping and cleaning up");
      expect(emulatorIdentities(t.stateDir)).toEqual([]);
      expect(storedIdentities(t.stateDir)).toEqual([]);
    } finally {
      t.close();
    }
  });

  it("closing the terminal at the prompt (SIGHUP): exit 129, what the run made is deleted", async () => {
    const t = await pausedInTerminal();
    try {
      t.tmux("kill-server"); // the terminal goes away, as when its window is closed
      expect(await t.exitCode()).toBe(129);
      expect(emulatorIdentities(t.stateDir)).toEqual([]);
      expect(storedIdentities(t.stateDir)).toEqual([]);
    } finally {
      t.close();
    }
  });
});

import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { STEP_IDS } from "../../src/index.js";
import { freshStateDir, spawnQuickstart } from "../helpers/spawn.js";

const NO_STACK = /\n\s+at /;

describe.concurrent("usage errors exit 2 with the usage and no stack trace", () => {
  const usage: Array<[string[], RegExp]> = [
    // One through a real process for the exit code; every flag's bad values: robustness.test.ts (in-process).
    [["--step", "make-coffee"], /Unknown step id 'make-coffee'.*create-identity, issue-access-token/],
  ];
  it.each(usage)("%j", async (args, message) => {
    const run = await spawnQuickstart(args, { env: { ACS_QUICKSTART_STATE_DIR: freshStateDir() } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain("Usage: npm run quickstart");
    expect(run.stderr).not.toMatch(NO_STACK);
  });

  it("--live without a configured resource", async () => {
    const run = await spawnQuickstart(["--live"], { env: { ACS_QUICKSTART_STATE_DIR: freshStateDir() } });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("--live needs a Communication Services resource");
  });

  it("--list and --help exit 0 and touch nothing", async () => {
    const stateDir = freshStateDir();
    const list = await spawnQuickstart(["--list"], { env: { ACS_QUICKSTART_STATE_DIR: stateDir } });
    expect(list.code).toBe(0);
    for (const id of STEP_IDS) expect(list.stdout).toContain(id);
    const help = await spawnQuickstart(["--help"], { env: { ACS_QUICKSTART_STATE_DIR: stateDir } });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--show-secrets");
    expect(existsSync(join(stateDir, "identities.json"))).toBe(false);
  });
});

describe.concurrent("a malformed connection string exits 2, names the variable and never echoes the key", () => {
  // The full table of malformed values is in packages/core/test; these go through the whole runner.
  // One through a real process for the exit code; the rest in-process in robustness.test.ts.
  const malformed = ["endpoint=http://contoso.communication.azure.com/;accesskey=c2VjcmV0"];
  it.each(malformed)("%s", async (value) => {
    const run = await spawnQuickstart([], {
      env: { ACS_QUICKSTART_STATE_DIR: freshStateDir(), COMMUNICATION_SERVICES_CONNECTION_STRING: value },
    });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.code).toBe(2);
    expect(output).toContain("COMMUNICATION_SERVICES_CONNECTION_STRING");
    expect(output).not.toMatch(NO_STACK);
    expect(output).not.toContain("c2VjcmV0");
  });
});

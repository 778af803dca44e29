/**
 * Configuration and the runner's own variables: a bad value of any of them stops the run before anything is
 * sent (exit 2) with a message naming the variable and the fix, no stack trace, and no secret.
 */
import { EventEmitter } from "node:events";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runQuickstart, SETTINGS } from "../src/index.js";
import { freshDir, NO_STACK, runInProcess } from "./helpers/in-process.js";

/** Bad values for every variable and flag: exit 2, the name of what to fix, no stack trace. */
const BAD_VARIABLES: Array<[string, string]> = [
  ["COMMUNICATION_SERVICES_CONNECTION_STRING", "endpoint=https://contoso.communication.azure.com/"],
  [
    "COMMUNICATION_SERVICES_CONNECTION_STRING",
    "endpoint=http://contoso.communication.azure.com/;accesskey=c2VjcmV0",
  ],
  [
    "COMMUNICATION_SERVICES_CONNECTION_STRING",
    "endpoint=https://contoso.communication.azure.com/;accesskey=c2Vj=cmV0",
  ],
  ["COMMUNICATION_SERVICES_CONNECTION_STRING", "<your connection string>"],
  ["COMMUNICATION_SERVICES_CONNECTION_STRING", "   "],
  [
    "COMMUNICATION_SERVICES_CONNECTION_STRING",
    "endpoint=https://a.communication.azure.com/; accesskey=c2VjcmV0",
  ],
  ["COMMUNICATION_SERVICES_CONNECTION_STRING", "endpoint=<your-resource>;accesskey=<your-key>"],
  [
    "COMMUNICATION_SERVICES_CONNECTION_STRING",
    "endpoint=ftp://a.communication.azure.com/;accesskey=c2VjcmV0",
  ],
  [
    "COMMUNICATION_SERVICES_CONNECTION_STRING",
    "endpoint=https://a.communication.azure.com/;accesskey=c2VjcmV0c",
  ],
  [
    "COMMUNICATION_SERVICES_CONNECTION_STRING",
    "endpoint=https://a.communication.azure.com/;;accesskey=c2VjcmV0",
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

export const BAD_VARIABLE_INPUTS = BAD_VARIABLES.length;

describe("bad configuration: exit 2, a message naming what to fix, no stack trace", () => {
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

  it("every variable of the settings table is among the bad inputs", () => {
    const tried = new Set(BAD_VARIABLES.map(([variable]) => variable));
    for (const setting of SETTINGS) expect(tried, setting.variable).toContain(setting.variable);
  });
});

describe("--live", () => {
  it("--live without a configured resource: exit 2, says what to set", async () => {
    const run = await runInProcess(["--live"], { unseeded: true });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("--live needs a Communication Services resource");
    expect(run.stdout).not.toMatch(NO_STACK);
  });
});

describe(".env", () => {
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

describe("--env-file", () => {
  it("reads the configuration from the file named, instead of .env", async () => {
    const dir = freshDir();
    const stateFromFile = join(dir, "state-from-file");
    writeFileSync(join(dir, "workshop.env"), `ACS_QUICKSTART_STATE_DIR=${stateFromFile}\n`);
    let stderr = "";
    const code = await runQuickstart(["--json", "--step", "create-identity", "--env-file", "workshop.env"], {
      // No ACS_QUICKSTART_STATE_DIR: the file provides it, read from where the command was typed.
      env: { ACS_QUICKSTART_RETRY_DELAY_MS: "1", INIT_CWD: dir },
      envFile: false,
      stdout: { write: () => true },
      stderr: { write: (text: string) => (stderr += text) },
      signals: new EventEmitter() as unknown as Pick<NodeJS.Process, "on" | "off">,
    });
    expect(code, stderr).toBe(0);
    expect(existsSync(join(stateFromFile, "emulator-state.json"))).toBe(true);
  });

  it("a file that is not there: exit 2, the path it looked for", async () => {
    const dir = freshDir();
    const run = await runInProcess(["--env-file", "nope.env"], { env: { INIT_CWD: dir }, unseeded: true });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(`--env-file nope.env: there is no such file (${join(dir, "nope.env")})`);
    expect(run.stdout).not.toMatch(NO_STACK);
  });
});

describe("variables this quickstart does not read", () => {
  const key = Buffer.from("a near-miss key that must not be printed").toString("base64");
  const connectionString = `endpoint=https://contoso.communication.azure.com/;accesskey=${key}`;

  it("--live with the connection string under another name: exit 2, the name we read is said", async () => {
    const run = await runInProcess(["--live", "--json"], {
      env: { AZURE_COMMUNICATION_CONNECTION_STRING: connectionString },
      unseeded: true,
    });
    expect(run.code).toBe(2);
    expect(run.events[0]).toMatchObject({
      event: "notice",
      kind: "unread-variable",
      variable: "AZURE_COMMUNICATION_CONNECTION_STRING",
      message: expect.stringContaining("this quickstart reads COMMUNICATION_SERVICES_CONNECTION_STRING"),
    });
    expect(run.stderr).toContain("--live needs a Communication Services resource");
    expect(`${run.stdout}${run.stderr}`).not.toContain(key);
  });

  it("without --live: the built-in emulator, and the run says why (never a silent switch)", async () => {
    const run = await runInProcess(["--json", "--step", "create-identity"], {
      env: { COMMUNICATION_CONNECTION_STRING: connectionString },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      "Note: COMMUNICATION_CONNECTION_STRING is set, but this quickstart reads COMMUNICATION_SERVICES_CONNECTION_STRING",
    );
    expect(run.events.find((e) => e.event === "mode")).toMatchObject({ mode: "emulator" });
    expect(`${run.stdout}${run.stderr}`).not.toContain(key);
  });

  it("an endpoint and Microsoft's spelling of the key: access-key mode, not Microsoft Entra ID", async () => {
    const run = await runInProcess(["--live", "--json"], {
      env: {
        COMMUNICATION_SERVICES_ENDPOINT: "https://127.0.0.1:9/",
        COMMUNICATION_SERVICES_ACCESSKEY: key,
        ACS_QUICKSTART_REQUEST_TIMEOUT_MS: "200",
      },
    });
    expect(run.stderr).toContain("endpoint and access key for https://127.0.0.1:9/");
    expect(run.stderr).not.toContain("Microsoft Entra ID");
  });
});

import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { parseCliArgs } from "../src/cli-args.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const execFileAsync = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "acs-emulator-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs = 15_000): Promise<RegExpExecArray> {
  return new Promise((resolveLine, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`no match for ${pattern} in: ${out}`)), timeoutMs);
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = pattern.exec(out);
      if (match) {
        clearTimeout(timer);
        resolveLine(match);
      }
    });
    child.once("exit", (code) => reject(new Error(`exited ${code} before listening: ${out}`)));
  });
}

// The real SDK in a separate process that trusts the certificate only through NODE_EXTRA_CA_CERTS.
const SDK_SCRIPT = `
import { CommunicationIdentityClient } from "@azure/communication-identity";
const client = new CommunicationIdentityClient(process.env.COMMUNICATION_SERVICES_CONNECTION_STRING);
const { user, token } = await client.createUserAndToken(["voip"]);
await client.revokeTokens(user);
await client.deleteUser(user);
console.log(JSON.stringify({ id: user.communicationUserId, tokenParts: token.split(".").length }));
`;

describe.concurrent("npm run emulator (the CLI as a child process)", () => {
  it("starts on a free port, writes the env file, serves the SDK trusted via NODE_EXTRA_CA_CERTS, stops on SIGTERM", async () => {
    const envFile = join(dir, "emulator.env");
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "packages/emulator/src/cli.ts",
        "--",
        "--port",
        "0",
        "--env-file",
        envFile,
        "--state-dir",
        join(dir, "state"),
      ],
      { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
    );
    try {
      const [, url] = await waitForLine(child, /^ACS emulator listening on (https:\/\/127\.0\.0\.1:\d+)$/m);
      const env = Object.fromEntries(
        readFileSync(envFile, "utf8")
          .trim()
          .split("\n")
          .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
      );
      expect(env.COMMUNICATION_SERVICES_CONNECTION_STRING).toMatch(
        new RegExp(`^endpoint=${url}/;accesskey=[A-Za-z0-9+/]+=*$`),
      );
      expect(env.NODE_EXTRA_CA_CERTS).toBe(join(dir, "state", "cert.pem"));

      const { stdout } = await execFileAsync(process.execPath, ["--input-type=module", "-e", SDK_SCRIPT], {
        cwd: join(repoRoot, "packages/emulator"),
        env: { PATH: process.env.PATH, ...env },
      });
      expect(JSON.parse(stdout)).toMatchObject({ id: expect.stringMatching(/^8:acs:/), tokenParts: 3 });

      const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("rejects a usage error with a clear message and exit code 2, without a stack trace", async () => {
    const result = await execFileAsync(
      process.execPath,
      ["--import", "tsx", "packages/emulator/src/cli.ts", "--", "--port", "99999"],
      {
        cwd: repoRoot,
      },
    ).catch((e: { code: number; stderr: string }) => e);
    expect(result).toMatchObject({ code: 2 });
    expect((result as { stderr: string }).stderr).toContain("--port must be a number from 0 to 65535");
    expect((result as { stderr: string }).stderr).not.toMatch(/\n\s+at /);
  });
});

describe("CLI arguments", () => {
  it("skips the leading -- of `npm run emulator --` and reads every flag", () => {
    expect(
      parseCliArgs([
        "--",
        "--port",
        "0",
        "--host",
        "localhost",
        "--access-key",
        "pw==",
        "--env-file",
        ".env",
        "--state-dir",
        "s",
        "--bearer",
        "reject",
        "--clock-skew-minutes",
        "5",
      ]),
    ).toEqual({
      port: 0,
      host: "localhost",
      accessKey: "pw==",
      envFile: ".env",
      stateDir: "s",
      bearer: "reject",
      clockSkewMinutes: 5,
      help: false,
    });
    expect(parseCliArgs([])).toMatchObject({ port: 8443, host: "127.0.0.1", help: false });
    expect(parseCliArgs(["--help"]).help).toBe(true);
  });

  it("names the problem for unknown flags, bad ports and bad keys", () => {
    expect(() => parseCliArgs(["--nope"])).toThrow(/Unknown option '--nope'/);
    expect(() => parseCliArgs(["--port", "eighty"])).toThrow(/--port must be a number/);
    expect(() => parseCliArgs(["--access-key", "not base64!"])).toThrow(
      /--access-key must be a base64 string/,
    );
  });
});

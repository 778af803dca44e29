import { type ChildProcess, execFile, execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { parseCliArgs } from "../src/cli-args.js";
import { listeningLine, startStandaloneEmulator } from "../src/server.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const execFileAsync = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "acs-emulator-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A first start bundles the CLI and makes a certificate: on a cold, busy 2-core CI machine that can take long.
function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs = 45_000): Promise<RegExpExecArray> {
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

// The real SDK in a separate process that trusts the certificate only through NODE_EXTRA_CA_CERTS: every
// operation and every catalogued error, as a learner's program (or another language's SDK) would meet them.
const SDK_SCRIPT = `
import { CommunicationIdentityClient } from "@azure/communication-identity";
const connectionString = process.env.COMMUNICATION_SERVICES_CONNECTION_STRING;
const client = new CommunicationIdentityClient(connectionString, { retryOptions: { maxRetries: 0 } });
const wrongKey = new CommunicationIdentityClient(
  connectionString.replace(/accesskey=.*$/, "accesskey=" + Buffer.from("not the key").toString("base64")),
  { retryOptions: { maxRetries: 0 } },
);
const results = {};
async function run(name, call) {
  try {
    const value = await call();
    results[name] = { ok: true, value };
  } catch (error) {
    results[name] = { ok: false, statusCode: error.statusCode, code: error.code, message: error.message };
  }
}
const b64url = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
const appId = "11111111-2222-3333-4444-555555555555";
const userId = "66666666-7777-8888-9999-000000000000";
const entra = (claims) =>
  b64url({ alg: "RS256", typ: "JWT" }) + "." +
  b64url({ aud: "https://auth.msft.communication.azure.com", scp: "Teams.ManageCalls", ...claims }) + ".c2ln";
const inAnHour = Math.floor(Date.now() / 1000) + 3600;
const foreign = { communicationUserId: "8:acs:00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-000000000000" };

const user = await client.createUser();
results.createUser = { ok: /^8:acs:[0-9a-f-]+_[0-9a-f-]+$/.test(user.communicationUserId) };
await run("createUserAndToken", async () => {
  const r = await client.createUserAndToken(["chat", "voip"], { tokenExpiresInMinutes: 60 });
  return Math.round((r.expiresOn.getTime() - Date.now()) / 60000);
});
await run("getToken", async () => {
  const r = await client.getToken(user, ["chat", "voip", "chat.join", "chat.join.limited", "voip.join"]);
  return Math.round((r.expiresOn.getTime() - Date.now()) / 60000);
});
await run("getTokenForTeamsUser", async () => {
  const r = await client.getTokenForTeamsUser({
    teamsUserAadToken: entra({ appid: appId, oid: userId, exp: inAnHour }), clientId: appId, userObjectId: userId,
  });
  return Math.round((r.expiresOn.getTime() - Date.now()) / 60000);
});
await run("emptyScopes", () => client.getToken(user, []));
await run("unknownScope", () => client.getToken(user, ["video"]));
await run("expires59", () => client.getToken(user, ["voip"], { tokenExpiresInMinutes: 59 }));
await run("expires1441", () => client.createUserAndToken(["voip"], { tokenExpiresInMinutes: 1441 }));
await run("foreignGetToken", () => client.getToken(foreign, ["voip"]));
await run("foreignRevoke", () => client.revokeTokens(foreign));
await run("foreignDelete", () => client.deleteUser(foreign));
await run("wrongKey", () => wrongKey.createUser());
const teams = (token, clientId, userObjectId) => () =>
  client.getTokenForTeamsUser({ teamsUserAadToken: token, clientId, userObjectId });
await run("teamsEmptyToken", teams("", appId, userId));
await run("teamsInvalidToken", teams("invalid", appId, userId));
await run("teamsExpiredToken", teams(entra({ appid: appId, oid: userId, exp: 1700000000 }), appId, userId));
await run("teamsEmptyAppId", teams(entra({ appid: appId, oid: userId, exp: inAnHour }), "", userId));
await run("teamsEmptyUserId", teams(entra({ appid: appId, oid: userId, exp: inAnHour }), appId, ""));
await run("teamsInvalidAppId", teams(entra({ appid: appId, oid: userId, exp: inAnHour }), "invalid", userId));
await run("teamsInvalidUserId", teams(entra({ appid: appId, oid: userId, exp: inAnHour }), appId, "invalid"));
await run("teamsWrongAppId", teams(entra({ appid: appId, oid: userId, exp: inAnHour }), userId, userId));
await run("teamsWrongUserId", teams(entra({ appid: appId, oid: userId, exp: inAnHour }), appId, appId));
await run("revokeTokens", () => client.revokeTokens(user));
await run("deleteUser", () => client.deleteUser(user));
await run("getTokenAfterDelete", () => client.getToken(user, ["voip"]));
console.log(JSON.stringify(results));
`;

/** What the real service answers (the recorded facts), and the emulator's documented choices where none is recorded. */
const EXPECTED = {
  createUser: { ok: true },
  createUserAndToken: { ok: true, value: 60 },
  getToken: { ok: true, value: 1440 },
  getTokenForTeamsUser: { ok: true, value: 60 },
  revokeTokens: { ok: true },
  deleteUser: { ok: true },
  emptyScopes: {
    statusCode: 400,
    code: "ValidationError",
    message: "Invalid scopes - Scopes field is required.",
  },
  unknownScope: { statusCode: 400, code: "ValidationError" },
  expires59: {
    statusCode: 400,
    code: "ValidationError",
    message: "ExpiresInMinutes value 59 is invalid. Value must be within the [60, 1440] interval.",
  },
  expires1441: {
    statusCode: 400,
    code: "ValidationError",
    message: "ExpiresInMinutes value 1441 is invalid. Value must be within the [60, 1440] interval.",
  },
  foreignGetToken: {
    statusCode: 401,
    code: "IdentityNotOwned",
    message: "Provided identity doesn't belong to the resource.",
  },
  foreignRevoke: { statusCode: 401, code: "IdentityNotOwned" },
  foreignDelete: { statusCode: 401, code: "IdentityNotOwned" },
  wrongKey: { statusCode: 401, code: "Denied", message: "Denied by the resource provider." },
  teamsEmptyToken: {
    statusCode: 401,
    code: "InvalidAccessToken",
    message: "Provided access token is not valid.",
  },
  teamsInvalidToken: { statusCode: 401, code: "InvalidAccessToken" },
  teamsExpiredToken: { statusCode: 401, code: "InvalidAccessToken" },
  teamsEmptyAppId: {
    statusCode: 400,
    code: "ValidationError",
    message: "AppId: The AppId field is required.",
  },
  teamsEmptyUserId: {
    statusCode: 400,
    code: "ValidationError",
    message: "UserId: The UserId field is required.",
  },
  teamsInvalidAppId: {
    statusCode: 400,
    code: "ValidationError",
    message: "Provided AppId has invalid format.",
  },
  teamsInvalidUserId: {
    statusCode: 400,
    code: "ValidationError",
    message: "Provided UserId has invalid format.",
  },
  teamsWrongAppId: {
    statusCode: 400,
    code: "ValidationError",
    message: "AAD application is not the expected one.",
  },
  teamsWrongUserId: {
    statusCode: 400,
    code: "ValidationError",
    message: "Provided AAD token issued for unexpected user.",
  },
  getTokenAfterDelete: { statusCode: 404, code: "IdentityNotFound" },
};

describe.concurrent("npm run emulator (the CLI as a child process, started as the npm script starts it)", () => {
  it("starts on a free port, writes the env file; the SDK, trusting it only through that file, gets every operation and every catalogued error; stops on SIGTERM", async () => {
    const envFile = join(dir, "emulator.env");
    const child = spawn(
      process.execPath,
      [
        "scripts/launch.mjs",
        "packages/emulator/src/cli.ts",
        "--",
        "--port",
        "0",
        "--env-file",
        envFile,
        "--state-dir",
        join(dir, "state"),
        "--log",
      ],
      { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
    );
    let printed = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      printed += chunk.toString();
    });
    try {
      const [, url] = await waitForLine(child, /^ACS emulator listening on (https:\/\/127\.0\.0\.1:\d+)$/m);
      // The launcher's esbuild service is stopped once the bundle is made: nothing runs beside the emulator.
      if (process.platform === "linux") {
        // (ps exits 1 when the process has no children: the answer is its output either way.)
        const children = spawnSync("ps", ["--ppid", String(child.pid), "-o", "args="], { encoding: "utf8" });
        expect(children.error).toBeUndefined();
        expect(children.stdout).not.toMatch(/esbuild/);
      }
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
      const results = JSON.parse(stdout);
      expect(Object.keys(results).sort()).toEqual(Object.keys(EXPECTED).sort());
      for (const [name, expected] of Object.entries(EXPECTED)) {
        expect({ name, ...results[name] }).toMatchObject({ name, ...expected });
      }

      // The dashboard's address with its secret, printed at start; with --log, one line per request; never the
      // access key or a token.
      expect(printed).toMatch(
        new RegExp(
          `^Dashboard \\(for the trainer only: the address holds its secret\\): ${url}/_dashboard/\\?secret=[\\w-]{43}$`,
          "m",
        ),
      );
      expect(printed).toMatch(
        /^\d\d:\d\d:\d\d\.\d{3} {2}127\.0\.0\.1 +POST createIdentity +201 {2}[\d.]+ ms$/m,
      );
      expect(printed).toMatch(
        / POST createIdentity +401 Denied {2}[\d.]+ ms {2}signature: The signature does not match/,
      );
      expect(printed).toMatch(/ DELETE deleteIdentity +204 /);
      expect(printed).not.toContain(
        env.COMMUNICATION_SERVICES_CONNECTION_STRING?.split("accesskey=")[1] ?? "?",
      );
      expect(printed).not.toMatch(/eyJ[\w-]+\.eyJ/);

      // Stopped by a signal: 128 + its number, as the shell reports it.
      const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
      child.kill("SIGTERM");
      expect(await exited).toBe(143);
    } finally {
      child.kill("SIGKILL");
    }
  }, 60_000);

  it("never overwrites the connection string of another resource in --env-file (its key would be lost): exit 2", async () => {
    const envFile = join(dir, "mine.env");
    const azure =
      "endpoint=https://contoso.communication.azure.com/;accesskey=c2VjcmV0LWtleS1vZi1henVyZS1yZXNvdXJjZQ==";
    writeFileSync(envFile, `# mine\nCOMMUNICATION_SERVICES_CONNECTION_STRING="${azure}"\nOTHER=1\n`);
    const state = join(dir, "env-in-use");
    // As typed in the folder the trainer is in (npm's INIT_CWD), not the folder npm runs the script from.
    const refused = await launch(["--port", "0", "--state-dir", state, "--env-file", "mine.env"], {
      INIT_CWD: dir,
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `${envFile} already holds COMMUNICATION_SERVICES_CONNECTION_STRING for another resource (https://contoso.communication.azure.com/)`,
    );
    expect(refused.stderr).not.toContain("c2VjcmV0");
    expect(readFileSync(envFile, "utf8")).toContain(azure);
    expect(existsSync(join(state, "state.json.lock"))).toBe(false);
    // An earlier emulator's of this machine (its state deleted since, so another key) is replaced.
    const earlier = "endpoint=https://127.0.0.1:8443/;accesskey=b2xkLWVtdWxhdG9yLWtleS1vZi10aGlzLW1hY2hpbmU=";
    writeFileSync(envFile, `COMMUNICATION_SERVICES_CONNECTION_STRING=${earlier}\nOTHER=1\n`);
    const running = await startStandaloneEmulator({ port: 0, stateDir: state, envFile });
    try {
      expect(readFileSync(envFile, "utf8")).toBe(
        `OTHER=1\nCOMMUNICATION_SERVICES_CONNECTION_STRING=${running.connectionString}\nNODE_EXTRA_CA_CERTS=${running.caPath}\n`,
      );
    } finally {
      await running.close();
    }
  });

  it.skipIf(process.platform !== "linux")(
    "stops and frees its state when the shell npm started it through dies (kill -TERM to npm)",
    async () => {
      const state = join(dir, "orphan-state");
      // `; true`: the shell cannot exec node in its place, as dash never does for npm's `sh -c`.
      const shell = spawn(
        "sh",
        [
          "-c",
          `"${process.execPath}" scripts/launch.mjs -- packages/emulator/src/cli.ts --port 0 --state-dir "${state}"; true`,
        ],
        { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
      );
      try {
        await waitForLine(shell, /^ACS emulator listening on /m);
        const pid = Number(
          spawnSync("ps", ["--ppid", String(shell.pid), "-o", "pid="], { encoding: "utf8" }).stdout,
        );
        expect(pid).toBeGreaterThan(0);
        shell.kill("SIGKILL"); // the shell dies without passing anything on
        // Running, not a zombie its new parent has not reaped yet (Linux: /proc/<pid>/stat's state).
        const alive = () => {
          try {
            return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
          } catch {
            return false;
          }
        };
        const until = Date.now() + 10_000;
        while (alive() && Date.now() < until) await new Promise((done) => setTimeout(done, 100));
        expect(alive()).toBe(false);
        expect(existsSync(join(state, "state.json.lock"))).toBe(false);
      } finally {
        shell.kill("SIGKILL");
      }
    },
    60_000,
  );

  const launch = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    execFileAsync(process.execPath, ["scripts/launch.mjs", "--", "packages/emulator/src/cli.ts", ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, ...env },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it.each([
    [["--port", "99999"], "--port must be a number from 0 to 65535"],
    [["--bogus"], "Unknown option '--bogus'"],
    [["--bearer", "maybe"], '--bearer must be "accept" or "reject"'],
  ])(
    "usage error %j: one line saying what to fix and one pointing to --help, exit 2, no stack trace",
    async (args, says) => {
      const result = await launch(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(says);
      expect(result.stderr.trim().split("\n")).toEqual([
        expect.stringContaining(says),
        "Run `npm run emulator -- --help` for the options.",
      ]);
    },
  );

  it.each([
    [{ npm_config_port: "true" }, ["0"], "`npm run emulator -- --port 0`"],
    [{ npm_config_port: "0" }, [], "`npm run emulator -- --port 0`"],
    [{ npm_config_log: "true" }, ["--port", "0"], "`npm run emulator -- --log --port 0`"],
  ])(
    "options npm took for itself (no `--`), %j: exit 2 and the command that was meant",
    async (config, args, meant) => {
      const result = await launch(args, { npm_lifecycle_event: "emulator", ...config });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(meant);
      expect(result.stderr).not.toContain("listening");
    },
  );

  it("refuses an --env-file git would commit (it gets the access key), before making anything: exit 2", async () => {
    const repo = join(dir, "repo");
    mkdirSync(repo, { recursive: true });
    execFileSync("git", ["init", "-q", repo]);
    writeFileSync(join(repo, ".gitignore"), ".env*\n");
    const state = join(dir, "refused-state");
    const committable = await launch([
      "--port",
      "0",
      "--state-dir",
      state,
      "--env-file",
      join(repo, "room.txt"),
    ]);
    expect(committable.code).toBe(2);
    expect(committable.stderr).toContain(`${join(repo, "room.txt")} is a file git would commit`);
    expect(existsSync(join(repo, "room.txt"))).toBe(false);
    expect(existsSync(state)).toBe(false);
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
      log: false,
      dashboard: true,
      help: false,
    });
    expect(parseCliArgs(["--log", "--no-dashboard"])).toMatchObject({ log: true, dashboard: false });
    expect(parseCliArgs([])).toMatchObject({ port: 8443, host: "127.0.0.1", help: false });
    expect(parseCliArgs(["--help"]).help).toBe(true);
  });

  it("reads --api-version-check strict|loose and names anything else", () => {
    expect(parseCliArgs(["--api-version-check", "loose"]).apiVersionCheck).toBe("loose");
    expect(parseCliArgs(["--api-version-check", "strict"]).apiVersionCheck).toBe("strict");
    expect(parseCliArgs([]).apiVersionCheck).toBeUndefined();
    expect(() => parseCliArgs(["--api-version-check", "skip"])).toThrow(
      '--api-version-check must be "strict" or "loose", not "skip"',
    );
  });

  it("names the problem for unknown flags, bad ports and bad keys", () => {
    expect(() => parseCliArgs(["--nope"])).toThrow(/Unknown option '--nope'/);
    expect(() => parseCliArgs(["--port", "eighty"])).toThrow(/--port must be a number/);
    expect(() => parseCliArgs(["--access-key", "not base64!"])).toThrow(
      /--access-key must be a base64 string/,
    );
    // The quickstart's own rule (isAccessKey): a key the emulator takes is one the quickstart takes too.
    for (const [key, why] of [
      ["ab=cd", /'=' may only appear at the end/],
      ["abcde", /leaves one character alone/],
      ["!!!!", /no base64 characters/],
    ] as const) {
      expect(() => parseCliArgs(["--access-key", key])).toThrow(why);
      expect(() => parseCliArgs(["--access-key", key])).toThrow(/`openssl rand -base64 32`/);
    }
  });
});

describe("the line it prints when ready", () => {
  it.each([
    [
      { url: "https://127.0.0.1:8443", host: "127.0.0.1", port: 8443 },
      "ACS emulator listening on https://127.0.0.1:8443",
    ],
    [
      { url: "https://localhost:8443", host: "127.0.0.1", port: 8443 },
      "ACS emulator listening on https://localhost:8443 (bound to 127.0.0.1:8443)",
    ],
    [
      { url: "https://emulator.example:9443", host: "::1", port: 9443 },
      "ACS emulator listening on https://emulator.example:9443 (bound to [::1]:9443)",
    ],
    [{ url: "https://[::1]:8443", host: "::1", port: 8443 }, "ACS emulator listening on https://[::1]:8443"],
    [
      { url: "https://192.168.1.20:8443", host: "0.0.0.0", port: 8443 },
      "ACS emulator listening on https://192.168.1.20:8443 (bound to 0.0.0.0:8443, every address of this machine)",
    ],
  ])("%o → %s", (running, line) => {
    expect(listeningLine(running)).toBe(line);
  });
});

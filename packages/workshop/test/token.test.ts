/**
 * The token inspector, in-process: the emulator's tokens (valid, revoked, deleted, expired, altered, another
 * emulator's), a token shaped like a real ACS token, an encrypted one, garbage; asked of the built-in
 * emulator's state, of a running standalone emulator, and of a real resource.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createIdentityClient } from "@acs-quickstart/core";
import { createEmulator, type DeniedReason, type EmulatorOptions } from "@acs-quickstart/emulator";
import { startInProcessEmulator } from "@acs-quickstart/emulator/in-process";
import { startStandaloneEmulator } from "@acs-quickstart/emulator/server";
import { testSigningKey } from "@acs-quickstart/emulator/testing";
import type { CommunicationIdentityClient } from "@azure/communication-identity";
import { CompactEncrypt } from "jose/jwe/compact/encrypt";
import { SignJWT } from "jose/jwt/sign";
import { importPKCS8 } from "jose/key/import";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTokenCommand } from "../src/index.js";

const HOUR = 3_600_000;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "acs-token-"));
  dirs.push(dir);
  return dir;
}

/** A state folder whose built-in emulator issued tokens, then stopped (as after `npm run quickstart`). */
async function builtInEmulator(options: EmulatorOptions = {}) {
  const stateDir = freshDir();
  const acs = await startInProcessEmulator({
    stateFile: join(stateDir, "emulator-state.json"),
    signingKey: await testSigningKey(),
    ...options,
  });
  const client = await createIdentityClient({
    kind: "connection-string",
    endpoint: acs.endpoint,
    connectionString: acs.connectionString,
  });
  return { stateDir, client, acs };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run token -- …` in this process, with nothing of the developer's configuration. */
async function token(args: string[], env: NodeJS.ProcessEnv = {}, stdin?: string): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await runTokenCommand(args, {
    env: { COMMUNICATION_SERVICES_CONNECTION_STRING: "", LANG: "C", ...env },
    envFile: false,
    ...(stdin !== undefined ? { stdin: Readable.from([stdin]) } : {}),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

describe("the emulator's tokens, asked of the built-in emulator's state", () => {
  let stateDir: string;
  let client: CommunicationIdentityClient;
  let env: NodeJS.ProcessEnv;
  const tokens: Record<"valid" | "revoked" | "deleted" | "chatJoin", string> = {
    valid: "",
    revoked: "",
    deleted: "",
    chatJoin: "",
  };

  beforeAll(async () => {
    const built = await builtInEmulator();
    ({ stateDir, client } = built);
    env = { ACS_QUICKSTART_STATE_DIR: stateDir };
    const user = await client.createUser();
    tokens.revoked = (await client.getToken(user, ["voip"])).token;
    await client.revokeTokens(user);
    tokens.valid = (await client.getToken(user, ["chat", "voip"], { tokenExpiresInMinutes: 90 })).token;
    tokens.chatJoin = (await client.getToken(user, ["chat.join", "voip.join"])).token;
    const gone = await client.createUserAndToken(["voip"]);
    tokens.deleted = gone.token;
    await client.deleteUser(gone.user);
    await built.acs.close();
  });

  it("a valid token: header, claims, scopes explained, expiry, and the emulator's verdict (exit 0)", async () => {
    const run = await token(["inspect", tokens.valid], env);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^eyJhbGciOiJS… \(\d+ characters\)\nA signed JWT \(JWS\)/);
    expect(run.stdout).toMatch(/^ {2}alg {16}RS256$/m);
    expect(run.stdout).toMatch(/^ {2}acsScope {11}chat,voip$/m);
    expect(run.stdout).toMatch(/^ {2}Expires {12}\S+Z \(in 1 h 29 min\)$/m);
    expect(run.stdout).toMatch(/^ {2}Lifetime {11}90 minutes \(1\.5 h\)$/m);
    expect(run.stdout).toContain("  chat               Full access to the Chat APIs:");
    expect(run.stdout).toContain("  voip               Full access to the Calling APIs:");
    expect(run.stdout).toContain("Validity, asked of the built-in emulator");
    expect(run.stdout).toMatch(
      /Signature +valid: made with the emulator's key [0-9A-F]{40} \(from its JWKS\)/,
    );
    expect(run.stdout).toMatch(
      /Identity +exists\n +Revocation +the identity's tokens were last revoked at \S+Z/,
    );
    expect(run.stdout).toMatch(/Verdict +valid: the emulator accepts this token/);
    expect(run.stdout, "the token is masked").not.toContain(tokens.valid);
  });

  it("explains the *.join scopes too, from the one capability table", async () => {
    const run = await token(["inspect", tokens.chatJoin, "--offline"], env);
    expect(run.stdout).toMatch(/^ {2}chat\.join {10}Chat without the right to create/m);
    expect(run.stdout).toMatch(/^ {2}voip\.join {10}Calling without the right to start new calls/m);
    expect(run.stdout).toContain("Validity: not checked (--offline).");
  });

  it("a revoked token: exit 1, and the verdict says why", async () => {
    const run = await token(["inspect", tokens.revoked], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Signature +valid/);
    expect(run.stdout).toMatch(/Verdict +not valid: its identity's tokens were revoked after it was issued/);
  });

  it("a token of a deleted identity: exit 1", async () => {
    const run = await token(["inspect", tokens.deleted], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Identity +deleted/);
    expect(run.stdout).toMatch(/Verdict +not valid: its identity was deleted/);
  });

  it("an altered token: the emulator's key, a signature that no longer matches", async () => {
    const [header, payload, signature] = tokens.valid.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, acsScope: "chat,voip,voip.join" })).toString(
      "base64url",
    );
    const run = await token(["inspect", `${header}.${forged}.${signature}`], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /Signature +altered: the key [0-9A-F]+ is the emulator's, but the token changed/,
    );
    expect(run.stdout).toMatch(/Verdict +not valid: its signature is not the emulator's/);
  });

  it("reads the token from stdin, and in Chinese with --lang zh-CN", async () => {
    const run = await token(["inspect", "--lang", "zh-CN"], env, `${tokens.valid}\n`);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("已签名的 JWT（JWS）");
    expect(run.stdout).toContain("完全使用聊天 API");
    expect(run.stdout).toContain("有效：模拟器接受这个令牌");
  });

  it("--json: one object, the token masked unless --show-secrets", async () => {
    const masked = JSON.parse((await token(["inspect", tokens.valid, "--json"], env)).stdout);
    expect(masked).toMatchObject({
      form: "jws",
      claims: { acsScope: "chat,voip" },
      facts: { holder: "communication-user", scopes: ["chat", "voip"], fromEmulator: true },
      lifetimeMinutes: 90,
      expired: false,
      validity: { checked: true, source: { kind: "built-in" }, verdict: { valid: true } },
    });
    expect(masked.token).toMatch(/^eyJhbGciOiJS… \(\d+ characters\)$/);
    const revealed = JSON.parse(
      (await token(["inspect", tokens.valid, "--json", "--show-secrets"], env)).stdout,
    );
    expect(revealed.token).toBe(tokens.valid);
  });

  it("says when a running quickstart holds the built-in emulator", async () => {
    const holder = await createEmulator({ stateFile: join(stateDir, "emulator-state.json") });
    try {
      const run = await token(["inspect", tokens.valid], env);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        "Validity: not checked: a quickstart running on this state folder holds the built-in emulator",
      );
    } finally {
      await holder.close();
    }
  });
});

it("an expired token: exit 1, expired offline and by the emulator's verdict", async () => {
  // An emulator whose clock is 25 hours behind issues a 24-hour token that has already expired.
  const { stateDir, client, acs } = await builtInEmulator({
    now: () => Date.now() - 25 * HOUR,
    clockSkewMinutes: 26 * 60,
  });
  const { token: expired } = await client.createUserAndToken(["voip"]);
  await acs.close();
  const run = await token(["inspect", expired], { ACS_QUICKSTART_STATE_DIR: stateDir });
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(/Expires +\S+Z \(expired 1 h 0 min ago\)/);
  expect(run.stdout).toMatch(/Expired +\S+Z \(expired 1 h 0 min ago\)/);
  expect(run.stdout).toMatch(/Verdict +not valid: it has expired/);
});

describe("tokens the emulator did not issue", () => {
  const RESOURCE = "2dee53b4-368b-45b4-ab52-8493fb117652";
  /**
   * The header and claims of a real ACS token (acs-identity-api.md §7.2: a hex kid and an x5t), RS256-signed with
   * an RSA key under a kid no emulator has (the tests' one key, so no new key is made).
   */
  const realShaped = async () =>
    new SignJWT({
      skypeid: `acs:${RESOURCE}_00000005-14a2-493b-8a72-5a3a0d000081`,
      scp: 1792,
      csi: String(Math.floor(Date.now() / 1000)),
      rgn: "amer",
      acsScope: "chat,voip",
      resourceId: RESOURCE,
      resourceLocation: "unitedstates",
    })
      .setProtectedHeader({ alg: "RS256", kid: "5FEA9E2B1C", x5t: "X-6eKxw", typ: "JWT" })
      .setIssuedAt()
      .setExpirationTime("24h")
      .sign(await importPKCS8(await testSigningKey(), "RS256"));

  it("a token shaped like a real ACS token: decoded and explained, not checked (the service cannot)", async () => {
    const run = await token(["inspect", await realShaped()], { ACS_QUICKSTART_STATE_DIR: freshDir() });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ {2}x5t {16}X-6eKxw$/m);
    expect(run.stdout).toContain(
      `8:acs:${RESOURCE}_00000005-14a2-493b-8a72-5a3a0d000081 (a Communication Services identity)`,
    );
    expect(run.stdout).toContain("Validity: not checked: the emulator did not issue this token");
    expect(run.stdout).not.toContain("Issued by");
  });

  it("--check asks the built-in emulator anyway: its JWKS has no such key", async () => {
    const { stateDir, acs } = await builtInEmulator();
    await acs.close();
    const run = await token(["inspect", await realShaped(), "--check"], {
      ACS_QUICKSTART_STATE_DIR: stateDir,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Signature +not this emulator's: its JWKS has no key 5FEA9E2B1C/);
    expect(run.stdout).toMatch(/Identity +unknown to this emulator/);
  });

  it("an encrypted token (JWE): said clearly, its header shown, exit 0", async () => {
    const jwe = await new CompactEncrypt(new TextEncoder().encode('{"oid":"x"}'))
      .setProtectedHeader({ alg: "dir", enc: "A256GCM", kid: "entra" })
      .encrypt(randomBytes(32));
    const run = await token(["inspect", jwe]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      "An encrypted JWT (JWE): only the service it is meant for can read its claims",
    );
    expect(run.stdout).toMatch(/^ {2}enc {16}A256GCM$/m);
    expect(run.stdout).not.toContain("Validity");
  });

  it.each([
    ["a word", "hello", "has 1"],
    ["a truncated token", "eyJhbGciOiJSUzI1NiJ9.eyJza3lwZWlk", "has 2"],
    ["an access key", "ZXhhbXBsZS1rZXktbm90LWEtcmVhbC1vbmU=", "has 1"],
    ["empty stdin", undefined, "input is empty"],
  ])("garbage (%s): exit 2, what is wrong and what a token looks like", async (_, input, message) => {
    const run = input === undefined ? await token(["inspect"], {}, "\n") : await token(["inspect", input]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain("An access token looks like eyJhbGciOi…");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    [["inspect", "a", "b"], "one token at a time"],
    [["decode", "x"], "unknown command 'decode'"],
    [[], "say what to do: inspect"],
    [["inspect", "x", "--check", "--offline"], "--check and --offline exclude each other"],
    [["inspect", "x", "--lang", "fr"], "--lang must be one of en, zh-CN, not 'fr'"],
    [["inspect", "x", "--verbose"], "Unknown option '--verbose'"],
    [["inspect", "x", "--bogus"], "Unknown option '--bogus'"],
    [["inspect", "x", "--env-file"], "Option '--env-file <value>' argument missing"],
    [["inspect", "x", "--env-file", ""], "--env-file needs the path of a file of KEY=value lines"],
    [["inspect", "x", "--env-file", "no-such.env"], "--env-file no-such.env: there is no such file ("],
  ])(
    "usage errors exit 2: one line, and where the help is, not the whole help: %j",
    async (args, message) => {
      const run = await token(args);
      expect(run.code).toBe(2);
      const [first, second, ...rest] = run.stderr.split("\n");
      expect(first).toMatch(/^token: /);
      expect(first).toContain(message);
      expect(second).toBe("Run `npm run token -- --help` for the commands and options.");
      expect(rest).toEqual([""]);
      expect(run.stdout).toBe("");
    },
  );

  it("--help prints the whole help on stdout (exit 0), --env-file among the options", async () => {
    const run = await token(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: npm run token -- inspect [TOKEN] [options]");
    expect(run.stdout).toMatch(/^ {2}--env-file FILE {4}read the configuration from FILE instead of \.env/m);
  });
});

describe("the configured resource", () => {
  it("a room's standalone emulator, through the connection string and its certificate", async () => {
    const dir = freshDir();
    const room = await startStandaloneEmulator({
      port: 0,
      stateDir: join(dir, "room"),
      signingKey: await testSigningKey(),
    });
    try {
      const client = await createIdentityClient(
        { kind: "connection-string", endpoint: room.url, connectionString: room.connectionString },
        { tlsOptions: { ca: room.caPem } },
      );
      const { user, token: issued } = await client.createUserAndToken(["chat"]);
      const env = {
        ACS_QUICKSTART_STATE_DIR: join(dir, "learner"),
        COMMUNICATION_SERVICES_CONNECTION_STRING: room.connectionString,
        NODE_EXTRA_CA_CERTS: room.caPath,
      };
      const valid = await token(["inspect", issued], env);
      expect(valid.stdout).toContain(`Validity, asked of the configured resource ${room.url}/`);
      expect(valid.stdout).toMatch(/Verdict +valid/);
      // The room's settings in a file of their own (npm runs scripts from the repository's root; a relative
      // path is from the folder the learner typed it in, INIT_CWD).
      writeFileSync(
        join(dir, ".env.room"),
        `COMMUNICATION_SERVICES_CONNECTION_STRING=${room.connectionString}\nNODE_EXTRA_CA_CERTS=${room.caPath}\n`,
      );
      let output = "";
      const code = await runTokenCommand(["inspect", issued, "--env-file", ".env.room"], {
        // Nothing of the resource in the environment, where it would hide the file's (as with node --env-file).
        env: { ACS_QUICKSTART_STATE_DIR: join(dir, "learner"), INIT_CWD: dir, LANG: "C" },
        envFile: false, // what --env-file replaces: the repository's .env
        stdout: { write: (text: string) => (output += text) },
        stderr: { write: (text: string) => (output += text) },
      });
      const fromFile = { code, stdout: output };
      expect(fromFile.code).toBe(0);
      expect(fromFile.stdout).toContain(`Validity, asked of the configured resource ${room.url}/`);
      expect(fromFile.stdout).toMatch(/Verdict +valid/);
      await client.revokeTokens(user);
      expect((await token(["inspect", issued], env)).stdout).toMatch(/Verdict +not valid: .*revoked/);
    } finally {
      await room.close();
    }
  });

  it("the standalone emulator of this state folder: asked over HTTPS while it runs, its state read when it does not", async () => {
    const state = freshDir();
    const own = await startStandaloneEmulator({
      port: 0,
      stateDir: join(state, "emulator"),
      signingKey: await testSigningKey(),
    });
    let issued: string;
    try {
      const client = await createIdentityClient(
        { kind: "connection-string", endpoint: own.url, connectionString: own.connectionString },
        { tlsOptions: { ca: own.caPem } },
      );
      issued = (await client.createUserAndToken(["voip"])).token;
      const running = await token(["inspect", issued, "--json"], { ACS_QUICKSTART_STATE_DIR: state });
      expect(JSON.parse(running.stdout).validity).toMatchObject({
        checked: true,
        source: { kind: "standalone", endpoint: `${own.url}/` },
        verdict: { valid: true },
      });
    } finally {
      await own.close();
    }
    const stopped = await token(["inspect", issued, "--json"], { ACS_QUICKSTART_STATE_DIR: state });
    expect(JSON.parse(stopped.stdout).validity).toMatchObject({
      checked: true,
      source: { kind: "standalone", stateFile: join(state, "emulator", "state.json") },
      verdict: { valid: true },
    });
  });

  it("a real resource has no /_emulator/ routes: not checked, and said why", async () => {
    const { stateDir, client, acs } = await builtInEmulator();
    const { token: issued } = await client.createUserAndToken(["voip"]);
    await acs.close();
    rmSync(join(stateDir, "emulator-state.json")); // the emulator is gone: only the configured resource is left
    // One msw server at a time in a process: the resource's starts after the emulator's has stopped.
    const endpoint = "https://contoso.communication.azure.com";
    const azure = setupServer(
      http.all(`${endpoint}/*`, () => HttpResponse.json({ error: {} }, { status: 404 })),
    );
    azure.listen({ onUnhandledRequest: "bypass" });
    try {
      const run = await token(["inspect", issued], {
        ACS_QUICKSTART_STATE_DIR: stateDir,
        COMMUNICATION_SERVICES_CONNECTION_STRING: `endpoint=${endpoint}/;accesskey=${randomBytes(32).toString("base64")}`,
      });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        `Validity: not checked: the configured resource ${endpoint}/ is not an emulator (it has no /_emulator/ routes)`,
      );
    } finally {
      azure.close();
    }
  });

  it("an emulator whose clock differs: the clock is named, with the difference, not the access key (faketime)", async () => {
    const { stateDir, client, acs } = await builtInEmulator();
    const { token: issued } = await client.createUserAndToken(["voip"]);
    await acs.close();
    rmSync(join(stateDir, "emulator-state.json"));
    const dir = freshDir();
    // The room's emulator two days behind this computer: as `faketime -f '+2d' npm run token -- inspect …`.
    const room = await startStandaloneEmulator({
      port: 0,
      stateDir: join(dir, "room"),
      signingKey: await testSigningKey(),
      now: () => Date.now() - 2 * 24 * HOUR,
    });
    try {
      const env = {
        ACS_QUICKSTART_STATE_DIR: stateDir,
        COMMUNICATION_SERVICES_CONNECTION_STRING: room.connectionString,
        NODE_EXTRA_CA_CERTS: room.caPath,
      };
      const run = await token(["inspect", issued], env);
      expect(run.stdout).toContain(
        `Validity: not checked: the configured resource ${room.url}/ refused the request (401 Denied, x-emulator-reason: stale-date): the request's date is outside the emulator's clock window`,
      );
      expect(run.stdout).toMatch(
        /this computer's clock is 2 d 0 h ahead of the emulator's \(its answer is dated \w{3}, \d\d \w{3} \d{4} [\d:]{8} GMT\)\. Set the clock/,
      );
      expect(run.stdout).not.toContain("Is the connection string the emulator's?");
      const zh = await token(["inspect", issued, "--lang", "zh-CN"], env);
      expect(zh.stdout).toContain("这台电脑的时钟比模拟器的快 2 天 0 小时");
      const json = JSON.parse((await token(["inspect", issued, "--json"], env)).stdout);
      expect(json.validity).toMatchObject({
        checked: false,
        why: "refused",
        refusal: { reason: "stale-date", clockAheadMs: expect.any(Number) },
      });
      expect(Math.round(json.validity.refusal.clockAheadMs / HOUR)).toBe(48);
    } finally {
      await room.close();
    }
  });

  describe("every reason an emulator gives for a 401 is explained", () => {
    /** What the inspector says for each `x-emulator-reason` (the type makes this list complete). */
    const MEANING: Record<DeniedReason, RegExp> = {
      "missing-authorization":
        /arrived without its Authorization header: something between this computer and the emulator/,
      "bearer-rejected":
        /bearer token instead of the access key's signature, and this emulator refuses bearer tokens/,
      "malformed-authorization": /Authorization header arrived malformed: something between/,
      "signed-headers":
        /signature arrived covering other headers than x-ms-date, host and x-ms-content-sha256/,
      "missing-date": /arrived without its date \(x-ms-date\): something between/,
      "invalid-date": /date \(x-ms-date\) arrived unreadable: something between/,
      "stale-date":
        /outside the emulator's clock window .*: this computer's clock is 3 h 0 min behind the emulator's \(its answer is dated /,
      "missing-content-hash": /arrived without its body hash \(x-ms-content-sha256\): something between/,
      "content-hash":
        /body is not the one that was signed \(x-ms-content-sha256 differs\): something between/,
      "missing-signed-header": /a header the request signed did not arrive: something between/,
      signature:
        /the signature does not match: the access key in the connection string is not this emulator's .*, or the request was signed for another address .*\(a port forward or a proxy/,
    };
    const endpoint = "https://room-emulator.example";
    let reason: string | undefined;
    let dated = true;
    let issued: string;
    let stateDir: string;
    let server: ReturnType<typeof setupServer>;
    beforeAll(async () => {
      const built = await builtInEmulator();
      ({ stateDir } = built);
      issued = (await built.client.createUserAndToken(["voip"])).token;
      await built.acs.close();
      rmSync(join(stateDir, "emulator-state.json"));
      // One msw server at a time in a process: this one starts after the emulator's has stopped.
      server = setupServer(
        http.all(`${endpoint}/*`, () => {
          const headers: Record<string, string> = { "content-type": "application/json" };
          // The emulator's clock, 3 hours ahead of this computer's.
          if (dated) headers.date = new Date(Date.now() + 3 * HOUR).toUTCString();
          if (reason !== undefined) headers["x-emulator-reason"] = reason;
          return HttpResponse.json({ error: { code: "Denied" } }, { status: 401, headers });
        }),
      );
      server.listen({ onUnhandledRequest: "bypass" });
    });
    afterAll(() => server?.close());
    const inspect = (...args: string[]) =>
      token(["inspect", issued, ...args], {
        ACS_QUICKSTART_STATE_DIR: stateDir,
        COMMUNICATION_SERVICES_CONNECTION_STRING: `endpoint=${endpoint}/;accesskey=${randomBytes(32).toString("base64")}`,
      });

    it.each(Object.entries(MEANING))("%s", async (given, meaning) => {
      reason = given;
      const run = await inspect();
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        `Validity: not checked: the configured resource ${endpoint}/ refused the request (401 Denied, x-emulator-reason: ${given}): `,
      );
      expect(run.stdout).toMatch(meaning);
      expect(run.stdout).not.toContain("Is the connection string the emulator's?");
    });

    it("in Chinese too", async () => {
      reason = "signature";
      expect((await inspect("--lang", "zh-CN")).stdout).toContain(
        "拒绝了请求 (401 Denied, x-emulator-reason: signature)：签名不匹配：连接字符串中的访问密钥不是这个模拟器的",
      );
    });

    it("stale-date without a Date in the answer: the clocks differ, by how much is not known", async () => {
      reason = "stale-date";
      dated = false;
      try {
        expect((await inspect()).stdout).toContain(
          "(15 minutes either way, unless it was started with --clock-skew-minutes): this computer's clock differs from the emulator's. Set the clock",
        );
      } finally {
        dated = true;
      }
    });

    it("a reason it does not know, and an answer without one", async () => {
      reason = "new-check";
      expect((await inspect()).stdout).toContain(
        "(401 Denied, x-emulator-reason: new-check): a reason this inspector does not know.",
      );
      reason = undefined;
      expect((await inspect()).stdout).toContain(
        `the configured resource ${endpoint}/ refused the access key (401). Is the connection string the emulator's?`,
      );
    });
  });

  it("no emulator anywhere: not checked, and how to get one", async () => {
    const { client, acs } = await builtInEmulator();
    const { token: issued } = await client.createUserAndToken(["voip"]);
    await acs.close();
    const run = await token(["inspect", issued], { ACS_QUICKSTART_STATE_DIR: freshDir() });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Validity: not checked: no emulator was found. Run `npm run quickstart`");
  });
});

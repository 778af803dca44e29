/**
 * Hostile or careless input: malformed bodies, wrong content types, odd ids, wrong methods, header abuse,
 * oversized uploads; one emulator per state file; a bounded load test that shows no memory growth.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { readLockHolder } from "@acs-quickstart/common";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, type Emulator, EmulatorStateError, signRequest } from "../src/index.js";
import { type StandaloneEmulator, startStandaloneEmulator } from "../src/server.js";
import { testSigningKey } from "../src/testing.js";
import { sdkClient, standaloneTarget } from "./contract.js";
import { FOREIGN_ID, handleCall } from "./helpers.js";

const V = "api-version=2023-10-01";
let dir: string;
let e: Emulator;
let own: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "acs-emulator-hardening-"));
  e = await createEmulator({ signingKey: await testSigningKey() });
  own = (await call({ method: "POST", path: `/identities?${V}` })).json().identity.id;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const call = (c: {
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string | undefined>;
}) => handleCall(e, { accessKey: e.accessKey, ...c });

/** Every error answer has the service's shape: {"error":{"code","message"}}, JSON content type. */
function serviceShaped(
  res: { status: number; headers: Headers; json: () => unknown },
  status: number,
  code: string,
) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/json");
  expect(res.json()).toMatchObject({ error: { code, message: expect.any(String) } });
}

describe.concurrent("request bodies", () => {
  it.each([
    ["not JSON", "{scopes: [chat]}"],
    ["truncated", '{"scopes":["chat"'],
    ["a JSON array", '["chat"]'],
    ["a JSON string", '"chat"'],
    ["scopes not an array", '{"scopes":"chat"}'],
    ["a number for expiresInMinutes", '{"scopes":["chat"],"expiresInMinutes":"60"}'],
    ["NUL bytes", '{"scopes":["chat\\u0000"]}'],
  ])("issue with a body that is %s: 400 ValidationError", async (_, body) => {
    serviceShaped(
      await call({
        method: "POST",
        path: `/identities/${encodeURIComponent(own)}/:issueAccessToken?${V}`,
        body,
      }),
      400,
      "ValidationError",
    );
  });

  it.each([
    ["text/plain", `/identities?${V}`],
    ["application/x-www-form-urlencoded", `/identities/${encodeURIComponent(own)}/:issueAccessToken?${V}`],
    ["application/jsonp", `/identities?${V}`],
    [undefined, `/identities?${V}`],
    ["text/plain", "/_emulator/validate-token"],
  ])("a body sent as %s to %s: 415 UnsupportedMediaType", async (type, path) => {
    const res = await call({
      method: "POST",
      path,
      body: '{"scopes":["chat"],"token":"x"}',
      headers: { "content-type": type },
    });
    serviceShaped(res, 415, "UnsupportedMediaType");
    expect(res.json().error.message).toContain("application/json");
  });

  it("accepts application/json with parameters, and no content type when there is no body", async () => {
    const res = await call({
      method: "POST",
      path: `/identities/${encodeURIComponent(own)}/:issueAccessToken?${V}`,
      body: '{"scopes":["chat"]}',
      headers: { "content-type": "Application/JSON; charset=utf-8" },
    });
    expect(res.status).toBe(200);
    const revoke = await call({
      method: "POST",
      path: `/identities/${encodeURIComponent(own)}/:revokeAccessTokens?${V}`,
    });
    expect(revoke.status).toBe(204);
  });

  it("answers 413 for a body over 64 KiB, declared or not", async () => {
    const body = JSON.stringify({ pad: "x".repeat(70_000) });
    serviceShaped(
      await call({ method: "POST", path: `/identities?${V}`, body }),
      413,
      "RequestEntityTooLarge",
    );
    serviceShaped(
      await call({ method: "POST", path: `/identities?${V}`, headers: { "content-length": "99999999999" } }),
      413,
      "RequestEntityTooLarge",
    );
  });
});

describe.concurrent("ids, routes and methods", () => {
  const odd = [
    "abc",
    "8:acs:",
    "8:acs:x_y_z",
    "8:acs:../../etc/passwd_x",
    `8:acs:${"a".repeat(5000)}_b`,
    "8:acs:😀_☃",
    "8:acs:%00_%0a",
    "<script>alert(1)</script>",
    "8:acs:' OR 1=1 --_x",
    FOREIGN_ID,
  ];
  it.each(odd)("id %j: 401 IdentityNotOwned on issue, revoke and delete, never a 500", async (id) => {
    const path = `/identities/${encodeURIComponent(id)}`;
    for (const [method, suffix, body] of [
      ["POST", "/:issueAccessToken", '{"scopes":["chat"]}'],
      ["POST", "/:revokeAccessTokens", undefined],
      ["DELETE", "", undefined],
    ] as const) {
      const res = await call({ method, path: `${path}${suffix}?${V}`, ...(body ? { body } : {}) });
      serviceShaped(res, 401, "IdentityNotOwned");
    }
  });

  it.each(["/identities/%ZZ", "/identities/%E0%A4%A", "/identities/%C0%AF"])(
    "an id with broken percent-encoding, %s: 401 IdentityNotOwned on DELETE, 405 on POST",
    async (path) => {
      serviceShaped(await call({ method: "DELETE", path: `${path}?${V}` }), 401, "IdentityNotOwned");
      serviceShaped(await call({ method: "POST", path: `${path}?${V}` }), 405, "MethodNotAllowed");
    },
  );

  it.each([
    "/identities/%ZZ/:issueAccessToken",
    "/identities/a/b/c/d",
    "/identities//:issueAccessToken",
    "/identities/x/:unknownAction",
    "/IDENTITIES",
    "/teamsUser",
    "/_emulator/secrets",
    "/%2e%2e/%2e%2e/etc/passwd",
    `/${"x".repeat(3000)}`,
  ])("unknown or malformed route %s: 404 NotFound or 401, in the service's shape", async (path) => {
    const res = await call({ method: "POST", path: `${path}?${V}` });
    expect([401, 404]).toContain(res.status);
    serviceShaped(res, res.status, res.status === 404 ? "NotFound" : "IdentityNotOwned");
  });

  it.each([
    ["PUT", `/identities?${V}`, "POST"],
    ["PATCH", `/identities/${encodeURIComponent(FOREIGN_ID)}?${V}`, "DELETE"],
    ["GET", `/identities/${encodeURIComponent(FOREIGN_ID)}/:issueAccessToken?${V}`, "POST"],
    ["OPTIONS", `/identities?${V}`, "POST"],
    ["DELETE", `/teamsUser/:exchangeAccessToken?${V}`, "POST"],
    ["PUT", "/_emulator/faults", "POST, DELETE"],
    ["POST", "/_emulator/state", "GET"],
  ])("%s %s: 405 with Allow: %s", async (method, path, allow) => {
    const res = await call({ method, path });
    serviceShaped(res, 405, "MethodNotAllowed");
    expect(res.headers.get("allow")).toBe(allow);
  });

  it("HEAD on a POST route: 405, and no body", async () => {
    const res = await call({ method: "HEAD", path: `/identities?${V}` });
    expect(res.status).toBe(405);
    expect(res.text).toBe("");
  });
});

describe.concurrent("header abuse", () => {
  it("does not echo an oversized or non-printable x-ms-client-request-id", async () => {
    const long = await call({
      method: "POST",
      path: `/identities?${V}`,
      headers: { "x-ms-client-request-id": "a".repeat(5000) },
    });
    expect(long.status).toBe(201);
    expect(long.headers.get("x-ms-client-request-id")).toBeNull();
    const guid = "0f8fad5b-d9cb-469f-a165-70867728950e";
    const ok = await call({
      method: "POST",
      path: `/identities?${V}`,
      headers: { "x-ms-client-request-id": guid },
    });
    expect(ok.headers.get("x-ms-client-request-id")).toBe(guid);
  });

  it.each([
    ["a garbage date", { "x-ms-date": "yesterday" }],
    ["a date in 1970", { "x-ms-date": new Date(0).toUTCString() }],
    ["an empty Authorization", { authorization: "" }],
    ["a huge Authorization", { authorization: `HMAC-SHA256 SignedHeaders=x&Signature=${"A".repeat(8000)}` }],
    ["a Basic Authorization", { authorization: "Basic dXNlcjpwYXNz" }],
    ["a content hash of garbage", { "x-ms-content-sha256": "%%%" }],
  ])("%s: 401 Denied", async (_, headers) => {
    serviceShaped(await call({ method: "POST", path: `/identities?${V}`, headers }), 401, "Denied");
  });

  it("a non-numeric or negative Content-Length does not break the handler", async () => {
    for (const length of ["abc", "-1"]) {
      const res = await call({
        method: "POST",
        path: `/identities?${V}`,
        headers: { "content-length": length },
      });
      expect(res.status).toBe(201);
    }
  });
});

describe("the access key", () => {
  it("createEmulator refuses a key the quickstart would refuse, naming the fix", async () => {
    for (const accessKey of ["", "ab=cd", "abcde", "!!!!"]) {
      await expect(createEmulator({ signingKey: await testSigningKey(), accessKey })).rejects.toThrow(
        /accessKey cannot be an access key: .*`openssl rand -base64 32`/,
      );
    }
    const accessKey = Buffer.alloc(32, 9).toString("base64");
    const emulator = await createEmulator({ signingKey: await testSigningKey(), accessKey });
    expect(emulator.accessKey).toBe(accessKey);
    await emulator.close();
  });

  it("takes a key in any spelling the SDK decodes, and hands it out as the portal writes it (the same bytes)", async () => {
    const bytes = Buffer.alloc(32, 0xfb); // '+' and '/' in base64, '-' and '_' URL-safe
    const canonical = bytes.toString("base64");
    for (const spelling of [
      bytes.toString("base64url"),
      canonical.replace(/=+$/, ""),
      `${canonical.slice(0, 20)}\n${canonical.slice(20)}`,
    ]) {
      const emulator = await createEmulator({ signingKey: await testSigningKey(), accessKey: spelling });
      expect(emulator.accessKey).toBe(canonical);
      expect(Buffer.from(emulator.accessKey, "base64").equals(bytes)).toBe(true);
      await emulator.close();
    }
  });
});

describe("one emulator per state file", () => {
  it("a second emulator on a file in use fails with a clear message; after close() the file is free", async () => {
    const file = join(dir, "locked.json");
    const first = await createEmulator({ signingKey: await testSigningKey(), stateFile: file });
    const error = await createEmulator({ signingKey: await testSigningKey(), stateFile: file }).catch(
      (x: unknown) => x,
    );
    expect(error).toBeInstanceOf(EmulatorStateError);
    expect(error).toMatchObject({ kind: "locked", pid: process.pid, file });
    expect((error as Error).message).toMatch(/is in use by process \d+ .*ACS_QUICKSTART_STATE_DIR/);
    await first.close();
    expect(existsSync(`${file}.lock`)).toBe(false);
    const second = await createEmulator({ stateFile: file });
    expect(second.accessKey).toBe(first.accessKey);
    await second.close();
  });

  it("takes over the lock of a process that no longer runs (killed without clean-up)", async () => {
    const file = join(dir, "stale.json");
    // An emulator in another process, on the same state file, killed outright: its lock stays behind.
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        `const { createEmulator } = await import("@acs-quickstart/emulator");
         await createEmulator({ stateFile: process.argv[1] });
         console.log("ready");
         setInterval(() => {}, 60_000);`,
        file,
      ],
      { cwd: import.meta.dirname, stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise((resolve) => child.stdout.once("data", resolve));
    const pid = child.pid as number;
    expect(readLockHolder(file)?.pid).toBe(pid);
    child.kill("SIGKILL");
    await new Promise((resolve) => child.on("exit", resolve));
    expect(existsSync(`${file}.lock`)).toBe(true);
    const emulator = await createEmulator({ stateFile: file });
    expect(readLockHolder(file)?.pid).toBe(process.pid);
    await emulator.close();
  });

  it("a delayed request is dropped without effect when the emulator closes", async () => {
    const emulator = await createEmulator({
      faults: [{ operation: "createIdentity", delayMs: 60_000, times: 1 }],
    });
    const pending = handleCall(emulator, {
      method: "POST",
      path: `/identities?${V}`,
      accessKey: emulator.accessKey,
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await emulator.close();
    expect((await pending).status).toBe(0); // Response.error(): a network failure for the client
    expect(emulator.identities()).toEqual([]);
  });
});

describe("standalone server under abuse and load", () => {
  let server: StandaloneEmulator;
  beforeAll(async () => {
    server = await startStandaloneEmulator({ port: 0, stateDir: join(dir, "standalone") });
  });
  afterAll(() => server?.close());

  /** Sends raw bytes over TLS and returns what came back before the server closed (or 2 s passed). */
  function rawTls(bytes: string | Buffer): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({
        host: "127.0.0.1",
        port: server.port,
        ca: server.caPem,
        servername: "localhost",
      });
      let data = "";
      const timer = setTimeout(() => socket.destroy(), 2000);
      socket.on("secureConnect", () => socket.write(bytes));
      socket.on("data", (chunk) => {
        data += chunk.toString("latin1");
      });
      socket.on("error", (error) => (data ? resolve(data) : reject(error)));
      socket.on("close", () => {
        clearTimeout(timer);
        resolve(data);
      });
    });
  }
  const stillServes = async () =>
    expect((await sdkClient(target()).createUser()).communicationUserId).toMatch(/^8:acs:/);
  const target = () => standaloneTarget(server);

  it("a delayed request whose client gave up is dropped without effect", async () => {
    const before = server.emulator.identities().length;
    server.emulator.addFault({ operation: "createIdentity", delayMs: 400, times: 1 });
    const headers = signRequest({
      method: "POST",
      url: `${server.url}/identities?${V}`,
      body: "",
      accessKey: server.emulator.accessKey,
    });
    await new Promise<void>((resolve) => {
      const req = https.request(
        {
          host: "127.0.0.1",
          port: server.port,
          method: "POST",
          path: `/identities?${V}`,
          ca: server.caPem,
          servername: "localhost",
          headers,
        },
        () => {},
      );
      req.on("error", () => resolve());
      req.end();
      setTimeout(() => req.destroy(), 100);
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(server.emulator.identities()).toHaveLength(before);
  });

  it("binds loopback by default", () => {
    expect(server.host).toBe("127.0.0.1");
  });

  it("survives header abuse: oversized headers (431), duplicate Content-Length and garbage request lines (400)", async () => {
    const big = await rawTls(
      `POST /identities?${V} HTTP/1.1\r\nHost: localhost\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
    );
    expect(big).toMatch(/^HTTP\/1\.1 431/);
    const dup = await rawTls(
      `POST /identities?${V} HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab`,
    );
    expect(dup).toMatch(/^HTTP\/1\.1 400/);
    const garbage = await rawTls("\x00\x01\x02 NONSENSE\r\n\r\n");
    expect(garbage).toMatch(/^HTTP\/1\.1 400/);
    const many = Array.from({ length: 3000 }, (_, i) => `X-H${i}: v`).join("\r\n");
    expect(await rawTls(`GET /_emulator/state HTTP/1.1\r\nHost: localhost\r\n${many}\r\n\r\n`)).toMatch(
      /^HTTP\/1\.1 431/,
    );
    await stillServes();
  });

  it("answers 413 to a chunked upload over 64 KiB without Content-Length, and cuts off a huge one", async () => {
    const chunk = "x".repeat(16 * 1024);
    const chunked = `${Array.from({ length: 6 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join("")}0\r\n\r\n`;
    const res = await rawTls(
      `POST /identities?${V} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunked}`,
    );
    expect(res).toMatch(/^HTTP\/1\.1 413/);
    expect(res).toContain('"code":"RequestEntityTooLarge"');
    const huge = await new Promise<string>((resolve) => {
      const req = https.request(
        {
          host: "127.0.0.1",
          port: server.port,
          method: "POST",
          path: `/identities?${V}`,
          ca: server.caPem,
          servername: "localhost",
        },
        (r) => resolve(String(r.statusCode)),
      );
      req.on("error", (error) => resolve((error as NodeJS.ErrnoException).code ?? "error"));
      const block = Buffer.alloc(1024 * 1024, 120);
      let sent = 0;
      const pump = () => {
        while (sent < 8 && req.write(block)) sent++;
        if (sent < 8)
          req.once("drain", () => {
            sent++;
            pump();
          });
        else req.end();
      };
      pump();
    });
    expect(["413", "ECONNRESET", "EPIPE"]).toContain(huge);
    await stillServes();
  });

  it("a bounded load test (loopback, ~2000 requests) shows no memory growth and no leaked sockets", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const agent = new https.Agent({ keepAlive: true, maxSockets: 8, ca: server.caPem });
    const { communicationUserId: id } = await sdkClient(target()).createUser();
    const path = `/identities/${encodeURIComponent(id)}/:issueAccessToken?${V}`;
    const body = '{"scopes":["chat"]}';
    const one = (i: number) =>
      new Promise<number>((resolve, reject) => {
        // A mix: tokens (no per-token state), unknown routes, bad signatures.
        const kind = i % 4;
        const p = kind === 1 ? `/nothing/${i}?${V}` : path;
        const headers = signRequest({
          method: "POST",
          url: `${server.url}${p}`,
          body,
          accessKey: server.emulator.accessKey,
        });
        if (kind === 2) headers.authorization = `${headers.authorization}x`;
        const req = https.request(
          {
            host: "127.0.0.1",
            port: server.port,
            method: "POST",
            path: p,
            agent,
            servername: "localhost",
            headers: { ...headers, "content-type": "application/json" },
          },
          (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode ?? 0));
          },
        );
        req.on("error", reject);
        req.end(body);
      });
    const batch = async (from: number, n: number) => {
      const statuses: number[] = [];
      for (let i = from; i < from + n; i += 16) {
        statuses.push(...(await Promise.all(Array.from({ length: 16 }, (_, k) => one(i + k)))));
      }
      return statuses;
    };
    const heap = () => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    const deadline = Date.now() + 30_000; // stops by itself
    await batch(0, 400); // warm-up
    const before = heap();
    let total = 0;
    while (total < 1600 && Date.now() < deadline) {
      const statuses = await batch(total, 400);
      expect(new Set(statuses)).toEqual(new Set([200, 404, 401]));
      total += 400;
    }
    const after = heap();
    agent.destroy();
    expect(total).toBeGreaterThanOrEqual(800);
    expect(after - before).toBeLessThan(8 * 1024 * 1024);
    expect(server.emulator.identities().find((r) => r.id === id)?.tokensIssued).toBeGreaterThan(total / 4);
  }, 60_000);
});

describe("the CLI warns loudly when told to bind a non-loopback address", () => {
  it("prints a WARNING naming the address (a TEST-NET address, so nothing is exposed)", async () => {
    // As `npm run emulator` starts it.
    const root = join(import.meta.dirname, "../../..");
    const child = spawn(
      process.execPath,
      [
        join(root, "scripts/launch.mjs"),
        "packages/emulator/src/cli.ts",
        "--host",
        "192.0.2.1",
        "--port",
        "0",
        "--state-dir",
        join(dir, "cli"),
      ],
      { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(stderr).toMatch(/\*\*\* WARNING: binding 192\.0\.2\.1, a non-loopback address/);
    expect(code).toBe(2); // 192.0.2.1 is not this machine's: cannot listen there (--host must change: exit 2)
    expect(stderr).toContain("emulator: cannot start");
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});

/**
 * The token service's security: who can get a token (only a signed-in user, only for their own identity),
 * with which scopes, how often, from which web origins, and what its log never holds. In-process: requests go
 * through Fastify's inject(), the identity client to the in-process emulator.
 */
import { useSampleEnvironment } from "@acs-quickstart/core/testing";
import type { CommunicationUserIdentifier } from "@azure/communication-common";
import type { FastifyInstance } from "fastify";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AppUser,
  createTokenService,
  DEMO_PASSWORDS,
  DEMO_USERS,
  hashPassword,
  type IdentityMap,
  type IssuedToken,
  type TokenServiceOptions,
  verifyPassword,
} from "../src/token-service.js";

const acs = useSampleEnvironment();

// Test users with a cheap hash (cost 2^10): the demo users' cost is what a sign-in pays, not what this tests.
const PASSWORD = { alice: "correct horse", bob: "battery staple", carol: "tr0ub4dor" };
let users: AppUser[];
beforeAll(async () => {
  users = [
    { name: "alice", role: "member", passwordHash: await hashPassword(PASSWORD.alice, 10) },
    { name: "bob", role: "guest", passwordHash: await hashPassword(PASSWORD.bob, 10) },
    { name: "carol", role: "caller", passwordHash: await hashPassword(PASSWORD.carol, 10) },
  ];
});

function memoryMap(): IdentityMap & { entries: Map<string, CommunicationUserIdentifier> } {
  const entries = new Map<string, CommunicationUserIdentifier>();
  return {
    entries,
    get: async (user) => entries.get(user),
    set: async (user, id) => void entries.set(user, id),
  };
}

interface Service {
  app: FastifyInstance;
  identities: ReturnType<typeof memoryMap>;
  log: string[];
}

async function service(options: Partial<TokenServiceOptions> = {}): Promise<Service> {
  const identities = memoryMap();
  const log: string[] = [];
  const app = await createTokenService({
    identityClient: acs.client,
    identities,
    users,
    allowedOrigins: ["https://app.contoso.com"],
    log: { level: "debug", stream: { write: (line) => void log.push(line) } },
    ...options,
  });
  return { app, identities, log };
}

async function signIn(app: FastifyInstance, username: string, password: string, remoteAddress?: string) {
  return app.inject({
    method: "POST",
    url: "/api/sign-in",
    payload: { username, password },
    ...(remoteAddress ? { remoteAddress } : {}),
  });
}

async function session(app: FastifyInstance, name: keyof typeof PASSWORD): Promise<string> {
  const response = await signIn(app, name, PASSWORD[name]);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().session;
}

const tokenRequest = (app: FastifyInstance, session?: string, extra: Record<string, unknown> = {}) =>
  app.inject({
    method: "POST",
    url: "/api/token",
    headers: session ? { authorization: `Bearer ${session}` } : {},
    ...extra,
  });

async function claimsOf(token: string) {
  const check = await acs.admin.validateToken(token);
  expect(check.valid).toBe(true);
  return check.claims as { skypeid: string; acsScope: string; exp: number };
}

describe("who can get a token", () => {
  it("without a session: 401, and nothing is issued", async () => {
    const { app } = await service();
    for (const authorization of [undefined, "Bearer not-a-session-but-long-enough", "Basic YWxpY2U6eA=="]) {
      const response = await app.inject({
        method: "POST",
        url: "/api/token",
        headers: authorization ? { authorization } : {},
      });
      expect(response.statusCode).toBe(401);
      expect(response.headers["www-authenticate"]).toBe("Bearer");
      expect(response.body).not.toMatch(/eyJ/);
    }
  });

  it("the scheme Bearer is case-insensitive (RFC 7235); another scheme or a malformed header is not a session", async () => {
    const { app } = await service();
    const alice = await session(app, "alice");
    for (const authorization of [
      `Bearer ${alice}`,
      `bearer ${alice}`,
      `BEARER ${alice}`,
      `beArEr  ${alice}`,
    ]) {
      const response = await app.inject({ method: "POST", url: "/api/token", headers: { authorization } });
      expect(response.statusCode, authorization.split(" ")[0]).toBe(200);
    }
    for (const authorization of [`Bearer${alice}`, `Basic ${alice}`, `Bearer ${alice} extra`, alice]) {
      const response = await app.inject({ method: "POST", url: "/api/token", headers: { authorization } });
      expect(response.statusCode, authorization.slice(0, 8)).toBe(401);
    }
  });

  it("a wrong password and an unknown user get the same 401, and no session", async () => {
    const { app } = await service();
    const wrong = await signIn(app, "alice", "not her password");
    const unknown = await signIn(app, "mallory", PASSWORD.alice);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrong.json());
    expect(wrong.json()).not.toHaveProperty("session");
  });

  it("a signed-in user gets { token, expiresOn } for their own identity, made on their first sign-in", async () => {
    const { app, identities } = await service();
    const alice = await session(app, "alice");
    const aliceId = identities.entries.get("alice");
    expect(aliceId?.communicationUserId).toMatch(/^8:acs:/);
    const response = await tokenRequest(app, alice);
    expect(response.statusCode).toBe(200);
    expect(response.headers["cache-control"]).toBe("no-store");
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(["expiresOn", "token"]);
    const claims = await claimsOf(body.token);
    expect(`8:${claims.skypeid}`).toBe(aliceId?.communicationUserId);
    expect(Math.floor(Date.parse(body.expiresOn) / 1000)).toBe(claims.exp);
    expect(Math.round((claims.exp * 1000 - Date.now()) / 60_000)).toBe(60);
    // Signing in again keeps the same identity.
    await session(app, "alice");
    expect(identities.entries.get("alice")).toEqual(aliceId);
  });

  it("user A cannot get a token for B's identity: the identity comes from the session, never from the request", async () => {
    const { app, identities } = await service();
    const alice = await session(app, "alice");
    await session(app, "bob");
    const bobId = identities.entries.get("bob")?.communicationUserId as string;
    for (const payload of [{ userId: "bob" }, { communicationUserId: bobId }, { username: "bob" }]) {
      const response = await tokenRequest(app, alice, { payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.body).not.toMatch(/eyJ/);
    }
    const viaQuery = await tokenRequest(app, alice, { query: { user: "bob", identity: bobId } });
    expect(viaQuery.statusCode).toBe(200);
    expect(`8:${(await claimsOf(viaQuery.json().token)).skypeid}`).toBe(
      identities.entries.get("alice")?.communicationUserId,
    );
  });

  it("concurrent first sign-ins of one user make one identity", async () => {
    const { app, identities } = await service();
    const made: string[] = [];
    const counting: IdentityMap = {
      get: identities.get,
      set: async (user, id) => {
        made.push(id.communicationUserId);
        await identities.set(user, id);
      },
    };
    const { app: second } = await service({ identities: counting });
    const results = await Promise.all([1, 2, 3].map(() => signIn(second, "alice", PASSWORD.alice)));
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect(made).toHaveLength(1);
    await app.close();
  });

  it("signing out ends the session; signing out everywhere also revokes the identity's tokens", async () => {
    const { app } = await service();
    const first = await session(app, "alice");
    const second = await session(app, "alice");
    expect(
      (
        await app.inject({
          method: "POST",
          url: "/api/sign-out",
          headers: { authorization: `Bearer ${first}` },
        })
      ).statusCode,
    ).toBe(204);
    expect((await tokenRequest(app, first)).statusCode).toBe(401);
    const { token } = (await tokenRequest(app, second)).json();
    const everywhere = await app.inject({
      method: "POST",
      url: "/api/sign-out-everywhere",
      headers: { authorization: `Bearer ${second}` },
    });
    expect(everywhere.statusCode).toBe(204);
    expect(await acs.admin.validateToken(token)).toMatchObject({ valid: false, reason: "revoked" });
    expect((await tokenRequest(app, second)).statusCode).toBe(401);
  });
});

it("tells onTokenIssued of each token it issues: the app user, the identity, the token, the expiry, the scopes", async () => {
  const issued: IssuedToken[] = [];
  const { app, identities } = await service({ onTokenIssued: (token) => issued.push(token) });
  const alice = (await tokenRequest(app, await session(app, "alice"))).json();
  const carol = (await tokenRequest(app, await session(app, "carol"))).json();
  await tokenRequest(app); // refused: nothing issued
  expect(issued).toEqual([
    {
      appUser: "alice",
      identity: identities.entries.get("alice"),
      token: alice.token,
      expiresOn: new Date(alice.expiresOn),
      scopes: ["chat"],
    },
    {
      appUser: "carol",
      identity: identities.entries.get("carol"),
      token: carol.token,
      expiresOn: new Date(carol.expiresOn),
      scopes: ["voip"],
    },
  ]);
});

describe("least privilege: scopes per role", () => {
  it("member → chat, guest → chat.join.limited, caller → voip", async () => {
    const { app } = await service();
    const scopes: Record<string, string> = {};
    for (const name of ["alice", "bob", "carol"] as const) {
      const response = await tokenRequest(app, await session(app, name));
      scopes[name] = (await claimsOf(response.json().token)).acsScope;
    }
    expect(scopes).toEqual({ alice: "chat", bob: "chat.join.limited", carol: "voip" });
  });
});

describe("rate limits", () => {
  it("token requests are limited per user: 429 with Retry-After; another user is not held back", async () => {
    const { app } = await service({ limits: { token: { max: 2, windowMs: 60_000 } } });
    const alice = await session(app, "alice");
    const bob = await session(app, "bob");
    expect((await tokenRequest(app, alice)).statusCode).toBe(200);
    expect((await tokenRequest(app, alice)).statusCode).toBe(200);
    const limited = await tokenRequest(app, alice);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(Number(limited.headers["retry-after"])).toBeLessThanOrEqual(60);
    expect(limited.body).not.toMatch(/eyJ/);
    // A second session of the same user shares the user's limit; another user has their own.
    expect((await tokenRequest(app, await session(app, "alice"))).statusCode).toBe(429);
    expect((await tokenRequest(app, bob)).statusCode).toBe(200);
  });

  it("sign-ins are limited per user name and address: guessing a password is slowed down", async () => {
    const { app } = await service({ limits: { signIn: { max: 3, windowMs: 60_000 } } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await signIn(app, "alice", `guess ${i}`)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect((await signIn(app, "alice", PASSWORD.alice)).statusCode).toBe(429);
    expect((await signIn(app, "bob", PASSWORD.bob)).statusCode).toBe(200);
  });

  it("failed sign-ins are also limited per user name, from any address: guesses spread over many addresses", async () => {
    const { app, log } = await service({
      limits: { signIn: { max: 3, windowMs: 60_000 }, failedSignIns: { max: 4, windowMs: 60_000 } },
    });
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await signIn(app, "alice", `guess ${i}`, `203.0.113.${i + 1}`)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    // Once reached, not even the right password signs in (a guess that succeeds would tell the attacker).
    const right = await signIn(app, "alice", PASSWORD.alice, "198.51.100.7");
    expect(right.statusCode).toBe(429);
    expect(Number(right.headers["retry-after"])).toBeGreaterThan(0);
    expect(Number(right.headers["retry-after"])).toBeLessThanOrEqual(60);
    expect(right.json().message).toMatch(/failed sign-ins for this user name/);
    expect(right.json()).not.toHaveProperty("session");
    // Other users are not held back, and successful sign-ins do not count as failures.
    for (let i = 0; i < 5; i++)
      expect((await signIn(app, "bob", PASSWORD.bob, `203.0.113.${i + 1}`)).statusCode).toBe(200);
    expect(log.join("")).toContain("too many failed sign-ins for this user name");
  });
});

describe("the log of expected errors", () => {
  const lines = (log: string[]) => log.map((line) => JSON.parse(line) as Record<string, unknown>);

  it("a malformed, refused or too large body, a rate limit: one line each, no stack trace", async () => {
    const { app, log } = await service({ limits: { token: { max: 1, windowMs: 60_000 } } });
    const malformed = await app.inject({
      method: "POST",
      url: "/api/sign-in",
      headers: { "content-type": "application/json" },
      payload: '{"username": "alice",',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ statusCode: 400, error: "Bad Request" });
    const missing = await app.inject({ method: "POST", url: "/api/sign-in", payload: { username: "alice" } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().message).toMatch(/password/);
    const tooLarge = await app.inject({
      method: "POST",
      url: "/api/sign-in",
      payload: { username: "alice", password: "x".repeat(5000) },
    });
    expect(tooLarge.statusCode).toBe(413);
    const alice = await session(app, "alice");
    expect((await tokenRequest(app, alice)).statusCode).toBe(200);
    const limited = await tokenRequest(app, alice);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ statusCode: 429, error: "Too Many Requests" });
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);

    const entries = lines(log);
    for (const entry of entries) {
      expect(entry, JSON.stringify(entry)).not.toHaveProperty("err");
      expect(JSON.stringify(entry)).not.toMatch(/"stack"|\n\s+at /);
    }
    // One line for each, with its status: what happened, not how the code got there.
    for (const status of [400, 413, 429]) {
      const said = entries.filter((e) => e.status === status && e.level === 30 && typeof e.msg === "string");
      expect(said.length, `status ${status}`).toBe(status === 400 ? 2 : 1);
    }
    expect(entries.find((e) => e.status === 429)?.msg).toMatch(/Rate limit exceeded/);
  });

  it("an unexpected error (a bug) is still logged with its stack, and answered 500", async () => {
    const broken: IdentityMap = {
      get: async () => {
        throw new TypeError("the identity map broke");
      },
      set: async () => {},
    };
    const { app, log } = await service({ identities: broken });
    const response = await signIn(app, "alice", PASSWORD.alice);
    expect(response.statusCode).toBe(500);
    const logged = lines(log).find((e) => e.level === 50);
    expect(JSON.stringify(logged)).toContain("the identity map broke");
    expect(JSON.stringify(logged)).toMatch(/"stack"/);
  });
});

describe("CORS", () => {
  it("answers the configured origins only", async () => {
    const { app } = await service();
    const preflight = (origin: string) =>
      app.inject({
        method: "OPTIONS",
        url: "/api/token",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization",
        },
      });
    const allowed = await preflight("https://app.contoso.com");
    expect(allowed.headers["access-control-allow-origin"]).toBe("https://app.contoso.com");
    expect(String(allowed.headers["access-control-allow-headers"])).toMatch(/authorization/i);
    const other = await preflight("https://evil.example");
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
    const simple = await signIn(app, "alice", PASSWORD.alice);
    expect(simple.headers["access-control-allow-origin"]).toBeUndefined();
  });
});

describe("when Communication Services fails", () => {
  it("a throttled or failing service becomes 503 (with Retry-After) or 502 for the client, logged, no details leaked", async () => {
    // Retry-After 0: the SDK's three retries come at once. 501: a status the SDK does not retry.
    await acs.admin.addFault({ operation: "issueAccessToken", status: 429, retryAfterSeconds: 0, times: 4 });
    const { app, log } = await service();
    const alice = await session(app, "alice");
    const busy = await tokenRequest(app, alice);
    expect(busy.statusCode).toBe(503);
    expect(busy.headers["retry-after"]).toBe("0");
    expect(busy.json()).toEqual({
      statusCode: 503,
      error: "Service Unavailable",
      message: "Communication Services answered 429 TooManyRequests; try again later.",
    });
    await acs.admin.addFault({ operation: "issueAccessToken", status: 501, times: 1 });
    const failed = await tokenRequest(app, alice);
    expect(failed.statusCode).toBe(502);
    expect(failed.headers["retry-after"]).toBeUndefined();
    expect(failed.body).not.toMatch(/fault injected|emulator/i);
    expect(log.join("")).toMatch(/"status":501.*"msg":"Communication Services did not answer as expected"/);
  });

  it("a request to Communication Services cancelled (the server is stopping) is not logged as its failure", async () => {
    // The SDK's AbortError, as the identity client throws it when the signal it was given is aborted.
    const aborted = Object.assign(new Error("The operation was aborted."), { name: "AbortError" });
    const cancelling = Object.create(acs.client, {
      getToken: { value: async () => Promise.reject(aborted) },
    }) as typeof acs.client;
    const { app, log } = await service({ identityClient: cancelling });
    const response = await tokenRequest(app, await session(app, "alice"));
    expect(response.statusCode).toBe(503);
    expect(response.json().message).toBe("The request was cancelled; try again later.");
    const text = log.join("");
    expect(text).toContain('"msg":"a request to Communication Services was cancelled"');
    expect(text).not.toContain("did not answer as expected");
    expect(text).not.toMatch(/"level":50/);
  });
});

describe("the log", () => {
  it("says who did what, and never holds a token, a session, a password or the access key", async () => {
    const { app, log } = await service();
    await signIn(app, "alice", "a wrong password");
    const alice = await session(app, "alice");
    const { token } = (await tokenRequest(app, alice)).json();
    await tokenRequest(app, alice, { payload: { userId: "bob" } });
    await app.inject({
      method: "POST",
      url: "/api/sign-out-everywhere",
      headers: { authorization: `Bearer ${alice}` },
    });
    await app.close();

    const text = log.join("");
    expect(text).toContain('"msg":"issued an access token"');
    expect(text).toContain('"user":"alice"');
    expect(text).toContain("signed out everywhere");
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.split(".")[2]);
    expect(text).not.toContain(alice);
    expect(text).not.toContain(PASSWORD.alice);
    expect(text).not.toContain("a wrong password");
    expect(text).not.toMatch(/eyJ[\w-]+\.eyJ/);
    expect(text).not.toMatch(/accesskey|HMAC-SHA256/i);
  });
});

it("the demo users' passwords (the ones the pages give) match their stored hashes; another does not", async () => {
  expect(await verifyPassword(PASSWORD.alice, users[0]?.passwordHash as string)).toBe(true);
  expect(await verifyPassword(`${PASSWORD.alice}!`, users[0]?.passwordHash as string)).toBe(false);
  for (const user of DEMO_USERS) {
    expect(await verifyPassword(DEMO_PASSWORDS[user.name] as string, user.passwordHash), user.name).toBe(
      true,
    );
  }
});

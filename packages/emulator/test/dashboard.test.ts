/**
 * The dashboard's handler, in-process (no browser, no TLS): who may see it, what its data holds and never holds,
 * the tokens' states, the live stream, reset and fault presets. test/dashboard.browser.test.ts shows the page.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDashboard, type Dashboard } from "../src/dashboard.js";
import { FAULT_PRESETS } from "../src/fault-presets.js";
import { createEmulator, type Emulator } from "../src/index.js";
import { formatJournalLine } from "../src/journal-format.js";
import { testSigningKey } from "../src/testing.js";
import { DASHBOARD_ROUTES, handleCall } from "./helpers.js";

const ORIGIN = "https://acs.example.com";
const SECRET = "the-dashboard-secret-of-this-test-0123456789";
const HOUR = 3_600_000;

let clock = Date.now();
let emulator: Emulator;
let dashboard: Dashboard;

beforeEach(async () => {
  clock = Date.now();
  emulator = await createEmulator({
    signingKey: await testSigningKey(),
    now: () => clock,
    clockSkewMinutes: 24 * 60,
  });
  dashboard = createDashboard(emulator, { endpoint: ORIGIN, secret: SECRET, now: () => clock });
});
afterEach(async () => {
  dashboard.close();
  await emulator.close();
});

// biome-ignore lint/suspicious/noExplicitAny: parsed bodies are read freely in assertions
type Json = any;

async function get(path: string, headers: Record<string, string> = {}, method = "GET", body?: string) {
  const response = await dashboard.handle(
    new Request(`${ORIGIN}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) }),
  );
  const text = response.headers.get("content-type")?.startsWith("text/event-stream")
    ? ""
    : await response.text();
  return { response, status: response.status, text, json: (): Json => JSON.parse(text) };
}

const withSecret = { cookie: `acs_dashboard=${SECRET}` };
const change = { ...withSecret, "x-acs-dashboard": "1", "content-type": "application/json" };

/** A learner's calls, signed with the resource's key (at the emulator's time), through its one handler. */
const api = (method: string, path: string, body?: string) =>
  handleCall(emulator, {
    method,
    path: `${path}?api-version=2023-10-01`,
    accessKey: emulator.accessKey,
    date: new Date(clock),
    ...(body !== undefined ? { body } : {}),
  });

describe("access", () => {
  it.each(DASHBOARD_ROUTES.map(([method, path]) => [method, path] as [string, string]))(
    "%s %s without the secret (or with a wrong one): 401, and nothing else happens",
    async (method, path) => {
      await api("POST", "/identities");
      const wrong: Array<Record<string, string>> = [
        {},
        { cookie: "acs_dashboard=wrong" },
        { "x-dashboard-secret": "wrong" },
      ];
      for (const headers of wrong) {
        const answer = await get(path, { ...headers, "x-acs-dashboard": "1" }, method);
        expect(answer.status).toBe(401);
        expect(answer.text).toContain("needs its secret");
      }
      expect(emulator.identities()).toHaveLength(1);
    },
  );

  it("the secret in the URL becomes a cookie for the dashboard's path, and leaves the address bar", async () => {
    const answer = await get(`/_dashboard/?secret=${SECRET}`);
    expect(answer.status).toBe(303);
    expect(answer.response.headers.get("location")).toBe("/_dashboard/");
    expect(answer.response.headers.get("set-cookie")).toBe(
      `acs_dashboard=${SECRET}; Path=/_dashboard; HttpOnly; Secure; SameSite=Strict`,
    );
    expect(dashboard.url).toBe(`${ORIGIN}/_dashboard/?secret=${SECRET}`);
    const bare = await get("/_dashboard", withSecret);
    expect([bare.status, bare.response.headers.get("location")]).toEqual([308, "/_dashboard/"]);
  });

  it("serves its page, script and style itself, with a strict content security policy", async () => {
    for (const [path, type] of [
      ["/_dashboard/", "text/html"],
      ["/_dashboard/app.js", "text/javascript"],
      ["/_dashboard/style.css", "text/css"],
    ] as const) {
      const answer = await get(path, withSecret);
      expect(answer.status).toBe(200);
      expect(answer.response.headers.get("content-type")).toContain(type);
      expect(answer.response.headers.get("content-security-policy")).toContain(
        "default-src 'none'; script-src 'self'",
      );
      expect(answer.response.headers.get("cache-control")).toBe("no-store");
      expect(answer.text).not.toMatch(/https?:\/\/(?!www\.w3\.org)/); // no CDN: nothing from elsewhere
    }
  });

  it("a change needs the header x-acs-dashboard (a page of another site cannot send it)", async () => {
    const answer = await get("/_dashboard/api/reset", withSecret, "POST");
    expect(answer.status).toBe(403);
    expect((await get("/_dashboard/api/reset", change, "POST")).status).toBe(204);
  });
});

describe("what it shows", () => {
  it("identities and tokens, masked, with their state; never the access key", async () => {
    const created = (await api("POST", "/identities", '{"createTokenWithScopes":["chat","voip"]}')).json();
    const id: string = created.identity.id;
    const token: string = created.accessToken.token;
    const state = (await get("/_dashboard/api/state", withSecret)).json();
    expect(state.identities).toEqual([
      { id, createdAt: expect.any(String), deleted: false, tokensIssued: 1, revokedAt: null },
    ]);
    expect(state.tokens).toEqual([
      expect.objectContaining({
        identity: id,
        scopes: ["chat", "voip"],
        state: "valid",
        masked: `${token.slice(0, 12)}… (${token.length} characters)`,
        claims: expect.objectContaining({ acsScope: "chat,voip", skypeid: id.slice(2) }),
      }),
    ]);
    expect(state.journal).toEqual([
      expect.objectContaining({ method: "POST", operation: "createIdentity", status: 201 }),
    ]);
    const text = JSON.stringify(state);
    expect(text).not.toContain(emulator.accessKey);
    expect(text).not.toContain(token);
  });

  it("an identity's customId, where one was set (api-version 2025-03-02-preview)", async () => {
    const tagged = await handleCall(emulator, {
      method: "POST",
      path: "/identities?api-version=2025-03-02-preview",
      accessKey: emulator.accessKey,
      date: new Date(clock),
      body: '{"customId":"alice@contoso.com"}',
    });
    const plain = (await api("POST", "/identities")).json().identity.id;
    const identities = (await get("/_dashboard/api/state", withSecret)).json().identities as Json[];
    expect(identities.find((i: Json) => i.id === tagged.json().identity.id)?.customId).toBe(
      "alice@contoso.com",
    );
    expect(identities.find((i: Json) => i.id === plain)).not.toHaveProperty("customId");
  });

  it("a token's state follows its identity: revoked, deleted, and expired by the emulator's clock", async () => {
    const first = (
      await api("POST", "/identities", '{"createTokenWithScopes":["voip"],"expiresInMinutes":60}')
    ).json();
    const second = (await api("POST", "/identities", '{"createTokenWithScopes":["voip"]}')).json();
    await api("POST", `/identities/${encodeURIComponent(first.identity.id)}/:revokeAccessTokens`);
    const states = async () =>
      Object.fromEntries(
        ((await get("/_dashboard/api/state", withSecret)).json().tokens as Json[]).map((t: Json) => [
          t.identity,
          t.state,
        ]),
      );
    expect(await states()).toEqual({ [first.identity.id]: "revoked", [second.identity.id]: "valid" });
    clock += 25 * HOUR;
    expect((await states())[second.identity.id]).toBe("expired");
    expect((await api("DELETE", `/identities/${encodeURIComponent(second.identity.id)}`)).status).toBe(204);
    expect((await states())[second.identity.id]).toBe("deleted");
  });

  it("reveals a whole token only when asked, by its id", async () => {
    const token = (await api("POST", "/identities", '{"createTokenWithScopes":["voip"]}')).json().accessToken
      .token;
    const [kept] = (await get("/_dashboard/api/state", withSecret)).json().tokens;
    const revealed = await get(`/_dashboard/api/tokens/${kept.id}/reveal`, change, "POST");
    expect(revealed.json()).toEqual({ token });
    expect((await get("/_dashboard/api/tokens/unknown/reveal", change, "POST")).status).toBe(404);
  });

  it("explains a refused request: which part failed, in English and Chinese", async () => {
    await handleCall(emulator, {
      method: "POST",
      path: "/identities?api-version=2023-10-01",
      accessKey: Buffer.alloc(32, 9).toString("base64"),
    });
    const [row] = (await get("/_dashboard/api/state", withSecret)).json().journal;
    expect(row).toMatchObject({ status: 401, errorCode: "Denied", reason: "signature", part: "signature" });
    expect(row.explanation.en).toContain("signed with another access key");
    expect(row.explanation["zh-CN"]).toContain("访问密钥");
    expect(formatJournalLine(row)).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} {2}- +POST createIdentity +401 Denied {2}[\d.]+ ms {2}signature: The signature does not match/,
    );
  });
});

describe("live", () => {
  it("streams the state at once, then each request and the state after it", async () => {
    const answer = await get("/_dashboard/api/events", withSecret);
    expect(answer.response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const reader = (answer.response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = "";
    const until = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended before ${pattern}`);
        text += decoder.decode(value);
      }
    };
    await until(/event: state\n/);
    text = "";
    await api("POST", "/identities");
    await until(
      /event: request\ndata: .*"operation":"createIdentity".*\n\n[\s\S]*event: state\ndata: .*"identityTotal":1/,
    );
    await reader.cancel();
  });
});

describe("teaching controls", () => {
  it("arms a preset for an operation and a number of times; the learner's request then fails as it says", async () => {
    const armed = await get(
      "/_dashboard/api/faults",
      change,
      "POST",
      '{"preset":"429-retry-after","operation":"createIdentity","times":2}',
    );
    expect(armed.json().faults).toEqual([
      { operation: "createIdentity", status: 429, retryAfterSeconds: 2, times: 2 },
    ]);
    const failed = await api("POST", "/identities");
    expect(failed.status).toBe(429);
    expect(failed.headers.get("retry-after")).toBe("2");
    expect((await get("/_dashboard/api/faults", change, "DELETE")).status).toBe(204);
    expect(emulator.armedFaults()).toEqual([]);
  });

  it("has the presets a lesson on retries needs: 429 with and without Retry-After, 503", () => {
    expect(FAULT_PRESETS.map((p) => [p.id, p.fault])).toEqual([
      ["429", { status: 429 }],
      ["429-retry-after", { status: 429, retryAfterSeconds: 2 }],
      ["503", { status: 503 }],
    ]);
  });

  it.each([
    ['{"preset":"500"}', /Unknown preset; the presets: 429, 429-retry-after, 503/],
    ['{"preset":"429","times":0}', /"times" must be an integer >= 1/],
    ["not json", /The body must be JSON/],
  ])("refuses %s with what to send instead", async (body, message) => {
    const answer = await get("/_dashboard/api/faults", change, "POST", body);
    expect(answer.status).toBe(400);
    expect(answer.text).toMatch(message);
    expect(emulator.armedFaults()).toEqual([]);
  });

  it("reset forgets identities, tokens and faults", async () => {
    await api("POST", "/identities", '{"createTokenWithScopes":["voip"]}');
    emulator.addFault({ operation: "*", status: 503, times: 1 });
    expect((await get("/_dashboard/api/reset", change, "POST")).status).toBe(204);
    const state = (await get("/_dashboard/api/state", withSecret)).json();
    expect(state).toMatchObject({ identities: [], identityTotal: 0, tokens: [], faults: [] });
  });
});

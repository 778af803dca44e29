/**
 * The Chat routes on the wire (what the SDK contract cannot see): bodies and headers of answers and errors,
 * the order of checks, paging links, idempotency, an expired token on the emulator's clock, faults, CORS and
 * the request journal. Straight through the one handler (no transport).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createEmulator, type Emulator, type RequestJournalEvent, signRequest } from "../src/index.js";
import { testSigningKey } from "../src/testing.js";

const ORIGIN = "https://acs.test";
const V = "api-version=2025-03-15";
let clock = Date.parse("2026-11-25T10:00:00Z");
let emulator: Emulator;
const journal: RequestJournalEvent[] = [];

beforeAll(async () => {
  emulator = await createEmulator({ signingKey: await testSigningKey(), now: () => clock });
  emulator.onRequest((event) => journal.push(event));
});

async function signed(method: string, path: string, body?: unknown) {
  const text = body === undefined ? "" : JSON.stringify(body);
  const headers = signRequest({
    method,
    url: `${ORIGIN}${path}`,
    body: text,
    accessKey: emulator.accessKey,
    date: new Date(clock),
  });
  const response = await emulator.handle(
    new Request(`${ORIGIN}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: text }),
    }),
  );
  return response.json() as Promise<Record<string, unknown>>;
}

/** A new identity and an access token with these scopes. */
async function user(scopes: string[]) {
  const created = (await signed("POST", "/identities?api-version=2023-10-01", {
    createTokenWithScopes: scopes,
    expiresInMinutes: 60,
  })) as { identity: { id: string }; accessToken: { token: string } };
  return { id: created.identity.id, token: created.accessToken.token };
}

function chat(
  method: string,
  path: string,
  init: { token?: string; body?: string; headers?: Record<string, string> } = {},
) {
  return emulator.handle(
    new Request(`${ORIGIN}${path}`, {
      method,
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
        ...init.headers,
      },
      ...(init.body !== undefined ? { body: init.body } : {}),
    }),
  );
}

async function newThread(token: string, topic = "Wire") {
  const response = await chat("POST", `/chat/threads?${V}`, { token, body: JSON.stringify({ topic }) });
  expect(response.status).toBe(201);
  return ((await response.json()) as { chatThread: { id: string } }).chatThread.id;
}

describe("answers as the service writes them", () => {
  it("create: 201, the thread (whole-second times, both identifier forms), Location with the colon encoded", async () => {
    const alice = await user(["chat"]);
    const response = await chat("POST", `/chat/threads?${V}`, {
      token: alice.token,
      body: JSON.stringify({ topic: "Hello" }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("api-supported-versions")).toContain("2025-03-15");
    const { chatThread } = (await response.json()) as { chatThread: Record<string, unknown> };
    expect(chatThread).toEqual({
      id: expect.stringMatching(/^19:acsV1_[\w-]{43}1@thread\.v2$/),
      topic: "Hello",
      createdOn: "2026-11-25T10:00:00Z",
      createdByCommunicationIdentifier: { rawId: alice.id, communicationUser: { id: alice.id } },
      retentionPolicy: { kind: "none" },
    });
    expect(response.headers.get("location")).toBe(
      `${ORIGIN}/chat/threads/${String(chatThread.id).replace(":", "%3A")}`,
    );
  });

  it("401 has no body and no Content-Type; the reason is in x-emulator-reason and the journal", async () => {
    const carol = await user(["voip"]);
    const response = await chat("GET", `/chat/threads?${V}`, { token: carol.token });
    expect(response.status).toBe(401);
    expect(await response.text()).toBe("");
    expect(response.headers.get("content-type")).toBeNull();
    expect(response.headers.get("x-emulator-reason")).toBe("no-chat-scope");
    expect(journal.at(-1)).toMatchObject({
      route: "api",
      operation: "listChatThreads",
      status: 401,
      reason: "no-chat-scope",
    });
    const none = await chat("GET", `/chat/threads?${V}`);
    expect(none.headers.get("x-emulator-reason")).toBe("missing-authorization");
    const hmac = await chat("GET", `/chat/threads?${V}`, {
      headers: { authorization: "HMAC-SHA256 SignedHeaders=x&Signature=y" },
    });
    expect(hmac.headers.get("x-emulator-reason")).toBe("not-a-bearer-token");
  });

  it("errors are the pretty-printed CommunicationError wrapper", async () => {
    const alice = await user(["chat"]);
    const missing = await chat("GET", `/chat/threads/19%3Anope%40thread.v2?${V}`, { token: alice.token });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe("application/json");
    expect(await missing.text()).toBe(
      '{\n  "CommunicationError": {\n    "Code": "NotFound",\n    "Details": []\n  }\n}',
    );
    const noTopic = await chat("POST", `/chat/threads?${V}`, { token: alice.token, body: "{}" });
    expect(noTopic.status).toBe(400);
    expect(await noTopic.json()).toEqual({
      CommunicationError: { Code: "BadRequest", Message: "'topic' is required.", Details: [] },
    });
    const notJson = await chat("POST", `/chat/threads?${V}`, { token: alice.token, body: "{topic" });
    expect(((await notJson.json()) as { CommunicationError: { Code: string } }).CommunicationError.Code).toBe(
      "BadRequest",
    );
  });

  it("the api-version is required and must be one the chat routes serve", async () => {
    const alice = await user(["chat"]);
    const none = await chat("GET", "/chat/threads", { token: alice.token });
    expect(none.status).toBe(400);
    const old = await chat("GET", "/chat/threads?api-version=2020-11-19-preview1", { token: alice.token });
    expect(old.status).toBe(400);
    expect(
      ((await old.json()) as { CommunicationError: { Message: string } }).CommunicationError.Message,
    ).toContain("does not support the API version '2020-11-19-preview1'");
    expect((await chat("GET", "/chat/threads?api-version=2021-09-07", { token: alice.token })).status).toBe(
      200,
    );
  });

  it("the order of checks: a bad token (401) before a missing thread (404) before a non-participant (403) before a bad body (400)", async () => {
    const alice = await user(["chat"]);
    const outsider = await user(["chat"]);
    const id = encodeURIComponent(await newThread(alice.token));
    expect(
      (
        await chat("POST", `/chat/threads/19%3Anope%40thread.v2/messages?${V}`, {
          token: "x.y.z",
          body: "{}",
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await chat("POST", `/chat/threads/19%3Anope%40thread.v2/messages?${V}`, {
          token: outsider.token,
          body: JSON.stringify({ content: "x" }),
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await chat("POST", `/chat/threads/${id}/messages?${V}`, {
          token: outsider.token,
          body: JSON.stringify({ content: "x" }),
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await chat("POST", `/chat/threads/${id}/messages?${V}`, {
          token: alice.token,
          body: JSON.stringify({ content: "" }),
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await chat("POST", `/chat/threads/${id}/messages?${V}`, {
          token: alice.token,
          body: JSON.stringify({ content: "x", type: "participantAdded" }),
        })
      ).status,
    ).toBe(400);
  });
});

describe("the model on the wire", () => {
  it("message ids are the arrival time in ms, strictly increasing within a thread; nextLink is absolute on the same origin", async () => {
    const alice = await user(["chat"]);
    const raw = await newThread(alice.token);
    const id = encodeURIComponent(raw);
    const ids: string[] = [];
    for (const content of ["a", "b", "c"]) {
      const sent = await chat("POST", `/chat/threads/${id}/messages?${V}`, {
        token: alice.token,
        body: JSON.stringify({ content }),
      });
      ids.push(((await sent.json()) as { id: string }).id);
    }
    expect(ids.map(Number)).toEqual([clock + 2, clock + 3, clock + 4]);
    const page = (await (
      await chat("GET", `/chat/threads/${id}/messages?maxPageSize=2&${V}`, { token: alice.token })
    ).json()) as {
      value: Array<{ sequenceId: string }>;
      nextLink: string;
    };
    expect(page.value.map((m) => m.sequenceId)).toEqual(["5", "4"]);
    expect(page.nextLink).toMatch(
      new RegExp(
        `^${ORIGIN}/chat/threads/${raw.replace(/[.]/g, "\\.")}/messages\\?syncState=[0-9a-f]+&maxPageSize=2&${V}$`,
      ),
    );
    const next = await chat("GET", page.nextLink.slice(ORIGIN.length), { token: alice.token });
    expect(
      ((await next.json()) as { value: Array<{ sequenceId: string }> }).value.map((m) => m.sequenceId),
    ).toEqual(["3", "2"]);
  });

  it("the same repeatability-request-id from the same caller gives the same thread; from another caller, a new one", async () => {
    const alice = await user(["chat"]);
    const bob = await user(["chat"]);
    const create = async (token: string) => {
      const response = await chat("POST", `/chat/threads?${V}`, {
        token,
        body: JSON.stringify({ topic: "Once" }),
        headers: { "repeatability-request-id": "5a1b3c2e-0000-4000-8000-000000000001" },
      });
      expect(response.status).toBe(201);
      return ((await response.json()) as { chatThread: { id: string } }).chatThread.id;
    };
    const first = await create(alice.token);
    expect(await create(alice.token)).toBe(first);
    expect(await create(bob.token)).not.toBe(first);
  });

  it("an expired token is refused on the emulator's clock", async () => {
    const alice = await user(["chat"]);
    await newThread(alice.token);
    clock += 61 * 60_000;
    try {
      const response = await chat("GET", `/chat/threads?${V}`, { token: alice.token });
      expect(response.status).toBe(401);
      expect(response.headers.get("x-emulator-reason")).toBe("expired");
    } finally {
      clock -= 61 * 60_000;
    }
  });

  it("reset forgets every thread", async () => {
    const alice = await user(["chat"]);
    const id = encodeURIComponent(await newThread(alice.token));
    const state = (await signed("GET", "/_emulator/state")) as { chatThreads: number };
    expect(state.chatThreads).toBeGreaterThan(0);
    emulator.reset();
    expect(((await signed("GET", "/_emulator/state")) as { chatThreads: number }).chatThreads).toBe(0);
    // The identity is gone too: its token no longer opens anything.
    expect((await chat("GET", `/chat/threads/${id}?${V}`, { token: alice.token })).status).toBe(401);
  });
});

describe("faults and browsers", () => {
  it("a fault can target a chat operation by its name, with the chat error shape", async () => {
    const alice = await user(["chat"]);
    emulator.addFault({ operation: "sendChatMessage", status: 503, times: 1 });
    const id = encodeURIComponent(await newThread(alice.token));
    const failed = await chat("POST", `/chat/threads/${id}/messages?${V}`, {
      token: alice.token,
      body: JSON.stringify({ content: "x" }),
    });
    expect(failed.status).toBe(503);
    expect(((await failed.json()) as { CommunicationError: { Code: string } }).CommunicationError.Code).toBe(
      "ServiceUnavailable",
    );
    const again = await chat("POST", `/chat/threads/${id}/messages?${V}`, {
      token: alice.token,
      body: JSON.stringify({ content: "x" }),
    });
    expect(again.status).toBe(201);
  });

  it("answers a CORS preflight without a token, and lets browsers read answers", async () => {
    const preflight = await chat("OPTIONS", `/chat/threads?${V}`, {
      headers: {
        origin: "http://localhost:5173",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type",
      },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-headers")).toBe("authorization,content-type");
    const alice = await user(["chat"]);
    const listed = await chat("GET", `/chat/threads?${V}`, {
      token: alice.token,
      headers: { origin: "http://localhost:5173" },
    });
    expect(listed.headers.get("access-control-allow-origin")).toBe("*");
  });
});

/**
 * The request journal: one event per request the one handler answers, from either transport.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, type Emulator, type RequestJournalEvent, signRequest } from "../src/index.js";
import { testSigningKey } from "../src/testing.js";
import { FOREIGN_ID, handleCall } from "./helpers.js";

const V = "api-version=2023-10-01";
let emulator: Emulator;
let events: RequestJournalEvent[] = [];
let unsubscribe: () => void;

beforeAll(async () => {
  emulator = await createEmulator({ signingKey: await testSigningKey() });
});
afterEach(() => {
  unsubscribe?.();
  events = [];
});
const listen = () => {
  unsubscribe = emulator.onRequest((event) => events.push(event));
};
const call = (c: Parameters<typeof handleCall>[1]) =>
  handleCall(emulator, { accessKey: emulator.accessKey, ...c });

describe("the request journal", () => {
  it("records an answered operation: time, method, path, operation, api-version, status, duration, request id", async () => {
    listen();
    const before = Date.now();
    const res = await call({
      method: "POST",
      path: `/identities?${V}`,
      headers: { "x-ms-client-request-id": "req-1" },
    });
    expect(res.status).toBe(201);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toEqual({
      time: expect.any(Number),
      method: "POST",
      path: "/identities",
      route: "api",
      operation: "createIdentity",
      apiVersion: "2023-10-01",
      status: 201,
      durationMs: expect.any(Number),
      clientRequestId: "req-1",
      identity: res.json().identity.id,
    });
    expect(event?.time).toBeGreaterThanOrEqual(before - 1);
    expect(event?.time).toBeLessThanOrEqual(Date.now() + 1);
    expect(event?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("records error codes, and for a refused HMAC request the reason and which part failed", async () => {
    const id = (await call({ method: "POST", path: `/identities?${V}` })).json().identity.id as string;
    const issue = `/identities/${encodeURIComponent(id)}/:issueAccessToken?${V}`;
    listen();
    const origin = "https://localhost:8443";
    const signedWithoutPort = signRequest({
      method: "POST",
      url: `https://localhost/identities?${V}`,
      accessKey: emulator.accessKey,
    });
    await call({ method: "POST", path: `/identities?${V}`, date: new Date(Date.now() - 3_600_000) });
    await call({
      method: "POST",
      path: `/identities?${V}`,
      origin,
      headers: { ...signedWithoutPort, host: "localhost:8443" },
    });
    await call({
      method: "POST",
      path: issue,
      body: '{"scopes":["chat"]}',
      headers: { "x-ms-content-sha256": "AAAA" },
    });
    await call({
      method: "POST",
      path: `/identities?${V}`,
      accessKey: Buffer.alloc(32, 1).toString("base64"),
    });
    await call({
      method: "POST",
      path: `/identities/${encodeURIComponent(FOREIGN_ID)}/:revokeAccessTokens?${V}`,
    });
    expect(events.map((e) => [e.status, e.errorCode, e.reason, e.part])).toEqual([
      [401, "Denied", "stale-date", "date"],
      [401, "Denied", "signature", "host"],
      [401, "Denied", "content-hash", "body-hash"],
      [401, "Denied", "signature", "signature"],
      [401, "IdentityNotOwned", undefined, undefined],
    ]);
    expect(events[2]).toMatchObject({ operation: "issueAccessToken", path: issue.split("?")[0] });
  });

  it("records what an operation asked for: its identity, scopes and lifetime as sent, and the token answered", async () => {
    listen();
    const created = (
      await call({
        method: "POST",
        path: `/identities?${V}`,
        body: '{"createTokenWithScopes":["chat","voip"]}',
      })
    ).json();
    const id = created.identity.id as string;
    const path = (action: string) => `/identities/${encodeURIComponent(id)}${action}?${V}`;
    const issued = (
      await call({
        method: "POST",
        path: path("/:issueAccessToken"),
        body: '{"scopes":["voip"],"expiresInMinutes":90}',
      })
    ).json();
    // A lifetime the service refuses is journaled as asked, with the error.
    await call({
      method: "POST",
      path: path("/:issueAccessToken"),
      body: '{"scopes":["voip"],"expiresInMinutes":30}',
    });
    await call({ method: "POST", path: path("/:revokeAccessTokens") });
    await call({ method: "DELETE", path: path("") });
    const facts = events.map(({ operation, status, identity, scopes, expiresInMinutes, accessToken }) => ({
      operation,
      status,
      identity,
      scopes,
      expiresInMinutes,
      accessToken,
    }));
    expect(facts).toEqual([
      {
        operation: "createIdentity",
        status: 201,
        identity: id,
        scopes: ["chat", "voip"],
        expiresInMinutes: undefined,
        accessToken: created.accessToken.token,
      },
      {
        operation: "issueAccessToken",
        status: 200,
        identity: id,
        scopes: ["voip"],
        expiresInMinutes: 90,
        accessToken: issued.token,
      },
      {
        operation: "issueAccessToken",
        status: 400,
        identity: id,
        scopes: ["voip"],
        expiresInMinutes: 30,
        accessToken: undefined,
      },
      {
        operation: "revokeAccessTokens",
        status: 204,
        identity: id,
        scopes: undefined,
        expiresInMinutes: undefined,
        accessToken: undefined,
      },
      {
        operation: "deleteIdentity",
        status: 204,
        identity: id,
        scopes: undefined,
        expiresInMinutes: undefined,
        accessToken: undefined,
      },
    ]);
  });

  it("tells admin routes, wrong methods and unmatched paths apart", async () => {
    listen();
    await call({ method: "GET", path: "/_emulator/state" });
    await call({ method: "PUT", path: `/identities?${V}` });
    await call({ method: "GET", path: "/nowhere?x=1" });
    expect(events.map((e) => [e.route, e.operation, e.status, e.errorCode])).toEqual([
      ["admin", "state", 200, undefined],
      ["api", undefined, 405, "MethodNotAllowed"],
      ["unmatched", undefined, 404, "NotFound"],
    ]);
    expect(events[2]).toMatchObject({ path: "/nowhere" });
    expect(events[2]?.apiVersion).toBeUndefined();
  });

  it("records injected faults, and a dropped connection as status 0", async () => {
    listen();
    emulator.addFault({ operation: "createIdentity", status: 503, retryAfterSeconds: 1, times: 1 });
    emulator.addFault({ operation: "createIdentity", reset: true, times: 1 });
    expect((await call({ method: "POST", path: `/identities?${V}` })).status).toBe(503);
    // Response.error(): a network failure for a Fetch client (status 0).
    expect((await call({ method: "POST", path: `/identities?${V}` })).status).toBe(0);
    expect(events.map((e) => [e.status, e.errorCode, e.fault, e.dropped])).toEqual([
      [503, "ServiceUnavailable", true, undefined],
      [0, undefined, true, "reset"],
    ]);
  });

  it("stops after unsubscribing; a listener that throws changes no answer", async () => {
    const calls: string[] = [];
    const off = emulator.onRequest(() => {
      calls.push("thrower");
      throw new Error("listener bug");
    });
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      expect((await call({ method: "POST", path: `/identities?${V}` })).status).toBe(201);
      expect((await call({ method: "POST", path: `/identities?${V}` })).status).toBe(201);
    } finally {
      console.error = original;
    }
    off();
    expect((await call({ method: "POST", path: `/identities?${V}` })).status).toBe(201);
    expect(calls).toEqual(["thrower", "thrower"]);
    expect(errors).toHaveLength(1);
  });

  it("takes a listener from the options, from the first request", async () => {
    const seen: RequestJournalEvent[] = [];
    const e = await createEmulator({
      signingKey: await testSigningKey(),
      onRequest: (event) => seen.push(event),
    });
    await handleCall(e, { method: "POST", path: `/identities?${V}`, accessKey: e.accessKey });
    expect(seen).toMatchObject([{ operation: "createIdentity", status: 201 }]);
    await e.close();
  });
});

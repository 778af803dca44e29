import { CommunicationIdentityClient } from "@azure/communication-identity";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { emulatorHandlers, startInProcessEmulator } from "../src/in-process.js";
import { createEmulator, createEmulatorAdminClient, type Emulator, parseFaults } from "../src/index.js";
import { testSigningKey } from "../src/testing.js";
import { restError } from "./contract.js";
import { handleCall } from "./helpers.js";

const endpoint = "https://faults.acs-emulator.localhost";
let emulator: Emulator;
const server = setupServer();
const fast = { retryOptions: { retryDelayInMs: 1, maxRetryDelayInMs: 5 } };
const client = (options = {}) =>
  new CommunicationIdentityClient(`endpoint=${endpoint}/;accesskey=${emulator.accessKey}`, options);
const admin = () => createEmulatorAdminClient({ endpoint, accessKey: emulator.accessKey });

beforeAll(async () => {
  emulator = await createEmulator({ signingKey: await testSigningKey() });
  server.use(...emulatorHandlers(emulator, endpoint));
  server.listen({ onUnhandledRequest: "error" });
});
afterEach(() => emulator.clearFaults());
afterAll(() => server.close());

describe("faults with the SDK's retries", () => {
  it("429 with Retry-After: 1 is retried by the SDK, which then succeeds", async () => {
    await admin().addFault({ operation: "createIdentity", status: 429, retryAfterSeconds: 1, times: 1 });
    const started = Date.now();
    const user = await client().createUser();
    expect(user.communicationUserId).toMatch(/^8:acs:/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(emulator.armedFaults()).toEqual([]);
  });

  it("429 without Retry-After is not retried: the SDK throws 429 at once", async () => {
    emulator.addFault({ operation: "createIdentity", status: 429, times: 2 });
    const e = await restError(client(fast).createUser());
    expect(e).toMatchObject({ statusCode: 429, code: "TooManyRequests" });
    // Its message names no Retry-After the response does not have.
    expect(e.message).not.toMatch(/Retry/i);
    expect(emulator.armedFaults()).toMatchObject([{ times: 1 }]);
  });

  it("500 fails after the SDK's 4 attempts, with a service-shaped body", async () => {
    emulator.addFault({ operation: "issueAccessToken", status: 500, times: 10 });
    const user = await client(fast).createUser();
    const e = await restError(client(fast).getToken(user, ["chat"]));
    expect(e).toMatchObject({ statusCode: 500, code: "InternalServerError" });
    expect(emulator.armedFaults()).toMatchObject([{ operation: "issueAccessToken", times: 6 }]);
  });

  it("a reset fault drops the connection (msw network error)", async () => {
    emulator.addFault({ operation: "deleteIdentity", reset: true, times: 1 });
    const user = await client(fast).createUser();
    await expect(client({ retryOptions: { maxRetries: 0 } }).deleteUser(user)).rejects.toBeTruthy();
    await expect(client(fast).deleteUser(user)).resolves.toBeUndefined();
  });

  it("delayMs without a status answers normally after the delay", async () => {
    emulator.addFault({ operation: "*", delayMs: 150, times: 1 });
    const started = Date.now();
    await client(fast).createUser();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('"*" matches any operation; DELETE /_emulator/faults disarms', async () => {
    emulator.addFault({ operation: "*", status: 503, times: 5 });
    expect(await restError(client({ retryOptions: { maxRetries: 0 } }).createUser())).toMatchObject({
      statusCode: 503,
      code: "ServiceUnavailable",
    });
    await admin().clearFaults();
    await expect(client().createUser()).resolves.toBeTruthy();
  });

  it("unauthenticated calls do not consume a fault", async () => {
    emulator.addFault({ operation: "createIdentity", status: 500, times: 1 });
    const res = await handleCall(emulator, { method: "POST", path: "/identities?api-version=2023-10-01" });
    expect(res.status).toBe(401);
    expect(emulator.armedFaults()).toHaveLength(1);
  });

  it("sends Retry-After and the service error shape on the wire", async () => {
    emulator.addFault({ operation: "revokeAccessTokens", status: 429, retryAfterSeconds: 7, times: 1 });
    const user = await client().createUser();
    const res = await handleCall(emulator, {
      method: "POST",
      path: `/identities/${encodeURIComponent(user.communicationUserId)}/:revokeAccessTokens?api-version=2023-10-01`,
      accessKey: emulator.accessKey,
    });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
    expect(res.json().error).toMatchObject({ code: "TooManyRequests" });
    expect(res.json().error.message).toMatch(/^Too many requests\. Retry after 7 seconds\. \(fault injected/);
  });
});

describe("fault validation", () => {
  it("POST /_emulator/faults answers 400 with a clear message for a bad fault", async () => {
    for (const [body, message] of [
      [{ operation: "nope", status: 500, times: 1 }, /"operation" must be one of/],
      [{ operation: "*", status: 500 }, /"times" must be an integer >= 1/],
      [{ operation: "*", status: 200, times: 1 }, /"status" must be an HTTP error status/],
      [{ operation: "*", times: 1 }, /at least one of "status", "delayMs" or "reset"/],
      [{ operation: "*", status: 500, times: 1, colour: "red" }, /unknown property "colour"/],
    ] as const) {
      const res = await handleCall(emulator, {
        method: "POST",
        path: "/_emulator/faults",
        body: JSON.stringify(body),
        accessKey: emulator.accessKey,
      });
      expect(res.status).toBe(400);
      expect(res.json().error.code).toBe("ValidationError");
      expect(res.json().error.message).toMatch(message);
    }
    expect(emulator.armedFaults()).toEqual([]);
  });

  it("parseFaults reads a list (or one fault) and throws clear errors", () => {
    expect(
      parseFaults('[{"operation":"createIdentity","status":503,"retryAfterSeconds":1,"times":2}]'),
    ).toEqual([{ operation: "createIdentity", status: 503, retryAfterSeconds: 1, times: 2 }]);
    expect(parseFaults('{"operation":"*","reset":true,"times":1}')).toEqual([
      { operation: "*", reset: true, times: 1 },
    ]);
    expect(() => parseFaults("not json")).toThrow(/Faults are not valid JSON/);
    expect(() => parseFaults('[{"operation":"*","delayMs":-1,"times":1}]')).toThrow(/faults\[0\]: "delayMs"/);
  });

  it("pre-armed faults from the options apply from the first call", async () => {
    server.close();
    const running = await startInProcessEmulator({
      faults: [{ operation: "createIdentity", status: 503, times: 1 }],
    });
    try {
      const c = new CommunicationIdentityClient(running.connectionString, {
        retryOptions: { maxRetries: 0 },
      });
      expect(await restError(c.createUser())).toMatchObject({ statusCode: 503 });
      await expect(c.createUser()).resolves.toBeTruthy();
    } finally {
      await running.close();
      server.listen({ onUnhandledRequest: "error" });
    }
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RequestJournalEvent, signRequest } from "../src/index.js";
import { type StandaloneEmulator, startStandaloneEmulator } from "../src/server.js";
import { sdkClient, sdkContract, standaloneTarget } from "./contract.js";
import { rawRequest } from "./helpers.js";
import { recordedContract } from "./recorded.js";

let server: StandaloneEmulator;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "acs-emulator-standalone-"));
  server = await startStandaloneEmulator({ port: 0, stateDir: dir });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const target = () => standaloneTarget(server);

describe("real SDK against the standalone HTTPS emulator (tlsOptions.ca)", () => {
  sdkContract(target);
});

describe("the recorded 2025-03-02-preview interactions, over HTTPS", () => {
  recordedContract(() => ({ ...target(), wire: true }));
});

describe("standalone transport", () => {
  const signed = (r: {
    method: string;
    path: string;
    body?: string;
    headers?: Record<string, string | undefined>;
  }) => rawRequest({ endpoint: server.url, accessKey: server.emulator.accessKey, ca: server.caPem, ...r });

  it("listens on 127.0.0.1 with a certificate valid for that address, and reports where it is", () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(server.connectionString).toBe(`endpoint=${server.url}/;accesskey=${server.emulator.accessKey}`);
    expect(server.caPath).toBe(join(dir, "cert.pem"));
  });

  it("verifies the signature over the raw, percent-encoded target (8%3Aacs%3A…)", async () => {
    const created = await signed({ method: "POST", path: "/identities?api-version=2023-10-01" });
    const id = (created.json() as { identity: { id: string } }).identity.id;
    const path = `/identities/${encodeURIComponent(id)}/:issueAccessToken?api-version=2023-10-01`;
    expect(path).toContain("8%3Aacs%3A");
    const issued = await signed({ method: "POST", path, body: '{"scopes":["voip"]}' });
    expect(issued.status).toBe(200);
    // A signature computed over the decoded form does not verify the encoded target that was sent.
    const decoded = signRequest({
      method: "POST",
      url: `${server.url}/identities/${id}/:issueAccessToken?api-version=2023-10-01`,
      body: '{"scopes":["voip"]}',
      accessKey: server.emulator.accessKey,
    });
    const mismatch = await rawRequest({
      endpoint: server.url,
      ca: server.caPem,
      method: "POST",
      path,
      body: '{"scopes":["voip"]}',
      headers: decoded,
    });
    expect(mismatch.status).toBe(401);
    expect(mismatch.json()).toMatchObject({ error: { code: "Denied" } });
  });

  it("answers unknown routes 404 and wrong methods 405 in the service's error shape", async () => {
    const missing = await signed({ method: "GET", path: "/nothing-here?api-version=2023-10-01" });
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: "NotFound" } });
    const wrong = await signed({ method: "GET", path: "/identities?api-version=2023-10-01" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe("POST");
    expect(wrong.json()).toMatchObject({ error: { code: "MethodNotAllowed" } });
  });

  it("rejects bodies over 64 KiB with 413 in the service's error shape", async () => {
    const body = JSON.stringify({ scopes: ["chat"], pad: "x".repeat(70_000) });
    const res = await signed({ method: "POST", path: "/identities?api-version=2023-10-01", body });
    expect(res.status).toBe(413);
    expect(res.json()).toMatchObject({ error: { code: "RequestEntityTooLarge" } });
  });

  it("journals each request with the client's address", async () => {
    const events: RequestJournalEvent[] = [];
    const off = server.emulator.onRequest((event) => events.push(event));
    try {
      expect((await signed({ method: "POST", path: "/identities?api-version=2023-10-01" })).status).toBe(201);
    } finally {
      off();
    }
    expect(events).toMatchObject([{ operation: "createIdentity", status: 201 }]);
    expect(events[0]?.clientAddress).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
  });

  it("a reset fault drops the connection; the SDK sees a network error", async () => {
    await server.emulator.addFault({ operation: "createIdentity", reset: true, times: 1 });
    await expect(sdkClient(target()).createUser()).rejects.toMatchObject({ code: "ECONNRESET" });
    await expect(sdkClient(target()).createUser()).resolves.toBeTruthy();
  });
});

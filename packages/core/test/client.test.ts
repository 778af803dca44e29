import { createHash, createHmac } from "node:crypto";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createIdentityClient } from "../src/client.js";
import type { Config } from "../src/config.js";

const HOST = "myacs.communication.azure.com";
const ENDPOINT = `https://${HOST}/`;
const KEY = createHash("sha512").update("client test key").digest("base64");
const USER_ID = "8:acs:2dee53b4-368b-45b4-ab52-8493fb117652_00000005-14a2-493b-8a72-5a3a0d000081";

/** Every request the fake service received. */
const received: Request[] = [];
const server = setupServer(
  http.post(`${ENDPOINT}identities`, ({ request }) => {
    received.push(request.clone());
    return HttpResponse.json({ identity: { id: USER_ID } }, { status: 201 });
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  received.length = 0;
  server.resetHandlers();
});
afterAll(() => server.close());

const fast = { retryOptions: { maxRetries: 0 } };

/** What the HMAC policy signs: verb, path and query, then `x-ms-date;host;x-ms-content-sha256`. */
function expectedSignature(request: Request, key: string): string {
  const url = new URL(request.url);
  const date = request.headers.get("x-ms-date");
  const hash = request.headers.get("x-ms-content-sha256");
  const stringToSign = `POST\n${url.pathname}${url.search}\n${date};${HOST};${hash}`;
  return createHmac("sha256", Buffer.from(key, "base64")).update(stringToSign, "utf8").digest("base64");
}

async function createUserWith(config: Config, options = {}): Promise<Request> {
  const client = await createIdentityClient(config, { ...fast, ...options });
  const user = await client.createUser();
  expect(user.communicationUserId).toBe(USER_ID);
  expect(received).toHaveLength(1);
  return received[0] as Request;
}

describe("createIdentityClient", () => {
  it("signs requests with the key from a connection string (HMAC-SHA256)", async () => {
    const request = await createUserWith({
      kind: "connection-string",
      endpoint: ENDPOINT,
      connectionString: `endpoint=${ENDPOINT};accesskey=${KEY}`,
    });
    const authorization = request.headers.get("authorization") ?? "";
    expect(authorization).toMatch(/^HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=/);
    expect(authorization.split("Signature=")[1]).toBe(expectedSignature(request, KEY));
  });

  it("signs requests with an endpoint and access key (HMAC-SHA256)", async () => {
    const request = await createUserWith({ kind: "access-key", endpoint: ENDPOINT, accessKey: KEY });
    const authorization = request.headers.get("authorization") ?? "";
    expect(authorization.split("Signature=")[1]).toBe(expectedSignature(request, KEY));
  });

  it("sends a Microsoft Entra ID bearer token for the Communication Services scope", async () => {
    const scopesAsked: string[] = [];
    const credential: TokenCredential = {
      async getToken(scopes): Promise<AccessToken> {
        scopesAsked.push(...(Array.isArray(scopes) ? scopes : [scopes]));
        return { token: "stub-entra-token", expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    };
    const request = await createUserWith({ kind: "entra-id", endpoint: ENDPOINT }, { credential });
    expect(request.headers.get("authorization")).toBe("Bearer stub-entra-token");
    expect(request.headers.get("x-ms-content-sha256")).toBeNull();
    expect(scopesAsked).toEqual(["https://communication.azure.com//.default"]);
  });

  it("uses DefaultAzureCredential on the Entra ID path when no credential is given", async () => {
    const client = await createIdentityClient({ kind: "entra-id", endpoint: ENDPOINT }, fast);
    expect(client).toBeDefined();
    expect(received).toHaveLength(0); // building the client sends nothing
  });

  it("passes the other options to the SDK", async () => {
    const request = await createUserWith(
      { kind: "access-key", endpoint: ENDPOINT, accessKey: KEY },
      { userAgentOptions: { userAgentPrefix: "acs-quickstart-test" } },
    );
    expect(request.headers.get("user-agent")).toMatch(/^acs-quickstart-test /);
  });
});

describe("NODE_EXTRA_CA_CERTS (also when it comes from .env, after Node has started)", () => {
  const config: Config = {
    kind: "connection-string",
    endpoint: ENDPOINT,
    connectionString: `endpoint=${ENDPOINT};accesskey=${KEY}`,
  };
  async function withVariable(value: string, run: () => Promise<unknown>) {
    const before = process.env.NODE_EXTRA_CA_CERTS;
    process.env.NODE_EXTRA_CA_CERTS = value;
    try {
      return await run();
    } finally {
      if (before === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
      else process.env.NODE_EXTRA_CA_CERTS = before;
    }
  }

  it("names the variable when the file cannot be read", async () => {
    await withVariable("/no/such/cert.pem", async () => {
      await expect(createIdentityClient(config)).rejects.toMatchObject({
        name: "ConfigError",
        variable: "NODE_EXTRA_CA_CERTS",
        message: expect.stringContaining("cannot be read (ENOENT)"),
      });
    });
  });

  it("names the variable when the file is not a certificate (e.g. the key)", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const file = join(mkdtempSync(join(tmpdir(), "ca-")), "key.pem");
    writeFileSync(file, "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n");
    await withVariable(file, async () => {
      await expect(createIdentityClient(config)).rejects.toMatchObject({
        variable: "NODE_EXTRA_CA_CERTS",
        message: expect.stringContaining("holds no PEM certificate"),
      });
    });
  });
});

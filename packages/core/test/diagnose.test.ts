import { createHash, randomBytes } from "node:crypto";
import {
  createHttpHeaders,
  createPipelineRequest,
  type PipelineResponse,
  RestError,
} from "@azure/core-rest-pipeline";
import {
  AggregateAuthenticationError,
  AuthenticationError,
  CredentialUnavailableError,
} from "@azure/identity";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";
import { type Diagnosis, diagnose, formatDiagnosis, redact } from "../src/diagnose.js";
import { StateError } from "../src/identity-store.js";

const ENDPOINT = "https://myacs.communication.azure.com/";
const KEY = createHash("sha512").update("diagnose test key").digest("base64");
const TOKEN = `eyJhbGciOiJSUzI1NiIsImtpZCI6IjEwNiIsInR5cCI6IkpXVCJ9.${"eyJza3lwZWlkIjoiYWNzOjEyMyJ9".repeat(8)}.c2lnbmF0dXJl`;

/** A RestError as the SDK throws it when the service answers with an error body. */
function serviceError(
  status: number,
  code: string | undefined,
  message: string,
  headers: Record<string, string> = {},
): RestError {
  const request = createPipelineRequest({
    url: `${ENDPOINT}identities?api-version=2023-10-01`,
    method: "POST",
  });
  const response: PipelineResponse = {
    request,
    status,
    headers: createHttpHeaders({ "content-type": "application/json", ...headers }),
    bodyAsText: JSON.stringify({ error: { code, message } }),
  };
  return new RestError(message, { code, statusCode: status, request, response });
}

/** A RestError as the SDK throws it when the request never got an answer. */
function networkError(code: string, url = `${ENDPOINT}identities`): RestError {
  return new RestError(`request to ${url} failed, reason: ${code}`, {
    code,
    request: createPipelineRequest({ url }),
  });
}

/** A Node-style error, as thrown by `node:https` itself. */
function nodeError(code: string, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${code} from node`), { code, ...fields });
}

function authError(description: string): AuthenticationError {
  return new AuthenticationError(400, { error: "invalid_client", error_description: description });
}

/** Every text a diagnosis shows, to check that no secret is in it. */
function text(d: Diagnosis): string {
  return formatDiagnosis(d);
}

function expectNoSecret(output: string): void {
  for (let i = 0; i + 8 <= KEY.length; i++) expect(output).not.toContain(KEY.slice(i, i + 8));
  expect(output).not.toContain(TOKEN.slice(0, 20));
}

describe("diagnose: the service answered with an error", () => {
  it.each<[string, RestError, string, RegExp]>([
    [
      "401 Denied",
      serviceError(401, "Denied", "Denied by the resource provider."),
      "access-denied",
      /copy the key.*Settings → Keys[\s\S]*clock/i,
    ],
    [
      "401 IdentityNotOwned",
      serviceError(401, "IdentityNotOwned", "Provided identity doesn't belong to the resource."),
      "identity-not-owned",
      /different resource/,
    ],
    [
      "404 IdentityNotFound",
      serviceError(404, "IdentityNotFound", "Identity not found."),
      "identity-not-found",
      /Create a new identity/,
    ],
    ["404 without body", serviceError(404, undefined, ""), "identity-not-found", /Create a new identity/],
    [
      "401 other",
      serviceError(401, "InvalidAccessToken", "Provided access token is not valid."),
      "unauthorized",
      /copy/,
    ],
    [
      "403",
      serviceError(403, "Forbidden", "Not authorized."),
      "forbidden",
      /Access control \(IAM\)[\s\S]*"Communication and Email Service Owner"[\s\S]*"Contributor"/,
    ],
    ["429", serviceError(429, "TooManyRequests", "Too many requests."), "throttled", /wait/],
    ["500", serviceError(500, "InternalError", "Oops."), "service-error", /again later/],
    ["503", serviceError(503, undefined, ""), "service-error", /again later/],
    ["418", serviceError(418, "Teapot", "I'm a teapot."), "http-error", /message/],
  ])("%s → %s", (_, error, code, fix) => {
    const d = diagnose(error);
    expect(d.code).toBe(code);
    expect(d.fix).toMatch(fix);
    expect(d.detail).toContain(`HTTP ${error.statusCode}`);
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ["no Retry-After", {}, /gave no Retry-After header: wait a little/],
    ["Retry-After: 30", { "retry-after": "30" }, /try again in 30 seconds \(its Retry-After header\)/],
    ["Retry-After: 1", { "Retry-After": "1" }, /try again in 1 second \(/],
    [
      "Retry-After: an HTTP date",
      { "retry-after": "Wed, 02 Dec 2026 10:00:00 GMT" },
      /try again after 2026-12-02T10:00:00\.000Z/,
    ],
    ["Retry-After: garbage", { "retry-after": "soon" }, /when its Retry-After header says \(soon\)/],
  ])("429 with %s: the fix says when to try again only as the service did", (_, headers, fix) => {
    const d = diagnose(serviceError(429, "TooManyRequests", "Too many requests.", headers));
    expect(d.code).toBe("throttled");
    expect(d.fix).toMatch(fix);
    if (Object.keys(headers).length === 0) expect(d.fix).not.toMatch(/Retry-After header\)/);
  });

  it("400 ValidationError shows the service's own message", () => {
    const message = "ExpiresInMinutes value 10 is invalid. Value must be within the [60, 1440] interval.";
    const d = diagnose(serviceError(400, "ValidationError", message));
    expect(d.code).toBe("validation-error");
    expect(d.summary).toContain(message);
  });
});

describe("diagnose: the request got no answer", () => {
  it.each<[string, Error, string, RegExp]>([
    ["ENOTFOUND", networkError("ENOTFOUND"), "unknown-host", /myacs\.communication\.azure\.com/],
    ["EAI_AGAIN", networkError("EAI_AGAIN"), "unknown-host", /myacs\.communication\.azure\.com/],
    [
      "Node ENOTFOUND",
      nodeError("ENOTFOUND", { hostname: "typo.communication.azure.com" }),
      "unknown-host",
      /typo\./,
    ],
    [
      "ECONNREFUSED",
      networkError("ECONNREFUSED", "https://127.0.0.1:8443/identities"),
      "connection-refused",
      /127\.0\.0\.1:8443/,
    ],
    [
      "Node ECONNREFUSED",
      nodeError("ECONNREFUSED", { address: "127.0.0.1", port: 8443 }),
      "connection-refused",
      /8443/,
    ],
    ["ECONNRESET", networkError("ECONNRESET"), "network", /network/],
    ["ETIMEDOUT", nodeError("ETIMEDOUT"), "network", /network/],
    [
      "DEPTH_ZERO_SELF_SIGNED_CERT",
      networkError("DEPTH_ZERO_SELF_SIGNED_CERT"),
      "untrusted-certificate",
      /certificate/,
    ],
    [
      "SELF_SIGNED_CERT_IN_CHAIN",
      nodeError("SELF_SIGNED_CERT_IN_CHAIN"),
      "untrusted-certificate",
      /certificate/,
    ],
    [
      "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
      networkError("UNABLE_TO_VERIFY_LEAF_SIGNATURE"),
      "untrusted-certificate",
      /certificate/,
    ],
  ])("%s → %s", (_, error, code, summary) => {
    const d = diagnose(error);
    expect(d.code).toBe(code);
    expect(d.summary).toMatch(summary);
  });

  it("ECONNREFUSED asks whether the emulator is running", () => {
    expect(diagnose(networkError("ECONNREFUSED")).fix).toMatch(/emulator.*running/);
  });

  it("an untrusted certificate points to NODE_EXTRA_CA_CERTS", () => {
    expect(diagnose(networkError("DEPTH_ZERO_SELF_SIGNED_CERT")).fix).toMatch(/NODE_EXTRA_CA_CERTS/);
  });

  it("finds the code in an error's cause", () => {
    const wrapped = new Error("request failed", { cause: nodeError("ECONNREFUSED") });
    expect(diagnose(wrapped).code).toBe("connection-refused");
  });

  it("an AbortError means cancelled", () => {
    const abort = Object.assign(new Error("The operation was aborted."), { name: "AbortError" });
    expect(diagnose(abort).code).toBe("cancelled");
  });

  it("an http:// endpoint is explained", () => {
    const error = new RestError(
      "Cannot connect to http://127.0.0.1:8080/identities while allowInsecureConnection is false.",
    );
    expect(diagnose(error).code).toBe("https-required");
    const bearer = new Error(
      "Bearer token authentication is not permitted for non-TLS protected (non-https) URLs.",
    );
    expect(diagnose(bearer).code).toBe("https-required");
  });
});

describe("diagnose: Microsoft Entra ID", () => {
  it("no credential at all → set AZURE_* or az login", () => {
    const error = new AggregateAuthenticationError(
      [
        new CredentialUnavailableError("EnvironmentCredential is unavailable."),
        new CredentialUnavailableError("Azure CLI could not be found."),
      ],
      "ChainedTokenCredential authentication failed.",
    );
    const d = diagnose(error);
    expect(d.code).toBe("entra-no-credential");
    expect(d.fix).toMatch(/AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET/);
    expect(d.fix).toMatch(/az login/);
    expect(diagnose(new CredentialUnavailableError("nothing")).code).toBe("entra-no-credential");
  });

  it.each([
    ["AADSTS7000215", /AZURE_CLIENT_SECRET is wrong/, /"Value"/],
    ["AADSTS700016", /AZURE_CLIENT_ID/, /Application \(client\) ID/],
    ["AADSTS90002", /AZURE_TENANT_ID/, /Directory \(tenant\) ID/],
    ["AADSTS65002", /pre-authorized/, /AZURE_CLIENT_SECRET/],
  ])("%s → a specific explanation", (aadsts, summary, fix) => {
    const d = diagnose(
      authError(`${aadsts}: something went wrong.\r\nTrace ID: 1234-5678\r\nTimestamp: 2026-11-25`),
    );
    expect(d.code).toBe("entra-sign-in-failed");
    expect(d.summary).toMatch(summary);
    expect(d.fix).toMatch(fix);
  });

  it("an unknown AADSTS code links to Microsoft's error lookup", () => {
    const d = diagnose(authError("AADSTS1234567: strange."));
    expect(d.summary).toContain("AADSTS1234567");
    expect(d.fix).toBe("Look the code up at https://login.microsoftonline.com/error?code=1234567");
  });

  it("finds an AADSTS code inside an aggregate error", () => {
    const error = new AggregateAuthenticationError(
      [authError("AADSTS7000215: Invalid client secret provided.")],
      "failed",
    );
    expect(diagnose(error).summary).toMatch(/AZURE_CLIENT_SECRET is wrong/);
  });

  it("a sign-in that could not reach Microsoft Entra ID is a network problem", () => {
    // What EnvironmentCredential throws offline (observed with @azure/identity 4.13.1).
    const error = new AuthenticationError(400, {
      error: "network_error",
      error_description: "See https://aka.ms/msal.js.errors#network_error for details",
    });
    expect(diagnose(error).code).toBe("entra-unreachable");
  });

  it("an AuthenticationError without AADSTS code is a sign-in failure", () => {
    expect(diagnose(new AuthenticationError(500, "oops")).code).toBe("entra-sign-in-failed");
  });
});

describe("diagnose: our own errors and the rest", () => {
  it("passes a ConfigError through: its message, its fix", () => {
    let error: unknown;
    try {
      loadConfig({
        env: { COMMUNICATION_SERVICES_CONNECTION_STRING: `accesskey=${KEY};endpoint=${ENDPOINT}` },
        envFile: false,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const d = diagnose(error);
    expect(d.code).toBe("config");
    expect(d.summary).toBe(
      "COMMUNICATION_SERVICES_CONNECTION_STRING has its parts in the wrong order: 'endpoint=' must come first.",
    );
    expect(d.detail).toContain("Expected: endpoint=https://<resource>");
    expect(d.fix).toBe((error as ConfigError).fix);
    expectNoSecret(text(d));
  });

  it("passes a StateError through", () => {
    const d = diagnose(new StateError("/x/identities.json", "is not valid JSON.", "Fix it."));
    expect(d).toEqual({
      code: "state",
      summary: "The identity store /x/identities.json is not valid JSON.",
      fix: "Fix it.",
    });
  });

  it("a token service's answer (part two) is shown with what to do for each status", () => {
    const error = Object.assign(
      new Error("The token service answered 503: Communication Services answered 429; try again later."),
      { name: "TokenServiceError", status: 503 },
    );
    const d = diagnose(error);
    expect(d.code).toBe("token-service-error");
    expect(d.summary).toBe(
      "The token service answered 503: Communication Services answered 429; try again later.",
    );
    expect(d.fix).toMatch(/502 or 503: Communication Services refused or failed/);
  });

  it("an unknown error shows its name and message, no stack", () => {
    const error = new TypeError("Cannot read properties of undefined (reading 'token')");
    const d = diagnose(error);
    expect(d.code).toBe("unknown");
    expect(d.summary).toBe("TypeError: Cannot read properties of undefined (reading 'token')");
    expect(formatDiagnosis(d)).not.toMatch(/\n\s+at /);
  });

  it("handles thrown values that are not errors", () => {
    expect(diagnose("just a string").summary).toBe("string: just a string");
    expect(diagnose(undefined).code).toBe("unknown");
  });
});

describe("no secret ever appears in a diagnosis", () => {
  it.each<[string, unknown]>([
    [
      "the SDK's own connection-string error",
      new Error(`Invalid connection string endpoint=${ENDPOINT};accesskey=${KEY}`),
    ],
    ["a key in an unknown error", new Error(`failed with key ${KEY}`)],
    ["a token in an unknown error", new Error(`token ${TOKEN} rejected`)],
    ["a bearer header", new Error(`sent Authorization: Bearer ${TOKEN}`)],
    [
      "a service error quoting a token",
      serviceError(401, "InvalidAccessToken", `Token ${TOKEN} is not valid.`),
    ],
    ["a key in a cause", new Error("outer", { cause: new Error(`accesskey=${KEY}`) })],
  ])("%s", (_, error) => {
    expectNoSecret(text(diagnose(error)));
  });

  it("hides any random 32- or 64-byte key, also one without a digit or without a capital", () => {
    const base64 = (alphabet: string, length: number) =>
      Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join("");
    for (const key of [
      `${base64("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ/", 43)}=`,
      `${base64("abcdefghijklmnopqrstuvwxyz0123456789+/", 86)}==`,
    ]) {
      expect(text(diagnose(new Error(`rejected (${key})`)))).not.toContain(key.slice(0, 16));
    }
    for (let i = 0; i < 200; i++) {
      const key = randomBytes(i % 2 ? 64 : 32).toString("base64");
      const output = text(diagnose(new Error(`rejected (${key})`)));
      expect(output).not.toContain(key.slice(0, 16));
    }
  });

  it("redact() hides keys and tokens but keeps ordinary text", () => {
    expect(redact(`accesskey=${KEY};`)).toBe("accesskey=<hidden>;");
    expect(redact(`Bearer ${TOKEN}`)).toBe("Bearer <hidden>");
    expect(redact(`${TOKEN}`)).toBe("eyJhbGciOiJS…<hidden>");
    expect(redact("/home/someone/projects/quickstart/packages/core/src")).toBe(
      "/home/someone/projects/quickstart/packages/core/src",
    );
    expect(
      redact("8:acs:2dee53b4-368b-45b4-ab52-8493fb117652_00000005-14a2-493b-8a72-5a3a0d000081"),
    ).toContain("8:acs:");
  });
});

describe("formatDiagnosis", () => {
  it("prints what happened, the details indented, then the fix", () => {
    expect(formatDiagnosis({ code: "x", summary: "It broke.", detail: "one\ntwo", fix: "Mend it." })).toBe(
      "It broke.\n  one\n  two\nFix: Mend it.",
    );
    expect(formatDiagnosis({ code: "x", summary: "It broke.", fix: "Mend it." })).toBe(
      "It broke.\nFix: Mend it.",
    );
  });
});

describe("certificates and the clock", () => {
  const tls = (code: string) =>
    Object.assign(
      new Error(code === "CERT_NOT_YET_VALID" ? "certificate is not yet valid" : "certificate has expired"),
      {
        name: "RestError",
        code,
        request: { url: "https://127.0.0.1:8443/identities" },
      },
    );

  it.each([
    ["CERT_NOT_YET_VALID", "certificate-not-yet-valid", "not valid yet by this computer's clock"],
    ["CERT_HAS_EXPIRED", "certificate-expired", "has expired by this computer's clock"],
  ])("%s names the clock, with this computer's time", (code, row, says) => {
    const diagnosis = diagnose(tls(code));
    expect(diagnosis.code).toBe(row);
    expect(diagnosis.summary).toContain(says);
    expect(diagnosis.summary).toMatch(/now \d{4}-\d\d-\d\dT\d\d:\d\dZ here/);
    expect(diagnosis.fix).toMatch(/clock/);
  });
});

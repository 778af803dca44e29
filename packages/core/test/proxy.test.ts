import { describe, expect, it } from "vitest";
import { diagnose, proxyFor } from "../src/index.js";

const ENDPOINT = "https://contoso.communication.azure.com/";

describe("proxyFor: the proxy the SDK uses for an endpoint", () => {
  it.each([
    [{ HTTPS_PROXY: "http://proxy:3128" }, "http://proxy:3128", "HTTPS_PROXY"],
    [{ https_proxy: "http://proxy:3128" }, "http://proxy:3128", "https_proxy"],
    [{ ALL_PROXY: "http://all:1", HTTP_PROXY: "http://http:2" }, "http://all:1", "ALL_PROXY"],
    [{ HTTP_PROXY: "http://http:2" }, "http://http:2", "HTTP_PROXY"],
    [
      { HTTPS_PROXY: "http://first:1", https_proxy: "http://second:2", ALL_PROXY: "http://third:3" },
      "http://first:1",
      "HTTPS_PROXY",
    ],
  ])("%j → %s (from %s)", (env, url, variable) => {
    expect(proxyFor(ENDPOINT, env)).toEqual({ url, variable, hasCredentials: false });
  });

  it("never gives the credentials in a proxy's URL back, but says there are some", () => {
    expect(proxyFor(ENDPOINT, { HTTPS_PROXY: "http://me:s3cret@proxy:3128/" })).toEqual({
      url: "http://proxy:3128",
      variable: "HTTPS_PROXY",
      hasCredentials: true,
    });
  });

  it.each([
    ["contoso.communication.azure.com"],
    [".communication.azure.com"],
    [".azure.com"],
    ["localhost, contoso.communication.azure.com"],
    [" other.example.com ,contoso.communication.azure.com "],
  ])("NO_PROXY=%s: straight to the endpoint", (noProxy) => {
    expect(proxyFor(ENDPOINT, { HTTPS_PROXY: "http://proxy:3128", NO_PROXY: noProxy })).toBeUndefined();
    expect(proxyFor(ENDPOINT, { HTTPS_PROXY: "http://proxy:3128", no_proxy: noProxy })).toBeUndefined();
  });

  it.each([["communication.azure.com"], ["*.azure.com"], ["contoso.communication.azure.com:443"], ["*"]])(
    "NO_PROXY=%s does not match (the SDK knows no wildcards, no ports, no parents without a dot)",
    (noProxy) => {
      expect(proxyFor(ENDPOINT, { HTTPS_PROXY: "http://proxy:3128", NO_PROXY: noProxy })).toBeDefined();
    },
  );

  it("no proxy variable: none", () => {
    expect(proxyFor(ENDPOINT, { NO_PROXY: "x" })).toBeUndefined();
  });
});

describe("diagnose with a proxy in the path", () => {
  const proxy = { url: "http://10.0.0.5:8080", variable: "HTTPS_PROXY", hasCredentials: false };
  const refused = Object.assign(new Error("connect ECONNREFUSED 10.0.0.5:8080"), {
    name: "RestError",
    code: "ECONNREFUSED",
    request: { url: ENDPOINT },
  });
  const answered = (statusCode: number, code?: string) =>
    Object.assign(new Error(code ? "the service's message" : ""), {
      name: "RestError",
      statusCode,
      ...(code ? { code } : {}),
      request: { url: ENDPOINT },
    });

  it("a refused connection names the proxy, not the endpoint", () => {
    expect(diagnose(refused, { proxy, endpointHost: "contoso.communication.azure.com" })).toMatchObject({
      code: "proxy-unreachable",
      summary: expect.stringContaining(
        "The proxy http://10.0.0.5:8080 (from HTTPS_PROXY) could not be reached",
      ),
    });
    expect(diagnose(refused).code).toBe("connection-refused");
  });

  it("a 407 is the proxy's; a 403 without the service's error code is the proxy's too", () => {
    expect(diagnose(answered(407), { proxy }).code).toBe("proxy-authentication");
    expect(diagnose(answered(403), { proxy }).code).toBe("proxy-blocked");
    // A body the SDK could not read (a proxy's plain-text page) gets the SDK's own code, not the service's.
    expect(diagnose(answered(403, "PARSE_ERROR"), { proxy }).code).toBe("proxy-blocked");
    expect(diagnose(answered(407, "PARSE_ERROR"), { proxy }).code).toBe("proxy-authentication");
    // The service's own 403 has its error code, proxy or not.
    expect(diagnose(answered(403, "Forbidden"), { proxy, authentication: "key" }).code).toBe("forbidden");
  });

  it("role advice only where the client signs in with Microsoft Entra ID", () => {
    expect(diagnose(answered(403, "Forbidden"), { authentication: "entra-id" }).fix).toContain(
      "role assignment",
    );
    expect(diagnose(answered(403, "Forbidden"), { authentication: "key" }).fix).not.toMatch(/role|Entra/);
  });
});

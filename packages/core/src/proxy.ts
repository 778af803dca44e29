/**
 * Which proxy the Azure SDK sends a request through, by the same rules the SDK applies (source:
 * @typespec/ts-http-runtime's proxyPolicy, which @azure/core-rest-pipeline uses): the first of HTTPS_PROXY,
 * ALL_PROXY, HTTP_PROXY that is set (each in upper case, then lower case), unless the host is listed in
 * NO_PROXY (a comma-separated list of host names: `host` matches exactly, `.example.com` matches it and any
 * subdomain; no wildcards, no ports, no address ranges). Note: the SDK reads NO_PROXY once per process.
 */

/** The proxy that applies to a request, and the variable it came from. */
export interface ProxyInUse {
  /** The proxy's URL, without any user name or password. */
  url: string;
  /** Where it came from, e.g. `HTTPS_PROXY` or `https_proxy`. */
  variable: string;
  /** Whether the URL carries credentials (user:password@). */
  hasCredentials: boolean;
}

const PROXY_VARIABLES = ["HTTPS_PROXY", "ALL_PROXY", "HTTP_PROXY"] as const;

/** The proxy the SDK would use for `endpoint`, or `undefined` when it goes straight there. */
export function proxyFor(endpoint: string, env: NodeJS.ProcessEnv = process.env): ProxyInUse | undefined {
  let found: { variable: string; value: string } | undefined;
  for (const name of PROXY_VARIABLES) {
    for (const variable of [name, name.toLowerCase()]) {
      const value = env[variable];
      if (value && !found) found = { variable, value };
    }
  }
  if (!found) return undefined;
  const host = new URL(endpoint).hostname;
  const noProxy = (env.NO_PROXY || env.no_proxy || "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
  const bypassed = noProxy.some((pattern) =>
    pattern.startsWith(".") ? host.endsWith(pattern) || host === pattern.slice(1) : host === pattern,
  );
  if (bypassed) return undefined;
  let url: URL;
  try {
    url = new URL(found.value);
  } catch {
    return { url: found.value.replace(/\/\/[^@/]*@/, "//"), variable: found.variable, hasCredentials: false };
  }
  const hasCredentials = url.username !== "" || url.password !== "";
  url.username = "";
  url.password = "";
  return { url: url.href.replace(/\/$/, ""), variable: found.variable, hasCredentials };
}

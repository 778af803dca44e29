/**
 * Configuration: which Azure Communication Services resource to talk to, and how to sign in.
 *
 * Three ways, tried in this order (the first one set wins):
 *
 * 1. `COMMUNICATION_SERVICES_CONNECTION_STRING`: `endpoint=https://<resource>.communication.azure.com/;accesskey=<key>`
 * 2. `COMMUNICATION_SERVICES_ENDPOINT` + `COMMUNICATION_SERVICES_ACCESS_KEY`: the same two values, apart
 * 3. `COMMUNICATION_SERVICES_ENDPOINT` alone: sign in with Microsoft Entra ID through `DefaultAzureCredential`
 *    (which reads `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`, or uses `az login`).
 *
 * Microsoft's quickstart page spells the key COMMUNICATION_SERVICES_ACCESSKEY: that name is read too. Other
 * spellings (COMMUNICATION_CONNECTION_STRING, AZURE_COMMUNICATION_CONNECTION_STRING, …) are not read, and are
 * named in a notice (or an error, where they would otherwise change how the client signs in).
 *
 * Values come from the environment, then from `<repo root>/.env` for variables that are not set
 * at all. An EMPTY variable counts as "not set" (so `.env.sample`, copied as it is, means "not
 * configured"); a variable that is present but empty still shadows `.env`, which is how the test
 * setup makes sure a developer's own `.env` is never used by accident.
 *
 * Everything is checked before any network call, and a mistake becomes a {@link ConfigError} that
 * names the variable, shows the expected shape and the fix, and never repeats the access key.
 */
import path from "node:path";
import { accessKeyNote, accessKeyProblem, isAccessKey, repoRoot } from "@acs-quickstart/common";
import { ACCESS_KEY_ALIASES, type ConfigNotice, loadEnvFile, unreadVariables } from "./env-file.js";

/** What {@link loadConfig} found: where the resource is, and how the client proves who it is. */
export type Config = (
  | { kind: "connection-string"; endpoint: string; connectionString: string }
  | { kind: "access-key"; endpoint: string; accessKey: string }
  | { kind: "entra-id"; endpoint: string }
) & {
  /**
   * Certificate files (PEM) to trust besides the usual ones: NODE_EXTRA_CA_CERTS from the environment and,
   * when the env file names a different one, that one too (Node itself reads only the environment's, at start).
   */
  caFiles?: readonly string[];
};

export const CONNECTION_STRING_VARIABLE = "COMMUNICATION_SERVICES_CONNECTION_STRING";
export const ENDPOINT_VARIABLE = "COMMUNICATION_SERVICES_ENDPOINT";
export const ACCESS_KEY_VARIABLE = "COMMUNICATION_SERVICES_ACCESS_KEY";

const KEYS_PAGE = "Azure portal → your Communication Services resource → Settings → Keys";

/** The shape each variable must have, shown in every error about it. */
const EXPECTED: Record<string, string> = {
  [CONNECTION_STRING_VARIABLE]: "endpoint=https://<resource>.communication.azure.com/;accesskey=<base64 key>",
  [ENDPOINT_VARIABLE]: "https://<resource>.communication.azure.com/",
  [ACCESS_KEY_VARIABLE]: "<base64 key>, for example 88 characters ending in '='",
};

for (const alias of ACCESS_KEY_ALIASES) EXPECTED[alias] = EXPECTED[ACCESS_KEY_VARIABLE] as string;

/** The usual fix for each variable: copy it again from the portal. */
const COPY_AGAIN: Record<string, string> = {
  [CONNECTION_STRING_VARIABLE]: `Copy "Connection string" under "Primary key" from ${KEYS_PAGE}, and paste it unchanged.`,
  [ENDPOINT_VARIABLE]: `Copy "Endpoint" from ${KEYS_PAGE}.`,
  [ACCESS_KEY_VARIABLE]: `Copy "Key" under "Primary key" from ${KEYS_PAGE}.`,
};
for (const alias of ACCESS_KEY_ALIASES) COPY_AGAIN[alias] = COPY_AGAIN[ACCESS_KEY_VARIABLE] as string;

/**
 * A configuration mistake, found before anything is sent. The message has several lines:
 * what is wrong, the expected shape, the fix, and where the value was read from.
 * It never contains the access key; at most the endpoint's host.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  /** The environment variable at fault, e.g. `COMMUNICATION_SERVICES_CONNECTION_STRING`. */
  readonly variable: string;
  /** One line: what is wrong. */
  readonly problem: string;
  /** One line: what to do about it. */
  readonly fix: string;

  constructor(
    variable: string,
    problem: string,
    options: { fix?: string; expected?: string; source?: string } = {},
  ) {
    const fix = options.fix ?? COPY_AGAIN[variable] ?? "Check the value.";
    const expected = options.expected ?? EXPECTED[variable];
    const lines = [`${variable} ${problem}`];
    if (expected) lines.push(`  Expected: ${expected}`);
    lines.push(`  Fix:      ${fix}`);
    if (options.source) lines.push(`  Set in:   ${options.source}`);
    super(lines.join("\n"));
    this.variable = variable;
    this.problem = problem;
    this.fix = fix;
  }
}

export interface LoadConfigOptions {
  /** Where to read variables from (and where `.env` values are added). Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** The `.env` file to load, or `false` for none. Default: `<repo root>/.env`. A missing file is fine. */
  envFile?: string | false;
  /** Told what is worth a line: a shell variable hiding the file's, a variable this quickstart does not read. */
  onNotice?: (notice: ConfigNotice) => void;
}

/**
 * Reads and checks the configuration.
 * @returns the configuration, or `undefined` when none of the three variables is set (the
 *   runner then uses the offline emulator).
 * @throws {ConfigError} when a value is set but wrong.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config | undefined {
  const env = options.env ?? process.env;
  const envFile = options.envFile ?? path.join(repoRoot(), ".env");
  let loaded: ReturnType<typeof loadEnvFile>;
  try {
    loaded = loadEnvFile(env, envFile);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(".env", `could not be read (${code ?? (error as Error).message}).`, {
      expected: `a readable file at ${envFile}, or no file at all`,
      fix: "Check the file's permissions, or delete it and copy .env.sample to .env again.",
    });
  }
  for (const notice of loaded.shadowed) options.onNotice?.(notice);
  const { sourceOf } = loaded;
  const unread = unreadVariables(env);
  const caFiles = [...new Set([env.NODE_EXTRA_CA_CERTS, loaded.fileValues.NODE_EXTRA_CA_CERTS])].filter(
    (file): file is string => typeof file === "string" && file.trim() !== "",
  );
  const trust = caFiles.length > 0 ? { caFiles } : {};
  const notes: ConfigNotice[] = [];
  const config = resolveConfig(env, sourceOf, unread, notes);
  for (const note of notes) options.onNotice?.(note);
  for (const { variable, meant } of unread) {
    options.onNotice?.({
      kind: "unread-variable",
      variable,
      message: `${variable} is set, but this quickstart reads ${meant}${
        config ? "" : ": no resource is configured"
      }. To use it, rename it (in .env or the shell).`,
    });
  }
  return config ? { ...config, ...trust } : undefined;
}

function resolveConfig(
  env: NodeJS.ProcessEnv,
  sourceOf: (variable: string) => string,
  unread: ReadonlyArray<{ variable: string; meant: string }>,
  notes: ConfigNotice[],
): Config | undefined {
  const connectionString = read(env, CONNECTION_STRING_VARIABLE);
  const endpoint = read(env, ENDPOINT_VARIABLE);
  const key = readAccessKey(env, sourceOf);
  const noteKey = (variable: string, value: string) => {
    const note = accessKeyNote(value);
    if (note) {
      notes.push({
        kind: "unusual-value",
        variable,
        message: `${variable}: the access key is not written as the portal shows it (${note}). The SDK reads the same key from it; if the service answers 401 Denied, copy the key again.`,
      });
    }
  };

  if (connectionString !== undefined) {
    const source = sourceOf(CONNECTION_STRING_VARIABLE);
    checkPlaceholder(CONNECTION_STRING_VARIABLE, connectionString, source);
    const tolerated = asTheSdkReads(CONNECTION_STRING_VARIABLE, connectionString);
    const parsed = parseConnectionString(tolerated, source);
    noteKey(CONNECTION_STRING_VARIABLE, parsed.accessKey);
    return { kind: "connection-string", endpoint: parsed.endpoint, connectionString: tolerated };
  }
  if (endpoint !== undefined) {
    const url = checkEndpoint(
      ENDPOINT_VARIABLE,
      asTheSdkReads(ENDPOINT_VARIABLE, endpoint),
      sourceOf(ENDPOINT_VARIABLE),
    );
    if (key === undefined) {
      // Never sign in another way because of a misspelt name: a key under another name stops the run.
      const misspelt = unread.find((u) => u.meant === ACCESS_KEY_VARIABLE);
      if (misspelt) {
        throw new ConfigError(
          ENDPOINT_VARIABLE,
          `is set without ${ACCESS_KEY_VARIABLE}, so the client would sign in with Microsoft Entra ID; but ${misspelt.variable} is set, and this quickstart does not read it.`,
          {
            expected: `${ENDPOINT_VARIABLE} with ${ACCESS_KEY_VARIABLE} (or ${ACCESS_KEY_ALIASES.join(", ")}), or ${ENDPOINT_VARIABLE} alone for Microsoft Entra ID`,
            fix: `If ${misspelt.variable} holds the access key, rename it to ${ACCESS_KEY_VARIABLE}. To sign in with Microsoft Entra ID, remove ${misspelt.variable}.`,
            source: sourceOf(ENDPOINT_VARIABLE),
          },
        );
      }
      checkEntraVariables(env, sourceOf);
      return { kind: "entra-id", endpoint: url };
    }
    checkPlaceholder(key.variable, key.value, sourceOf(key.variable));
    const accessKey = asTheSdkReads(key.variable, key.value);
    checkAccessKey(key.variable, accessKey, sourceOf(key.variable));
    noteKey(key.variable, accessKey);
    return { kind: "access-key", endpoint: url, accessKey };
  }
  if (key !== undefined) {
    throw new ConfigError(key.variable, `is set, but ${ENDPOINT_VARIABLE} is not.`, {
      expected: `${ENDPOINT_VARIABLE}=${EXPECTED[ENDPOINT_VARIABLE]} together with ${key.variable}`,
      fix: `An access key belongs to one resource: also set ${ENDPOINT_VARIABLE} (${KEYS_PAGE} → "Endpoint"), or use ${CONNECTION_STRING_VARIABLE} instead.`,
      source: sourceOf(key.variable),
    });
  }
  return undefined;
}

/** The access key, under its name or the spelling of Microsoft's quickstart page; both with two values is an error. */
function readAccessKey(
  env: NodeJS.ProcessEnv,
  sourceOf: (variable: string) => string,
): { variable: string; value: string } | undefined {
  const set = [ACCESS_KEY_VARIABLE, ...ACCESS_KEY_ALIASES].flatMap((variable) => {
    const value = read(env, variable);
    return value === undefined ? [] : [{ variable, value }];
  });
  const [first, ...others] = set;
  const other = others.find((o) => o.value !== first?.value);
  if (first && other) {
    throw new ConfigError(other.variable, `and ${first.variable} are both set, to different values.`, {
      expected: `one of them: the access key of the resource in ${ENDPOINT_VARIABLE}`,
      fix: `Keep one (${ACCESS_KEY_VARIABLE} is the name this quickstart uses) and remove the other.`,
      source: `${sourceOf(first.variable)} and ${sourceOf(other.variable)}`,
    });
  }
  return first;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The Microsoft Entra ID variables DefaultAzureCredential reads, when set: the mistakes of copy and
 * paste, and ids that cannot be ids. Never repeats the secret.
 */
function checkEntraVariables(env: NodeJS.ProcessEnv, sourceOf: (variable: string) => string): void {
  const page = "Azure portal → Microsoft Entra ID → App registrations → your app → Overview";
  const checks: Array<[string, (value: string) => boolean, string, string]> = [
    [
      "AZURE_TENANT_ID",
      (v) => GUID.test(v) || /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(v),
      "a GUID (Directory (tenant) ID), or the tenant's domain, e.g. contoso.onmicrosoft.com",
      `Copy "Directory (tenant) ID" from ${page}.`,
    ],
    [
      "AZURE_CLIENT_ID",
      (v) => GUID.test(v),
      "a GUID (Application (client) ID)",
      `Copy "Application (client) ID" from ${page}.`,
    ],
    [
      "AZURE_CLIENT_SECRET",
      () => true,
      "the client secret's Value",
      "Copy the secret's Value (not its Secret ID) from your app → Certificates & secrets.",
    ],
  ];
  for (const [variable, valid, expected, fix] of checks) {
    const value = read(env, variable);
    if (value === undefined) continue;
    const source = sourceOf(variable);
    checkPasted(variable, value, source, { expected, fix });
    if (!valid(value)) {
      throw new ConfigError(variable, "is not a valid id.", { expected, fix, source });
    }
  }
}

/** How {@link readSetting} checks one variable. */
export interface SettingSpec<T> {
  /** The expected shape, shown in errors, e.g. "a whole number of milliseconds from 100 to 600000". */
  expected: string;
  /** What to do, shown in errors. */
  fix: string;
  /** Turns the value into T, or returns an error text (the problem, after the variable's name). */
  parse: (value: string) => T | { problem: string };
  /** Paths may contain spaces (default false). */
  allowSpaces?: boolean;
}

/**
 * Reads one more setting (the runner's own variables and test hooks), with the same checks as the
 * resource's variables: missing or empty is `undefined`; only spaces, quotes, surrounding whitespace or
 * a placeholder is a {@link ConfigError} naming the variable, the expected shape and the fix.
 */
export function readSetting<T>(
  env: NodeJS.ProcessEnv,
  variable: string,
  spec: SettingSpec<T>,
): T | undefined {
  const value = read(env, variable);
  if (value === undefined) return undefined;
  checkPasted(variable, value, "the environment", {
    expected: spec.expected,
    fix: spec.fix,
    allowSpaces: spec.allowSpaces ?? false,
  });
  const parsed = spec.parse(value);
  if (typeof parsed === "object" && parsed !== null && "problem" in parsed) {
    throw new ConfigError(variable, parsed.problem, { expected: spec.expected, fix: spec.fix });
  }
  return parsed as T;
}

/** One line for the learner: which resource, and how we sign in. Never shows a key. */
export function describeConfig(config: Config): string {
  switch (config.kind) {
    case "connection-string":
      return `connection string for ${config.endpoint}`;
    case "access-key":
      return `endpoint and access key for ${config.endpoint}`;
    case "entra-id":
      return `Microsoft Entra ID (DefaultAzureCredential) for ${config.endpoint}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

/** A variable's value, or `undefined` when it is missing or empty. */
function read(env: NodeJS.ProcessEnv, variable: string): string | undefined {
  const value = env[variable];
  return value === undefined || value === "" ? undefined : value;
}

// ---------------------------------------------------------------------------------------------
// Checks shared by all three variables: the mistakes of copy and paste

const QUOTES = `"'\`“”‘’«»`;
const PLACEHOLDERS = [
  /<[^<>]*>/, // <your connection string>, <your-resource>
  /\.\.\.|…/, // endpoint=...;accesskey=...
  /\byour[-_ ]?(resource|access[-_ ]?key|key|connection[-_ ]?string|endpoint)\b/i, // your-access-key
  /^(x{3,}|changeme|todo|placeholder)$/i,
];

/**
 * A value as the SDK effectively reads it. Around a connection string or a key it skips quotes (any number,
 * typographic too), white space and `;`: before `endpoint=` its regular expression starts later, and after the
 * key base64 decoding skips them. An endpoint's surrounding white space is trimmed by `new URL`; an endpoint in
 * quotes is not a URL: it is left as it is, and refused.
 */
function asTheSdkReads(variable: string, raw: string): string {
  if (variable === ENDPOINT_VARIABLE) return raw.trim();
  return raw.replace(LEADING_WRAPPERS, "").replace(TRAILING_WRAPPERS, "");
}
const LEADING_WRAPPERS = new RegExp(`^[\\s${QUOTES}]+`);
const TRAILING_WRAPPERS = new RegExp(`[\\s${QUOTES};]+$`);

/** A placeholder copied from .env.sample (`<your connection string>`, `...`): never a real value. */
function checkPlaceholder(variable: string, value: string, source: string): void {
  if (value.trim() === "") {
    throw new ConfigError(variable, "contains only spaces.", {
      fix: `Paste the value, or leave ${variable}= empty if you do not use it.`,
      source,
    });
  }
  if (PLACEHOLDERS.some((pattern) => pattern.test(value))) {
    throw new ConfigError(variable, "looks like the placeholder from .env.sample, not a real value.", {
      fix: `${COPY_AGAIN[variable]} Or leave ${variable}= empty to use the offline emulator.`,
      source,
    });
  }
}

function checkPasted(
  variable: string,
  value: string,
  source: string,
  options: { expected?: string; fix?: string; allowSpaces?: boolean } = {},
): void {
  const shape = options.expected ? { expected: options.expected } : {};
  const trimmed = value.trim();
  if (trimmed === "") {
    throw new ConfigError(variable, "contains only spaces.", {
      ...shape,
      fix: `Paste the value, or leave ${variable}= empty if you do not use it.`,
      source,
    });
  }
  const first = trimmed.charAt(0);
  const last = trimmed.charAt(trimmed.length - 1);
  if (QUOTES.includes(first) || QUOTES.includes(last)) {
    throw new ConfigError(variable, "is wrapped in quotes (or starts or ends with one).", {
      ...shape,
      fix: `Remove the quotes around the value: ${variable}=value. In .env one pair of plain quotes is fine, but not two pairs or typographic quotes.`,
      source,
    });
  }
  if (trimmed !== value) {
    throw new ConfigError(variable, "has spaces or a line break before or after the value.", {
      ...shape,
      fix: "Remove the surrounding whitespace (it was probably copied along with the value).",
      source,
    });
  }
  if (PLACEHOLDERS.some((pattern) => pattern.test(value))) {
    throw new ConfigError(variable, "looks like the placeholder from .env.sample, not a real value.", {
      ...shape,
      fix: COPY_AGAIN[variable]
        ? `${COPY_AGAIN[variable]} Or leave ${variable}= empty to use the offline emulator.`
        : `${options.fix ?? "Replace it with the real value."} Or leave ${variable}= empty.`,
      source,
    });
  }
  if (options.allowSpaces ? /[\r\n]/.test(value) : /\s/.test(value)) {
    throw new ConfigError(variable, "has a space or a line break inside the value.", {
      ...shape,
      fix: `${COPY_AGAIN[variable] ?? options.fix ?? "Check the value."} Make sure it is pasted as one line.`,
      source,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// The connection string

/** Checks `endpoint=https://HOST/;accesskey=KEY` part by part, the way the SDK will read it. */
function parseConnectionString(value: string, source: string): { endpoint: string; accessKey: string } {
  const variable = CONNECTION_STRING_VARIABLE;
  const fail = (problem: string, fix?: string): never => {
    throw new ConfigError(variable, problem, { fix, source });
  };

  const looksLikeUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
  if (looksLikeUrl && !/accesskey=/i.test(value)) {
    fail(
      `holds an endpoint${hostHint(value)}, not a connection string.`,
      `Put the endpoint in ${ENDPOINT_VARIABLE} (with ${ACCESS_KEY_VARIABLE}, or alone for Microsoft Entra ID) and leave ${variable} empty; or ${lowerFirst(COPY_AGAIN[variable])}`,
    );
  }
  if (!value.includes(";") && looksLikeAccessKey(value)) {
    fail(
      "holds what looks like an access key alone, not a connection string.",
      `Put the key in ${ACCESS_KEY_VARIABLE} and the endpoint in ${ENDPOINT_VARIABLE}; or ${lowerFirst(COPY_AGAIN[variable])}`,
    );
  }

  if (/[\r\n]/.test(value) && !lineBreakHarmless(value)) {
    fail(
      "has a line break inside the value: the SDK reads a connection string only up to it, so the key would be cut short.",
      `${COPY_AGAIN[variable]} Make sure it is pasted as one line.`,
    );
  }

  const segments = value.split(";");
  if (segments.some((segment) => segment.trim() === "")) fail("has an empty part (';;' or a leading ';').");

  const parts = new Map<string, string>();
  const order: string[] = [];
  for (const segment of segments) {
    const equals = segment.indexOf("=");
    if (equals <= 0 && /^[a-z]+:\/\//i.test(segment)) fail("has a URL without 'endpoint=' in front of it.");
    if (equals <= 0) fail("has a part that is not of the form name=value.");
    const name = segment.slice(0, equals).toLowerCase();
    if (name !== name.trim() && (name.trim() === "endpoint" || name.trim() === "accesskey")) {
      fail(
        `has a space around the name '${name.trim()}': the SDK looks for 'endpoint=' and ';accesskey=' exactly as written.`,
        `Write it as endpoint=…;accesskey=… without spaces, or ${lowerFirst(COPY_AGAIN[variable])}`,
      );
    }
    if (name !== "endpoint" && name !== "accesskey") {
      const shown = /^[a-z][a-z0-9_-]{0,39}$/i.test(name) ? ` '${segment.slice(0, equals)}'` : "";
      fail(
        `has an unknown part${shown}: a Communication Services connection string has exactly two parts, endpoint and accesskey.`,
        `Is it the connection string of another Azure service? ${COPY_AGAIN[variable]}`,
      );
    }
    if (parts.has(name)) fail(`contains '${name}=' twice (was it pasted twice?).`);
    parts.set(name, segment.slice(equals + 1));
    order.push(name);
  }
  if (!parts.has("endpoint")) fail("has no 'endpoint=' part.");
  if (!parts.has("accesskey")) fail("has no 'accesskey=' part.");
  if (order[0] !== "endpoint") {
    fail(
      "has its parts in the wrong order: 'endpoint=' must come first.",
      "Write it as endpoint=…;accesskey=… (the SDK accepts no other order), or copy it again from the portal.",
    );
  }

  // Spaces around the endpoint are trimmed by the URL parser the SDK uses (`new URL`): they do no harm.
  const endpoint = checkEndpoint(variable, (parts.get("endpoint") ?? "").trim(), source, "an endpoint");
  const accessKey = parts.get("accesskey") ?? "";
  checkAccessKey(variable, accessKey, source, "an access key");
  return { endpoint, accessKey };
}

/**
 * Whether the SDK reads the same from `value` despite its line break: its regular expression
 * (`/endpoint=(.*);accesskey=(.*)/i`, in @azure/communication-common) stops at a line break, so it finds the
 * string only if the break is in the key, and then signs with the key up to the break. Harmless only when
 * what follows holds no key bytes (e.g. padding).
 */
function lineBreakHarmless(value: string): boolean {
  const sdk = /endpoint=(.*);accesskey=(.*)/i.exec(value);
  const whole = /;accesskey=/i.exec(value);
  if (!sdk || !whole || sdk[2] === undefined) return false;
  const key = value.slice(whole.index + whole[0].length);
  return (
    Buffer.from(sdk[2], "base64").equals(Buffer.from(key, "base64")) &&
    !/[\r\n]/.test(value.slice(0, whole.index))
  );
}

// ---------------------------------------------------------------------------------------------
// The endpoint

/**
 * Checks an endpoint URL and returns it normalised as `https://host[:port]/`.
 * @param what how to name the value in messages: "" for the whole variable, "an endpoint" inside a connection string.
 */
function checkEndpoint(variable: string, value: string, source: string, what = ""): string {
  const subject = what ? `has ${what} ` : "has a value ";
  const fail = (problem: string, fix?: string): never => {
    throw new ConfigError(variable, `${subject}${problem}`, { fix, source });
  };
  if (!what) checkPasted(variable, value, source);
  if (value === "")
    throw new ConfigError(variable, "has an empty endpoint (nothing after 'endpoint=').", { source });

  if (variable === ENDPOINT_VARIABLE && /(^|;)(endpoint|accesskey)=/i.test(value)) {
    fail(
      "that is a connection string, not an endpoint.",
      `Move the whole value to ${CONNECTION_STRING_VARIABLE} and leave ${ENDPOINT_VARIABLE} and ${ACCESS_KEY_VARIABLE} empty.`,
    );
  }
  if (!value.includes("://")) {
    if (/^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?\/?$/i.test(value)) {
      fail("without https:// in front.", `Write it as https://${value.replace(/\/$/, "")}/`);
    }
    if (variable === ENDPOINT_VARIABLE && looksLikeAccessKey(value)) {
      fail(
        "that looks like an access key, not an endpoint.",
        `Put the key in ${ACCESS_KEY_VARIABLE}; ${lowerFirst(COPY_AGAIN[ENDPOINT_VARIABLE])}`,
      );
    }
    fail("that is not a URL: it must start with https://.");
  }

  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail("that is not a valid URL.");
  }
  const host = url.host;
  if (url.protocol === "http:") {
    fail(
      `that starts with http://, but Communication Services needs https://.`,
      `Use https://${host}/ (the offline emulator serves https too).`,
    );
  }
  if (url.protocol !== "https:") fail("that does not start with https://.", `Use https://${host}/`);
  if (host === "") fail("without a host name.");
  if (url.username || url.password) {
    fail("that contains a user name or password (user:pass@).", `Use https://${host}/ and nothing more.`);
  }
  if (url.pathname !== "/" && url.pathname !== "") {
    fail(
      `with a path after the host: it must be the resource's root URL.`,
      `Use https://${host}/ and nothing more.`,
    );
  }
  if (url.search || url.hash || value.includes("?") || value.includes("#")) {
    fail("with a query (?…) or fragment (#…).", `Use https://${host}/ and nothing more.`);
  }
  return `https://${host}/`;
}

/** ` (https://host/)` when the value parses as a URL; the host is not a secret, the rest may be. */
function hostHint(value: string): string {
  try {
    const url = new URL(value);
    return url.host ? ` (${url.protocol}//${url.host}/)` : "";
  } catch {
    return "";
  }
}

// ---------------------------------------------------------------------------------------------
// The access key

/**
 * Text that is an access key and nothing else (base64 letters of either alphabet, at least 16 of them, then
 * padding): to tell a key pasted in the wrong variable from a value that merely decodes.
 */
function looksLikeAccessKey(value: string): boolean {
  return /^[A-Za-z0-9+/\-_]{16,}={0,2}$/.test(value) && isAccessKey(value);
}

/**
 * Checks an access key: the SDK must be able to decode it to the key's bytes (see accessKeyProblem of
 * @acs-quickstart/common). Never repeats the key.
 */
function checkAccessKey(variable: string, key: string, source: string, what = ""): void {
  const subject = what ? `has ${what} ` : "has a value ";
  const fail = (problem: string, fix?: string): never => {
    throw new ConfigError(variable, `${subject}${problem}`, { fix, source });
  };
  if (key.trim() === "")
    throw new ConfigError(variable, "has an empty access key (nothing after 'accesskey=').", { source });
  if (!what) {
    if (/^accesskey=/i.test(key))
      fail("starting with 'accesskey='.", "Keep only what comes after 'accesskey='.");
    if (/endpoint=/i.test(key)) {
      fail(
        "that is a connection string, not a key.",
        `Move the whole value to ${CONNECTION_STRING_VARIABLE} and leave ${ENDPOINT_VARIABLE} and ${ACCESS_KEY_VARIABLE} empty.`,
      );
    }
    if (/^[a-z]+:\/\//i.test(key)) {
      fail("that is a URL, not a key.", `Did you swap ${ENDPOINT_VARIABLE} and ${ACCESS_KEY_VARIABLE}?`);
    }
  }
  const problem = accessKeyProblem(key);
  if (problem !== undefined) fail(`that cannot be an access key: ${problem}.`);
}

function lowerFirst(text: string | undefined): string {
  return text ? text.charAt(0).toLowerCase() + text.slice(1) : "";
}

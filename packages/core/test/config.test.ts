import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { type Config, ConfigError, describeConfig, loadConfig } from "../src/config.js";

const CS = "COMMUNICATION_SERVICES_CONNECTION_STRING";
const EP = "COMMUNICATION_SERVICES_ENDPOINT";
const AK = "COMMUNICATION_SERVICES_ACCESS_KEY";

/** A realistic key: 64 bytes in base64 = 88 characters, with '+' or '/' in it. */
const KEY = createHash("sha512").update("acs quickstart test key 7").digest("base64");
const HOST = "myacs.communication.azure.com";
const ENDPOINT = `https://${HOST}/`;
const CONNECTION_STRING = `endpoint=${ENDPOINT};accesskey=${KEY}`;

/** Loads with only the given variables, never reading a real .env. */
function load(env: NodeJS.ProcessEnv): Config | undefined {
  return loadConfig({ env: { ...env }, envFile: false });
}

function failure(env: NodeJS.ProcessEnv): ConfigError {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(Object.keys(env))}`);
}

/** No 8 consecutive characters of the key may appear: not the key, not a part of it. */
function expectNoKey(text: string, key = KEY): void {
  for (let i = 0; i + 8 <= key.length; i++) expect(text).not.toContain(key.slice(i, i + 8));
}

it("the test key looks like a real one", () => {
  expect(KEY).toHaveLength(88);
  expect(KEY).toMatch(/[+/]/);
});

describe("valid configurations", () => {
  it("reads a connection string as the portal shows it", () => {
    expect(load({ [CS]: CONNECTION_STRING })).toEqual({
      kind: "connection-string",
      endpoint: ENDPOINT,
      connectionString: CONNECTION_STRING,
    });
  });

  it.each([
    [`Endpoint=https://MyAcs.communication.azure.com;AccessKey=${KEY}`, ENDPOINT],
    [`ENDPOINT=https://${HOST}:443/;ACCESSKEY=${KEY}`, ENDPOINT],
    [`endpoint=https://127.0.0.1:8443/;accesskey=${KEY}`, "https://127.0.0.1:8443/"],
    [`endpoint=https://localhost:8443;accesskey=${KEY}`, "https://localhost:8443/"],
    [`endpoint=https://${HOST}/;accesskey=cHc=`, ENDPOINT],
  ])("accepts %s (any letter case, with or without '/', with a port)", (value, endpoint) => {
    expect(load({ [CS]: value })).toEqual({ kind: "connection-string", endpoint, connectionString: value });
  });

  it("reads an endpoint with an access key", () => {
    expect(load({ [EP]: ENDPOINT, [AK]: KEY })).toEqual({
      kind: "access-key",
      endpoint: ENDPOINT,
      accessKey: KEY,
    });
  });

  it("reads an endpoint alone as Microsoft Entra ID", () => {
    expect(load({ [EP]: `https://${HOST}` })).toEqual({ kind: "entra-id", endpoint: ENDPOINT });
  });

  it("returns undefined when nothing is set, or everything is empty (.env.sample copied as it is)", () => {
    expect(load({})).toBeUndefined();
    expect(load({ [CS]: "", [EP]: "", [AK]: "" })).toBeUndefined();
  });

  it("prefers the connection string, then endpoint + key, then endpoint alone", () => {
    const other = "https://other.communication.azure.com/";
    expect(load({ [CS]: CONNECTION_STRING, [EP]: other, [AK]: KEY })?.kind).toBe("connection-string");
    expect(load({ [CS]: CONNECTION_STRING, [EP]: other })?.endpoint).toBe(ENDPOINT);
    expect(load({ [CS]: "", [EP]: other, [AK]: KEY })?.kind).toBe("access-key");
    expect(load({ [CS]: "", [EP]: other, [AK]: "" })?.kind).toBe("entra-id");
  });
});

describe("describeConfig", () => {
  it("says which resource and how, never the key", () => {
    const lines = [
      describeConfig({ kind: "connection-string", endpoint: ENDPOINT, connectionString: CONNECTION_STRING }),
      describeConfig({ kind: "access-key", endpoint: ENDPOINT, accessKey: KEY }),
      describeConfig({ kind: "entra-id", endpoint: ENDPOINT }),
    ];
    expect(lines).toEqual([
      `connection string for ${ENDPOINT}`,
      `endpoint and access key for ${ENDPOINT}`,
      `Microsoft Entra ID (DefaultAzureCredential) for ${ENDPOINT}`,
    ]);
    for (const line of lines) expectNoKey(line);
  });
});

/** Spellings of the key the SDK decodes to the same bytes (Buffer.from(key, "base64")): they work. */
const urlSafeKey = Buffer.from(KEY, "base64").toString("base64url");
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/** The last character with one of its spare bits set (86 letters carry 64 bytes: its low 4 bits are spare). */
const nonCanonicalKey = `${KEY.slice(0, 85)}${BASE64.charAt(BASE64.indexOf(KEY.charAt(85)) ^ 1)}==`;
const keyBytes = (key: string) => Buffer.from(key, "base64");

describe("values the SDK reads as the portal's are accepted (and what differs is noted)", () => {
  /** Loads with a notice collector; the configuration and the notices. */
  function loadNoting(env: NodeJS.ProcessEnv): { config: Config | undefined; notes: string[] } {
    const notes: string[] = [];
    const config = loadConfig({
      env: { ...env },
      envFile: false,
      onNotice: (notice) => {
        expect(notice.kind).toBe("unusual-value");
        notes.push(notice.message);
      },
    });
    return { config, notes };
  }

  const connectionStrings: [string, string, RegExp | undefined][] = [
    ["in double quotes", `"${CONNECTION_STRING}"`, undefined],
    ["in single quotes", `'${CONNECTION_STRING}'`, undefined],
    ["in typographic quotes", `“${CONNECTION_STRING}”`, undefined],
    ["quoted twice", `"'${CONNECTION_STRING}'"`, undefined],
    ["in quotes, then ';'", `"${CONNECTION_STRING}";`, undefined],
    ["with a leading space", ` ${CONNECTION_STRING}`, undefined],
    ["with a trailing line break", `${CONNECTION_STRING}\n`, undefined],
    ["with a trailing CR LF", `${CONNECTION_STRING}\r\n`, undefined],
    ["ending with ';'", `${CONNECTION_STRING};`, undefined],
    ["ending with '; ;'", `${CONNECTION_STRING}; ;`, undefined],
    ["with a space before ';'", `endpoint=${ENDPOINT} ;accesskey=${KEY}`, undefined],
    ["with a space after 'endpoint='", `endpoint= ${ENDPOINT};accesskey=${KEY}`, undefined],
    [
      "with spaces inside the key",
      `endpoint=${ENDPOINT};accesskey=${KEY.slice(0, 40)} ${KEY.slice(40)}`,
      /spaces or line breaks/,
    ],
    ["with a URL-safe key", `endpoint=${ENDPOINT};accesskey=${urlSafeKey}`, /URL-safe/],
    ["with a key without padding", `endpoint=${ENDPOINT};accesskey=${KEY.replace(/=+$/, "")}`, /padding/],
    ["with a non-canonical key", `endpoint=${ENDPOINT};accesskey=${nonCanonicalKey}`, /last character/],
  ];

  it.each(connectionStrings)("a connection string %s", (_, value, note) => {
    const { config, notes } = loadNoting({ [CS]: value });
    expect(config).toMatchObject({ kind: "connection-string", endpoint: ENDPOINT });
    const given = (config as { connectionString: string }).connectionString;
    // What reaches the SDK: the same key bytes, the same resource.
    const key = given.slice(given.toLowerCase().indexOf(";accesskey=") + ";accesskey=".length);
    expect(keyBytes(key).equals(keyBytes(KEY))).toBe(true);
    if (note) {
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatch(note);
      expect(notes[0]).toMatch(new RegExp(`^${CS}: `));
      expect(notes[0]).toMatch(/401/);
      expectNoKey(notes[0] as string);
      expectNoKey(notes[0] as string, urlSafeKey);
    } else {
      expect(notes).toEqual([]);
    }
  });

  const keys: [string, string, RegExp | undefined][] = [
    ["in quotes", `"${KEY}"`, undefined],
    ["with a trailing line break", `${KEY}\n`, undefined],
    ["with a line break inside", `${KEY.slice(0, 40)}\n${KEY.slice(40)}`, /spaces or line breaks/],
    ["URL-safe", urlSafeKey, /URL-safe/],
    ["without padding", KEY.replace(/=+$/, ""), /padding/],
    ["non-canonical", nonCanonicalKey, /last character/],
  ];

  it.each(keys)("an access key %s", (_, value, note) => {
    const { config, notes } = loadNoting({ [EP]: ENDPOINT, [AK]: value });
    expect(config).toMatchObject({ kind: "access-key", endpoint: ENDPOINT });
    expect(keyBytes((config as { accessKey: string }).accessKey).equals(keyBytes(KEY))).toBe(true);
    expect(notes.length).toBe(note ? 1 : 0);
    if (note) expect(notes[0]).toMatch(note);
    for (const text of notes) expectNoKey(text);
  });

  it.each([
    ["a trailing space", `${ENDPOINT} `],
    ["a leading space", ` ${ENDPOINT}`],
    ["a trailing line break", `${ENDPOINT}\n`],
  ])("an endpoint with %s", (_, value) => {
    expect(loadNoting({ [EP]: value, [AK]: KEY }).config).toEqual({
      kind: "access-key",
      endpoint: ENDPOINT,
      accessKey: KEY,
    });
  });
});

describe("malformed connection strings", () => {
  const cases: [string, string, RegExp][] = [
    [
      "with a line break inside the key (the SDK reads only the first line)",
      `endpoint=${ENDPOINT};accesskey=${KEY.slice(0, 40)}\n${KEY.slice(40)}`,
      /line break inside/,
    ],
    [
      "with a line break inside the endpoint",
      `endpoint=https://myacs.\ncommunication.azure.com/;accesskey=${KEY}`,
      /line break inside/,
    ],
    ["with a space after ';'", `endpoint=${ENDPOINT}; accesskey=${KEY}`, /space around the name 'accesskey'/],
    ["with a space before '='", `endpoint =${ENDPOINT};accesskey=${KEY}`, /space around the name 'endpoint'/],
    ["of spaces only", "   ", /only spaces/],
    ["the .env.sample placeholder", "<your connection string>", /placeholder/],
    [
      "with placeholders inside",
      "endpoint=https://<your-resource>.communication.azure.com/;accesskey=<your-access-key>",
      /placeholder/,
    ],
    ["with dots for values", "endpoint=...;accesskey=...", /placeholder/],
    ["an endpoint instead", ENDPOINT, /holds an endpoint \(https:\/\/myacs\.communication\.azure\.com\/\)/],
    ["a key alone", KEY, /access key alone/],
    ["a URL-safe key alone", urlSafeKey, /access key alone/],
    ["with ';;'", `endpoint=${ENDPOINT};;accesskey=${KEY}`, /empty part/],
    ["with a leading ';'", `;${CONNECTION_STRING}`, /empty part/],
    ["in the wrong order", `accesskey=${KEY};endpoint=${ENDPOINT}`, /wrong order/],
    [
      "with endpoint twice",
      `endpoint=${ENDPOINT};endpoint=${ENDPOINT};accesskey=${KEY}`,
      /'endpoint=' twice/,
    ],
    ["with accesskey twice", `${CONNECTION_STRING};accesskey=${KEY}`, /'accesskey=' twice/],
    ["pasted twice", `${CONNECTION_STRING}${CONNECTION_STRING}`, /cannot be an access key|twice|unknown/],
    ["without accesskey", `endpoint=${ENDPOINT}`, /no 'accesskey=' part/],
    ["without endpoint", `accesskey=${KEY}`, /no 'endpoint=' part/],
    ["without 'endpoint=' before the URL", `${ENDPOINT};accesskey=${KEY}`, /URL without 'endpoint='/],
    ["of another service", `AccountName=x;AccountKey=${KEY}`, /unknown part 'AccountName'/],
    ["with an http endpoint", `endpoint=http://${HOST}/;accesskey=${KEY}`, /http:\/\/.*needs https:\/\//],
    ["with an ftp endpoint", `endpoint=ftp://${HOST}/;accesskey=${KEY}`, /does not start with https:\/\//],
    ["with an endpoint without scheme", `endpoint=${HOST};accesskey=${KEY}`, /without https:\/\/ in front/],
    ["with an endpoint path", `endpoint=${ENDPOINT}identities;accesskey=${KEY}`, /path/],
    ["with an endpoint ending in '//'", `endpoint=${ENDPOINT}/;accesskey=${KEY}`, /path/],
    ["with an endpoint query", `endpoint=${ENDPOINT}?a=b;accesskey=${KEY}`, /query/],
    [
      "with credentials in the URL",
      `endpoint=https://me:pw@${HOST}/;accesskey=${KEY}`,
      /user name or password/,
    ],
    ["with an empty endpoint", `endpoint=;accesskey=${KEY}`, /empty endpoint/],
    ["with an empty key", `endpoint=${ENDPOINT};accesskey=`, /empty access key/],
    [
      "with a key that lost a character",
      `endpoint=${ENDPOINT};accesskey=${KEY.slice(0, 85)}`,
      /length \(85 base64 characters, without padding\).*missing or extra/,
    ],
    ["with '=' inside the key", `endpoint=${ENDPOINT};accesskey=${KEY.slice(0, 40)}=${KEY.slice(41)}`, /'='/],
    ["with a key of punctuation", `endpoint=${ENDPOINT};accesskey=!!!!`, /no base64 characters/],
  ];

  it.each(cases)(
    "%s → ConfigError naming the variable, with the fix, without the key",
    (_, value, problem) => {
      const error = failure({ [CS]: value });
      expect(error.variable).toBe(CS);
      expect(error.message.split("\n")[0]).toMatch(new RegExp(`^${CS} `));
      expect(error.message).toMatch(problem);
      expect(error.message).toMatch(/Fix: /);
      expect(error.message.split("\n").length).toBeGreaterThanOrEqual(3);
      expect(error.fix.length).toBeGreaterThan(10);
      expectNoKey(error.message);
      expectNoKey(error.message, urlSafeKey);
    },
  );

  it("shows the expected shape and where the value came from", () => {
    const { message } = failure({ [CS]: `endpoint=${ENDPOINT};;accesskey=${KEY}` });
    expect(message).toContain(
      "Expected: endpoint=https://<resource>.communication.azure.com/;accesskey=<base64 key>",
    );
    expect(message).toContain("Set in:   the environment");
  });

  it("points an endpoint in the connection-string variable to the endpoint variable", () => {
    expect(failure({ [CS]: ENDPOINT }).fix).toContain(EP);
  });

  it("shows the portal page to copy from", () => {
    expect(failure({ [CS]: "<your connection string>" }).fix).toMatch(/Settings → Keys/);
  });
});

describe("malformed endpoints and keys", () => {
  const cases: [string, NodeJS.ProcessEnv, string, RegExp][] = [
    [
      "a connection string in ENDPOINT",
      { [EP]: CONNECTION_STRING },
      EP,
      /connection string, not an endpoint/,
    ],
    ["a key in ENDPOINT", { [EP]: KEY }, EP, /looks like an access key/],
    ["http:// in ENDPOINT", { [EP]: `http://${HOST}/` }, EP, /needs https:\/\//],
    ["no scheme in ENDPOINT", { [EP]: HOST }, EP, /without https:\/\//],
    [
      "a placeholder in ENDPOINT",
      { [EP]: "https://<your-resource>.communication.azure.com/" },
      EP,
      /placeholder/,
    ],
    ["a path in ENDPOINT", { [EP]: `${ENDPOINT}identities` }, EP, /path/],
    ["quotes in ENDPOINT (no URL: the SDK refuses it)", { [EP]: `'${ENDPOINT}'` }, EP, /quotes/],
    [
      "a space inside ENDPOINT",
      { [EP]: `https://my acs.communication.azure.com/` },
      EP,
      /space or a line break inside/,
    ],
    ["garbage in ENDPOINT", { [EP]: "myacs" }, EP, /not a URL/],
    ["a key without endpoint", { [AK]: KEY }, AK, new RegExp(`${EP} is not`)],
    ["a placeholder key", { [EP]: ENDPOINT, [AK]: "your-access-key" }, AK, /placeholder/],
    [
      "'accesskey=' in the key",
      { [EP]: ENDPOINT, [AK]: `accesskey=${KEY}` },
      AK,
      /starting with 'accesskey='/,
    ],
    [
      "a connection string as key",
      { [EP]: ENDPOINT, [AK]: CONNECTION_STRING },
      AK,
      /connection string, not a key/,
    ],
    ["a URL as key", { [EP]: ENDPOINT, [AK]: ENDPOINT }, AK, /URL, not a key/],
    ["a key that lost a character", { [EP]: ENDPOINT, [AK]: KEY.slice(1) }, AK, /missing or extra/],
    ["a key with '=' inside", { [EP]: ENDPOINT, [AK]: `${KEY.slice(0, 8)}=${KEY.slice(8)}` }, AK, /'='/],
    ["a whitespace-only key", { [EP]: ENDPOINT, [AK]: " \t" }, AK, /only spaces/],
  ];

  it.each(cases)("%s → ConfigError for the right variable, without the key", (_, env, variable, problem) => {
    const error = failure(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(problem);
    expect(error.message).toMatch(/Fix: /);
    expectNoKey(error.message);
  });

  it("suggests the https form of a bare host", () => {
    expect(failure({ [EP]: HOST }).fix).toBe(`Write it as https://${HOST}/`);
  });

  it("checks the endpoint before the key", () => {
    expect(failure({ [EP]: `http://${HOST}/`, [AK]: "nope" }).variable).toBe(EP);
  });
});

describe("the .env file", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "core-config-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const envFile = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it("is loaded into the given env without overriding what is already there", () => {
    const file = envFile(
      "a.env",
      `# a comment\n${CS}="${CONNECTION_STRING}"\nAZURE_TENANT_ID=tenant-from-file\nACS_QUICKSTART_STATE_DIR=/tmp/x\n`,
    );
    const env: NodeJS.ProcessEnv = { AZURE_TENANT_ID: "tenant-from-shell" };
    expect(loadConfig({ env, envFile: file })).toEqual({
      kind: "connection-string",
      endpoint: ENDPOINT,
      connectionString: CONNECTION_STRING, // one pair of quotes in .env is fine: dotenv removes them
    });
    expect(env.AZURE_TENANT_ID).toBe("tenant-from-shell");
    expect(env.ACS_QUICKSTART_STATE_DIR).toBe("/tmp/x");
  });

  it("is shadowed by a variable that is present but empty (how the tests keep a real .env out)", () => {
    const file = envFile("b.env", `${CS}=${CONNECTION_STRING}\n`);
    expect(loadConfig({ env: { [CS]: "" }, envFile: file })).toBeUndefined();
  });

  it("a value in the shell wins over the file", () => {
    const file = envFile("c.env", `${EP}=https://from-file.communication.azure.com/\n`);
    expect(loadConfig({ env: { [EP]: ENDPOINT }, envFile: file })).toEqual({
      kind: "entra-id",
      endpoint: ENDPOINT,
    });
  });

  it("a missing file means nothing configured", () => {
    expect(loadConfig({ env: {}, envFile: path.join(dir, "missing.env") })).toBeUndefined();
  });

  it("errors say that the value came from the file", () => {
    const file = envFile("d.env", `${CS}='endpoint=${ENDPOINT};;accesskey=${KEY}'\n`);
    const error = (() => {
      try {
        loadConfig({ env: {}, envFile: file });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toContain(`Set in:   the .env file (${file})`);
    expectNoKey(error?.message ?? "");
  });

  it("the default file is <repo root>/.env, found from the folder with npm workspaces", () => {
    const root = path.join(dir, "repo");
    const deep = path.join(root, "samples", "one", "src");
    mkdirSync(deep, { recursive: true });
    writeFileSync(path.join(root, "package.json"), JSON.stringify({ workspaces: ["samples/*"] }));
    writeFileSync(path.join(root, "samples", "one", "package.json"), JSON.stringify({ name: "one" }));
    writeFileSync(path.join(root, ".env"), `${CS}=${CONNECTION_STRING}\n`);
    // `npm start` in a sample runs there: the .env of the repository's root is the one read.
    // (repoRoot itself is tested in packages/common/test/paths.test.ts.)
    vi.spyOn(process, "cwd").mockReturnValue(deep);
    const env: NodeJS.ProcessEnv = {};
    expect(loadConfig({ env })).toMatchObject({ kind: "connection-string", endpoint: ENDPOINT });
    expect(env[CS]).toBe(CONNECTION_STRING);
  });
});

describe("Microsoft's spellings and near misses", () => {
  const notices = (env: NodeJS.ProcessEnv, envFile: string | false = false) => {
    const found: Array<{ kind: string; variable: string; message: string }> = [];
    const config = loadConfig({ env: { ...env }, envFile, onNotice: (n) => found.push(n) });
    return { config, found };
  };

  it("COMMUNICATION_SERVICES_ACCESSKEY (the spelling of Microsoft's quickstart page) is the access key", () => {
    expect(load({ [EP]: ENDPOINT, COMMUNICATION_SERVICES_ACCESSKEY: KEY })).toEqual({
      kind: "access-key",
      endpoint: ENDPOINT,
      accessKey: KEY,
    });
    expect(load({ [EP]: ENDPOINT, COMMUNICATION_SERVICES_ACCESSKEY: KEY, [AK]: KEY })).toMatchObject({
      kind: "access-key",
    });
  });

  it("the two spellings with different values: an error naming both, never a key", () => {
    const error = failure({
      [EP]: ENDPOINT,
      COMMUNICATION_SERVICES_ACCESSKEY: KEY,
      [AK]: `${KEY.slice(0, -4)}AAA=`,
    });
    expect(error.message).toContain("COMMUNICATION_SERVICES_ACCESSKEY");
    expect(error.message).toContain(AK);
    expectNoKey(error.message);
  });

  it("the page's key without an endpoint: named by the spelling that was used", () => {
    const error = failure({ COMMUNICATION_SERVICES_ACCESSKEY: KEY });
    expect(error.variable).toBe("COMMUNICATION_SERVICES_ACCESSKEY");
    expect(error.message).toContain(`is set, but ${EP} is not`);
  });

  it.each([
    ["COMMUNICATION_CONNECTION_STRING", CS],
    ["AZURE_COMMUNICATION_CONNECTION_STRING", CS],
    ["ACS_CONNECTION_STRING", CS],
    ["COMMUNICATION_SERVICES_CONNECTIONSTRING", CS],
    ["AZURE_COMMUNICATION_SERVICE_ENDPOINT", EP],
    ["COMMUNICATION_SERVICE_ENDPOINT", EP],
  ])("%s is not read: a notice says which variable is (%s), and nothing is configured", (variable, meant) => {
    const value = meant === CS ? CONNECTION_STRING : ENDPOINT;
    const { config, found } = notices({ [variable]: value });
    expect(config).toBeUndefined();
    expect(found).toEqual([
      {
        kind: "unread-variable",
        variable,
        message: `${variable} is set, but this quickstart reads ${meant}: no resource is configured. To use it, rename it (in .env or the shell).`,
      },
    ]);
    expectNoKey(found[0]?.message ?? "");
  });

  it.each([
    ["COMMUNICATION_SERVICES_KEY"],
    ["AZURE_COMMUNICATION_ACCESS_KEY"],
    ["ACS_ACCESS_KEY"],
    ["COMMUNICATION_SERVICES_PRIMARY_KEY"],
  ])(
    "an endpoint with the key under %s: an error, never a silent switch to Microsoft Entra ID",
    (variable) => {
      const error = failure({ [EP]: ENDPOINT, [variable]: KEY });
      expect(error.variable).toBe(EP);
      expect(error.message).toContain(`${variable} is set, and this quickstart does not read it`);
      expect(error.fix).toContain(`rename it to ${AK}`);
      expectNoKey(error.message);
    },
  );

  it.each([
    ["CONNECTION_STRING", () => CONNECTION_STRING],
    ["ACS", () => CONNECTION_STRING],
    ["MY_CS", () => `"${CONNECTION_STRING.toUpperCase()}"`],
    ["CS", () => CONNECTION_STRING.split(";").filter(Boolean).reverse().join(";")],
  ])(
    "%s holds a Communication Services connection string (its form, whatever the name): a notice",
    (variable, value) => {
      const { config, found } = notices({ [variable]: value() });
      expect(config).toBeUndefined();
      expect(found).toEqual([expect.objectContaining({ kind: "unread-variable", variable })]);
      expect(found[0]?.message).toContain(`this quickstart reads ${CS}`);
      expectNoKey(found[0]?.message ?? "");
    },
  );

  it("other connection strings (a database's) are no near miss", () => {
    const { found } = notices({
      CONNECTION_STRING: "Server=tcp:db.example.net;Database=app;User Id=me;Password=x;",
      DATABASE_URL: "postgres://me@db.example.net/app",
    });
    expect(found).toEqual([]);
  });

  it("the quickstart's own variables (runner settings, emulator hooks) are not near misses", () => {
    const { found } = notices({ ACS_EMULATOR_ACCESS_KEY: KEY, ACS_QUICKSTART_STATE_DIR: "/tmp/x" });
    expect(found).toEqual([]);
  });
});

describe("a shell variable that hides a different value in the env file", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "core-shadow-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const envFileWith = (lines: string) => {
    const file = path.join(dir, `${createHash("sha1").update(lines).digest("hex").slice(0, 8)}.env`);
    writeFileSync(file, lines);
    return file;
  };
  const run = (env: NodeJS.ProcessEnv, lines: string) => {
    const found: Array<{ kind: string; variable: string; message: string }> = [];
    const file = envFileWith(lines);
    const config = loadConfig({ env: { ...env }, envFile: file, onNotice: (n) => found.push(n) });
    return { config, found, file };
  };

  it("NODE_EXTRA_CA_CERTS in the shell and another in the file: both trusted, said in one line", () => {
    const roomCert = path.join(dir, "room-cert.pem");
    writeFileSync(roomCert, "-----BEGIN CERTIFICATE-----\n");
    const { config, found, file } = run(
      { NODE_EXTRA_CA_CERTS: "/etc/ssl/certs/ca-certificates.crt" },
      `${CS}=${CONNECTION_STRING}\nNODE_EXTRA_CA_CERTS=${roomCert}\n`,
    );
    expect(config?.caFiles).toEqual(["/etc/ssl/certs/ca-certificates.crt", roomCert]);
    expect(found).toEqual([
      {
        kind: "shadowed-variable",
        variable: "NODE_EXTRA_CA_CERTS",
        message: `NODE_EXTRA_CA_CERTS is set in the shell (/etc/ssl/certs/ca-certificates.crt) and differently in ${file} (${roomCert}): both certificates are trusted.`,
      },
    ]);
  });

  it.each([
    ["the shell's", "/nonexistent/shell.pem", "room"],
    ["the file's", "/etc/ssl/certs/ca-certificates.crt", "/nonexistent/room.pem"],
  ])(
    "NODE_EXTRA_CA_CERTS: %s file cannot be read: no note that both are trusted (the run stops on it)",
    (_, shell, file) => {
      const roomCert = path.join(dir, "room-cert.pem");
      writeFileSync(roomCert, "-----BEGIN CERTIFICATE-----\n");
      const { found } = run(
        { NODE_EXTRA_CA_CERTS: shell },
        `${CS}=${CONNECTION_STRING}\nNODE_EXTRA_CA_CERTS=${file === "room" ? roomCert : file}\n`,
      );
      expect(found.filter((n) => n.message.includes("both certificates are trusted"))).toEqual([]);
    },
  );

  it("a connection string in the shell and another in the file: the shell's is used, said without either value", () => {
    const other = `endpoint=https://other.communication.azure.com/;accesskey=${KEY}`;
    const { config, found } = run({ [CS]: CONNECTION_STRING }, `${CS}=${other}\n`);
    expect(config).toMatchObject({ endpoint: ENDPOINT });
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toMatch(
      new RegExp(`^${CS} is set in the shell and differently in .*: the shell's value is used\\.$`),
    );
    expectNoKey(found[0]?.message ?? "");
  });

  it("an empty shell variable hides the file's value: said, with how to undo it", () => {
    const { config, found } = run({ [CS]: "" }, `${CS}=${CONNECTION_STRING}\n`);
    expect(config).toBeUndefined();
    expect(found[0]?.message).toContain(`${CS} is set but empty in the shell, so its value in`);
    expect(found[0]?.message).toContain(`unset ${CS}`);
  });

  it("the same value, or a variable the run does not use: nothing to say", () => {
    expect(
      run({ [CS]: CONNECTION_STRING, EDITOR: "vim" }, `${CS}=${CONNECTION_STRING}\nEDITOR=nano\n`).found,
    ).toEqual([]);
  });
});

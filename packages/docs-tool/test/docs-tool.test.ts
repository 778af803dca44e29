import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type CapturedOutputs, captureOutputs } from "../src/capture.js";
import { checkDocs } from "../src/check.js";
import { main, REPO_ROOT } from "../src/cli.js";
import { unifiedDiff } from "../src/diff.js";
import { normalise } from "../src/normalise.js";
import { parsePage, slugify } from "../src/pages.js";

// ---------------------------------------------------------------------------------------------
// A small repository: two steps, their samples, their pages, an index, a README.

const STEPS = ["create-identity", "issue-access-token"] as const;

const SAMPLE_CREATE = `/**
 * @summary Step 1: create an identity.
 * Tutorial page: docs/en/01-create-identity.md
 */
export async function createIdentity(identityClient: Client) {
  // #region create-identity
  const identityResponse = await identityClient.createUser();
  console.log(\`Created an identity with ID: \${identityResponse.communicationUserId}\`);
  // #endregion
  return identityResponse;
}
`;

const SAMPLE_ISSUE = `/**
 * @summary Step 2: issue an access token.
 * Tutorial page: docs/en/02-issue-access-token.md
 */
export async function issueAccessToken(identityClient: Client, identityResponse: User) {
  // #region issue-access-token
  const { token, expiresOn } = await identityClient.getToken(identityResponse, ["voip"]);
  console.log(\`Issued an access token with 'voip' scope that expires at \${formatExpiry(expiresOn)}:\`);
  console.log(maskToken(token));
  // #endregion
}
`;

/** What a run printed, in the runner's words. */
const OUTPUTS: CapturedOutputs = {
  steps: {
    "create-identity": [
      "Created an identity with ID: 8:acs:1d3f0e0e-8f4c-4c53-9a49-3b4c1a0f2b11_00000027-8a52-4f4b-9c1e-0a1b2c3d4e5f",
    ],
    "issue-access-token": [
      "Issued an access token with 'voip' scope that expires at 2026-11-26T01:16:45Z (in 23 h 59 min):",
      "eyJhbGciOiJS… (1123 characters)",
    ],
  },
  quickstart: [
    "Mode: emulator — the built-in ACS emulator, in this process, offline (state in .quickstart/).",
    "",
    "[1/2] Create an identity  (create-identity)",
    "Created an identity with ID: 8:acs:1d3f0e0e-8f4c-4c53-9a49-3b4c1a0f2b11_00000027-8a52-4f4b-9c1e-0a1b2c3d4e5f",
    "✔ ok (41 ms)",
    "",
    "Done: 2 of 2 steps ok in 0.3 s (emulator mode). Identities left behind: 0.",
  ],
};

/** The same run, a minute later: other ids, times, token lengths and durations. */
const ANOTHER_RUN: CapturedOutputs = {
  steps: {
    "create-identity": [
      "Created an identity with ID: 8:acs:1d3f0e0e-8f4c-4c53-9a49-3b4c1a0f2b11_00000027-ffff-4f4b-9c1e-999999999999",
    ],
    "issue-access-token": [
      "Issued an access token with 'voip' scope that expires at 2026-11-26T01:17:52Z (in 23 h 59 min):",
      "eyJ0eXAiOiJK… (1187 characters)",
    ],
  },
  quickstart: OUTPUTS.quickstart.map((line) =>
    line.replace("41 ms", "7 ms").replace("0.3 s", "1.2 s").replace("0a1b2c3d4e5f", "5f4e3d2c1b0a"),
  ),
};

const TICKS = "```";
const fence = (info: string, lines: readonly string[]) => [`${TICKS}${info}`, ...lines, TICKS].join("\n");

function stepPage(
  step: string,
  file: string,
  region: string,
  code: string,
  output: readonly string[],
  next: string,
) {
  return `# ${step}

Some words about this step. See [troubleshooting](troubleshooting.md#denied).

## The code

<!-- snippet: ${file}#${region} -->
${fence("ts", code.split("\n"))}

## What you should see

<!-- output: ${step} -->
${fence("text", output)}

Next: [${next}](${next})
`;
}

const CODE_CREATE = `const identityResponse = await identityClient.createUser();
console.log(\`Created an identity with ID: \${identityResponse.communicationUserId}\`);`;
const CODE_ISSUE = `const { token, expiresOn } = await identityClient.getToken(identityResponse, ["voip"]);
console.log(\`Issued an access token with 'voip' scope that expires at \${formatExpiry(expiresOn)}:\`);
console.log(maskToken(token));`;

function englishPages(): Record<string, string> {
  return {
    "index.md": `# Quickstart

1. [Create an identity](01-create-identity.md)
2. [Issue an access token](02-issue-access-token.md)

<!-- output: quickstart -->
${fence("text", OUTPUTS.quickstart)}
`,
    "01-create-identity.md": stepPage(
      "create-identity",
      "samples/create-identity/src/create-identity.ts",
      "create-identity",
      CODE_CREATE,
      OUTPUTS.steps["create-identity"] as string[],
      "02-issue-access-token.md",
    ),
    "02-issue-access-token.md": stepPage(
      "issue-access-token",
      "samples/issue-access-token/src/issue-access-token.ts",
      "issue-access-token",
      CODE_ISSUE,
      OUTPUTS.steps["issue-access-token"] as string[],
      "index.md",
    ),
    "troubleshooting.md": `# Troubleshooting

<a id="denied"></a>
## 401 Denied

Check the key.
`,
  };
}

let root: string;

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

function read(path: string): string {
  return readFileSync(join(root, path), "utf8");
}

function edit(path: string, from: string, to: string): void {
  const text = read(path);
  if (!text.includes(from)) throw new Error(`fixture: '${from}' not in ${path}`);
  write(path, text.replace(from, to));
}

/** A fresh fixture repository where everything agrees. */
function fixture(): string {
  root = mkdtempSync(join(tmpdir(), "acs-docs-fixture-"));
  write("README.md", "# Fixture\n\nStart with [the docs](docs/en/index.md).\n");
  write("samples/create-identity/src/create-identity.ts", SAMPLE_CREATE);
  write("samples/issue-access-token/src/issue-access-token.ts", SAMPLE_ISSUE);
  for (const [name, text] of Object.entries(englishPages())) write(`docs/en/${name}`, text);
  return root;
}

afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

/** Runs the command line on the fixture, in process, and collects what it printed. */
async function run(command: "check" | "update", outputs: CapturedOutputs = OUTPUTS) {
  let out = "";
  let err = "";
  const code = await main([command, "--root", root], {
    steps: STEPS,
    outputs,
    io: { out: (text) => (out += `${text}\n`), err: (text) => (err += `${text}\n`) },
  });
  return { code, out, err };
}

// ---------------------------------------------------------------------------------------------

describe("docs:check on a fixture repository", () => {
  it("passes when pages, samples and the run agree, and says that docs/zh-CN/ does not exist yet", async () => {
    fixture();
    const result = await run("check");
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    expect(result.out).toContain("docs/zh-CN/ does not exist yet");
    expect(result.out).toContain("docs:check: 4 pages ok");
  });

  it("fails when a sample's region changes alone, naming the page and the marker, with a diff and the fix", async () => {
    fixture();
    edit("samples/create-identity/src/create-identity.ts", "createUser()", "createUser({})");
    const result = await run("check");
    expect(result.code).toBe(1);
    expect(result.err).toContain("docs/en/01-create-identity.md:7:");
    expect(result.err).toContain(
      "marker: <!-- snippet: samples/create-identity/src/create-identity.ts#create-identity -->",
    );
    expect(result.err).toContain(
      "--- samples/create-identity/src/create-identity.ts#create-identity (the sample)",
    );
    expect(result.err).toContain("+++ docs/en/01-create-identity.md:9 (the page)");
    expect(result.err).toContain("-const identityResponse = await identityClient.createUser({});");
    expect(result.err).toContain("+const identityResponse = await identityClient.createUser();");
    expect(result.err).toContain("run npm run docs:update if the sample change is intended");
  });

  it("fails when a page's code block changes alone", async () => {
    fixture();
    edit(
      "docs/en/02-issue-access-token.md",
      'getToken(identityResponse, ["voip"])',
      'getToken(identityResponse, ["chat"])',
    );
    const result = await run("check");
    expect(result.code).toBe(1);
    expect(result.err).toContain("docs/en/02-issue-access-token.md:7:");
    expect(result.err).toContain("differs from the region 'issue-access-token'");
    expect(result.err).toMatch(/^\s+\+const \{ token, expiresOn \} = .*\["chat"\]\);$/m);
  });

  it("fails when a region is missing, or the marker is not followed by a code block", async () => {
    fixture();
    edit("docs/en/01-create-identity.md", "#create-identity -->", "#create-user -->");
    edit("docs/en/02-issue-access-token.md", "-->\n```ts", "-->\n\n```ts");
    const result = await run("check");
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      "No '// #region create-user' in samples/create-identity/src/create-identity.ts",
    );
    expect(result.err).toContain(
      "docs/en/02-issue-access-token.md:7: the snippet marker is not immediately followed by a fenced code block",
    );
  });

  it("ignores ids, times, tokens and durations in output blocks, but not a changed message", async () => {
    fixture();
    expect((await run("check", ANOTHER_RUN)).code).toBe(0);
    edit(
      "docs/en/01-create-identity.md",
      "Created an identity with ID: 8:acs",
      "Made an identity with ID: 8:acs",
    );
    const result = await run("check", ANOTHER_RUN);
    expect(result.code).toBe(1);
    expect(result.err).toContain("docs/en/01-create-identity.md:15:");
    expect(result.err).toContain("marker: <!-- output: create-identity -->");
    expect(result.err).toContain("-Created an identity with ID: 8:acs:<id>");
    expect(result.err).toContain("+Made an identity with ID: 8:acs:<id>");
  });

  it("fails on an unknown step id in an output marker, and on a malformed marker", async () => {
    fixture();
    edit("docs/en/index.md", "<!-- output: quickstart -->", "<!-- output: create-user -->");
    edit("docs/en/troubleshooting.md", "Check the key.", "<!-- snippet samples/x.ts -->");
    const result = await run("check");
    expect(result.code).toBe(1);
    expect(result.err).toContain("docs/en/index.md:6: unknown step id 'create-user' in an output marker.");
    expect(result.err).toContain("docs/en/troubleshooting.md:6: malformed marker");
  });

  it("fails when a step has no page, and when links or anchors are broken", async () => {
    fixture();
    rmSync(join(root, "docs/en/02-issue-access-token.md"));
    edit("docs/en/01-create-identity.md", "troubleshooting.md#denied", "troubleshooting.md#forbidden");
    const result = await run("check");
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      "step 'issue-access-token' has no page: expected a file named like 02-issue-access-token.md",
    );
    expect(result.err).toContain("broken link: 02-issue-access-token.md");
    expect(result.err).toContain("(docs/en/troubleshooting.md has no heading or <a id> '#forbidden')");
    expect(result.err).toContain(
      'samples/issue-access-token/src/issue-access-token.ts: its "Tutorial page:" docs/en/02-issue-access-token.md does not exist',
    );
  });

  it("once docs/zh-CN/ exists, fails when it lacks a page or its markers differ", async () => {
    fixture();
    const pages = englishPages();
    write("docs/zh-CN/index.md", (pages["index.md"] as string).replace("# Quickstart", "# 快速入门"));
    write("docs/zh-CN/01-create-identity.md", pages["01-create-identity.md"] as string);
    write(
      "docs/zh-CN/troubleshooting.md",
      (pages["troubleshooting.md"] as string).concat(
        "\n<!-- output: create-identity -->\n```text\nCreated an identity with ID: 8:acs:a_b\n```\n",
      ),
    );
    const result = await run("check");
    expect(result.code).toBe(1);
    expect(result.out).not.toContain("does not exist yet");
    expect(result.err).toContain(
      "docs/zh-CN/02-issue-access-token.md: docs/zh-CN/ has no 02-issue-access-token.md",
    );
    expect(result.err).toContain("step 'issue-access-token' has no page");
    expect(result.err).toContain(
      "docs/zh-CN/troubleshooting.md: its markers differ from docs/en/troubleshooting.md",
    );
  });

  it("links into docs/zh-CN/ are a note until that folder exists, then they must resolve", async () => {
    fixture();
    edit("README.md", "(docs/en/index.md).", "(docs/en/index.md), [中文](docs/zh-CN/index.md).");
    const before = await run("check");
    expect(before.code).toBe(0);
    expect(before.out).toContain("links to docs/zh-CN/ were not followed");
    write("docs/zh-CN/troubleshooting.md", englishPages()["troubleshooting.md"] as string);
    const after = await run("check");
    expect(after.code).toBe(1);
    expect(after.err).toContain("README.md:3: broken link: docs/zh-CN/index.md");
  });

  it("passes with a complete translation", async () => {
    fixture();
    for (const [name, text] of Object.entries(englishPages())) {
      write(`docs/zh-CN/${name}`, text.replace("Some words about this step.", "关于这一步的几句话。"));
    }
    const result = await run("check");
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    expect(result.out).toContain("docs:check: 8 pages ok");
  });

  it("usage errors exit 2", async () => {
    fixture();
    const errors: string[] = [];
    const io = { out: () => {}, err: (text: string) => errors.push(text) };
    expect(await main([], { io, steps: STEPS, outputs: OUTPUTS })).toBe(2);
    expect(await main(["verify"], { io, steps: STEPS, outputs: OUTPUTS })).toBe(2);
    expect(await main(["check", "--root"], { io, steps: STEPS, outputs: OUTPUTS })).toBe(2);
    expect(errors.join("\n")).toContain("Unknown command 'verify'");
    expect(errors.join("\n")).toContain("Usage: tsx packages/docs-tool/src/cli.ts");
  });
});

describe("docs:update on a fixture repository", () => {
  it("rewrites code from the samples and outputs from the run, then the check passes", async () => {
    fixture();
    edit("samples/create-identity/src/create-identity.ts", "createUser()", "createUser({})");
    edit("docs/en/02-issue-access-token.md", "eyJhbGciOiJS… (1123 characters)", "a made-up line");
    const before = read("docs/en/index.md");
    const result = await run("update", ANOTHER_RUN);
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    expect(result.out).toContain("updated docs/en/01-create-identity.md");
    expect(result.out).toContain("updated docs/en/02-issue-access-token.md");
    expect(read("docs/en/01-create-identity.md")).toContain("await identityClient.createUser({});");
    // A changed block gets the new run's real lines; a block that still matches keeps its own.
    expect(read("docs/en/02-issue-access-token.md")).toContain("eyJ0eXAiOiJK… (1187 characters)");
    expect(read("docs/en/02-issue-access-token.md")).toContain("2026-11-26T01:17:52Z");
    expect(read("docs/en/index.md")).toBe(before);
    expect((await run("check", ANOTHER_RUN)).code).toBe(0);
    expect((await run("update", ANOTHER_RUN)).out).toContain("every page was already up to date");
  });
});

// ---------------------------------------------------------------------------------------------

describe("normalisation", () => {
  it("makes two runs comparable and keeps the words", () => {
    for (const step of STEPS) {
      expect(normalise((OUTPUTS.steps[step] as string[]).join("\n"))).toBe(
        normalise((ANOTHER_RUN.steps[step] as string[]).join("\n")),
      );
    }
    expect(normalise(OUTPUTS.quickstart.join("\n"))).toBe(normalise(ANOTHER_RUN.quickstart.join("\n")));
    expect(
      normalise(
        "Refreshed the access token for 8:acs:aa-1_bb-2; it expires at 2026-11-26T01:16:45Z (in 23 h 59 min):\n" +
          "eyJhbGciOiJS… (1123 characters)\n✔ ok (12 ms)  ",
      ),
    ).toBe(
      "Refreshed the access token for 8:acs:<id>; it expires at <time> (in 23 h 59 min):\n<token>\n✔ ok (<n> ms)",
    );
    expect(normalise("Done: 6 of 6 steps ok in 0.4 s (emulator mode).")).toBe(
      "Done: 6 of 6 steps ok in <n> s (emulator mode).",
    );
  });
});

describe("pages and diffs", () => {
  it("slugs headings like GitHub, in any script", () => {
    expect(slugify("401 `Denied` and clock skew")).toBe("401-denied-and-clock-skew");
    expect(slugify("Node.js versions")).toBe("nodejs-versions");
    expect(slugify("401 Denied 与时钟偏差")).toBe("401-denied-与时钟偏差");
  });

  it("ignores markers and links inside code blocks", () => {
    const page = parsePage("```md\n<!-- output: nothing -->\n[x](missing.md)\n```\n\n`[y](missing.md)`\n");
    expect(page.markers).toEqual([]);
    expect(page.links).toEqual([]);
  });

  it("shows a short unified diff", () => {
    const diff = unifiedDiff("a\nb\nc", "a\nB\nc", { expected: "sample", found: "page" });
    expect(diff).toBe("--- sample\n+++ page\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c");
    expect(unifiedDiff("same", "same", { expected: "x", found: "y" })).toBe("");
  });
});

describe("the real repository", () => {
  it("one real run of the quickstart agrees with the pages' output blocks", async () => {
    const captured = await captureOutputs(REPO_ROOT);
    const { STEP_IDS } = await import("@acs-quickstart/runner");
    for (const step of STEP_IDS) expect(captured.steps[step]?.length, step).toBeGreaterThan(0);
    expect(captured.quickstart[0]).toContain("Mode: emulator");
    expect(captured.quickstart.join("\n")).toContain("(state in .quickstart/)");
    const result = await checkDocs({ root: REPO_ROOT, steps: STEP_IDS, outputs: captured });
    expect(result.problems).toEqual([]);
  });
});

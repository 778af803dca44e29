/**
 * A small repository for the docs tool's tests: two steps, their samples, their pages, an index, a README
 * with its steps table; and the outputs of two runs of the quickstart.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import type { CapturedOutputs } from "../src/capture.js";
import type { DocsOptions } from "../src/check.js";
import { main } from "../src/cli.js";

export const STEPS = [
  {
    id: "create-identity",
    title: "Create an identity",
    page: "01-create-identity.md",
    sample: "samples/create-identity",
  },
  {
    id: "issue-access-token",
    title: "Issue an access token",
    page: "02-issue-access-token.md",
    sample: "samples/issue-access-token",
  },
] as const;

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
export const OUTPUTS: CapturedOutputs = {
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
export const ANOTHER_RUN: CapturedOutputs = {
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

export const TICKS = "```";
export const fence = (info: string, lines: readonly string[]) =>
  [`${TICKS}${info}`, ...lines, TICKS].join("\n");

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

export function englishPages(): Record<string, string> {
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

/** README.md's steps table, as prettier aligns it: an English column, and a Chinese one once translated. */
export const TABLE_EN = `| #   | Step                  | Sample                                                   | English                                  |
| --- | --------------------- | -------------------------------------------------------- | ---------------------------------------- |
| 1   | Create an identity    | [samples/create-identity](samples/create-identity)       | [page](docs/en/01-create-identity.md)    |
| 2   | Issue an access token | [samples/issue-access-token](samples/issue-access-token) | [page](docs/en/02-issue-access-token.md) |`;

export const TABLE_EN_ZH = `| #   | Step                  | Sample                                                   | English                                  | 中文                                        |
| --- | --------------------- | -------------------------------------------------------- | ---------------------------------------- | ------------------------------------------- |
| 1   | Create an identity    | [samples/create-identity](samples/create-identity)       | [page](docs/en/01-create-identity.md)    | [页面](docs/zh-CN/01-create-identity.md)    |
| 2   | Issue an access token | [samples/issue-access-token](samples/issue-access-token) | [page](docs/en/02-issue-access-token.md) | [页面](docs/zh-CN/02-issue-access-token.md) |`;

export const readme = (table: string) =>
  `# Fixture\n\nStart with [the docs](docs/en/index.md).\n\n## The steps\n\n${table}\n\nRun them all.\n`;

let root = "";

/** The fixture's folder. */
export const fixtureRoot = () => root;

export function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

export function read(path: string): string {
  return readFileSync(join(root, path), "utf8");
}

export function edit(path: string, from: string, to: string): void {
  const text = read(path);
  if (!text.includes(from)) throw new Error(`fixture: '${from}' not in ${path}`);
  write(path, text.replace(from, to));
}

/** A fresh fixture repository where everything agrees. */
export function fixture(): string {
  root = mkdtempSync(join(tmpdir(), "acs-docs-fixture-"));
  write("README.md", readme(TABLE_EN));
  write("samples/create-identity/src/create-identity.ts", SAMPLE_CREATE);
  write("samples/issue-access-token/src/issue-access-token.ts", SAMPLE_ISSUE);
  for (const [name, text] of Object.entries(englishPages())) write(`docs/en/${name}`, text);
  return root;
}

/** A page with a line of its own after its title (the language switch). */
const withSwitch = (page: string, line: string) => page.replace(/\n/, `\n\n${line}\n`);

/**
 * docs/zh-CN/: every English page, its words changed by `words`, and the language switch on both sides
 * (`[中文](../zh-CN/<page>)` under the English title, `[English](../en/<page>)` under the Chinese one).
 */
export function translate(words: (text: string) => string = (text) => text): void {
  for (const [name, text] of Object.entries(englishPages())) {
    write(`docs/en/${name}`, withSwitch(read(`docs/en/${name}`), `[中文](../zh-CN/${name})`));
    write(`docs/zh-CN/${name}`, withSwitch(words(text), `[English](../en/${name})`));
  }
}

/** Deletes the fixture: each test file calls it after each test. */
export function removeFixture(): void {
  if (root) rmSync(root, { recursive: true, force: true });
  root = "";
}

/** Runs the command line on the fixture, in process, and collects what it printed. */
export async function run(
  command: "check" | "update",
  outputs: CapturedOutputs = OUTPUTS,
  steps: DocsOptions["steps"] = STEPS,
  tables?: DocsOptions["tables"],
) {
  let out = "";
  let err = "";
  const code = await main([command, "--root", root], {
    steps,
    outputs,
    ...(tables ? { tables } : {}),
    io: { out: (text) => (out += `${text}\n`), err: (text) => (err += `${text}\n`) },
  });
  return { code, out, err };
}

/** Asserts that a run failed (exit code 1) and reported each of these texts. */
export function expectProblems(result: { code: number; err: string }, ...texts: readonly string[]): void {
  expect(result.code).toBe(1);
  for (const text of texts) expect(result.err).toContain(text);
}

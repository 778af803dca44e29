import { rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../src/cli.js";
import {
  ANOTHER_RUN,
  edit,
  englishPages,
  expectProblems,
  fixture,
  fixtureRoot,
  OUTPUTS,
  read,
  readme,
  removeFixture,
  run,
  STEPS,
  TABLE_EN_ZH,
  translate,
  write,
} from "./fixture.js";

afterEach(() => {
  removeFixture();
  vi.unstubAllEnvs();
});

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
    rmSync(join(fixtureRoot(), "docs/en/02-issue-access-token.md"));
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
    write("README.md", readme(TABLE_EN_ZH));
    translate((text) => text.replace("Some words about this step.", "关于这一步的几句话。"));
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
    expect(errors.join("\n")).toContain("Usage: npm run docs:check|docs:update -- [options]");
    expect(errors.join("\n")).toContain(
      "node scripts/launch.mjs packages/docs-tool/src/cli.ts <check|update> [options]",
    );
    errors.length = 0;
    expect(await main(["check", "--nope"], { io, steps: STEPS, outputs: OUTPUTS })).toBe(2);
    expect(
      await main(["check", "--root", "--outputs", "x.json"], { io, steps: STEPS, outputs: OUTPUTS }),
    ).toBe(2);
    expect(await main(["check", "update"], { io, steps: STEPS, outputs: OUTPUTS })).toBe(2);
    expect(errors[0]).toMatch(/^Unknown option '--nope'\.\n\nUsage:/);
    expect(errors[1]).toMatch(/^--root needs a value\.\n\nUsage:/);
    expect(errors[2]).toMatch(/^Choose one command: check or update \(got both\)\.\n\nUsage:/);
  });

  it("reads --root and --outputs relative to the folder npm was run in", async () => {
    fixture();
    const outputs = join(fixtureRoot(), "outputs.json");
    writeFileSync(outputs, JSON.stringify(OUTPUTS));
    vi.stubEnv("INIT_CWD", dirname(fixtureRoot()));
    let out = "";
    const io = { out: (text: string) => (out += `${text}\n`), err: () => {} };
    const relativeRoot = basename(fixtureRoot());
    const args = ["check", "--root", relativeRoot, "--outputs", join(relativeRoot, "outputs.json")];
    expect(
      await main(args, { io, steps: STEPS, outputs: () => Promise.reject(new Error("not this run")) }),
    ).toBe(0);
    expect(out).toContain("docs:check: 4 pages ok");
  });
});

describe("the page set comes from the step registry", () => {
  it("each step's page is the registry's page, numbered in the registry's order", async () => {
    fixture();
    const swapped = [
      { ...STEPS[0], page: "02-create-identity.md" },
      { ...STEPS[1], page: "01-issue-access-token.md" },
    ];
    expectProblems(
      await run("check", OUTPUTS, swapped),
      "docs/en/: the step pages are not numbered in the tutorial's order (02-create-identity.md, 01-issue-access-token.md).",
      "docs/en/: step 'create-identity' has no page: expected a file named like 02-create-identity.md",
    );
  });

  it("a numbered page that no step has is reported (e.g. left behind by a renamed step)", async () => {
    fixture();
    const renamed = [STEPS[0], { ...STEPS[1], page: "02-issue-token.md" }];
    expectProblems(
      await run("check", OUTPUTS, renamed),
      "step 'issue-access-token' has no page: expected a file named like 02-issue-token.md",
      "docs/en/02-issue-access-token.md: a numbered page (NN-….md) is a step's page, but no step in the registry has this page.",
    );
  });

  it("a step's page shows code from the step's own sample folder", async () => {
    fixture();
    const moved = [
      { ...STEPS[0], sample: "samples/identities", source: "samples/identities/src/create.ts" },
      STEPS[1],
    ];
    expectProblems(
      await run("check", OUTPUTS, moved),
      "docs/en/01-create-identity.md: the page of step 'create-identity' shows no code from samples/identities/.",
      "add <!-- snippet: samples/identities/src/create.ts#create-identity -->",
    );
  });
});

describe("pages in other shapes", () => {
  it("a block after a marker that is never closed is reported, not compared", async () => {
    fixture();
    edit(
      "docs/en/troubleshooting.md",
      "Check the key.\n",
      "Check the key.\n\n<!-- output: quickstart -->\n```text\nunfinished\n",
    );
    const result = await run("check");
    expectProblems(
      result,
      "docs/en/troubleshooting.md:8: the code block after the output marker is never closed.",
    );
    expect(result.err).not.toContain("differs from what a fresh run");
  });

  it("checks and updates CRLF pages, keeping their line endings", async () => {
    fixture();
    write("docs/en/01-create-identity.md", read("docs/en/01-create-identity.md").replace(/\n/g, "\r\n"));
    expect((await run("check")).code).toBe(0);
    edit("samples/create-identity/src/create-identity.ts", "createUser()", "createUser({})");
    expect((await run("update")).out).toContain("updated docs/en/01-create-identity.md");
    const page = read("docs/en/01-create-identity.md");
    expect(page).toContain("await identityClient.createUser({});\r\n");
    expect(page.replace(/\r\n/g, "")).not.toContain("\n");
    expect((await run("check")).code).toBe(0);
  });

  it("updates a marker's block inside a list item, keeping its indentation", async () => {
    fixture();
    edit(
      "docs/en/index.md",
      "<!-- output: quickstart -->\n```text\n",
      "1. Run it:\n\n   <!-- output: quickstart -->\n   ```text\n   outdated line\n   ```\n\n<!-- output: create-identity -->\n```text\n",
    );
    const result = await run("update");
    expect(result.out).toContain("updated docs/en/index.md");
    expect(read("docs/en/index.md")).toContain(
      `   <!-- output: quickstart -->\n   \`\`\`text\n${OUTPUTS.quickstart.map((line) => (line ? `   ${line}` : "")).join("\n")}\n   \`\`\`\n`,
    );
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

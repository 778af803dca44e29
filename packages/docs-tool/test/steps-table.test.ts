import { afterEach, describe, expect, it } from "vitest";
import {
  edit,
  expectProblems,
  fixture,
  read,
  readme,
  removeFixture,
  run,
  STEPS,
  TABLE_EN,
  TABLE_EN_ZH,
  translate,
  write,
} from "./fixture.js";

afterEach(removeFixture);

// The fixture's README.md: the table's header is on line 7, its rows on lines 9 and 10.
const ROW_1 =
  "| 1   | Create an identity    | [samples/create-identity](samples/create-identity)       | [page](docs/en/01-create-identity.md)    |\n";
const ROW_2 =
  "| 2   | Issue an access token | [samples/issue-access-token](samples/issue-access-token) | [page](docs/en/02-issue-access-token.md) |\n";
const FIX =
  "fix: run npm run docs:update to rewrite the table's rows from the step registry (packages/runner/src/steps.ts)";

describe("README.md's steps table agrees with the step registry", () => {
  it("fails when a step has no row", async () => {
    fixture();
    edit("README.md", ROW_2, "");
    expectProblems(
      await run("check"),
      "README.md:7: the steps table has no row for step 2 'issue-access-token'.",
      FIX,
    );
  });

  it("fails when the rows are not in the registry's order", async () => {
    fixture();
    edit("README.md", `${ROW_1}${ROW_2}`, `${ROW_2}${ROW_1}`);
    expectProblems(
      await run("check"),
      "README.md:9: the steps table is not in the registry's order: this row is step 'issue-access-token', where step 'create-identity' belongs (create-identity, issue-access-token).",
      "README.md:10: the steps table is not in the registry's order",
    );
  });

  it("fails when a row links to another step's page, naming the row, the link it needs and the one it has", async () => {
    fixture();
    edit("README.md", "[page](docs/en/02-issue-access-token.md)", "[page](docs/en/01-create-identity.md)   ");
    expectProblems(
      await run("check"),
      "README.md:10: the steps table's row of step 2 'issue-access-token' differs from the registry: it does not link to its page docs/en/02-issue-access-token.md (it links to docs/en/01-create-identity.md).",
    );
  });

  it("fails when a row's number, title or sample link differ", async () => {
    fixture();
    edit(
      "README.md",
      "| 2   | Issue an access token | [samples/issue-access-token](samples/issue-access-token) |",
      "| 3   | Issue a token         | [samples/issue-access-token](samples/issue-token)        |",
    );
    expectProblems(
      await run("check"),
      "README.md:10: the steps table's row of step 2 'issue-access-token' differs from the registry: it is numbered '3', the registry makes it step 2; its title is 'Issue a token', the registry's is 'Issue an access token'; it does not link to its sample folder samples/issue-access-token (it links to samples/issue-token).",
    );
  });

  it("fails on an extra row, and on a row that repeats a step", async () => {
    fixture();
    edit(
      "README.md",
      ROW_2,
      `${ROW_2}| 3   | Refresh an access token | [samples/refresh-access-token](samples/refresh-access-token) | [page](docs/en/03-refresh-access-token.md) |\n${ROW_1}`,
    );
    expectProblems(
      await run("check"),
      "README.md:11: the steps table's row '3 | Refresh an access token' is not a step of the registry.",
      "fix: remove the row, or add its step to the registry (packages/runner/src/steps.ts)",
      "README.md:12: the steps table's row '1 | Create an identity' repeats step 'create-identity' (already on line 9).",
    );
  });

  it("fails when README.md has no table of the steps (another table does not count)", async () => {
    fixture();
    write("README.md", readme("| Mode | What |\n| --- | --- |\n| emulator | [offline](docs/en/index.md) |"));
    expectProblems(
      await run("check"),
      "README.md: there is no table of the steps",
      "| 1 | Create an identity | [samples/create-identity](samples/create-identity) | [page](docs/en/01-create-identity.md) |",
    );
  });

  it("once docs/zh-CN/ exists, every row links to its Chinese page", async () => {
    fixture();
    translate();
    const before = await run("check");
    expect(before.code).toBe(1);
    expect(before.err).toContain(
      "README.md:9: the steps table's row of step 1 'create-identity' differs from the registry: it does not link to its page docs/zh-CN/01-create-identity.md.",
    );
    write("README.md", readme(TABLE_EN_ZH));
    const after = await run("check");
    expect(after.err).toBe("");
    expect(after.code).toBe(0);
  });
});

describe("docs:update rewrites the steps table's rows from the registry", () => {
  it("restores missing, reordered and wrong rows, keeping the header, the labels and the alignment", async () => {
    fixture();
    edit(
      "README.md",
      `${ROW_1}${ROW_2}`,
      `${ROW_2.replace("Issue an access token", "Issue a token        ")}`,
    );
    const result = await run("update");
    expect(result.out).toContain("updated README.md");
    expect(result.err).toBe("");
    expect(read("README.md")).toBe(readme(TABLE_EN));
  });

  it("aligns columns by display width, so Chinese labels line up", async () => {
    fixture();
    translate();
    write(
      "README.md",
      readme(TABLE_EN_ZH.replace("01-create-identity.md)    |", "02-issue-access-token.md) |")),
    );
    expect((await run("update")).code).toBe(0);
    expect(read("README.md")).toBe(readme(TABLE_EN_ZH));
  });

  it("takes a new title from the registry and widens its column", async () => {
    fixture();
    const longer = STEPS.map((step, index) =>
      index === 0 ? { ...step, title: "Create an identity for a user" } : step,
    );
    const result = await run("update", undefined, longer);
    expect(result.code).toBe(0);
    const table = read("README.md").split("\n").slice(6, 10);
    expect(table[2]).toContain(
      "| 1   | Create an identity for a user | [samples/create-identity](samples/create-identity)",
    );
    expect(new Set(table.map((line) => line.length)).size).toBe(1);
  });

  it("keeps a compact table compact, and leaves a table that agrees as it is", async () => {
    fixture();
    const compact =
      "| # | Step | Sample | English |\n| --- | --- | --- | --- |\n" +
      "| 1 | Create an identity | [samples/create-identity](samples/create-identity) | [page](docs/en/01-create-identity.md) |";
    write("README.md", readme(compact));
    expect((await run("update")).out).toContain("updated README.md");
    expect(read("README.md")).toBe(
      readme(
        `${compact}\n| 2 | Issue an access token | [samples/issue-access-token](samples/issue-access-token) | [page](docs/en/02-issue-access-token.md) |`,
      ),
    );
    const again = await run("update");
    expect(again.out).toContain("every page was already up to date");
  });
});

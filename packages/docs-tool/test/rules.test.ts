/**
 * The rules beyond samples and outputs: code from core's sources, tables from the code, example events
 * against their schema, line breaks between Chinese characters, and .env.sample's agreement with the pages.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SCOPE_CAPABILITIES, TOKEN_SCOPES } from "@acs-quickstart/core";
import { afterEach, describe, expect, it } from "vitest";
import { checkCjkLineBreaks } from "../src/cjk.js";
import { REPO_ROOT } from "../src/cli.js";
import { rolesOf } from "../src/env-sample.js";
import { parsePage } from "../src/pages.js";
import type { DocsTable } from "../src/tables.js";
import { TABLES } from "../src/tables.js";
import {
  edit,
  englishPages,
  expectProblems,
  fence,
  fixture,
  read,
  readme,
  removeFixture,
  run,
  STEPS,
  TABLE_EN_ZH,
  translate,
  write,
} from "./fixture.js";

afterEach(() => removeFixture());

const EVENTS_SCHEMA_JSON = JSON.parse(
  readFileSync(join(REPO_ROOT, "packages/runner/schema/events-v1.json"), "utf8"),
) as { $defs: Record<string, { properties?: { event?: { const?: unknown } } }> };

/** Appends a section to a fixture page (after a blank line); returns the line it starts on. */
function append(path: string, text: string): number {
  const before = read(path);
  write(path, `${before}\n${text}\n`);
  return before.split("\n").length + 1;
}

describe("snippets from core's sources", () => {
  const CORE = `export function createClient(config: Config) {
  switch (config.kind) {
    case "connection-string": {
      // #region client-connection-string
      return new CommunicationIdentityClient(config.connectionString, clientOptions);
      // #endregion
    }
  }
}
`;
  const SNIPPET = `<!-- snippet: packages/core/src/client.ts#client-connection-string -->\n${fence("ts", ["return new CommunicationIdentityClient(config.connectionString, clientOptions);"])}`;

  it("a page may show a region of packages/core/src/, checked like a sample's and rewritten by docs:update", async () => {
    fixture();
    write("packages/core/src/client.ts", CORE);
    append("docs/en/01-create-identity.md", `## Create the client\n\n${SNIPPET}`);
    expect((await run("check")).code).toBe(0);

    edit("packages/core/src/client.ts", "config.connectionString,", "config.connectionString.trim(),");
    const changed = await run("check");
    expectProblems(
      changed,
      "differs from the region 'client-connection-string' of packages/core/src/client.ts",
      "+return new CommunicationIdentityClient(config.connectionString, clientOptions);",
    );
    expect((await run("update")).out).toContain("updated docs/en/01-create-identity.md");
    expect(read("docs/en/01-create-identity.md")).toContain("config.connectionString.trim(), clientOptions");
    expect((await run("check")).code).toBe(0);
  });

  it("but no other package's files, nor core's tests", async () => {
    fixture();
    for (const file of ["packages/emulator/src/routes.ts", "packages/core/test/client.test.ts"]) {
      write(file, CORE);
      append("docs/en/troubleshooting.md", SNIPPET.replace("packages/core/src/client.ts", file));
    }
    expectProblems(
      await run("check"),
      "the snippet's file must be under samples/ or packages/core/src/ (got 'packages/emulator/src/routes.ts')",
      "the snippet's file must be under samples/ or packages/core/src/ (got 'packages/core/test/client.test.ts')",
    );
  });
});

describe("tables from the code", () => {
  const COLOURS: Record<string, DocsTable> = {
    colours: {
      source: "COLOURS in src/colours.ts",
      rows: (language) =>
        language === "en"
          ? [
              ["`red`", "warm | loud"],
              ["`blue`", "cold"],
            ]
          : undefined,
    },
  };
  const TABLE = [
    "<!-- table: colours -->",
    "| Colour | How it feels |",
    "| ------ | ------------ |",
    "| `red`  | warm \\| loud |",
    "| `blue` | cold         |",
  ].join("\n");

  it("passes when the page's rows are the code's, and names the row that differs", async () => {
    fixture();
    const line = append("docs/en/index.md", TABLE);
    expect((await run("check", undefined, STEPS, COLOURS)).code).toBe(0);
    edit("docs/en/index.md", "| cold         |", "| chilly       |");
    const result = await run("check", undefined, STEPS, COLOURS);
    expectProblems(
      result,
      `docs/en/index.md:${line}: the table's rows differ from COLOURS in src/colours.ts.`,
      "marker: <!-- table: colours -->",
      "-| `blue` | cold |",
      "+| `blue` | chilly |",
      "run npm run docs:update to rewrite the rows from the code",
    );
  });

  it("docs:update rewrites the rows, keeps the page's header and aligns the table", async () => {
    fixture();
    append(
      "docs/en/index.md",
      "<!-- table: colours -->\n| Colour | How it feels |\n| --- | --- |\n| `green` | calm |",
    );
    const result = await run("update", undefined, STEPS, COLOURS);
    expect(result.out).toContain("updated docs/en/index.md");
    expect(read("docs/en/index.md")).toContain(
      ["| Colour | How it feels |", "| --- | --- |", "| `red` | warm \\| loud |", "| `blue` | cold |"].join(
        "\n",
      ),
    );
    write("docs/en/index.md", englishPages()["index.md"] as string);
    append("docs/en/index.md", TABLE.replace("| cold         |", "| cool         |"));
    await run("update", undefined, STEPS, COLOURS);
    expect(read("docs/en/index.md")).toContain(TABLE);
    expect((await run("check", undefined, STEPS, COLOURS)).code).toBe(0);
  });

  it("reports an unknown table, a marker without a table, another column count, a language the code lacks", async () => {
    fixture();
    const unknown = append("docs/en/index.md", "<!-- table: shapes -->\n| a | b |\n| - | - |");
    const apart = append("docs/en/troubleshooting.md", "<!-- table: colours -->\n\n| a | b |\n| - | - |");
    const narrow = append("docs/en/01-create-identity.md", "<!-- table: colours -->\n| a |\n| - |");
    for (const [name, text] of Object.entries(englishPages())) write(`docs/zh-CN/${name}`, text);
    const chinese = append("docs/zh-CN/index.md", TABLE);
    append("docs/zh-CN/troubleshooting.md", "<!-- table: colours -->\n\n| a | b |\n| - | - |");
    append("docs/zh-CN/01-create-identity.md", "<!-- table: colours -->\n| a |\n| - |");
    const result = await run("check", undefined, STEPS, COLOURS);
    expectProblems(
      result,
      `docs/en/index.md:${unknown}: unknown table 'shapes' in a table marker.`,
      "use one of: colours",
      `docs/en/troubleshooting.md:${apart}: the table marker is not immediately followed by a table.`,
      `docs/en/01-create-identity.md:${narrow}: the table has 1 columns; the table 'colours' has 2.`,
      `docs/zh-CN/index.md:${chinese}: COLOURS in src/colours.ts has no text in zh-CN for the table 'colours'.`,
      "docs/zh-CN/index.md: its markers differ from docs/en/index.md",
    );
  });

  it("scope-capabilities is core's SCOPE_CAPABILITIES, scope by scope in the service's order, in English and Chinese", () => {
    const table = TABLES["scope-capabilities"] as DocsTable;
    for (const language of ["en", "zh-CN"] as const) {
      expect(table.rows(language, "")).toEqual(
        TOKEN_SCOPES.map((scope) => [`\`${scope}\``, SCOPE_CAPABILITIES[scope][language]]),
      );
    }
    expect(TOKEN_SCOPES).toEqual(["chat", "voip", "chat.join", "chat.join.limited", "voip.join"]);
    expect(table.rows("fr", "")).toBeUndefined();
  });

  it("events-v1 is the schema's events, each with its fields (? when optional) and the values an enum allows", () => {
    const rows = (TABLES["events-v1"] as DocsTable).rows("zh-CN", REPO_ROOT) as string[][];
    const names = rows.map((row) => row[0]);
    expect(names).toEqual(
      Object.values(EVENTS_SCHEMA_JSON.$defs).flatMap((def) =>
        typeof def.properties?.event?.const === "string" ? [`\`${def.properties.event.const}\``] : [],
      ),
    );
    expect(rows).toContainEqual(["`error`", "`kind` (`usage`, `configuration`, `state`), `message`"]);
    expect(rows.find((row) => row[0] === "`step-end`")?.[1]).toBe(
      "`step`, `ok`, `ms`, `error`?, `interrupted`? (`SIGINT`, `SIGTERM`, `SIGHUP`)",
    );
  });
});

describe("example events", () => {
  const SCHEMA = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    oneOf: [{ $ref: "#/$defs/hello" }, { $ref: "#/$defs/list" }],
    $defs: {
      hello: {
        type: "object",
        additionalProperties: false,
        required: ["v", "event", "name"],
        properties: { v: { const: 1 }, event: { const: "hello" }, name: { type: "string" } },
      },
      list: {
        type: "object",
        additionalProperties: false,
        required: ["v", "event", "steps"],
        properties: {
          v: { const: 1 },
          event: { const: "list" },
          steps: {
            type: "array",
            items: {
              type: "object",
              required: ["id", "page"],
              properties: { id: { type: "string" }, page: { type: "string" }, title: { type: "string" } },
            },
          },
        },
      },
    },
  };
  const LIST = JSON.stringify({
    v: 1,
    event: "list",
    steps: STEPS.map(({ id, page, title }) => ({ id, page, title })),
  });
  const block = (...lines: string[]) => `<!-- events: schema/events.json -->\n${fence("json", lines)}`;

  it("passes when every example is valid and the page shows each event of the schema", async () => {
    fixture();
    write("schema/events.json", JSON.stringify(SCHEMA));
    append("docs/en/troubleshooting.md", block('{"v":1,"event":"hello","name":"alice"}'));
    append("docs/en/troubleshooting.md", block("", LIST));
    const result = await run("check");
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
  });

  it("names the line of an invalid event, of a line that is not JSON, and a list that is not the registry's", async () => {
    fixture();
    write("schema/events.json", JSON.stringify(SCHEMA));
    append(
      "docs/en/troubleshooting.md",
      block(
        '{"v":1,"event":"hello","name":"alice","extra":true}',
        '{"v":2,"event":"hello","name":"bob"}',
        "{v:1}",
        LIST.replace("create-identity", "make-identity"),
      ),
    );
    expectProblems(
      await run("check"),
      "docs/en/troubleshooting.md:10: an example event does not follow schema/events.json: (the event) must NOT have additional properties.",
      "docs/en/troubleshooting.md:11: an example event does not follow schema/events.json: /v must be equal to constant.",
      "docs/en/troubleshooting.md:12: an example event is not JSON",
      "docs/en/troubleshooting.md:13: a list event lists the registry's steps (create-identity, issue-access-token)",
    );
  });

  it("reports an event of the schema that no example shows, a missing schema, a block that is not json", async () => {
    fixture();
    write("schema/events.json", JSON.stringify(SCHEMA));
    append(
      "docs/en/troubleshooting.md",
      block('{"v":1,"event":"hello","name":"alice"}').replace("```json", "```text"),
    );
    const line = append("docs/en/index.md", block(LIST).replace("schema/events.json", "schema/nope.json"));
    expectProblems(
      await run("check"),
      "docs/en/troubleshooting.md: the page's example events show no 'list' event, which schema/events.json defines.",
      "the events' code block should be marked ```json (found 'text')",
      `docs/en/index.md:${line}: the schema schema/nope.json does not exist in the repository.`,
    );
  });
});

describe("line breaks between Chinese characters", () => {
  const problems = (markdown: string) =>
    checkCjkLineBreaks("page.md", parsePage(markdown).tree).map((p) => `${p.line}: ${p.message}`);

  it("finds them in paragraphs, list items, across emphasis and links, after punctuation, in Japanese too", () => {
    expect(
      problems(
        [
          "标识会保存在", // 1
          "这里。", // 2
          "",
          "- 列表项的第一行，", // 4
          "  第二行", // 5
          "",
          "**加粗**", // 7
          "[链接](x.md)继续", // 8
          "",
          "ひらがなの", // 10
          "カタカナ", // 11
        ].join("\n"),
      ),
    ).toEqual([
      "1: the line ends with '在' and the next one starts with '这': a line break between two Chinese characters shows as a space.",
      "4: the line ends with '，' and the next one starts with '第': a line break between two Chinese characters shows as a space.",
      "7: the line ends with '粗' and the next one starts with '链': a line break between two Chinese characters shows as a space.",
      "10: the line ends with 'の' and the next one starts with 'カ': a line break between two Chinese characters shows as a space.",
    ]);
  });

  it("leaves code, hard breaks, Latin neighbours and separate paragraphs alone", () => {
    expect(
      problems(
        [
          "```text",
          "代码块中的",
          "换行",
          "```",
          "",
          "硬换行\\",
          "不算",
          "",
          "两个空格的硬换行  ",
          "也不算",
          "",
          "保存在",
          "`.quickstart/` 中",
          "",
          "English text and",
          "中文",
          "",
          "中文",
          "",
          "段落",
        ].join("\n"),
      ),
    ).toEqual([]);
  });

  it("fails docs:check on a page that has one, with its line (CRLF pages too)", async () => {
    fixture();
    for (const [name, text] of Object.entries(englishPages())) write(`docs/zh-CN/${name}`, text);
    const line = append("docs/zh-CN/index.md", "这是一个很长的句子，\r\n在这里换行。");
    const result = await run("check");
    expectProblems(
      result,
      `docs/zh-CN/index.md:${line}: the line ends with '，' and the next one starts with '在'`,
      "fix: join the two lines",
    );
  });
});

describe(".env.sample and the pages", () => {
  const ENV_SAMPLE = `# Option 1
#   endpoint=https://<your-resource>.communication.azure.com/;accesskey=<your-access-key>
COMMUNICATION_SERVICES_CONNECTION_STRING=
# Entra ID: az login is refused (docs/en/troubleshooting.md#denied).
# The app needs one of these roles on the resource:
#   - "Communication and Email Service Owner", a built-in role;
#   - "Contributor", the role the quickstart assigns.
# New role assignments take minutes.
AZURE_CLIENT_ID=
`;

  it("reads the roles .env.sample lists", () => {
    expect(rolesOf(ENV_SAMPLE)).toEqual(["Communication and Email Service Owner", "Contributor"]);
    expect(rolesOf("# no roles here\n")).toEqual([]);
  });

  it("passes when the pages name .env.sample's placeholders and all of its roles, and its pointers resolve", async () => {
    fixture();
    write(".env.sample", ENV_SAMPLE);
    append(
      "docs/en/troubleshooting.md",
      [
        "- The placeholders from `.env.sample` are still there (`<your-resource>`, `<your-access-key>`).",
        "- Give the app the role **Communication and Email Service Owner** or **Contributor**:",
        "  `az role assignment create --role Contributor`.",
      ].join("\n"),
    );
    const result = await run("check");
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
  });

  it("reports a placeholder .env.sample does not have, a role it does not list or one left out, a broken pointer", async () => {
    fixture();
    write(".env.sample", ENV_SAMPLE.replace("#denied", "#forbidden"));
    const placeholder = append(
      "docs/en/troubleshooting.md",
      "The placeholder from `.env.sample` (`<your connection string>`) is still there.",
    );
    const roles = append(
      "docs/en/index.md",
      "Give it the built-in **Contributor** role:\n\n```sh\naz ad sp create-for-rbac --role Owner\n```",
    );
    expectProblems(
      await run("check"),
      `docs/en/troubleshooting.md:${placeholder}: it says <your connection string> comes from .env.sample, which has no such placeholder (it has <your-resource>, <your-access-key>).`,
      `docs/en/index.md:${roles + 2}: it names the role 'Owner'; .env.sample lists 'Communication and Email Service Owner', 'Contributor' for Microsoft Entra ID.`,
      `docs/en/index.md:${roles}: it names roles for Microsoft Entra ID, but not **Communication and Email Service Owner**, which .env.sample lists too.`,
      ".env.sample:4: it points to docs/en/troubleshooting.md#forbidden, and docs/en/troubleshooting.md has no heading or <a id> '#forbidden'.",
    );
  });
});

describe("language switches", () => {
  it("each page links to the same page in the other language once: a missing or a second switch is reported", async () => {
    fixture();
    write("README.md", readme(TABLE_EN_ZH));
    translate();
    expect((await run("check")).code).toBe(0);
    const second = append("docs/en/index.md", "[中文](../zh-CN/index.md)");
    edit("docs/zh-CN/troubleshooting.md", "[English](../en/troubleshooting.md)\n", "");
    append(
      "docs/en/01-create-identity.md",
      "See [the same section in Chinese](../zh-CN/01-create-identity.md#the-code).",
    );
    const result = await run("check");
    expectProblems(
      result,
      `docs/en/index.md:${second}: it links to docs/zh-CN/index.md, the same page in zh-CN, 2 times (lines 3, ${second}): once is enough.`,
      "docs/zh-CN/troubleshooting.md: it does not link to docs/en/troubleshooting.md, the same page in en.",
      "fix: add the language switch under the title: [English](../en/troubleshooting.md)",
    );
    expect(result.err).not.toContain("docs/en/01-create-identity.md");
  });
});

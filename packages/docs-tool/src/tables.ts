/**
 * Tables a page shows from a table of the code, so that the two cannot drift: docs:check compares the page's
 * rows with the code's, docs:update rewrites them. The header is the page's own, in its language:
 *
 *     <!-- table: scope-capabilities -->
 *     | Scope  | What a token with it lets its holder do |
 *     | ------ | --------------------------------------- |
 *     | `chat` | Full access to the Chat APIs: …         |
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SCOPE_CAPABILITIES, TOKEN_SCOPES } from "@acs-quickstart/core";
import { unifiedDiff } from "./diff.js";
import type { TableBlock } from "./pages.js";
import type { Problem } from "./problems.js";
import { escapePipes, replaceTable, sourceOf } from "./steps-table.js";

export interface DocsTable {
  /** Where the rows come from, for the messages (a name a reader can find in the code). */
  source: string;
  /**
   * The rows' cells (Markdown) in a page's language, or undefined when the code has no text in it.
   * @param root the repository root, for a table read from one of its files.
   */
  rows(language: string, root: string): string[][] | undefined;
}

/** The NDJSON events' schema: every page about `--json` follows it. */
export const EVENTS_SCHEMA = "packages/runner/schema/events-v1.json";

interface EventDef {
  required?: string[];
  properties?: Record<string, { const?: unknown; enum?: unknown[] }>;
}

/** An event's fields as a cell: `name`, `name`? when optional, with the values an enum allows. */
function fieldsOf(def: EventDef): string {
  const required = new Set(def.required ?? []);
  return Object.entries(def.properties ?? {})
    .filter(([name]) => name !== "v" && name !== "event")
    .map(([name, field]) => {
      const values = field.enum ? ` (${field.enum.map((value) => `\`${String(value)}\``).join(", ")})` : "";
      return `\`${name}\`${required.has(name) ? "" : "?"}${values}`;
    })
    .join(", ");
}

/** The tables pages can show, by the name their marker gives. */
export const TABLES: Readonly<Record<string, DocsTable>> = {
  "scope-capabilities": {
    source: "SCOPE_CAPABILITIES in packages/core/src/tokens.ts",
    rows(language) {
      const texts = TOKEN_SCOPES.map(
        (scope) => (SCOPE_CAPABILITIES[scope] as Record<string, string>)[language],
      );
      if (texts.some((text) => text === undefined)) return undefined;
      return TOKEN_SCOPES.map((scope, i) => [`\`${scope}\``, texts[i] as string]);
    },
  },
  "events-v1": {
    source: `the events of ${EVENTS_SCHEMA}`,
    rows(_language, root) {
      const schema = JSON.parse(readFileSync(join(root, EVENTS_SCHEMA), "utf8")) as {
        $defs: Record<string, EventDef>;
      };
      return Object.values(schema.$defs).flatMap((def) => {
        const name = def.properties?.event?.const;
        return typeof name === "string" ? [[`\`${name}\``, fieldsOf(def)]] : [];
      });
    },
  },
};

/** What a table marker's rows should be, or a problem. */
function expectedRows(
  tables: Readonly<Record<string, DocsTable>>,
  name: string,
  page: { root: string; language: string },
): string[][] | Omit<Problem, "file" | "line" | "marker"> {
  const { language } = page;
  const table = tables[name];
  if (!table) {
    return {
      message: `unknown table '${name}' in a table marker.`,
      fix: `use one of: ${Object.keys(tables).join(", ")}`,
    };
  }
  let rows: string[][] | undefined;
  try {
    rows = table.rows(language, page.root);
  } catch (error) {
    return {
      message: `the table '${name}' cannot be made from ${table.source}: ${(error as Error).message}`,
    };
  }
  if (!rows) {
    return {
      message: `${table.source} has no text in ${language} for the table '${name}'.`,
      fix: `add the ${language} text to ${table.source}`,
    };
  }
  return rows.map((row) => row.map(escapePipes));
}

const asLines = (rows: readonly string[][]) => rows.map((row) => `| ${row.join(" | ")} |`).join("\n");

/** The table's body rows as written on the page (cells' Markdown, trimmed). */
function foundRows(text: string, table: TableBlock): string[][] {
  return table.node.children.slice(1).map((row) => row.children.map((cell) => sourceOf(text, cell).trim()));
}

/** The problems of one table marker: no table after it, an unknown name, rows that differ from the code. */
export function checkTable(
  page: { root: string; path: string; language: string; text: string },
  marker: { line: number; name: string; text: string; table?: TableBlock },
  tables: Readonly<Record<string, DocsTable>>,
): Problem[] {
  const at = { file: page.path, line: marker.line, marker: marker.text };
  const expected = expectedRows(tables, marker.name, page);
  if (!Array.isArray(expected)) return [{ ...at, ...expected }];
  if (!marker.table) {
    return [
      {
        ...at,
        message: "the table marker is not immediately followed by a table.",
        fix: "put the table's header on the line right after the marker (npm run docs:update fills in its rows)",
      },
    ];
  }
  const header = marker.table.node.children[0]?.children.length ?? 0;
  const width = expected[0]?.length ?? 0;
  if (header !== width) {
    return [
      {
        ...at,
        message: `the table has ${header} columns; the table '${marker.name}' has ${width}.`,
        fix: `give the table ${width} columns`,
      },
    ];
  }
  const want = asLines(expected);
  const got = asLines(foundRows(page.text, marker.table));
  if (want === got) return [];
  return [
    {
      ...at,
      message: `the table's rows differ from ${tables[marker.name]?.source}.`,
      diff: unifiedDiff(want, got, {
        expected: `${tables[marker.name]?.source} (the code)`,
        found: `${page.path}:${marker.table.line} (the page)`,
      }),
      fix: "run npm run docs:update to rewrite the rows from the code (the header stays as written)",
    },
  ];
}

/** The page with the table after this marker rewritten from the code (its header kept); unchanged when it agrees. */
export function rewriteTable(
  text: string,
  page: { root: string; language: string },
  marker: { name: string; table?: TableBlock },
  tables: Readonly<Record<string, DocsTable>>,
): string {
  const expected = expectedRows(tables, marker.name, page);
  const table = marker.table;
  if (!table || !Array.isArray(expected)) return text;
  const header = (table.node.children[0]?.children ?? []).map((cell) => sourceOf(text, cell));
  if (header.length !== expected[0]?.length) return text;
  if (asLines(expected) === asLines(foundRows(text, table))) return text;
  return replaceTable(text, table.start, table.end, [header, ...expected], table.node.align);
}

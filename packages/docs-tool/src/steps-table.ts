/**
 * README.md's table of the steps, checked against the step registry and rewritten from it by docs:update.
 *
 * The table is the first (GFM) table in README.md that links to a step's sample folder or page. It has one
 * row per step, in the registry's order: the step's number, its title, a link to its sample folder and a
 * link to its page in each language folder under docs/, in columns of the table's choosing:
 *
 *     | #   | Step               | Sample                                             | English                               |
 *     | --- | ------------------ | -------------------------------------------------- | ------------------------------------- |
 *     | 1   | <title> | [samples/<sample>](samples/<sample>) | [page](docs/en/01-<step id>.md) |
 */
import { posix } from "node:path";
import type { Link, Root, Table, TableCell } from "mdast";
import { toString as textOf } from "mdast-util-to-string";
import stringWidth from "string-width";
import { visit } from "unist-util-visit";
import { decode } from "./links.js";
import type { Problem } from "./problems.js";
import { type DocsStep, REGISTRY, sampleOf } from "./registry.js";

export const README = "README.md";

const FIX_TABLE = `run npm run docs:update to rewrite the table's rows from the step registry (${REGISTRY})`;

interface Row {
  line: number;
  cells: TableCell[];
  /** Cell texts, trimmed. */
  texts: string[];
  /** Where the row's links point, relative to the repository root, without anchors or trailing slashes. */
  targets: string[];
  /** The step the row is about (its index in the registry), if any. */
  step?: number;
}

/** What a step's row must show. */
interface Expected {
  number: string;
  title?: string;
  sample: string;
  /** Language → `docs/<language>/<page>`. */
  pages: Map<string, string>;
}

const target = (url: string): string =>
  posix.normalize(decode(url.split("#")[0] as string)).replace(/\/+$/, "");

function linksIn(node: TableCell): Link[] {
  const links: Link[] = [];
  visit(node, "link", (link) => {
    links.push(link);
  });
  return links;
}

function expectations(steps: readonly DocsStep[], languages: readonly string[]): Expected[] {
  return steps.map((step, index) => ({
    number: String(index + 1),
    ...(step.title === undefined ? {} : { title: step.title }),
    sample: sampleOf(step),
    pages: new Map(languages.map((language) => [language, `docs/${language}/${step.page}`])),
  }));
}

/**
 * The step a row is about: the one most of its links and its title point to; on a tie, the one whose number
 * it shows. Undefined when nothing in the row points to a step.
 */
function identify(row: Omit<Row, "step">, expected: readonly Expected[]): number | undefined {
  let best: number | undefined;
  let bestScore = 0;
  expected.forEach((step, index) => {
    const wanted = new Set([step.sample, ...step.pages.values()]);
    const score =
      row.targets.filter((path) => wanted.has(path)).length + (step.title === row.texts[1] ? 1 : 0);
    const tieBreak = score === bestScore && row.texts[0] === step.number;
    if (score > bestScore || (score > 0 && tieBreak)) [best, bestScore] = [index, score];
  });
  return best;
}

function readRows(table: Table, expected: readonly Expected[]): Row[] {
  return table.children.slice(1).map((node) => {
    const cells = node.children;
    const row = {
      line: node.position?.start.line ?? 0,
      cells,
      texts: cells.map((cell) => textOf(cell).trim()),
      targets: cells.flatMap((cell) => linksIn(cell).map((link) => target(link.url))),
    };
    const step = identify(row, expected);
    return step === undefined ? row : { ...row, step };
  });
}

/** README.md's steps table and its rows, or undefined when no table links to a step's sample or page. */
function findTable(tree: Root, expected: readonly Expected[]): { table: Table; rows: Row[] } | undefined {
  const wanted = new Set(expected.flatMap((step) => [step.sample, ...step.pages.values()]));
  let found: { table: Table; rows: Row[] } | undefined;
  visit(tree, "table", (table) => {
    const rows = readRows(table, expected);
    if (rows.some((row) => row.targets.some((path) => wanted.has(path)))) {
      found = { table, rows };
      return false;
    }
    return undefined;
  });
  return found;
}

/** How a row differs from its step, in words; empty when it agrees. */
function differences(row: Row, step: Expected): string[] {
  const found: string[] = [];
  if (row.texts[0] !== step.number) {
    found.push(`it is numbered '${row.texts[0] ?? ""}', the registry makes it step ${step.number}`);
  }
  if (step.title !== undefined && row.texts[1] !== step.title) {
    found.push(`its title is '${row.texts[1] ?? ""}', the registry's is '${step.title}'`);
  }
  const missing = (want: string, what: string, folder: string) => {
    if (row.targets.includes(want)) return;
    const instead = row.targets.filter((path) => path.startsWith(folder));
    found.push(
      `it does not link to ${what} ${want}${instead.length > 0 ? ` (it links to ${instead.join(", ")})` : ""}`,
    );
  };
  missing(step.sample, "its sample folder", "samples/");
  for (const [language, page] of step.pages) missing(page, "its page", `docs/${language}/`);
  return found;
}

function exampleRow(step: Expected | undefined): string {
  if (!step) return "| 1 | Title | [samples/…](samples/…) | [page](docs/en/…) |";
  const pages = [...step.pages.values()].map((page) => `[page](${page})`);
  return `| ${step.number} | ${step.title ?? "Title"} | [${step.sample}](${step.sample}) | ${pages.join(" | ")} |`;
}

/**
 * The problems of README.md's steps table: a step without a row, a row that is no step (or repeats one), rows
 * out of the registry's order, and rows whose number, title, sample link or page links differ from the step.
 */
export function checkStepsTable(
  tree: Root,
  steps: readonly DocsStep[],
  languages: readonly string[],
): Problem[] {
  const expected = expectations(steps, languages);
  const found = findTable(tree, expected);
  if (!found) {
    return [
      {
        file: README,
        message:
          "there is no table of the steps: a table with a row per step that links to its sample and pages.",
        fix: `write the table's header and the first step's row, e.g. ${exampleRow(expected[0])}; npm run docs:update writes the other rows`,
      },
    ];
  }
  const problems: Problem[] = [];
  const tableLine = found.table.position?.start.line ?? 0;
  const label = (row: Row) => `'${row.texts.slice(0, 2).join(" | ")}'`;
  const firstRow = new Map<number, Row>();
  for (const row of found.rows) {
    if (row.step === undefined) {
      problems.push({
        file: README,
        line: row.line,
        message: `the steps table's row ${label(row)} is not a step of the registry.`,
        fix: `remove the row, or add its step to the registry (${REGISTRY})`,
      });
    } else if (firstRow.has(row.step)) {
      problems.push({
        file: README,
        line: row.line,
        message: `the steps table's row ${label(row)} repeats step '${steps[row.step]?.id}' (already on line ${firstRow.get(row.step)?.line}).`,
        fix: "remove one of the two rows",
      });
    } else {
      firstRow.set(row.step, row);
    }
  }
  steps.forEach((step, index) => {
    if (firstRow.has(index)) return;
    problems.push({
      file: README,
      line: tableLine,
      message: `the steps table has no row for step ${index + 1} '${step.id}'.`,
      fix: FIX_TABLE,
    });
  });
  const present = [...firstRow.values()];
  const inOrder = [...present].sort((a, b) => (a.step as number) - (b.step as number));
  present.forEach((row, position) => {
    const step = row.step as number;
    const belongs = inOrder[position]?.step as number;
    if (step !== belongs) {
      problems.push({
        file: README,
        line: row.line,
        message: `the steps table is not in the registry's order: this row is step '${steps[step]?.id}', where step '${steps[belongs]?.id}' belongs (${steps.map((s) => s.id).join(", ")}).`,
        fix: FIX_TABLE,
      });
    }
    const differs = differences(row, expected[step] as Expected);
    if (differs.length > 0) {
      problems.push({
        file: README,
        line: row.line,
        message: `the steps table's row of step ${step + 1} '${steps[step]?.id}' differs from the registry: ${differs.join("; ")}.`,
        fix: FIX_TABLE,
      });
    }
  });
  return problems;
}

/** A cell's text with its pipes escaped, as a GFM table needs them. */
export const escapePipes = (cell: string) => cell.replace(/\|/g, "\\|");

/** The Markdown source of a cell's content (escapes and links as written). */
export function sourceOf(text: string, cell: TableCell | undefined): string {
  const first = cell?.children[0]?.position?.start.offset;
  const last = cell?.children.at(-1)?.position?.end.offset;
  return first === undefined || last === undefined ? "" : text.slice(first, last);
}

/**
 * What each column past the number and the title holds, learnt from the rows: the link to the row's own
 * sample (labelled with its path, or with the label found), the link to its page in one language (with the
 * label found), or anything else (kept per step as written).
 */
type Column =
  | { kind: "sample"; label?: string }
  | { kind: "page"; language: string; label: string }
  | undefined;

function columnsOf(count: number, rows: readonly Row[], expected: readonly Expected[]): Column[] {
  return Array.from({ length: count }, (_, column): Column => {
    if (column < 2) return undefined;
    for (const row of rows) {
      const step = row.step === undefined ? undefined : expected[row.step];
      const cell = row.cells[column];
      const link = cell ? linksIn(cell)[0] : undefined;
      if (!step || !link) continue;
      const path = target(link.url);
      const label = textOf(link);
      if (path === step.sample) return label === link.url ? { kind: "sample" } : { kind: "sample", label };
      for (const [language, page] of step.pages) {
        if (path === page) return { kind: "page", language, label };
      }
    }
    return undefined;
  });
}

/** Rows of cells as an aligned GFM table (`| a   | b |`, at least three dashes), as prettier writes one. */
export function formatTable(rows: readonly string[][], align: Table["align"], aligned: boolean): string[] {
  const count = Math.max(...rows.map((row) => row.length));
  const columns = Array.from({ length: count }, (_, column) => column);
  const widths = columns.map((c) =>
    aligned ? Math.max(3, ...rows.map((row) => stringWidth(row[c] ?? ""))) : 3,
  );
  const pad = (cell: string, c: number) => {
    if (!aligned) return cell;
    const space = (widths[c] as number) - stringWidth(cell);
    const left = align?.[c] === "right" ? space : align?.[c] === "center" ? Math.floor(space / 2) : 0;
    return `${" ".repeat(left)}${cell}${" ".repeat(space - left)}`;
  };
  const line = (cells: readonly string[]) => `| ${columns.map((c) => pad(cells[c] ?? "", c)).join(" | ")} |`;
  const delimiter = columns.map((c) => {
    const a = align?.[c];
    const dashes = "-".repeat((widths[c] as number) - 2);
    return `${a === "left" || a === "center" ? ":" : "-"}${dashes}${a === "right" || a === "center" ? ":" : "-"}`;
  });
  return [line(rows[0] ?? []), `| ${delimiter.join(" | ")} |`, ...rows.slice(1).map(line)];
}

/**
 * README.md with its steps table's rows rewritten from the registry, keeping the header, the column order,
 * the link labels and the table's alignment style. The text unchanged when the table agrees, or when there
 * is no table to rewrite.
 */
export function rewriteStepsTable(
  text: string,
  tree: Root,
  steps: readonly DocsStep[],
  languages: readonly string[],
): string {
  const expected = expectations(steps, languages);
  const found = findTable(tree, expected);
  const start = found?.table.position?.start.offset;
  const end = found?.table.position?.end.offset;
  if (!found || start === undefined || end === undefined) return text;
  if (checkStepsTable(tree, steps, languages).length === 0) return text;
  const header = (found.table.children[0]?.children ?? []).map((cell) => sourceOf(text, cell));
  const columns = columnsOf(header.length, found.rows, expected);
  const body = expected.map((step, index) => {
    const old = found.rows.find((row) => row.step === index);
    return columns.map((column, c) => {
      if (c === 0) return step.number;
      if (c === 1) return step.title === undefined ? sourceOf(text, old?.cells[1]) : escapePipes(step.title);
      if (column?.kind === "sample") return `[${column.label ?? step.sample}](${step.sample})`;
      if (column?.kind === "page") return `[${column.label}](${step.pages.get(column.language) ?? ""})`;
      return sourceOf(text, old?.cells[c]);
    });
  });
  return replaceTable(text, start, end, [header, ...body], found.table.align);
}

/**
 * The page with the table at `start`–`end` replaced by these rows (the first one the header), aligned as
 * prettier aligns a table when the old one was aligned, with the page's line endings.
 */
export function replaceTable(
  text: string,
  start: number,
  end: number,
  rows: readonly string[][],
  align: Table["align"],
): string {
  const source = text.slice(start, end).split(/\r?\n/);
  const aligned = source.every(
    (line) => stringWidth(line.trimEnd()) === stringWidth((source[0] as string).trimEnd()),
  );
  const eol = text.slice(start, end).includes("\r\n") ? "\r\n" : "\n";
  return text.slice(0, start) + formatTable(rows, align, aligned).join(eol) + text.slice(end);
}

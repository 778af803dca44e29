/**
 * Reading a Markdown page the way the docs tool needs it: its markers, the fenced block after each marker,
 * its links and its anchors. The page is parsed as GitHub does (CommonMark + GFM, by
 * mdast-util-from-markdown), so whatever is inside a code block or inline code is never a marker or a link.
 *
 * Markers are HTML comments on a line of their own, each followed on the next line by a fenced block:
 *
 *     <!-- snippet: samples/<sample>/src/<file>.ts#<region> -->
 *     ```ts
 *     …the lines of that region…
 *     ```
 *
 *     <!-- output: <step id> -->
 *     ```text
 *     …what that step printed in a real run…
 *     ```
 *
 *     <!-- table: <name> -->
 *     | …a header of the page's own words… |
 *     | …rows made from a table of the code (./tables.ts)… |
 *
 *     <!-- events: packages/runner/schema/events-v1.json -->
 *     ```json
 *     …example events, one JSON object a line, each valid under that schema…
 *     ```
 */
import GithubSlugger, { slug } from "github-slugger";
import type { Code, Html, Nodes, Root, Table } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { gfmFromMarkdown } from "mdast-util-gfm";
import { toString as textOf } from "mdast-util-to-string";
import { gfm } from "micromark-extension-gfm";
import { visit } from "unist-util-visit";

export interface Fence {
  /** 1-based line of the opening fence. */
  openLine: number;
  /** 1-based line of the closing fence (or the last line of the block when never closed). */
  closeLine: number;
  /** Offsets in the page of the block, from its opening fence to the end of its closing fence. */
  start: number;
  end: number;
  /** The fence characters, e.g. "```". */
  chars: string;
  /** The language of the info string, e.g. "ts" ("" when none). */
  info: string;
  /** The block's content, lines joined with "\n" (whatever the page's line endings). */
  content: string;
  closed: boolean;
}

/** A GFM table right after a table marker. */
export interface TableBlock {
  node: Table;
  /** 1-based line of the header row. */
  line: number;
  /** Offsets in the page of the table, from its first character to the end of its last row. */
  start: number;
  end: number;
}

export type Marker =
  | { kind: "snippet"; line: number; file: string; region: string; text: string; fence?: Fence }
  | { kind: "output"; line: number; step: string; text: string; fence?: Fence }
  | { kind: "table"; line: number; name: string; text: string; table?: TableBlock; fence?: undefined }
  | { kind: "events"; line: number; schema: string; text: string; fence?: Fence };

export interface Link {
  line: number;
  /** The destination as written (character references and escapes resolved), e.g. `troubleshooting.md#denied`. */
  target: string;
}

export interface ParsedPage {
  /** The page's syntax tree (mdast, with GFM tables), positions included. */
  tree: Root;
  markers: Marker[];
  /** Marker-like comments that do not parse, with what is wrong. */
  malformed: Array<{ line: number; text: string; problem: string }>;
  /** Inline links, images and reference definitions (a `[text][ref]` reports its definition). */
  links: Link[];
  /** Anchors a link can point to: heading slugs and explicit `<a id="…">`. */
  anchors: Set<string>;
}

const SNIPPET = /^<!--[ \t]*snippet:[ \t]*(\S+?)#(\S+?)[ \t]*-->$/;
const OUTPUT = /^<!--[ \t]*output:[ \t]*(\S+?)[ \t]*-->$/;
const TABLE = /^<!--[ \t]*table:[ \t]*(\S+?)[ \t]*-->$/;
const EVENTS = /^<!--[ \t]*events:[ \t]*(\S+?)[ \t]*-->$/;
const MARKER_LIKE = /^\s*<!--\s*(snippet|output|table|events)\b/;
/** How each kind of marker is written, for the message about a malformed one. */
const MARKER_FORMS: Record<string, string> = {
  snippet: "a snippet marker reads <!-- snippet: samples/ID/src/FILE.ts#REGION --> on a line of its own",
  output: "an output marker reads <!-- output: STEP_ID --> on a line of its own",
  table: "a table marker reads <!-- table: NAME --> on a line of its own",
  events:
    "an events marker reads <!-- events: packages/runner/schema/events-v1.json --> on a line of its own",
};
/** Nodes whose children are blocks: a comment there can be a marker. */
const BLOCK_CONTAINERS = new Set(["root", "listItem", "blockquote", "footnoteDefinition"]);
const EXPLICIT_ANCHOR = /<a\s+(?:[^>]*\s)?(?:id|name)="([^"]+)"/g;

/** The page as GitHub reads it: CommonMark with the GFM extensions (tables, autolinks, footnotes…). */
export function parseMarkdown(text: string): Root {
  return fromMarkdown(text, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
}

const lineOf = (node: Nodes) => node.position?.start.line ?? 0;

/** The fenced block a code node is, or undefined for an indented code block. */
function fenceOf(text: string, node: Code): Fence | undefined {
  const { start, end } = node.position ?? {};
  if (start?.offset === undefined || end?.offset === undefined) return undefined;
  const chars = /^(`{3,}|~{3,})/.exec(text.slice(start.offset))?.[1];
  if (!chars) return undefined;
  // Closed when the block's last line is a closing fence (at least as long, same character, nothing after).
  const lastLine = text.slice(text.lastIndexOf("\n", end.offset - 1) + 1, end.offset);
  const closing = new RegExp(`^[ \\t>]*\\${chars[0]}{${chars.length},}[ \\t]*\\r?$`);
  return {
    openLine: start.line,
    closeLine: end.line,
    start: start.offset,
    end: end.offset,
    chars,
    info: node.lang ?? "",
    content: node.value.replace(/\r\n?/g, "\n"),
    closed: end.line > start.line && closing.test(lastLine),
  };
}

/** The marker an HTML node is, a description of what is wrong with it, or undefined if it is no marker. */
function readMarker(node: Html, inline: boolean): Marker | { problem: string } | undefined {
  const text = node.value.trim();
  const kind = MARKER_LIKE.exec(text)?.[1];
  if (!kind) return undefined;
  const line = lineOf(node);
  const match = (pattern: RegExp) => (inline ? null : pattern.exec(text));
  const snippet = match(SNIPPET);
  if (snippet)
    return { kind: "snippet", line, file: snippet[1] as string, region: snippet[2] as string, text };
  const output = match(OUTPUT);
  if (output) return { kind: "output", line, step: output[1] as string, text };
  const table = match(TABLE);
  if (table) return { kind: "table", line, name: table[1] as string, text };
  const events = match(EVENTS);
  if (events) return { kind: "events", line, schema: events[1] as string, text };
  return { problem: MARKER_FORMS[kind] as string };
}

/** The table a node is, with its place in the page. */
function tableOf(node: Table): TableBlock | undefined {
  const { start, end } = node.position ?? {};
  if (start?.offset === undefined || end?.offset === undefined) return undefined;
  return { node, line: start.line, start: start.offset, end: end.offset };
}

export function parsePage(text: string): ParsedPage {
  const tree = parseMarkdown(text);
  const page: ParsedPage = { tree, markers: [], malformed: [], links: [], anchors: new Set() };
  const slugger = new GithubSlugger();
  visit(tree, (node, index, parent) => {
    switch (node.type) {
      case "html": {
        for (const match of node.value.matchAll(EXPLICIT_ANCHOR)) page.anchors.add(match[1] as string);
        // A comment inside a paragraph, a heading or a table is not on a line of its own.
        const inline = !BLOCK_CONTAINERS.has(parent?.type ?? "root");
        const marker = readMarker(node, inline);
        if (!marker) return;
        if ("problem" in marker) {
          const firstLine = node.value.trim().split(/\r?\n/)[0] as string;
          page.malformed.push({ line: lineOf(node), text: firstLine, problem: marker.problem });
          return;
        }
        // The block must start on the very next line: no blank line, no text in between.
        const next = parent?.children[(index ?? 0) + 1];
        const adjacent = next !== undefined && lineOf(next) === (node.position?.end.line ?? 0) + 1;
        if (marker.kind === "table") {
          const table = adjacent && next.type === "table" ? tableOf(next) : undefined;
          if (table) marker.table = table;
        } else if (adjacent && next.type === "code") {
          const fence = fenceOf(text, next);
          if (fence) marker.fence = fence;
        }
        page.markers.push(marker);
        return;
      }
      case "heading":
        page.anchors.add(slugger.slug(textOf(node, { includeHtml: false })));
        return;
      case "link":
      case "image":
      case "definition":
        page.links.push({ line: lineOf(node), target: node.url });
        return;
    }
  });
  return page;
}

/** GitHub's anchor for a heading written in Markdown: its text, lower case, punctuation dropped, spaces to hyphens. */
export function slugify(heading: string): string {
  return slug(textOf(parseMarkdown(heading), { includeHtml: false }));
}

/**
 * Replaces the content of a fenced block (and its info string), keeping the rest of the page byte for byte.
 * A block inside a list item or a quote keeps its indentation on every line.
 */
export function replaceFence(text: string, fence: Fence, info: string, content: string): string {
  const lineStart = text.lastIndexOf("\n", fence.start - 1) + 1;
  const indent = text.slice(lineStart, fence.start);
  const eol = /\r\n/.test(text.slice(fence.start, text.indexOf("\n", fence.start) + 1)) ? "\r\n" : "\n";
  const body = content === "" ? [] : content.split("\n");
  const block = [`${fence.chars}${info}`, ...body, fence.chars]
    .map((line, index) => (index === 0 ? line : line === "" ? indent.trimEnd() : `${indent}${line}`))
    .join(eol);
  return text.slice(0, fence.start) + block + text.slice(fence.end);
}

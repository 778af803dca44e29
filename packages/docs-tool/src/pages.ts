/**
 * Reading a Markdown page the way the docs tool needs it: its markers, the fenced block after each
 * marker, its links and its anchors. Line-based and deliberately small; no Markdown library.
 *
 * Markers are HTML comments on a line of their own, outside code blocks:
 *
 *     <!-- snippet: samples/create-identity/src/create-identity.ts#create-identity -->
 *     ```ts
 *     …the lines of that region…
 *     ```
 *
 *     <!-- output: create-identity -->
 *     ```text
 *     …what that step printed in a real run…
 *     ```
 */

export interface Fence {
  /** 1-based line of the opening fence. */
  openLine: number;
  /** 1-based line of the closing fence (or the last line when never closed). */
  closeLine: number;
  /** The fence characters, e.g. "```". */
  chars: string;
  /** The info string after the opening fence, e.g. "ts". */
  info: string;
  /** The block's content, lines joined with "\n". */
  content: string;
  closed: boolean;
}

export type Marker =
  | { kind: "snippet"; line: number; file: string; region: string; text: string; fence?: Fence }
  | { kind: "output"; line: number; step: string; text: string; fence?: Fence };

export interface Link {
  line: number;
  target: string;
}

export interface ParsedPage {
  markers: Marker[];
  /** Marker-like comments that do not parse, with what is wrong. */
  malformed: Array<{ line: number; text: string; problem: string }>;
  links: Link[];
  /** Anchors a link can point to: heading slugs and explicit `<a id="…">`. */
  anchors: Set<string>;
}

const SNIPPET = /^<!--\s*snippet:\s*(\S+?)#(\S+?)\s*-->\s*$/;
const OUTPUT = /^<!--\s*output:\s*(\S+?)\s*-->\s*$/;
const MARKER_LIKE = /^\s*<!--\s*(snippet|output)\b/;
const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)?.*$/;

/** Splits a page into lines (any line ending). */
export function lines(text: string): string[] {
  return text.replace(/\r\n?/g, "\n").split("\n");
}

/** The fenced block that opens at `index` (0-based), or undefined when that line is not a fence. */
function fenceAt(all: readonly string[], index: number): Fence | undefined {
  const open = FENCE.exec(all[index] ?? "");
  if (!open) return undefined;
  const chars = open[1] as string;
  const closing = new RegExp(`^ {0,3}${chars[0] === "`" ? "`" : "~"}{${chars.length},}\\s*$`);
  let end = index + 1;
  while (end < all.length && !closing.test(all[end] as string)) end++;
  const closed = end < all.length;
  return {
    openLine: index + 1,
    closeLine: closed ? end + 1 : all.length,
    chars,
    info: open[2] ?? "",
    content: all.slice(index + 1, end).join("\n"),
    closed,
  };
}

export function parsePage(text: string): ParsedPage {
  const all = lines(text);
  const page: ParsedPage = { markers: [], malformed: [], links: [], anchors: new Set() };
  const slugs = new Map<string, number>();
  let index = 0;
  while (index < all.length) {
    const line = all[index] as string;
    const fence = fenceAt(all, index);
    if (fence) {
      index = fence.closeLine; // skip the block: nothing inside a code block is a marker, link or heading
      continue;
    }
    const snippet = SNIPPET.exec(line);
    const output = OUTPUT.exec(line);
    if (snippet || output) {
      const next = fenceAt(all, index + 1);
      const marker: Marker = snippet
        ? {
            kind: "snippet",
            line: index + 1,
            file: snippet[1] as string,
            region: snippet[2] as string,
            text: line,
          }
        : { kind: "output", line: index + 1, step: (output as RegExpExecArray)[1] as string, text: line };
      if (next) marker.fence = next;
      page.markers.push(marker);
      index = next ? next.closeLine : index + 1;
      continue;
    }
    if (MARKER_LIKE.test(line)) {
      page.malformed.push({
        line: index + 1,
        text: line.trim(),
        problem: line.includes("snippet")
          ? "a snippet marker reads <!-- snippet: samples/ID/src/FILE.ts#REGION --> on a line of its own"
          : "an output marker reads <!-- output: STEP_ID --> on a line of its own",
      });
    }
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const slug = slugify(heading[1] as string);
      const seen = slugs.get(slug) ?? 0;
      slugs.set(slug, seen + 1);
      page.anchors.add(seen === 0 ? slug : `${slug}-${seen}`);
    }
    for (const match of line.matchAll(/<a\s+(?:[^>]*\s)?(?:id|name)="([^"]+)"/g))
      page.anchors.add(match[1] as string);
    const prose = line.replace(/`+[^`]*`+/g, ""); // links inside inline code are not links
    for (const match of prose.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      page.links.push({ line: index + 1, target: match[1] as string });
    }
    const reference = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(line);
    if (reference) page.links.push({ line: index + 1, target: reference[1] as string });
    index++;
  }
  return page;
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens; letters of any script kept. */
export function slugify(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1") // [text](url) → text
    .replace(/<[^>]+>/g, "") // inline HTML
    .replace(/[`*]/g, "");
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\s-]/gu, "")
    .replace(/\s/g, "-");
}

/** Replaces the content of a fenced block (and its info string), keeping the rest of the page as it is. */
export function replaceFence(text: string, fence: Fence, info: string, content: string): string {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const all = lines(text);
  const before = all.slice(0, fence.openLine - 1);
  const after = fence.closed ? all.slice(fence.closeLine) : all.slice(fence.closeLine);
  const body = content === "" ? [] : content.split("\n");
  return [...before, `${fence.chars}${info}`, ...body, fence.chars, ...after].join(eol);
}

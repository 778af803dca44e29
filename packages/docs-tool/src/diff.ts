/**
 * A short unified diff (jsdiff's structured patch), enough to show a reader what differs between a page and
 * its source.
 */
import { structuredPatch } from "diff";

export interface DiffOptions {
  /** Label of the `-` side. */
  expected: string;
  /** Label of the `+` side. */
  found: string;
  /** Unchanged lines shown around each change. Default 2. */
  context?: number;
  /** At most this many diff lines (hunks included); the rest is summarised. Default 24. */
  maxLines?: number;
}

/**
 * `--- expected` / `+++ found` and hunks with `@@ -a,b +c,d @@` headers; empty when the texts are equal.
 * Whitespace-only differences are made visible (`·` for a trailing space, `→` for a trailing tab).
 */
export function unifiedDiff(expected: string, found: string, options: DiffOptions): string {
  if (expected === found) return "";
  // Both sides end with a newline, so that jsdiff adds no "\ No newline at end of file" lines.
  const { hunks } = structuredPatch("", "", `${expected}\n`, `${found}\n`, undefined, undefined, {
    context: options.context ?? 2,
  });
  const out = [`--- ${options.expected}`, `+++ ${options.found}`];
  for (const hunk of hunks) {
    out.push(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`);
    for (const line of hunk.lines) out.push(`${line[0]}${visible(line.slice(1))}`);
  }
  const maxLines = options.maxLines ?? 24;
  if (out.length > maxLines) {
    const hidden = out.length - maxLines;
    return [...out.slice(0, maxLines), `… ${hidden} more diff line${hidden === 1 ? "" : "s"}`].join("\n");
  }
  return out.join("\n");
}

function visible(line: string): string {
  return line.replace(/[ \t]+$/, (spaces) => spaces.replace(/ /g, "·").replace(/\t/g, "→"));
}

import { readFileSync } from "node:fs";

/**
 * The code between `// #region NAME` and `// #endregion` in a source file, dedented: what a tutorial page
 * shows. Throws when the region is missing or not closed.
 */
export function readRegion(file: string, name: string, source = readFileSync(file, "utf8")): string {
  return regions(file, source).get(name) ?? missing(file, name);
}

function missing(file: string, name: string): never {
  throw new Error(`No '// #region ${name}' in ${file}.`);
}

/** All regions of a source file, by name. */
export function regions(file: string, source: string): Map<string, string> {
  const lines = source.split(/\r?\n/);
  return new Map(
    regionSpans(file, source).map((span) => [span.name, dedent(lines.slice(span.start + 1, span.end))]),
  );
}

/** Where a region is in its file: the 0-based lines of its `// #region` and `// #endregion` markers. */
export interface RegionSpan {
  name: string;
  /** The line of `// #region NAME`. */
  start: number;
  /** The line of `// #endregion`. */
  end: number;
  /** The marker's indentation. */
  indent: string;
}

/** The regions of a source file, in order. Throws when one is nested, unopened or never closed. */
export function regionSpans(file: string, source: string): RegionSpan[] {
  const found: RegionSpan[] = [];
  let open: Omit<RegionSpan, "end"> | undefined;
  source.split(/\r?\n/).forEach((line, index) => {
    const start = /^(\s*)\/\/ #region (\S+)\s*$/.exec(line);
    if (start) {
      if (open)
        throw new Error(`${file}:${index + 1}: region '${start[2]}' opens inside region '${open.name}'.`);
      open = { name: start[2] as string, start: index, indent: start[1] as string };
    } else if (/^\s*\/\/ #endregion\b/.test(line)) {
      if (!open) throw new Error(`${file}:${index + 1}: #endregion without a #region.`);
      found.push({ ...open, end: index });
      open = undefined;
    }
  });
  if (open) throw new Error(`${file}: region '${open.name}' is never closed with // #endregion.`);
  return found;
}

function dedent(lines: string[]): string {
  const indents = lines.filter((l) => l.trim() !== "").map((l) => /^ */.exec(l)?.[0].length ?? 0);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  return lines
    .map((l) => l.slice(cut).trimEnd())
    .join("\n")
    .trim();
}

/**
 * A short unified-style line diff, enough to show a reader what differs between a page and its source.
 */

type Op = { kind: " " | "-" | "+"; line: string };

/** The longest-common-subsequence edit script from `a` to `b`. Fine for the few dozen lines of a snippet. */
function editScript(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: length of the LCS of a[i..] and b[j..].
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i] as number[];
    const below = lcs[i + 1] as number[];
    for (let j = m - 1; j >= 0; j--) {
      row[j] =
        a[i] === b[j] ? (below[j + 1] as number) + 1 : Math.max(below[j] as number, row[j + 1] as number);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ kind: " ", line: a[i++] as string });
      j++;
    } else if ((lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0)) {
      ops.push({ kind: "-", line: a[i++] as string });
    } else {
      ops.push({ kind: "+", line: b[j++] as string });
    }
  }
  while (i < n) ops.push({ kind: "-", line: a[i++] as string });
  while (j < m) ops.push({ kind: "+", line: b[j++] as string });
  return ops;
}

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
 * Whitespace-only differences are made visible (`·` for a trailing space).
 */
export function unifiedDiff(expected: string, found: string, options: DiffOptions): string {
  const a = expected.split("\n");
  const b = found.split("\n");
  const ops = editScript(a, b);
  if (ops.every((op) => op.kind === " ")) return "";
  const context = options.context ?? 2;
  const maxLines = options.maxLines ?? 24;

  // Which ops to show: every change plus `context` lines around it.
  const show = new Array<boolean>(ops.length).fill(false);
  ops.forEach((op, index) => {
    if (op.kind === " ") return;
    for (let k = Math.max(0, index - context); k <= Math.min(ops.length - 1, index + context); k++)
      show[k] = true;
  });

  const out = [`--- ${options.expected}`, `+++ ${options.found}`];
  let lineA = 1;
  let lineB = 1;
  let index = 0;
  while (index < ops.length) {
    if (!show[index]) {
      const op = ops[index] as Op;
      if (op.kind !== "+") lineA++;
      if (op.kind !== "-") lineB++;
      index++;
      continue;
    }
    const start = index;
    while (index < ops.length && show[index]) index++;
    const hunk = ops.slice(start, index);
    const countA = hunk.filter((op) => op.kind !== "+").length;
    const countB = hunk.filter((op) => op.kind !== "-").length;
    out.push(`@@ -${lineA},${countA} +${lineB},${countB} @@`);
    for (const op of hunk) out.push(`${op.kind}${visible(op.line)}`);
    lineA += countA;
    lineB += countB;
  }
  if (out.length > maxLines) {
    const hidden = out.length - maxLines;
    return [...out.slice(0, maxLines), `… ${hidden} more diff line${hidden === 1 ? "" : "s"}`].join("\n");
  }
  return out.join("\n");
}

function visible(line: string): string {
  return line.replace(/[ \t]+$/, (spaces) => spaces.replace(/ /g, "·").replace(/\t/g, "→"));
}

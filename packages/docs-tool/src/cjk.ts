/**
 * A line break inside a paragraph is rendered as a space. Between two Chinese (or Japanese) characters that
 * space is a stray one: CJK text runs on without spaces. So a paragraph, list item, heading or table cell
 * must not break its line between two such characters (punctuation included: `，。：（` …). Code blocks,
 * inline code and HTML are not text, and are not looked at; a hard break (`\` or two spaces at the end of
 * the line) is a real line break, and is allowed.
 */
import type { Nodes, Parent, Root } from "mdast";
import { visit } from "unist-util-visit";
import type { Problem } from "./problems.js";

/** Han, kana and bopomofo letters, CJK punctuation and full-width forms. */
export const CJK =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}\u3000-\u303f\uff00-\uffef]/u;

/** Nodes whose children are the text of one paragraph-like block. */
const TEXT_BLOCKS = new Set(["paragraph", "heading", "tableCell"]);

interface Char {
  c: string;
  line: number;
}

/** The text of a block's phrasing content as it renders, one character at a time, with its source line. */
function characters(node: Nodes, out: Char[]): Char[] {
  if (node.type === "text") {
    let line = node.position?.start.line ?? 0;
    for (const c of node.value) {
      if (c === "\r") continue;
      out.push({ c, line });
      if (c === "\n") line += 1;
    }
  } else if ("children" in node) {
    for (const child of (node as Parent).children) characters(child as Nodes, out);
  } else {
    // Inline code, HTML, an image, a hard break: not text that joins two lines.
    out.push({ c: "\u0000", line: node.position?.start.line ?? 0 });
  }
  return out;
}

/** Every line break between two CJK characters in the page's paragraphs, list items, headings and tables. */
export function checkCjkLineBreaks(file: string, tree: Root): Problem[] {
  const problems: Problem[] = [];
  visit(tree, (node) => {
    if (!TEXT_BLOCKS.has(node.type)) return undefined;
    const chars = characters(node as Nodes, []);
    chars.forEach(({ c, line }, i) => {
      const before = chars[i - 1]?.c ?? "";
      const after = chars[i + 1]?.c ?? "";
      if (c !== "\n" || !CJK.test(before) || !CJK.test(after)) return;
      problems.push({
        file,
        line,
        message: `the line ends with '${before}' and the next one starts with '${after}': a line break between two Chinese characters shows as a space.`,
        fix: "join the two lines (Chinese text runs on without spaces; long lines are fine in Markdown)",
      });
    });
    return "skip";
  });
  return problems;
}

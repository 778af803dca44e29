import { describe, expect, it } from "vitest";
import { unifiedDiff } from "../src/diff.js";
import { normalise } from "../src/normalise.js";
import { type Fence, parsePage, replaceFence, slugify } from "../src/pages.js";
import { ANOTHER_RUN, OUTPUTS, STEPS } from "./fixture.js";

describe("normalisation", () => {
  it("makes two runs comparable and keeps the words", () => {
    for (const { id } of STEPS) {
      expect(normalise((OUTPUTS.steps[id] as string[]).join("\n"))).toBe(
        normalise((ANOTHER_RUN.steps[id] as string[]).join("\n")),
      );
    }
    expect(normalise(OUTPUTS.quickstart.join("\n"))).toBe(normalise(ANOTHER_RUN.quickstart.join("\n")));
    expect(
      normalise(
        "Refreshed the access token for 8:acs:aa-1_bb-2; it expires at 2026-11-26T01:16:45Z (in 23 h 59 min):\n" +
          "eyJhbGciOiJS… (1123 characters)\n✔ ok (12 ms)  ",
      ),
    ).toBe(
      "Refreshed the access token for 8:acs:<id>; it expires at <time> (in 23 h 59 min):\n<token>\n✔ ok (<n> ms)",
    );
    expect(normalise("Done: 6 of 6 steps ok in 0.4 s (emulator mode).")).toBe(
      "Done: 6 of 6 steps ok in <n> s (emulator mode).",
    );
  });
});

describe("pages and diffs", () => {
  it("slugs headings like GitHub, in any script", () => {
    expect(slugify("401 `Denied` and clock skew")).toBe("401-denied-and-clock-skew");
    expect(slugify("Node.js versions")).toBe("nodejs-versions");
    expect(slugify("401 Denied 与时钟偏差")).toBe("401-denied-与时钟偏差");
  });

  it("ignores markers and links inside code blocks", () => {
    const page = parsePage("```md\n<!-- output: nothing -->\n[x](missing.md)\n```\n\n`[y](missing.md)`\n");
    expect(page.markers).toEqual([]);
    expect(page.links).toEqual([]);
  });

  it("shows a short unified diff", () => {
    const diff = unifiedDiff("a\nb\nc", "a\nB\nc", { expected: "sample", found: "page" });
    expect(diff).toBe("--- sample\n+++ page\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c");
    expect(unifiedDiff("same", "same", { expected: "x", found: "y" })).toBe("");
  });
});

describe("reading a page as GitHub does", () => {
  it("ignores headings and anchors inside code blocks, and links inside inline code", () => {
    const page = parsePage(
      '# Real\n\n```md\n# Not a heading\n<a id="nope"></a>\n```\n\n    # indented code\n\nSee `[y](missing.md)` and [z](z.md).\n',
    );
    expect([...page.anchors]).toEqual(["real"]);
    expect(page.links).toEqual([{ line: 10, target: "z.md" }]);
  });

  it("anchors: GitHub's slugs, -1 and -2 for repeated headings, setext headings, CJK letters, explicit <a id>", () => {
    const page = parsePage(
      '# Install\n\n## Install\n\nInstall\n-------\n\n<a id="denied"></a>\n## 401 拒绝访问（Denied）\n\n<a name="old-name"></a>\n',
    );
    expect([...page.anchors].sort()).toEqual(
      ["401-拒绝访问denied", "denied", "install", "install-1", "install-2", "old-name"].sort(),
    );
  });

  it("reports a reference-style link by its definition, and images as links", () => {
    const page = parsePage(
      'See [the key][key] and ![diagram](img/flow.png).\n\n[key]: troubleshooting.md#denied "Denied"\n[spaced]: <a b.md>\n',
    );
    expect(page.links).toEqual([
      { line: 1, target: "img/flow.png" },
      { line: 3, target: "troubleshooting.md#denied" },
      { line: 4, target: "a b.md" },
    ]);
  });

  it("reports marker-like comments that are no markers: no colon, text after it, inside a paragraph, never closed", () => {
    const page = parsePage(
      [
        "<!-- snippet samples/x.ts -->",
        "",
        "<!-- output: create-identity --> and more",
        "",
        "Output: <!-- output: create-identity -->",
        "",
        "<!-- output: create-identity",
        "[hidden](missing.md)",
      ].join("\n"),
    );
    expect(page.markers).toEqual([]);
    expect(page.malformed.map((bad) => bad.line)).toEqual([1, 3, 5, 7]);
    expect(page.malformed[0]?.problem).toContain("<!-- snippet: samples/ID/src/FILE.ts#REGION -->");
    expect(page.malformed[1]?.problem).toContain("<!-- output: STEP_ID --> on a line of its own");
    expect(page.malformed[3]?.text).toBe("<!-- output: create-identity");
    // As on GitHub, a comment that is never closed hides the rest of the page.
    expect(page.links).toEqual([]);
  });

  it("a marker's block is the fenced block on the very next line: its info, content and whether it is closed", () => {
    const page = parsePage(
      [
        "<!-- output: a -->",
        "~~~~text extra",
        "line 1",
        "",
        "~~~~",
        "",
        "<!-- output: b -->",
        "",
        "```text",
        "x",
        "```",
        "",
        "<!-- snippet: samples/s/src/s.ts#r -->",
        "    indented code",
        "",
        "<!-- output: c -->",
        "```text",
        "never closed",
        "",
      ].join("\n"),
    );
    const [a, b, snippet, c] = page.markers;
    expect(a).toMatchObject({ kind: "output", line: 1, step: "a", text: "<!-- output: a -->" });
    expect(a?.fence).toMatchObject({ openLine: 2, closeLine: 5, chars: "~~~~", info: "text", closed: true });
    expect(a?.fence?.content).toBe("line 1\n");
    expect(b?.fence).toBeUndefined(); // a blank line in between
    expect(snippet).toMatchObject({ kind: "snippet", file: "samples/s/src/s.ts", region: "r" });
    expect(snippet?.fence).toBeUndefined(); // an indented block is not a fenced one
    expect(c?.fence).toMatchObject({ content: "never closed", closed: false });
  });

  it("reads CRLF pages like LF ones", () => {
    const page = parsePage("# Title\r\n\r\n<!-- output: a -->\r\n```text\r\nline 1\r\nline 2\r\n```\r\n");
    expect(page.markers[0]?.fence).toMatchObject({ openLine: 4, closeLine: 7, content: "line 1\nline 2" });
    expect(page.markers[0]?.fence?.closed).toBe(true);
    expect([...page.anchors]).toEqual(["title"]);
  });
});

describe("replaceFence", () => {
  const fenceOf = (page: string) => parsePage(page).markers[0]?.fence as Fence;

  it("rewrites the block and keeps every other byte of the page, line endings and whitespace included", () => {
    const page =
      "Intro  \r\n\r\n<!-- output: a -->\r\n```txt\r\nold 1\r\nold 2\r\n```\r\nTail\t\r\nno newline";
    expect(replaceFence(page, fenceOf(page), "text", "new 1\n\nnew 3")).toBe(
      "Intro  \r\n\r\n<!-- output: a -->\r\n```text\r\nnew 1\r\n\r\nnew 3\r\n```\r\nTail\t\r\nno newline",
    );
    expect(replaceFence(page, fenceOf(page), "text", "")).toBe(
      "Intro  \r\n\r\n<!-- output: a -->\r\n```text\r\n```\r\nTail\t\r\nno newline",
    );
  });

  it("keeps a block inside a list item indented", () => {
    const page = "1. Run it:\n\n   <!-- output: a -->\n   ````text\n   old\n   ````\n\n2. Next\n";
    const updated = replaceFence(page, fenceOf(page), "text", "new\n\nend");
    expect(updated).toBe(
      "1. Run it:\n\n   <!-- output: a -->\n   ````text\n   new\n\n   end\n   ````\n\n2. Next\n",
    );
    expect(fenceOf(updated)).toMatchObject({ content: "new\n\nend", closed: true });
  });
});

describe("diffs", () => {
  it("make trailing whitespace visible and stay short", () => {
    expect(unifiedDiff("a", "a  ", { expected: "x", found: "y" })).toBe(
      "--- x\n+++ y\n@@ -1,1 +1,1 @@\n-a\n+a··",
    );
    const lines = (word: string) => Array.from({ length: 40 }, (_, i) => `${word} ${i}`).join("\n");
    const long = unifiedDiff(lines("line"), lines("LINE"), { expected: "x", found: "y", maxLines: 10 }).split(
      "\n",
    );
    expect(long).toHaveLength(11);
    expect(long.at(-1)).toBe("… 73 more diff lines");
  });
});

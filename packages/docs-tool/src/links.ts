/**
 * Relative links (between pages, to the samples, from README.md) and the samples' "Tutorial page:" lines
 * must point to files, and to anchors, that exist.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { ParsedPage } from "./pages.js";
import { parsePage } from "./pages.js";
import type { Problem } from "./problems.js";

export const toPosix = (path: string) => path.split(sep).join("/");

/** A link's path or anchor with its %-escapes decoded (as written when they are not valid escapes). */
export function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

export interface LinkResult {
  problems: Problem[];
  /** Languages whose folder does not exist yet, so links into them were not followed. */
  pendingLanguages: Set<string>;
}

/** Checks the links of the given Markdown files (paths relative to the root). */
export function checkLinks(
  root: string,
  sources: ReadonlyArray<{ path: string; parsed: ParsedPage }>,
): LinkResult {
  const problems: Problem[] = [];
  const pendingLanguages = new Set<string>();
  // Anchors by file: the pages checked here are parsed already; others (rarely) when a link points to them.
  const anchorsOf = new Map(sources.map((source) => [join(root, source.path), source.parsed.anchors]));
  const anchors = (absolute: string): Set<string> => {
    let found = anchorsOf.get(absolute);
    if (!found) {
      found = parsePage(readFileSync(absolute, "utf8")).anchors;
      anchorsOf.set(absolute, found);
    }
    return found;
  };
  for (const source of sources) {
    for (const link of source.parsed.links) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link.target) || link.target.startsWith("//")) continue;
      const [pathPart = "", anchor] = link.target.split("#", 2);
      const path = decode(pathPart);
      const absolute = path === "" ? join(root, source.path) : resolve(root, dirname(source.path), path);
      const at = { file: source.path, line: link.line };
      if (!existsSync(absolute)) {
        const target = toPosix(relative(root, absolute));
        // A link into a language that is not written yet (docs/zh-CN/ before the translation) is not
        // an error; it becomes one as soon as that language's folder exists.
        const language = /^docs\/([^/]+)\//.exec(target)?.[1];
        if (language && !existsSync(join(root, "docs", language))) {
          pendingLanguages.add(language);
          continue;
        }
        problems.push({ ...at, message: `broken link: ${link.target} (no such file: ${target}).` });
        continue;
      }
      if (anchor && absolute.endsWith(".md") && !anchors(absolute).has(decode(anchor))) {
        const where = toPosix(relative(root, absolute));
        problems.push({
          ...at,
          message: `broken link: ${link.target} (${where} has no heading or <a id> '#${anchor}').`,
          fix: `known anchors in ${where}: ${[...anchors(absolute)].slice(0, 12).join(", ")}`,
        });
      }
    }
  }
  return { problems, pendingLanguages };
}

/** Each sample's `Tutorial page: docs/….md` doc-comment line names a page that exists. */
export function checkTutorialPageLines(root: string): Problem[] {
  const problems: Problem[] = [];
  const samples = join(root, "samples");
  if (!existsSync(samples)) return problems;
  for (const sample of readdirSync(samples)) {
    const src = join(samples, sample, "src");
    if (!existsSync(src)) continue;
    for (const name of readdirSync(src).filter((n) => n.endsWith(".ts"))) {
      const text = readFileSync(join(src, name), "utf8");
      for (const match of text.matchAll(/Tutorial page: (docs\/\S+\.md)/g)) {
        if (!existsSync(join(root, match[1] as string))) {
          problems.push({
            file: toPosix(join("samples", sample, "src", name)),
            message: `its "Tutorial page:" ${match[1]} does not exist.`,
          });
        }
      }
    }
  }
  return problems;
}

/** How a language switch names each language: in that language. */
const LANGUAGE_NAMES: Readonly<Record<string, string>> = { en: "English", "zh-CN": "中文" };

/**
 * Each page links to the same page in every other language exactly once (the language switch under its
 * title): a reader can always change language, and is not offered it twice. Links with an anchor point into
 * a section, and are not the switch.
 */
export function checkLanguageLinks(
  pages: ReadonlyArray<{ language: string; name: string; path: string; parsed: ParsedPage }>,
): Problem[] {
  const problems: Problem[] = [];
  const has = new Set(pages.map((page) => `${page.language}/${page.name}`));
  const languages = [...new Set(pages.map((page) => page.language))];
  for (const page of pages) {
    for (const other of languages) {
      if (other === page.language || !has.has(`${other}/${page.name}`)) continue;
      const target = `docs/${other}/${page.name}`;
      const lines = page.parsed.links
        .filter((link) => {
          if (/^[a-z][a-z0-9+.-]*:/i.test(link.target) || link.target.includes("#")) return false;
          return toPosix(join(dirname(page.path), decode(link.target))) === target;
        })
        .map((link) => link.line);
      if (lines.length === 1) continue;
      problems.push({
        file: page.path,
        ...(lines.length > 0 ? { line: lines[1] as number } : {}),
        message:
          lines.length === 0
            ? `it does not link to ${target}, the same page in ${other}.`
            : `it links to ${target}, the same page in ${other}, ${lines.length} times (lines ${lines.join(", ")}): once is enough.`,
        fix:
          lines.length === 0
            ? `add the language switch under the title: [${LANGUAGE_NAMES[other] ?? other}](../${other}/${page.name})`
            : "keep the language switch under the title, and remove the others",
      });
    }
  }
  return problems;
}

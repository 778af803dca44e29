/**
 * docs:check and docs:update: keep the tutorial pages (docs/<language>/*.md) true to the samples they
 * show and to what the quickstart really prints.
 *
 * Rules, for every language folder under docs/ (docs/en/ is the reference):
 * - a snippet marker is followed by a fenced block equal to that region of that sample (readRegion);
 * - an output marker names a step (or `quickstart`, the whole run) and is followed by a fenced block
 *   equal, once normalised (ids, times, tokens, durations), to what a fresh run printed;
 * - every step has a page `NN-<step id>.md`, numbered in the tutorial's order, with its own output block
 *   and at least one snippet from its sample;
 * - every other language has the same pages as docs/en/, with the same markers in the same order;
 * - relative links (pages, README.md, samples' "Tutorial page:" lines) point to files and anchors that exist.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { readRegion } from "@acs-quickstart/runner";
import { type CapturedOutputs, WHOLE_RUN } from "./capture.js";
import { unifiedDiff } from "./diff.js";
import { normalise } from "./normalise.js";
import { type Marker, type ParsedPage, parsePage, replaceFence } from "./pages.js";

/** The reference language: the pages every translation follows. */
export const REFERENCE_LANGUAGE = "en";

export const FIX_UPDATE = "run npm run docs:update if the sample change is intended";

export interface Problem {
  /** Path relative to the root, e.g. docs/en/01-create-identity.md. */
  file: string;
  line?: number;
  /** The marker concerned, as written on the page. */
  marker?: string;
  message: string;
  /** A short unified-style diff, expected vs found. */
  diff?: string;
  /** What to do about it. */
  fix?: string;
}

export interface DocsOptions {
  /** The repository root (the folder holding docs/, samples/ and README.md). */
  root: string;
  /** The tutorial's step ids, in the docs' order. */
  steps: readonly string[];
  /**
   * What a real run printed, or how to get it. Called at most once, and only when a page has an output
   * marker. Tests pass captured outputs; the command line runs the quickstart.
   */
  outputs: CapturedOutputs | (() => Promise<CapturedOutputs>);
}

export interface CheckResult {
  problems: Problem[];
  /** Things worth saying that are not errors (e.g. a language folder that does not exist yet). */
  notes: string[];
  /** Pages checked, relative to the root. */
  pages: string[];
}

interface Page {
  language: string;
  name: string;
  /** Relative to the root. */
  path: string;
  text: string;
  parsed: ParsedPage;
}

const toPosix = (path: string) => path.split(sep).join("/");

/** Language folders under docs/, the reference first. */
function languages(root: string): string[] {
  const docs = join(root, "docs");
  if (!existsSync(docs)) return [];
  const found = readdirSync(docs).filter((name) => statSync(join(docs, name)).isDirectory());
  return found.sort((a, b) =>
    a === REFERENCE_LANGUAGE ? -1 : b === REFERENCE_LANGUAGE ? 1 : a.localeCompare(b),
  );
}

function readPages(root: string, language: string): Page[] {
  const dir = join(root, "docs", language);
  return readdirSync(dir)
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => {
      const path = toPosix(join("docs", language, name));
      const text = readFileSync(join(dir, name), "utf8");
      return { language, name, path, text, parsed: parsePage(text) };
    });
}

/** The page name a step must have: `NN-<id>.md`. */
function stepOfPage(name: string): { number: number; id: string } | undefined {
  const match = /^(\d+)-(.+)\.md$/.exec(name);
  return match ? { number: Number(match[1]), id: match[2] as string } : undefined;
}

function markerLabel(marker: Marker): string {
  return marker.kind === "snippet" ? `snippet ${marker.file}#${marker.region}` : `output ${marker.step}`;
}

/** Loads outputs at most once, and only if asked. */
function lazyOutputs(source: DocsOptions["outputs"]): () => Promise<CapturedOutputs> {
  let pending: Promise<CapturedOutputs> | undefined;
  return () => {
    pending ??= typeof source === "function" ? source() : Promise.resolve(source);
    return pending;
  };
}

/** The expected text of an output block: the lines of the step (or of the whole run). */
function expectedOutput(outputs: CapturedOutputs, step: string): string | undefined {
  const lines = step === WHOLE_RUN ? outputs.quickstart : outputs.steps[step];
  return lines?.join("\n");
}

/** What a snippet marker's block should contain, or a problem. */
function expectedSnippet(
  root: string,
  marker: Extract<Marker, { kind: "snippet" }>,
): string | Omit<Problem, "file"> {
  const file = resolve(root, marker.file);
  if (!toPosix(relative(root, file)).startsWith("samples/")) {
    return {
      line: marker.line,
      marker: marker.text,
      message: `the snippet's file must be under samples/ (got '${marker.file}').`,
      fix: "write the path from the repository root, e.g. samples/create-identity/src/create-identity.ts",
    };
  }
  if (!existsSync(file)) {
    return {
      line: marker.line,
      marker: marker.text,
      message: `the snippet's file ${marker.file} does not exist.`,
      fix: "correct the path (from the repository root) in the marker",
    };
  }
  try {
    return readRegion(file, marker.region);
  } catch (error) {
    return {
      line: marker.line,
      marker: marker.text,
      message: `the snippet's region cannot be read: ${(error as Error).message.replace(`${root}${sep}`, "")}`,
      fix: `mark the lines in the sample with // #region ${marker.region} … // #endregion, or correct the name in the marker`,
    };
  }
}

/** Checks the pages; changes nothing. */
export async function checkDocs(options: DocsOptions): Promise<CheckResult> {
  const { root, steps } = options;
  const outputs = lazyOutputs(options.outputs);
  const problems: Problem[] = [];
  const notes: string[] = [];
  const langs = languages(root);

  if (!langs.includes(REFERENCE_LANGUAGE)) {
    problems.push({
      file: `docs/${REFERENCE_LANGUAGE}/`,
      message: `the reference pages are missing: there is no docs/${REFERENCE_LANGUAGE}/ folder.`,
    });
    return { problems, notes, pages: [] };
  }
  if (!langs.includes("zh-CN")) {
    notes.push("docs/zh-CN/ does not exist yet, so only docs/en/ was checked for completeness.");
  }

  const byLanguage = new Map(langs.map((language) => [language, readPages(root, language)]));
  const reference = byLanguage.get(REFERENCE_LANGUAGE) as Page[];
  const allPages = [...byLanguage.values()].flat();

  // Expected outputs are fetched once, only when some page has an output marker with a known step.
  let captured: CapturedOutputs | undefined;
  let captureFailed: string | undefined;
  const wantsOutputs = allPages.some((page) =>
    page.parsed.markers.some((m) => m.kind === "output" && (m.step === WHOLE_RUN || steps.includes(m.step))),
  );
  if (wantsOutputs) {
    try {
      captured = await outputs();
    } catch (error) {
      captureFailed = (error as Error).message;
      problems.push({
        file: "docs/",
        message: `the output blocks could not be checked: ${captureFailed}`,
        fix: "make `npm run quickstart -- --emulator` succeed, then run npm run docs:check again",
      });
    }
  }

  for (const page of allPages) {
    for (const bad of page.parsed.malformed) {
      problems.push({
        file: page.path,
        line: bad.line,
        marker: bad.text,
        message: `malformed marker: ${bad.problem}.`,
      });
    }
    for (const marker of page.parsed.markers) {
      const at = { file: page.path, line: marker.line, marker: marker.text };
      if (marker.kind === "output" && marker.step !== WHOLE_RUN && !steps.includes(marker.step)) {
        problems.push({
          ...at,
          message: `unknown step id '${marker.step}' in an output marker.`,
          fix: `use one of: ${[...steps, WHOLE_RUN].join(", ")}`,
        });
        continue;
      }
      const fence = marker.fence;
      if (!fence) {
        problems.push({
          ...at,
          message: `the ${marker.kind} marker is not immediately followed by a fenced code block.`,
          fix: `put a \`\`\`${marker.kind === "snippet" ? "ts" : "text"} block on the line right after the marker (npm run docs:update fills it in)`,
        });
        continue;
      }
      if (!fence.closed) {
        problems.push({ ...at, message: `the code block after the ${marker.kind} marker is never closed.` });
        continue;
      }
      if (marker.kind === "snippet") {
        const expected = expectedSnippet(root, marker);
        if (typeof expected !== "string") {
          problems.push({ file: page.path, ...expected });
          continue;
        }
        if (expected !== fence.content) {
          problems.push({
            ...at,
            message: `the code under the marker differs from the region '${marker.region}' of ${marker.file}.`,
            diff: unifiedDiff(expected, fence.content, {
              expected: `${marker.file}#${marker.region} (the sample)`,
              found: `${page.path}:${fence.openLine + 1} (the page)`,
            }),
            fix: `${FIX_UPDATE}; otherwise undo the edit to the page (the code shown must be the code that runs)`,
          });
        } else if (fence.info !== "ts") {
          problems.push({
            ...at,
            message: `the snippet's code block should be marked \`\`\`ts (found '${fence.info}').`,
          });
        }
        continue;
      }
      if (captured === undefined) continue; // already reported: the run failed
      const expected = expectedOutput(captured, marker.step);
      if (expected === undefined) {
        problems.push({
          ...at,
          message: `the quickstart run printed nothing for step '${marker.step}', so this block cannot be checked.`,
        });
        continue;
      }
      const want = normalise(expected);
      const got = normalise(fence.content);
      if (want !== got) {
        problems.push({
          ...at,
          message: `the output under the marker differs from what a fresh run of step '${marker.step}' prints (ids, times, tokens and durations are ignored).`,
          diff: unifiedDiff(want, got, {
            expected: "a fresh run (normalised)",
            found: `${page.path}:${fence.openLine + 1} (the page, normalised)`,
          }),
          fix: "run npm run docs:update if the change in the sample's output is intended; otherwise undo the edit to the page",
        });
      } else if (fence.info !== "text") {
        problems.push({
          ...at,
          message: `the output's code block should be marked \`\`\`text (found '${fence.info}').`,
        });
      }
    }
  }

  // Every step has its page, numbered in the tutorial's order, in every language.
  for (const [language, pages] of byLanguage) {
    const numbers: number[] = [];
    steps.forEach((id, index) => {
      const page = pages.find((p) => stepOfPage(p.name)?.id === id);
      if (!page) {
        const nn = String(index + 1).padStart(2, "0");
        problems.push({
          file: `docs/${language}/`,
          message: `step '${id}' has no page: expected a file named like ${nn}-${id}.md.`,
          fix:
            language === REFERENCE_LANGUAGE
              ? `write docs/${language}/${nn}-${id}.md`
              : `translate docs/${REFERENCE_LANGUAGE}/${nn}-${id}.md to docs/${language}/${nn}-${id}.md`,
        });
        return;
      }
      numbers.push((stepOfPage(page.name) as { number: number }).number);
      const markers = page.parsed.markers;
      if (!markers.some((m) => m.kind === "output" && m.step === id)) {
        problems.push({
          file: page.path,
          message: `the page of step '${id}' has no output block of its own.`,
          fix: `add <!-- output: ${id} --> followed by a \`\`\`text block, then run npm run docs:update`,
        });
      }
      if (!markers.some((m) => m.kind === "snippet" && m.file.startsWith(`samples/${id}/`))) {
        problems.push({
          file: page.path,
          message: `the page of step '${id}' shows no code from samples/${id}/.`,
          fix: `add <!-- snippet: samples/${id}/src/${id}.ts#${id} --> followed by a \`\`\`ts block, then run npm run docs:update`,
        });
      }
    });
    if (numbers.some((n, i) => i > 0 && n <= (numbers[i - 1] as number))) {
      problems.push({
        file: `docs/${language}/`,
        message: `the step pages are not numbered in the tutorial's order (${steps.join(", ")}).`,
      });
    }
  }

  // Translations: the same pages, with the same markers in the same order.
  for (const [language, pages] of byLanguage) {
    if (language === REFERENCE_LANGUAGE) continue;
    const names = new Set(pages.map((p) => p.name));
    for (const page of reference) {
      if (!names.has(page.name)) {
        problems.push({
          file: `docs/${language}/${page.name}`,
          message: `docs/${language}/ has no ${page.name}, which docs/${REFERENCE_LANGUAGE}/ has.`,
          fix: `translate docs/${REFERENCE_LANGUAGE}/${page.name} (same file name, same markers)`,
        });
      }
    }
    for (const page of pages) {
      const original = reference.find((p) => p.name === page.name);
      if (!original) {
        problems.push({
          file: page.path,
          message: `docs/${REFERENCE_LANGUAGE}/ has no ${page.name}: every page must exist in every language.`,
          fix: `rename it to match a page of docs/${REFERENCE_LANGUAGE}/, or add the English page first`,
        });
        continue;
      }
      const want = original.parsed.markers.map(markerLabel).join("\n");
      const got = page.parsed.markers.map(markerLabel).join("\n");
      if (want !== got) {
        problems.push({
          file: page.path,
          message: `its markers differ from ${original.path}: a translation keeps the same snippet and output markers, in the same order.`,
          diff: unifiedDiff(want, got, {
            expected: `${original.path} (markers)`,
            found: `${page.path} (markers)`,
          }),
        });
      }
      // Identical code: each snippet block is checked against its sample above, in every language.
    }
  }

  // Links: between pages, to the samples, and from README.md; and the samples' "Tutorial page:" lines.
  const linkSources: Array<{ path: string; parsed: ParsedPage }> = [...allPages];
  if (existsSync(join(root, "README.md"))) {
    linkSources.push({ path: "README.md", parsed: parsePage(readFileSync(join(root, "README.md"), "utf8")) });
  }
  const pendingLanguages = new Set<string>();
  const anchorsOf = new Map<string, Set<string>>();
  const anchors = (absolute: string): Set<string> => {
    let found = anchorsOf.get(absolute);
    if (!found) {
      found = parsePage(readFileSync(absolute, "utf8")).anchors;
      anchorsOf.set(absolute, found);
    }
    return found;
  };
  for (const source of linkSources) {
    for (const link of source.parsed.links) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link.target) || link.target.startsWith("//")) continue;
      const [pathPart = "", anchor] = link.target.split("#", 2);
      const path = decodeURIComponent(pathPart);
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
      if (anchor && absolute.endsWith(".md") && !anchors(absolute).has(decodeURIComponent(anchor))) {
        const where = toPosix(relative(root, absolute));
        problems.push({
          ...at,
          message: `broken link: ${link.target} (${where} has no heading or <a id> '#${anchor}').`,
          fix: `known anchors in ${where}: ${[...anchors(absolute)].slice(0, 12).join(", ")}`,
        });
      }
    }
  }
  for (const language of pendingLanguages) {
    notes.push(`links to docs/${language}/ were not followed: that folder does not exist yet.`);
  }
  const samples = join(root, "samples");
  if (existsSync(samples)) {
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
  }

  return { problems, notes, pages: allPages.map((p) => p.path) };
}

export interface UpdateResult extends CheckResult {
  /** Pages rewritten, relative to the root. */
  changed: string[];
}

/** Rewrites every snippet block from its sample and every output block from a fresh run, then checks. */
export async function updateDocs(options: DocsOptions): Promise<UpdateResult> {
  const { root, steps } = options;
  const outputs = lazyOutputs(options.outputs);
  const changed: string[] = [];
  for (const language of languages(root)) {
    for (const page of readPages(root, language)) {
      let text = page.text;
      // Bottom-up, so the line numbers of the markers above stay valid.
      for (const marker of [...page.parsed.markers].reverse()) {
        if (!marker.fence?.closed) continue; // reported by the check below
        let content: string | undefined;
        if (marker.kind === "snippet") {
          const expected = expectedSnippet(root, marker);
          if (typeof expected === "string") content = expected;
        } else if (marker.step === WHOLE_RUN || steps.includes(marker.step)) {
          let captured: CapturedOutputs;
          try {
            captured = await outputs();
          } catch {
            continue; // reported by the check below
          }
          const expected = expectedOutput(captured, marker.step);
          if (expected === undefined) continue; // reported by the check below
          // Keep a page's real sample output while it still matches: no churn from ids and times.
          content = normalise(expected) === normalise(marker.fence.content) ? marker.fence.content : expected;
        }
        const info = marker.kind === "snippet" ? "ts" : "text";
        if (content !== undefined && (content !== marker.fence.content || marker.fence.info !== info)) {
          text = replaceFence(text, marker.fence, info, content);
        }
      }
      if (text !== page.text) {
        writeFileSync(join(root, page.path), text);
        changed.push(page.path);
      }
    }
  }
  const result = await checkDocs({ ...options, outputs: () => outputs() });
  return { ...result, changed };
}

/** The problems as a person reads them: page, line, marker, what is wrong, the diff, the fix. */
export function formatProblems(problems: readonly Problem[]): string {
  return problems
    .map((problem) => {
      const where = problem.line ? `${problem.file}:${problem.line}` : problem.file;
      const lines = [`✖ ${where}: ${problem.message}`];
      if (problem.marker) lines.push(`  marker: ${problem.marker}`);
      if (problem.diff) lines.push(...problem.diff.split("\n").map((line) => `    ${line}`));
      if (problem.fix) lines.push(`  fix: ${problem.fix}`);
      return lines.join("\n");
    })
    .join("\n\n");
}

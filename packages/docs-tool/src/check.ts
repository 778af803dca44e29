/**
 * docs:check and docs:update: keep the tutorial pages (docs/<language>/*.md) and README.md's steps table
 * true to the step registry, to the samples they show and to what the quickstart really prints.
 *
 * Rules, for every language folder under docs/ (docs/en/ is the reference):
 * - a snippet marker is followed by a fenced block equal to that region of that file (readRegion): a sample's
 *   file, or one of core's (packages/core/src/: the client factory a page explains);
 * - an output marker names a step (or `quickstart`, the whole run) and is followed by a fenced block
 *   equal, once normalised (ids, times, tokens, durations), to what a fresh run printed;
 * - a table marker is followed by a table whose rows are those of a table of the code (./tables.ts);
 * - an events marker is followed by example events valid under the schema it names (./events.ts);
 * - no line of a paragraph breaks between two Chinese characters (./cjk.ts);
 * - the pages and .env.sample agree on its placeholders and the Azure roles (./env-sample.ts);
 * - every step has its page (the registry's `page`), numbered in the registry's order, with its own output
 *   block and at least one snippet from its sample; a numbered page `NN-….md` is some step's page;
 * - every other language has the same pages as docs/en/, with the same markers in the same order;
 * - relative links (pages, README.md, samples' "Tutorial page:" lines) point to files and anchors that exist;
 * - each page links to the same page in every other language, once (./links.ts);
 * - README.md's steps table has a row per step, in order, with its number, title, sample and pages.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { readRegion } from "@acs-quickstart/runner";
import { type CapturedOutputs, WHOLE_RUN } from "./capture.js";
import { checkCjkLineBreaks } from "./cjk.js";
import { unifiedDiff } from "./diff.js";
import { checkEnvSample } from "./env-sample.js";
import { checkEvents, type EventsMarker } from "./events.js";
import { checkLanguageLinks, checkLinks, checkTutorialPageLines, toPosix } from "./links.js";
import { normalise } from "./normalise.js";
import { type Marker, type ParsedPage, parsePage, replaceFence } from "./pages.js";
import { FIX_UPDATE, type Problem } from "./problems.js";
import { type DocsStep, REGISTRY, sampleOf } from "./registry.js";
import { checkStepsTable, README, rewriteStepsTable } from "./steps-table.js";
import { checkTable, type DocsTable, rewriteTable, TABLES } from "./tables.js";

export type { Problem } from "./problems.js";
export type { DocsStep } from "./registry.js";
export type { DocsTable } from "./tables.js";

/** The folders a snippet may show code from: the samples, and core's sources (the client factory). */
export const SNIPPET_ROOTS = ["samples/", "packages/core/src/"] as const;

/** The reference language: the pages every translation follows. */
export const REFERENCE_LANGUAGE = "en";

export interface DocsOptions {
  /** The repository root (the folder holding docs/, samples/ and README.md). */
  root: string;
  /** The tutorial's steps, in the tutorial's order (the command line passes the runner's `STEPS`). */
  steps: readonly DocsStep[];
  /**
   * What a real run printed, or how to get it. Called at most once, and only when a page has an output
   * marker. Tests pass captured outputs; the command line runs the quickstart.
   */
  outputs: CapturedOutputs | (() => Promise<CapturedOutputs>);
  /** The tables table markers name (default {@link TABLES}: the code's own; tests pass their own). */
  tables?: Readonly<Record<string, DocsTable>>;
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

function readReadme(root: string): { text: string; parsed: ParsedPage } | undefined {
  const file = join(root, README);
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, "utf8");
  return { text, parsed: parsePage(text) };
}

/** The number a page's name starts with (`01-<step id>.md` → 1). */
const pageNumber = (name: string) => Number(/^(\d+)-/.exec(name)?.[1] ?? Number.NaN);

function markerLabel(marker: Marker): string {
  switch (marker.kind) {
    case "snippet":
      return `snippet ${marker.file}#${marker.region}`;
    case "output":
      return `output ${marker.step}`;
    case "table":
      return `table ${marker.name}`;
    case "events":
      return `events ${marker.schema}`;
  }
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
  const path = toPosix(relative(root, file));
  if (!SNIPPET_ROOTS.some((folder) => path.startsWith(folder))) {
    return {
      line: marker.line,
      marker: marker.text,
      message: `the snippet's file must be under ${SNIPPET_ROOTS.join(" or ")} (got '${marker.file}').`,
      fix: "write the path from the repository root: samples/<sample folder>/src/<file>.ts, or packages/core/src/<file>.ts",
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

/** The problems of one marker and its block. `captured` is undefined when the run failed (reported once). */
function checkMarker(
  root: string,
  page: Page,
  marker: Exclude<Marker, { kind: "table" | "events" }>,
  ids: readonly string[],
  captured: CapturedOutputs | undefined,
): Problem[] {
  const at = { file: page.path, line: marker.line, marker: marker.text };
  if (marker.kind === "output" && marker.step !== WHOLE_RUN && !ids.includes(marker.step)) {
    return [
      {
        ...at,
        message: `unknown step id '${marker.step}' in an output marker.`,
        fix: `use one of: ${[...ids, WHOLE_RUN].join(", ")}`,
      },
    ];
  }
  const fence = marker.fence;
  if (!fence) {
    return [
      {
        ...at,
        message: `the ${marker.kind} marker is not immediately followed by a fenced code block.`,
        fix: `put a \`\`\`${marker.kind === "snippet" ? "ts" : "text"} block on the line right after the marker (npm run docs:update fills it in)`,
      },
    ];
  }
  if (!fence.closed) {
    return [{ ...at, message: `the code block after the ${marker.kind} marker is never closed.` }];
  }
  const found = `${page.path}:${fence.openLine + 1}`;
  if (marker.kind === "snippet") {
    const expected = expectedSnippet(root, marker);
    if (typeof expected !== "string") return [{ file: page.path, ...expected }];
    if (expected !== fence.content) {
      return [
        {
          ...at,
          message: `the code under the marker differs from the region '${marker.region}' of ${marker.file}.`,
          diff: unifiedDiff(expected, fence.content, {
            expected: `${marker.file}#${marker.region} (the sample)`,
            found: `${found} (the page)`,
          }),
          fix: `${FIX_UPDATE}; otherwise undo the edit to the page (the code shown must be the code that runs)`,
        },
      ];
    }
    return fence.info === "ts"
      ? []
      : [{ ...at, message: `the snippet's code block should be marked \`\`\`ts (found '${fence.info}').` }];
  }
  if (captured === undefined) return [];
  const expected = expectedOutput(captured, marker.step);
  if (expected === undefined) {
    return [
      {
        ...at,
        message: `the quickstart run printed nothing for step '${marker.step}', so this block cannot be checked.`,
      },
    ];
  }
  const want = normalise(expected);
  const got = normalise(fence.content);
  if (want !== got) {
    return [
      {
        ...at,
        message: `the output under the marker differs from what a fresh run of step '${marker.step}' prints (ids, times, tokens and durations are ignored).`,
        diff: unifiedDiff(want, got, {
          expected: "a fresh run (normalised)",
          found: `${found} (the page, normalised)`,
        }),
        fix: "run npm run docs:update if the change in the sample's output is intended; otherwise undo the edit to the page",
      },
    ];
  }
  return fence.info === "text"
    ? []
    : [{ ...at, message: `the output's code block should be marked \`\`\`text (found '${fence.info}').` }];
}

/** Every step has its page in every language, with its own output block and code from its own sample. */
function checkStepPages(byLanguage: ReadonlyMap<string, Page[]>, steps: readonly DocsStep[]): Problem[] {
  const problems: Problem[] = [];
  const numbers = steps.map((step) => pageNumber(step.page));
  if (numbers.some((n, i) => Number.isNaN(n) || (i > 0 && n <= (numbers[i - 1] as number)))) {
    problems.push({
      file: `docs/${REFERENCE_LANGUAGE}/`,
      message: `the step pages are not numbered in the tutorial's order (${steps.map((s) => s.page).join(", ")}).`,
      fix: `name each step's page NN-<id>.md, NN following the order of the step registry (${REGISTRY})`,
    });
  }
  for (const [language, pages] of byLanguage) {
    for (const step of steps) {
      const { id } = step;
      const page = pages.find((p) => p.name === step.page);
      if (!page) {
        problems.push({
          file: `docs/${language}/`,
          message: `step '${id}' has no page: expected a file named like ${step.page}, the page the step registry gives it.`,
          fix:
            language === REFERENCE_LANGUAGE
              ? `write docs/${language}/${step.page}`
              : `translate docs/${REFERENCE_LANGUAGE}/${step.page} to docs/${language}/${step.page}`,
        });
        continue;
      }
      const markers = page.parsed.markers;
      if (!markers.some((m) => m.kind === "output" && m.step === id)) {
        problems.push({
          file: page.path,
          message: `the page of step '${id}' has no output block of its own.`,
          fix: `add <!-- output: ${id} --> followed by a \`\`\`text block, then run npm run docs:update`,
        });
      }
      const sample = sampleOf(step);
      if (!markers.some((m) => m.kind === "snippet" && m.file.startsWith(`${sample}/`))) {
        problems.push({
          file: page.path,
          message: `the page of step '${id}' shows no code from ${sample}/.`,
          fix: `add <!-- snippet: ${step.source ?? `${sample}/src/${id}.ts`}#${id} --> followed by a \`\`\`ts block, then run npm run docs:update`,
        });
      }
    }
    for (const page of pages) {
      if (Number.isNaN(pageNumber(page.name)) || steps.some((step) => step.page === page.name)) continue;
      problems.push({
        file: page.path,
        message: "a numbered page (NN-….md) is a step's page, but no step in the registry has this page.",
        fix: `rename the page without its number, delete it, or give it to a step in the registry (${REGISTRY})`,
      });
    }
  }
  return problems;
}

/** Every translation has the reference's pages, with the same markers in the same order. */
function checkTranslations(byLanguage: ReadonlyMap<string, Page[]>): Problem[] {
  const problems: Problem[] = [];
  const reference = byLanguage.get(REFERENCE_LANGUAGE) ?? [];
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
      // Identical code: each snippet block is checked against its sample, in every language.
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
    }
  }
  return problems;
}

/** Checks the pages and README.md; changes nothing. */
export async function checkDocs(options: DocsOptions): Promise<CheckResult> {
  const { root, steps } = options;
  const ids = steps.map((step) => step.id);
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
  const allPages = [...byLanguage.values()].flat();

  // Expected outputs are fetched once, only when some page has an output marker with a known step.
  let captured: CapturedOutputs | undefined;
  const wantsOutputs = allPages.some((page) =>
    page.parsed.markers.some((m) => m.kind === "output" && (m.step === WHOLE_RUN || ids.includes(m.step))),
  );
  const tables = options.tables ?? TABLES;
  if (wantsOutputs) {
    try {
      captured = await outputs();
    } catch (error) {
      problems.push({
        file: "docs/",
        message: `the output blocks could not be checked: ${(error as Error).message}`,
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
    const events: EventsMarker[] = [];
    for (const marker of page.parsed.markers) {
      if (marker.kind === "table") problems.push(...checkTable({ ...page, root }, marker, tables));
      else if (marker.kind === "events") events.push(marker);
      else problems.push(...checkMarker(root, page, marker, ids, captured));
    }
    problems.push(
      ...checkEvents(root, page, events, steps),
      ...checkCjkLineBreaks(page.path, page.parsed.tree),
    );
  }
  problems.push(...checkStepPages(byLanguage, steps), ...checkTranslations(byLanguage));

  const readme = readReadme(root);
  const links = checkLinks(root, readme ? [...allPages, { path: README, parsed: readme.parsed }] : allPages);
  problems.push(...links.problems, ...checkLanguageLinks(allPages));
  for (const language of links.pendingLanguages) {
    notes.push(`links to docs/${language}/ were not followed: that folder does not exist yet.`);
  }
  problems.push(...checkTutorialPageLines(root), ...checkEnvSample(root, allPages));
  if (readme) problems.push(...checkCjkLineBreaks(README, readme.parsed.tree));
  problems.push(
    ...(readme
      ? checkStepsTable(readme.parsed.tree, steps, langs)
      : [{ file: README, message: "README.md is missing: it shows the table of the steps." }]),
  );

  return { problems, notes, pages: allPages.map((p) => p.path) };
}

export interface UpdateResult extends CheckResult {
  /** Files rewritten, relative to the root. */
  changed: string[];
}

/**
 * Rewrites every snippet block from its sample, every output block from a fresh run and the rows of
 * README.md's steps table from the registry, then checks.
 */
export async function updateDocs(options: DocsOptions): Promise<UpdateResult> {
  const { root, steps } = options;
  const ids = steps.map((step) => step.id);
  const outputs = lazyOutputs(options.outputs);
  const changed: string[] = [];
  const langs = languages(root);
  for (const language of langs) {
    for (const page of readPages(root, language)) {
      let text = page.text;
      // Bottom-up, so the offsets of the blocks above stay valid.
      for (const marker of [...page.parsed.markers].reverse()) {
        if (marker.kind === "table") {
          text = rewriteTable(text, { root, language }, marker, options.tables ?? TABLES);
          continue;
        }
        if (marker.kind === "events" || !marker.fence?.closed) continue; // checked, never rewritten
        let content: string | undefined;
        if (marker.kind === "snippet") {
          const expected = expectedSnippet(root, marker);
          if (typeof expected === "string") content = expected;
        } else if (marker.step === WHOLE_RUN || ids.includes(marker.step)) {
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
  const readme = readReadme(root);
  if (readme) {
    const text = rewriteStepsTable(readme.text, readme.parsed.tree, steps, langs);
    if (text !== readme.text) {
      writeFileSync(join(root, README), text);
      changed.push(README);
    }
  }
  const result = await checkDocs({ ...options, outputs: () => outputs() });
  return { ...result, changed };
}

/**
 * `.env.sample` (what a learner copies to `.env`) and the pages tell the same story:
 *
 * - **Placeholders.** A `<…>` placeholder in inline code, in a paragraph or list item that names `.env.sample`,
 *   is one that `.env.sample` has.
 * - **Roles.** The Azure roles for Microsoft Entra ID are those `.env.sample` lists (its comment lines
 *   `#   - "<role name>", …` after the line that says "one of these roles"). A page that names a role (in bold,
 *   or in a command's `--role NAME`) names no other role, and names each of them in its text.
 * - **Pointers.** Every `docs/….md#anchor` that `.env.sample` points to exists.
 *
 * A repository without `.env.sample` has nothing to agree with.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Nodes, Root } from "mdast";
import { toString as textOf } from "mdast-util-to-string";
import { visit } from "unist-util-visit";
import { type ParsedPage, parsePage } from "./pages.js";
import type { Problem } from "./problems.js";

export const ENV_SAMPLE = ".env.sample";

/** Azure's general built-in roles: a page naming one of them names a role, whatever .env.sample says. */
const GENERAL_ROLES = [
  "Owner",
  "Contributor",
  "Reader",
  "User Access Administrator",
  "Role Based Access Control Administrator",
];

/** The roles .env.sample lists, in its order. */
export function rolesOf(envSample: string): string[] {
  const lines = envSample.split(/\r?\n/);
  const start = lines.findIndex((line) => /^#.*\bone of these roles\b/.test(line));
  if (start < 0) return [];
  const roles: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const role = /^#\s+-\s+"([^"]+)"/.exec(line)?.[1];
    if (role) roles.push(role);
    else if (roles.length > 0) break;
  }
  return roles;
}

/** The `<…>` placeholders of a text. */
const placeholders = (text: string) => [...new Set([...text.matchAll(/<[^<>\s][^<>]*>/g)].map((m) => m[0]))];

const lineOf = (node: Nodes) => node.position?.start.line ?? 0;

/** Roles a page names: in bold (when the name is a role), and as `--role NAME` in code. */
function roleMentions(tree: Root, candidates: ReadonlySet<string>) {
  const bold: Array<{ role: string; line: number }> = [];
  const code: Array<{ role: string; line: number }> = [];
  visit(tree, (node) => {
    if (node.type === "strong") {
      const role = textOf(node).trim();
      if (candidates.has(role)) bold.push({ role, line: lineOf(node) });
    } else if (node.type === "code" || node.type === "inlineCode") {
      for (const match of node.value.matchAll(/--role[ =](?:"([^"]+)"|'([^']+)'|([^\s"']+))/g)) {
        code.push({ role: (match[1] ?? match[2] ?? match[3]) as string, line: lineOf(node) });
      }
    }
  });
  return { bold, code };
}

/** Placeholders a page says come from .env.sample, with their lines. */
function attributedPlaceholders(tree: Root): Array<{ placeholder: string; line: number }> {
  const found: Array<{ placeholder: string; line: number }> = [];
  visit(tree, "paragraph", (paragraph) => {
    if (!textOf(paragraph).includes(ENV_SAMPLE)) return;
    visit(paragraph, "inlineCode", (code) => {
      for (const placeholder of placeholders(code.value)) found.push({ placeholder, line: lineOf(code) });
    });
  });
  return found;
}

/** `docs/….md#anchor` pointers in .env.sample that lead nowhere. */
function brokenPointers(root: string, envSample: string): Problem[] {
  const problems: Problem[] = [];
  envSample.split(/\r?\n/).forEach((line, index) => {
    for (const match of line.matchAll(/\b(docs\/[\w./-]+\.md)(?:#([\w-]+))?/g)) {
      const [pointer, file, anchor] = match as unknown as [string, string, string | undefined];
      const at = { file: ENV_SAMPLE, line: index + 1 };
      if (!existsSync(join(root, file))) {
        problems.push({ ...at, message: `it points to ${pointer}, and there is no ${file}.` });
      } else if (anchor && !parsePage(readFileSync(join(root, file), "utf8")).anchors.has(anchor)) {
        problems.push({
          ...at,
          message: `it points to ${pointer}, and ${file} has no heading or <a id> '#${anchor}'.`,
        });
      }
    }
  });
  return problems;
}

/** The problems of the pages (and .env.sample's pointers) against .env.sample. */
export function checkEnvSample(
  root: string,
  pages: ReadonlyArray<{ path: string; parsed: ParsedPage }>,
): Problem[] {
  const file = join(root, ENV_SAMPLE);
  if (!existsSync(file)) return [];
  const envSample = readFileSync(file, "utf8");
  const problems = brokenPointers(root, envSample);
  const roles = rolesOf(envSample);
  const candidates = new Set([...roles, ...GENERAL_ROLES]);
  const listed = roles.map((role) => `'${role}'`).join(", ");
  for (const page of pages) {
    for (const { placeholder, line } of attributedPlaceholders(page.parsed.tree)) {
      if (envSample.includes(placeholder)) continue;
      problems.push({
        file: page.path,
        line,
        message: `it says ${placeholder} comes from ${ENV_SAMPLE}, which has no such placeholder (it has ${placeholders(envSample).join(", ") || "none"}).`,
        fix: `name the placeholder ${ENV_SAMPLE} has, or change ${ENV_SAMPLE}`,
      });
    }
    const { bold, code } = roleMentions(page.parsed.tree, candidates);
    for (const { role, line } of [...bold, ...code]) {
      if (roles.includes(role)) continue;
      problems.push({
        file: page.path,
        line,
        message: `it names the role '${role}'; ${ENV_SAMPLE} lists ${listed || "no role"} for Microsoft Entra ID.`,
        fix: `name the roles ${ENV_SAMPLE} lists (one set everywhere), or change the list in ${ENV_SAMPLE}`,
      });
    }
    const named = new Set(bold.map((mention) => mention.role));
    const missing = roles.filter((role) => !named.has(role));
    if (bold.length + code.length > 0 && missing.length > 0) {
      problems.push({
        file: page.path,
        line: (bold[0] ?? code[0])?.line as number,
        message: `it names roles for Microsoft Entra ID, but not ${missing.map((role) => `**${role}**`).join(", ")}, which ${ENV_SAMPLE} lists too.`,
        fix: `name each of ${listed} (in bold) where the page names a role`,
      });
    }
  }
  return problems;
}

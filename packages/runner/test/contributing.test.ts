/**
 * CONTRIBUTING.md's recipe "Add a tutorial step" stays true: every path, package name and script it names,
 * filled in for each step of the registry, is what that step really has.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@acs-quickstart/core";
import { describe, expect, it } from "vitest";
import { STEPS } from "../src/index.js";

const ROOT = repoRoot(import.meta.dirname);
const guide = readFileSync(join(ROOT, "CONTRIBUTING.md"), "utf8");
const section = (heading: string) => {
  const start = guide.indexOf(`## ${heading}`);
  const end = guide.indexOf("\n## ", start + 1);
  expect(start, `CONTRIBUTING.md has a section "## ${heading}"`).toBeGreaterThanOrEqual(0);
  return guide.slice(start, end < 0 ? undefined : end);
};
/** Every `inline code` of a text. */
const codes = (text: string) => [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] as string);

describe("Add a tutorial step", () => {
  const recipe = section("Add a tutorial step");
  const templates = codes(recipe).filter((code) => /<id>|<page>/.test(code));

  it("names the sample's files, its package and its start script", () => {
    expect(templates.length).toBeGreaterThanOrEqual(8);
  });

  describe.each(STEPS.map((step, index) => ({ step, index })))("for $step.id", ({ step, index }) => {
    it("every path, name and script in the recipe is what the step has", () => {
      const sample = JSON.parse(readFileSync(join(ROOT, step.sample, "package.json"), "utf8"));
      for (const template of templates) {
        const code = template
          .replaceAll("<id>", step.id)
          .replaceAll("<page>", step.page)
          .replace(/^NN-/, `${String(index + 1).padStart(2, "0")}-`);
        if (code.startsWith("node ")) expect(code, template).toBe(sample.scripts.start);
        else if (code.startsWith("@acs-quickstart/")) expect(code, template).toBe(sample.name);
        else if (code.startsWith("Tutorial page: "))
          expect(readFileSync(join(ROOT, step.source), "utf8")).toContain(code);
        else if (code.startsWith("// #region"))
          expect(readFileSync(join(ROOT, step.source), "utf8")).toContain("// #region ");
        else if (/^\d\d-/.test(code)) expect(code, template).toBe(step.page);
        else if (/^(samples|docs|packages)\//.test(code))
          expect(existsSync(join(ROOT, code)), code).toBe(true);
        else throw new Error(`The recipe names \`${template}\`, which this test does not know how to check.`);
      }
    });
  });

  it("names the files every step touches outside its sample, and they exist", () => {
    for (const path of ["packages/runner/src/steps.ts", "packages/runner/package.json", "README.md"]) {
      expect(recipe).toContain(`\`${path}\``);
      expect(existsSync(join(ROOT, path)), path).toBe(true);
    }
    expect(recipe).toContain("packages/runner/test/contributing.test.ts");
  });
});

it("every file and folder in the layout picture exists", () => {
  const picture = /```text\n([\s\S]*?)```/.exec(section("The layout"))?.[1] ?? "";
  const parents: string[] = [];
  let checked = 0;
  for (const line of picture.split("\n")) {
    const match = /^( *)(\S+)/.exec(line);
    // A file (`name.ext`) or a folder (`name/`); the rest of the line, and continuation lines, describe it.
    if (!match || !/\/,?$|\.\w+,?$/.test(match[2] as string)) continue;
    const depth = (match[1] as string).length / 2;
    parents.length = depth;
    for (const name of (match[2] as string).split(",").filter(Boolean)) {
      const path = [...parents, name].join("").replaceAll("<id>", STEPS[0].id);
      expect(existsSync(join(ROOT, path)), path).toBe(true);
      checked += 1;
      if (name.endsWith("/")) parents[depth] = name;
    }
  }
  expect(checked).toBeGreaterThan(15);
});

it("the table of where changes go names paths that exist", () => {
  const step = STEPS[0];
  for (const code of codes(`${section("The layout")}\n${section("Where a change goes")}`)) {
    const path = code.replaceAll("<id>", step.id).replace(/…$/, "");
    if (/^(samples|packages|docs|scripts|bench)\/[\w./-]*$/.test(path))
      expect(existsSync(join(ROOT, path)), path).toBe(true);
  }
  for (const line of section("The layout").split("\n")) {
    const path = /^(?: {2})*([\w.-]+\/?)\s/.exec(line)?.[1];
    if (path && !path.includes("<")) expect(line).toBeTruthy();
  }
});

/**
 * The step registry is the only list of the steps: every step it names has its sample package (with an
 * `npm start` that runs that step), its source with the tutorial's regions, its test, and its pages in every
 * language; and no other code names a step.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { repoRoot } from "@acs-quickstart/core";
import { describe, expect, it } from "vitest";
import { regions, STEPS } from "../src/index.js";

const ROOT = repoRoot(import.meta.dirname);
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");
const json = (path: string) => JSON.parse(read(path));
const LANGUAGES = ["en", "zh-CN"];

describe.each(STEPS.map((step, index) => ({ step, index })))("step $index: $step.id", ({ step, index }) => {
  it("has a page NN-<id>.md, numbered in the registry's order, in every language", () => {
    expect(step.page).toBe(`${String(index + 1).padStart(2, "0")}-${step.id}.md`);
    for (const language of LANGUAGES)
      expect(existsSync(join(ROOT, "docs", language, step.page)), language).toBe(true);
  });

  it("has a sample package whose `npm start` runs this step and keeps its identity for the next one", () => {
    const manifest = json(`${step.sample}/package.json`);
    expect(manifest.name).toBe(`@acs-quickstart/${basename(step.sample)}`);
    expect(manifest.scripts.start).toBe(
      `node ../../scripts/launch.mjs -- scripts/quickstart.ts --step ${step.id} --keep-for-next-step`,
    );
    expect(json("packages/runner/package.json").dependencies).toHaveProperty(manifest.name);
  });

  it("has its source in the sample, with the tutorial's regions and its page named", () => {
    expect(step.source.startsWith(`${step.sample}/src/`)).toBe(true);
    const source = read(step.source);
    expect(regions(step.source, source).size).toBeGreaterThan(0);
    expect(source).toContain(`Tutorial page: docs/en/${step.page}`);
  });

  it("has a test of its own", () => {
    expect(existsSync(join(ROOT, step.sample, "test", `${basename(step.source, ".ts")}.test.ts`))).toBe(true);
  });
});

it("ids are unique, and part 1 comes before part 2", () => {
  expect(new Set(STEPS.map((s) => s.id)).size).toBe(STEPS.length);
  const parts = STEPS.map((s) => s.part as number);
  expect([...parts].sort()).toEqual(parts);
});

it("exactly one step creates the identity the steps share, and it comes before the steps that use it", () => {
  const creators = STEPS.flatMap((s, i) => (s.sharedIdentity === "creates" ? [i] : []));
  expect(creators).toHaveLength(1);
  const firstUser = STEPS.findIndex((s) => s.sharedIdentity === "uses");
  expect(creators[0]).toBeLessThan(firstUser);
});

it("no code outside the registry names a step: each id is in at most 2 files besides its sample, pages, tests and READMEs", () => {
  const files = execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" }).trim().split("\n");
  for (const step of STEPS) {
    const named = files.filter(
      (file) =>
        !file.startsWith(`${step.sample}/`) &&
        !file.startsWith("docs/") &&
        !/(^|\/)test\//.test(file) &&
        !/(^|\/)README(\.[\w-]+)?\.md$/.test(file) &&
        file !== "package-lock.json" &&
        existsSync(join(ROOT, file)) &&
        new RegExp(`(^|[^\\w-])${step.id}([^\\w-]|$)`).test(read(file)),
    );
    // The registry itself, and the runner's package.json that depends on the sample.
    expect(named, step.id).toEqual(expect.arrayContaining(["packages/runner/src/steps.ts"]));
    expect(named.length, `${step.id} is named in ${named.join(", ")}`).toBeLessThanOrEqual(2);
  }
});

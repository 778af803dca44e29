import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { repoRoot, STATE_DIR_VARIABLE, stateDir } from "../src/index.js";

const ROOT = path.resolve(import.meta.dirname, "../../..");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "acs-paths-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("repoRoot", () => {
  it("is the nearest folder above whose package.json declares workspaces, else the folder itself", () => {
    const root = path.join(dir, "repo");
    const deep = path.join(root, "samples", "one", "src");
    mkdirSync(deep, { recursive: true });
    writeFileSync(path.join(root, "package.json"), JSON.stringify({ workspaces: ["samples/*"] }));
    writeFileSync(path.join(root, "samples", "one", "package.json"), JSON.stringify({ name: "one" }));
    writeFileSync(path.join(root, "samples", "package.json"), "{ not json"); // skipped, not fatal
    expect(repoRoot(deep)).toBe(root);
    expect(repoRoot(root)).toBe(root);
    expect(repoRoot(dir)).toBe(dir);
    expect(repoRoot()).toBe(ROOT);
  });
});

describe("stateDir", () => {
  it("is <repo root>/.quickstart when ACS_QUICKSTART_STATE_DIR is unset or empty", () => {
    expect(STATE_DIR_VARIABLE).toBe("ACS_QUICKSTART_STATE_DIR");
    expect(stateDir({})).toBe(path.join(ROOT, ".quickstart"));
    expect(stateDir({ ACS_QUICKSTART_STATE_DIR: "" })).toBe(path.join(ROOT, ".quickstart"));
  });

  it("is ACS_QUICKSTART_STATE_DIR, a relative value taken from the repository's root, not the current folder", () => {
    expect(stateDir({ ACS_QUICKSTART_STATE_DIR: "/tmp/acs-state" })).toBe("/tmp/acs-state");
    vi.spyOn(process, "cwd").mockReturnValue(path.join(ROOT, "samples", "create-identity"));
    expect(stateDir({ ACS_QUICKSTART_STATE_DIR: ".quickstart-2" })).toBe(path.join(ROOT, ".quickstart-2"));
  });

  it("reads process.env by default, when called", () => {
    vi.stubEnv(STATE_DIR_VARIABLE, path.join(dir, "state"));
    expect(stateDir()).toBe(path.join(dir, "state"));
    vi.unstubAllEnvs();
  });
});

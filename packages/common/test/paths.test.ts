import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  fromRoot,
  makeStateDir,
  repoRoot,
  STATE_DIR_GITIGNORE,
  STATE_DIR_VARIABLE,
  StateDirError,
  stateDir,
  typedPath,
} from "../src/index.js";

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

describe("typedPath and fromRoot: paths as the learner types them", () => {
  it("typedPath: from the folder the command was typed in (INIT_CWD), else the current one; absolute stays", () => {
    expect(typedPath(".env.room", { INIT_CWD: "/home/me/room" })).toBe("/home/me/room/.env.room");
    expect(typedPath("../x.env", { INIT_CWD: "/home/me/room" })).toBe("/home/me/x.env");
    expect(typedPath("/etc/a.env", { INIT_CWD: "/home/me/room" })).toBe("/etc/a.env");
    expect(typedPath("a.env", {})).toBe(path.join(process.cwd(), "a.env"));
  });

  it("fromRoot: relative to the repository's root inside it, absolute outside", () => {
    expect(fromRoot(path.join(ROOT, ".quickstart", "identities.json"))).toBe(".quickstart/identities.json");
    expect(fromRoot("/elsewhere/state")).toBe("/elsewhere/state");
    expect(fromRoot(ROOT)).toBe(ROOT);
  });
});

describe("makeStateDir: a state folder git never commits", () => {
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", ["-c", "init.defaultBranch=main", ...args], { cwd, encoding: "utf8" });

  it("makes the folder and its parents, with a .gitignore that ignores everything; again changes nothing", () => {
    const folder = path.join(dir, "a", "b", ".quickstart-2");
    makeStateDir(folder);
    expect(readFileSync(path.join(folder, ".gitignore"), "utf8")).toBe(STATE_DIR_GITIGNORE);
    makeStateDir(folder);
    expect(readFileSync(path.join(folder, ".gitignore"), "utf8")).toBe(STATE_DIR_GITIGNORE);
  });

  it.each([".quickstart-2", "state", "deep/er/state", ".quickstart"])(
    "in a git repository, %s and the secrets in it stay out of git status",
    (name) => {
      git(dir, "init", "-q");
      const folder = path.join(dir, name);
      makeStateDir(folder);
      writeFileSync(path.join(folder, "state.json"), '{"accessKey":"c2VjcmV0"}');
      writeFileSync(path.join(folder, "key.pem"), "-----BEGIN PRIVATE KEY-----");
      expect(git(dir, "status", "--porcelain", "--untracked-files=all")).toBe("");
    },
  );

  it("keeps a .gitignore of the user's that already ignores everything", () => {
    const folder = path.join(dir, "mine");
    mkdirSync(folder);
    writeFileSync(path.join(folder, ".gitignore"), "# mine\n/*\n");
    makeStateDir(folder);
    expect(readFileSync(path.join(folder, ".gitignore"), "utf8")).toBe("# mine\n/*\n");
  });

  it("refuses a folder whose own .gitignore lets files through (the repository's root): names it and the fix", () => {
    for (const text of ["node_modules/\n.env\n", "", "# *\n"]) {
      const folder = mkdtempSync(path.join(dir, "root-"));
      writeFileSync(path.join(folder, ".gitignore"), text);
      let error: unknown;
      try {
        makeStateDir(folder);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StateDirError);
      expect((error as StateDirError).dir).toBe(folder);
      expect((error as StateDirError).message).toContain("does not ignore everything");
      expect((error as StateDirError).fix).toContain(STATE_DIR_VARIABLE);
      expect(readFileSync(path.join(folder, ".gitignore"), "utf8")).toBe(text); // never changed
    }
    expect(() => makeStateDir(ROOT)).toThrow(StateDirError);
  });

  it.each(["docs", "docs/en", "samples/x/src"])(
    "refuses %s, a folder of the project (files git tracks): no .gitignore hides its new files; nothing written",
    (name) => {
      git(dir, "init", "-q");
      const folder = path.join(dir, name);
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, "page.md"), "# A page\n");
      git(dir, "add", ".");
      expect(() => makeStateDir(folder)).toThrow(StateDirError);
      expect(() => makeStateDir(folder)).toThrow(
        /holds files of the project that git tracks \(such as page\.md\)/,
      );
      expect(existsSync(path.join(folder, ".gitignore"))).toBe(false);
      writeFileSync(path.join(folder, "new-page.md"), "# New\n");
      expect(git(dir, "status", "--porcelain", "--untracked-files=all")).toContain("new-page.md");
    },
  );

  it("takes an existing folder of untracked files (an older state folder without a .gitignore), and a folder outside git", () => {
    git(dir, "init", "-q");
    const older = path.join(dir, ".quickstart-old");
    mkdirSync(older);
    writeFileSync(path.join(older, "identities.json"), "{}");
    makeStateDir(older);
    expect(git(dir, "status", "--porcelain", "--untracked-files=all")).toBe("");
    const outside = mkdtempSync(path.join(tmpdir(), "state-outside-git-"));
    writeFileSync(path.join(outside, "identities.json"), "{}");
    makeStateDir(outside);
    expect(readFileSync(path.join(outside, ".gitignore"), "utf8")).toBe(STATE_DIR_GITIGNORE);
  });
});

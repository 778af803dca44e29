/**
 * No secret is written where git would commit it: git itself says which paths those are (its ignore rules,
 * tracked files), and outside a repository nothing can commit it.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CommittablePathError, gitWouldCommit, refuseCommittable } from "../src/index.js";

function repository(): string {
  const repo = mkdtempSync(join(tmpdir(), "acs-committable-"));
  execFileSync("git", ["init", "-q", repo]);
  writeFileSync(join(repo, ".gitignore"), ".env\n.env.*\nsecrets/\n");
  mkdirSync(join(repo, "docs"));
  writeFileSync(join(repo, "docs", "tracked.env"), "A=1\n");
  writeFileSync(join(repo, ".env.tracked"), "A=1\n");
  execFileSync("git", ["-C", repo, "add", "-f", "docs/tracked.env", ".env.tracked"]);
  return repo;
}

describe("gitWouldCommit", () => {
  const repo = repository();

  it.each([
    ["room.env", true],
    ["docs/room.txt", true],
    ["new/folder/room.env", true],
    ["docs/tracked.env", true],
    [".env.tracked", true], // tracked, though a pattern matches it: git commits its changes
    [".env", false],
    [".env.room", false],
    ["secrets/room.env", false],
    ["secrets/deeper/not-yet/room.env", false],
  ])("%s in a repository: %s", (file, committable) => {
    expect(gitWouldCommit(join(repo, file))).toBe(committable);
  });

  it("outside a repository nothing commits it", () => {
    const plain = mkdtempSync(join(tmpdir(), "acs-committable-plain-"));
    expect(gitWouldCommit(join(plain, "room.env"))).toBe(false);
  });

  it("refuseCommittable names the file and what it would hold", () => {
    expect(() => refuseCommittable(join(repo, "room.env"), "the access key")).toThrow(CommittablePathError);
    expect(() => refuseCommittable(join(repo, "room.env"), "the access key")).toThrow(
      /room\.env is a file git would commit .* would hold the access key/,
    );
    expect(() => refuseCommittable(join(repo, ".env.room"), "the access key")).not.toThrow();
  });
});

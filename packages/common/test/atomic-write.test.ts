import fs, { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { writeAtomic, writeAtomicSync } from "../src/index.js";
import { freshFolderPerTest, startFixture } from "./helpers.js";

let dir: string;
let file: string;
freshFolderPerTest("acs-write-", (d) => {
  dir = d;
  file = path.join(dir, "state.json");
});

const mode = (f: string) => statSync(f).mode & 0o777;
const eio = () => Object.assign(new Error("EIO: i/o error, fsync"), { code: "EIO" });

describe("an atomic write", () => {
  it("replaces the content whole: a reader never sees a mix or a cut, while another process rewrites it", async () => {
    writeFileSync(file, "a".repeat(1024 * 1024));
    const writer = startFixture([file, "rewrite", "a", "b"]);
    try {
      await writer.ready;
      const seen = new Set<string>();
      for (let i = 0; i < 300; i++) {
        const text = readFileSync(file, "latin1");
        expect(text.length).toBe(1024 * 1024);
        const first = text.charAt(0);
        expect(text === first.repeat(text.length), `read ${i}: one content, whole`).toBe(true);
        seen.add(first);
      }
      expect(seen).toEqual(new Set(["a", "b"])); // the writer did replace it meanwhile
    } finally {
      writer.child.kill("SIGKILL");
      await writer.exited;
    }
  }, 60_000); // the fixture's first start bundles it (scripts/launch.mjs): seconds on a cold, busy machine

  it.each([
    ["async", writeAtomic],
    ["sync", writeAtomicSync],
  ] as const)("(%s) creates the folder, and leaves no temporary file", async (_, write) => {
    const nested = path.join(dir, "a", "b", "state.json");
    for (let n = 0; n < 5; n++) await write(nested, `version ${n}\n`);
    expect(readFileSync(nested, "utf8")).toBe("version 4\n");
    expect(readdirSync(path.dirname(nested))).toEqual(["state.json"]);
  });

  it.each([
    ["async", writeAtomic],
    ["sync", writeAtomicSync],
  ] as const)(
    "(%s) applies the mode exactly, whatever the umask, and keeps it on the next write",
    async (_, write) => {
      const umask = process.umask(0o077);
      try {
        await write(file, "secret", { mode: 0o644 });
        expect(mode(file)).toBe(0o644);
        await write(file, "secret", { mode: 0o600 });
        expect(mode(file)).toBe(0o600);
        await write(file, "still secret");
        expect(mode(file)).toBe(0o600);
      } finally {
        process.umask(umask);
      }
    },
  );

  it("(async) that fails leaves the old file as it was, and no temporary file", async () => {
    await writeAtomic(file, "old");
    vi.spyOn(fs, "fsync").mockImplementation(((_fd: number, callback: (error: Error) => void) =>
      callback(eio())) as never);
    await expect(writeAtomic(file, "new")).rejects.toMatchObject({ code: "EIO" });
    expect(readFileSync(file, "utf8")).toBe("old");
    expect(readdirSync(dir)).toEqual(["state.json"]);
  });

  it("(sync) that fails leaves the old file as it was, and no temporary file", () => {
    writeAtomicSync(file, "old");
    vi.spyOn(fs, "fsyncSync").mockImplementation(() => {
      throw eio();
    });
    expect(() => writeAtomicSync(file, "new")).toThrow(/EIO/);
    expect(readFileSync(file, "utf8")).toBe("old");
    expect(readdirSync(dir)).toEqual(["state.json"]);
  });

  it("applies concurrent writes of this process in call order", async () => {
    await Promise.all(Array.from({ length: 20 }, (_, n) => writeAtomic(file, String(n))));
    expect(readFileSync(file, "utf8")).toBe("19");
  });
});

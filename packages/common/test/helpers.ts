/** A fresh folder per test, and the fixture process of these tests. */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { afterEach, beforeEach } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../../..");
/** Started from an esbuild bundle, as `npm run quickstart` is (0.1 s instead of tsx's 0.7 s of CPU). */
const LAUNCH = path.join(ROOT, "scripts/launch.mjs");
const FIXTURE = path.relative(ROOT, path.join(import.meta.dirname, "fixtures/lock-holder.ts"));

export type Child = ChildProcessByStdio<null, Readable, Readable>;

/** Starts `lock-holder.ts <args>`; `ready` resolves on its first line of output. */
export function startFixture(args: string[]): { child: Child; ready: Promise<void>; exited: Promise<Exit> } {
  const child = spawn(process.execPath, [LAUNCH, FIXTURE, ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<Exit>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, stderr })),
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.once("data", () => resolve());
    exited.then((exit) =>
      reject(new Error(`the fixture exited before it was ready: ${JSON.stringify(exit)}`)),
    );
  });
  ready.catch(() => {}); // a fixture that prints nothing (count) is only awaited through `exited`
  return { child, ready, exited };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** A new empty folder for each test, handed to `use` before the test and removed after it. */
export function freshFolderPerTest(prefix: string, use: (dir: string) => void): void {
  let dir = "";
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), prefix));
    use(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
}

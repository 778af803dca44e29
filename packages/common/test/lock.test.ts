import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { LOCK_STALE_MS, LockError, lockFile, readLockHolder, withFileLock } from "../src/index.js";
import { freshFolderPerTest, startFixture } from "./helpers.js";

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition(); ) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let dir: string;
let file: string;
freshFolderPerTest("acs-lock-", (d) => {
  dir = d;
  file = path.join(dir, "state.json");
});

/** A lock left as a process would leave it: the folder, and its note naming `pid` on `host`. */
function leaveLock(pid: number, host: string, ageMs = 0): void {
  mkdirSync(`${file}.lock`);
  writeFileSync(`${file}.lock.owner`, JSON.stringify({ pid, host, since: new Date().toISOString() }));
  const when = new Date(Date.now() - ageMs);
  utimesSync(`${file}.lock`, when, when);
}

describe("a file lock", () => {
  it("lets one process at a time in: two processes counting under it lose no update", async () => {
    const runs = [startFixture([file, "count", "40"]), startFixture([file, "count", "40"])];
    const exits = await Promise.all(runs.map((run) => run.exited));
    expect(exits).toEqual([
      { code: 0, signal: null, stderr: "" },
      { code: 0, signal: null, stderr: "" },
    ]);
    expect(readFileSync(file, "utf8")).toBe("80");
    expect(readdirSync(dir)).toEqual(["state.json"]);
  });

  it("names its holder in an owner note while held, and leaves nothing behind once released", async () => {
    const lock = await lockFile(file);
    expect(lock.path).toBe(`${file}.lock`);
    expect(readLockHolder(file)).toEqual({ pid: process.pid, host: hostname(), since: expect.any(String) });
    await lock.release();
    await lock.release(); // twice is harmless
    expect(readLockHolder(file)).toBeUndefined();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("fails at once, naming the live holder by pid, when not asked to wait", async () => {
    const held = await lockFile(file);
    const started = Date.now();
    const error = await lockFile(file).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(LockError);
    expect(error).toMatchObject({
      code: "ELOCKED",
      file,
      lockPath: `${file}.lock`,
      holder: { pid: process.pid },
    });
    expect((error as Error).message).toMatch(/in use by process \d+/);
    await held.release();
  });

  it("waits for the holder to let go, then takes it", async () => {
    const held = await lockFile(file);
    let taken = false;
    const waiting = lockFile(file, { waitMs: 5_000 }).then((lock) => {
      taken = true;
      return lock;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(taken).toBe(false);
    await held.release();
    const lock = await waiting;
    expect(readLockHolder(file)?.pid).toBe(process.pid);
    await lock.release();
  });

  it("gives up after waitMs when the holder keeps it", async () => {
    const held = await lockFile(file);
    const started = Date.now();
    await expect(lockFile(file, { waitMs: 300 })).rejects.toBeInstanceOf(LockError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    await held.release();
  });

  it("withFileLock: tasks of one process take turns in call order, and waiting behind each other uses none of waitMs", async () => {
    const order: number[] = [];
    const tasks = Array.from({ length: 6 }, (_, n) =>
      withFileLock(
        file,
        async () => {
          order.push(n);
          await new Promise((resolve) => setTimeout(resolve, 40));
        },
        { waitMs: 30 },
      ),
    );
    await Promise.all(tasks);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("withFileLock releases the lock when the task fails", async () => {
    await expect(withFileLock(file, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it("names a live holder in another process by its pid", async () => {
    const holder = startFixture([file, "hold"]);
    try {
      await holder.ready;
      const error = await lockFile(file).catch((e: unknown) => e);
      expect(error).toMatchObject({ holder: { pid: holder.child.pid, host: hostname() } });
      expect((error as Error).message).toContain(`in use by process ${holder.child.pid}.`);
    } finally {
      holder.child.kill("SIGKILL");
      await holder.exited;
    }
  });

  it("takes over at once the lock of a process killed outright (SIGKILL: no clean-up ran)", async () => {
    const holder = startFixture([file, "hold"]);
    await holder.ready;
    holder.child.kill("SIGKILL");
    await holder.exited;
    expect(existsSync(`${file}.lock`)).toBe(true); // left behind, with a fresh heartbeat
    const started = Date.now();
    const lock = await lockFile(file);
    expect(Date.now() - started).toBeLessThan(LOCK_STALE_MS / 2);
    expect(readLockHolder(file)?.pid).toBe(process.pid);
    await lock.release();
  });

  it.skipIf(process.platform !== "linux")(
    "takes over at once the lock of a killed process its parent has not reaped yet (a zombie)",
    async () => {
      // The holder's parent, `sleep`, never waits for its children: killed, the holder stays a zombie.
      const fixture = path.join(import.meta.dirname, "fixtures/lock-holder.ts");
      const parent = spawn(
        "sh",
        ["-c", `"${process.execPath}" --import tsx "${fixture}" "${file}" hold & exec sleep 60`],
        {
          cwd: path.resolve(import.meta.dirname, "../../.."),
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      try {
        await new Promise((resolve) => parent.stdout.once("data", resolve));
        const holder = readLockHolder(file)?.pid as number;
        process.kill(holder, "SIGKILL");
        await waitFor(() => readFileSync(`/proc/${holder}/stat`, "utf8").includes(") Z "));
        const started = Date.now();
        const lock = await lockFile(file);
        expect(Date.now() - started).toBeLessThan(LOCK_STALE_MS / 2);
        expect(readLockHolder(file)?.pid).toBe(process.pid);
        await lock.release();
      } finally {
        parent.kill("SIGKILL");
      }
    },
  );

  it("is given back when its process exits without releasing it (process.exit)", async () => {
    const holder = startFixture([file, "exit"]);
    await holder.ready;
    expect(await holder.exited).toMatchObject({ code: 0 });
    expect(readdirSync(dir)).toEqual([]);
  });

  it("is given back when its process dies of a signal it does not handle, which still kills it", async () => {
    const holder = startFixture([file, "hold"]);
    await holder.ready;
    holder.child.kill("SIGTERM");
    expect(await holder.exited).toMatchObject({ signal: "SIGTERM" });
    expect(readdirSync(dir)).toEqual([]);
  });

  it("takes over a lock whose heartbeat stopped, even if its holder may live (another host)", async () => {
    leaveLock(process.pid, "another-host", LOCK_STALE_MS + 5_000);
    const lock = await lockFile(file);
    expect(readLockHolder(file)).toMatchObject({ pid: process.pid, host: hostname() });
    await lock.release();
  });

  it("leaves a fresh lock of another host alone: a pid there says nothing here", async () => {
    leaveLock(999_999, "another-host");
    const error = await lockFile(file).catch((e: unknown) => e);
    expect((error as Error).message).toContain("in use by process 999999 on another-host.");
  });

  it("takes over a stale lock left as a plain file by an earlier version", async () => {
    writeFileSync(`${file}.lock`, "12345");
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${file}.lock`, old, old);
    await withFileLock(file, async () => {});
    expect(readdirSync(dir)).toEqual([]);
  });

  it("reports a lock lost while held (its folder removed), never crashes, and leaves the new holder's lock alone", async () => {
    const lost = new Promise<Error>((resolve) => {
      void lockFile(file, { staleMs: 2_000, onCompromised: resolve }).then((lock) => {
        rmSync(`${file}.lock`, { recursive: true });
        rmSync(`${file}.lock.owner`);
        first = lock;
      });
    });
    let first: Awaited<ReturnType<typeof lockFile>> | undefined;
    const error = await lost;
    expect(error).toMatchObject({ code: "ECOMPROMISED" });
    expect(first?.compromised).toBe(error);
    const second = await lockFile(file);
    await first?.release();
    expect(readLockHolder(file)?.pid).toBe(process.pid);
    expect(existsSync(second.path)).toBe(true);
    await second.release();
  });

  it("release() never removes a lock another process took meanwhile, even before the loss is noticed", async () => {
    const first = await lockFile(file);
    rmSync(`${file}.lock`, { recursive: true });
    rmSync(`${file}.lock.owner`);
    const other = startFixture([file, "hold"]);
    try {
      await other.ready;
      await first.release();
      expect(existsSync(`${file}.lock`)).toBe(true);
      expect(readLockHolder(file)?.pid).toBe(other.child.pid);
    } finally {
      other.child.kill("SIGKILL");
      await other.exited;
    }
  });

  it("by default, a lost lock becomes a process warning, not an uncaught exception", async () => {
    const warned = new Promise<string>((resolve) => {
      vi.spyOn(process, "emitWarning").mockImplementation(((message: string) => resolve(message)) as never);
    });
    const lock = await lockFile(file, { staleMs: 2_000 });
    rmSync(`${file}.lock`, { recursive: true });
    expect(await warned).toMatch(/A file lock was lost while held/);
    expect(lock.compromised).toBeDefined();
    await lock.release();
  });

  it("an onCompromised that throws does not crash the process", async () => {
    const thrown = new Promise<void>((resolve) => {
      void lockFile(file, {
        staleMs: 2_000,
        onCompromised: () => {
          resolve();
          throw new Error("from the callback");
        },
      }).then(() => rmSync(`${file}.lock`, { recursive: true }));
    });
    await thrown;
    await new Promise((resolve) => setTimeout(resolve, 50)); // an uncaught exception would fail the run here
  });
});

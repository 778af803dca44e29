import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { lockFile } from "@acs-quickstart/common";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IdentityStore, StateError } from "../src/identity-store.js";
import { repoRoot, stateDir } from "../src/index.js";

const AZURE = "https://myacs.communication.azure.com/";
const EMULATOR = "https://127.0.0.1:8443/";
const id = (n: number) =>
  `8:acs:2dee53b4-368b-45b4-ab52-8493fb117652_00000005-0000-0000-0000-${String(n).padStart(12, "0")}`;

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "core-store-"));
  file = path.join(dir, "state", "identities.json"); // the folder does not exist yet
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function expectStateError(promise: Promise<unknown>, problem: RegExp): Promise<StateError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StateError);
  const stateError = error as StateError;
  expect(stateError.file).toBe(file);
  expect(stateError.message).toContain(file);
  expect(stateError.message).toMatch(problem);
  expect(stateError.message).toMatch(/Fix: /);
  return stateError;
}

describe("IdentityStore", () => {
  it("starts empty, creates its folder on demand, and writes a file a person can read", async () => {
    const store = new IdentityStore(file);
    expect(await store.list()).toEqual([]);
    const added = await store.add({
      id: id(1),
      endpoint: AZURE,
      createdBy: "create-identity",
      createdAt: "2026-11-25T00:40:51.000Z",
    });
    expect(added).toEqual({
      id: id(1),
      endpoint: AZURE,
      createdAt: "2026-11-25T00:40:51.000Z",
      createdBy: "create-identity",
    });
    const text = await readFile(file, "utf8");
    expect(JSON.parse(text)).toEqual({ version: 1, identities: [added] });
    expect(text).toContain('\n  "identities": [\n'); // indented, one field a line
  });

  it("keys identities by endpoint: latest() never returns another resource's identity", async () => {
    const store = new IdentityStore(file);
    await store.add({ id: id(1), endpoint: AZURE, createdAt: "2026-11-25T00:00:00Z" });
    await store.add({ id: id(2), endpoint: EMULATOR, createdAt: "2026-11-25T02:00:00Z" });
    await store.add({
      id: id(3),
      endpoint: "https://MyAcs.communication.azure.com",
      createdAt: "2026-11-25T01:00:00Z",
    });
    expect((await store.latest(AZURE))?.id).toBe(id(3));
    expect((await store.latest(EMULATOR))?.id).toBe(id(2));
    expect(await store.latest("https://other.communication.azure.com/")).toBeUndefined();
    expect((await store.list(AZURE)).map((i) => i.id)).toEqual([id(1), id(3)]);
    expect(await store.list()).toHaveLength(3);
  });

  it("remembers an app user's identity by user and resource; latest() never picks it as the shared one", async () => {
    const store = new IdentityStore(file);
    await store.add({ id: id(1), endpoint: EMULATOR, createdAt: "2026-11-25T00:00:00Z" });
    await store.add({ id: id(2), endpoint: EMULATOR, appUser: "alice", createdAt: "2026-11-25T01:00:00Z" });
    await store.add({ id: id(3), endpoint: AZURE, appUser: "alice", createdAt: "2026-11-25T02:00:00Z" });
    expect((await store.forAppUser(EMULATOR, "alice"))?.id).toBe(id(2));
    expect((await store.forAppUser(AZURE, "alice"))?.id).toBe(id(3));
    expect(await store.forAppUser(EMULATOR, "bob")).toBeUndefined();
    expect((await store.latest(EMULATOR))?.id).toBe(id(1));
    expect(await store.latest(AZURE)).toBeUndefined();
    await store.markPendingCleanup([id(2)]);
    expect(await store.forAppUser(EMULATOR, "alice")).toBeUndefined();
    expect(JSON.parse(await readFile(file, "utf8")).identities[1]).toMatchObject({ appUser: "alice" });
  });

  it("adds an identity once, and removes it by id", async () => {
    const store = new IdentityStore(file);
    await store.add({ id: id(1), endpoint: AZURE });
    await store.add({ id: id(1), endpoint: AZURE });
    expect(await store.list()).toHaveLength(1);
    expect(await store.remove(id(1))).toBe(true);
    expect(await store.remove(id(1))).toBe(false);
    expect(await store.list()).toEqual([]);
  });

  it("remembers chat threads with the identity that made them, per resource; a file without threads has no threads key", async () => {
    const store = new IdentityStore(file);
    await store.add({ id: id(1), endpoint: AZURE, createdBy: "use-token", appUser: "alice" });
    const thread = await store.addThread({
      id: "19:acsV1_one@thread.v2",
      endpoint: "https://MYACS.communication.azure.com",
      creator: id(1),
      appUser: "alice",
      createdBy: "use-token",
      createdAt: "2026-11-25T00:41:02.000Z",
    });
    expect(thread).toEqual({
      id: "19:acsV1_one@thread.v2",
      endpoint: AZURE,
      createdAt: "2026-11-25T00:41:02.000Z",
      createdBy: "use-token",
      creator: id(1),
      appUser: "alice",
    });
    await store.addThread({ id: "19:acsV1_one@thread.v2", endpoint: AZURE, creator: id(2) }); // once
    await store.addThread({ id: "19:acsV1_two@thread.v2", endpoint: EMULATOR, creator: id(3) });
    const again = new IdentityStore(file);
    expect(await again.threads(AZURE)).toEqual([thread]);
    expect((await again.threads()).map((t) => t.id)).toEqual([
      "19:acsV1_one@thread.v2",
      "19:acsV1_two@thread.v2",
    ]);
    expect(await again.list()).toHaveLength(1); // threads are not identities

    await again.markThreadsPendingCleanup(["19:acsV1_two@thread.v2"]);
    expect(await store.threads(EMULATOR)).toEqual([expect.objectContaining({ pendingCleanup: true })]);
    expect(await store.removeThread("19:acsV1_one@thread.v2")).toBe(true);
    expect(await store.removeThread("19:acsV1_one@thread.v2")).toBe(false);
    expect(await store.removeThread("19:acsV1_two@thread.v2")).toBe(true);
    expect(JSON.parse(await readFile(file, "utf8"))).not.toHaveProperty("threads");
  });

  it("writes atomically: no temporary or lock file is left behind", async () => {
    const store = new IdentityStore(file);
    for (let n = 0; n < 5; n++) await store.add({ id: id(n), endpoint: AZURE });
    await store.remove(id(0));
    expect((await readdir(path.dirname(file))).sort()).toEqual([".gitignore", "identities.json"]); // .gitignore: git never commits it
  });

  it("keeps both terminals' identities when two stores add at the same time", async () => {
    const first = new IdentityStore(file);
    const second = new IdentityStore(file);
    await Promise.all(
      Array.from({ length: 20 }, (_, n) => (n % 2 ? first : second).add({ id: id(n), endpoint: AZURE })),
    );
    expect((await first.list()).map((i) => i.id).sort()).toEqual(
      Array.from({ length: 20 }, (_, n) => id(n)).sort(),
    );
    expect((await readdir(path.dirname(file))).sort()).toEqual([".gitignore", "identities.json"]); // .gitignore: git never commits it
  });

  it("applies a removal to the file as it is now, not as this instance last saw it", async () => {
    const first = new IdentityStore(file);
    const second = new IdentityStore(file);
    await first.add({ id: id(1), endpoint: AZURE });
    await second.add({ id: id(2), endpoint: AZURE });
    await first.remove(id(1));
    expect((await second.list()).map((i) => i.id)).toEqual([id(2)]);
  });

  it("keeps fields a person added by hand", async () => {
    await new IdentityStore(file).add({ id: id(1), endpoint: AZURE });
    const data = JSON.parse(await readFile(file, "utf8"));
    data.identities[0].note = "mine";
    data.comment = "hello";
    await writeFile(file, JSON.stringify(data));
    await new IdentityStore(file).add({ id: id(2), endpoint: AZURE });
    const after = JSON.parse(await readFile(file, "utf8"));
    expect(after.comment).toBe("hello");
    expect(after.identities[0].note).toBe("mine");
  });

  it("treats an empty file as an empty store", async () => {
    await new IdentityStore(file).add({ id: id(1), endpoint: AZURE });
    await writeFile(file, "\n");
    expect(await new IdentityStore(file).list()).toEqual([]);
  });

  it("removes a lock left over by a crashed run", async () => {
    await new IdentityStore(file).add({ id: id(1), endpoint: AZURE });
    const lock = `${file}.lock`;
    await writeFile(lock, "12345");
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    await new IdentityStore(file).add({ id: id(2), endpoint: AZURE });
    expect(existsSync(lock)).toBe(false);
  });

  it("waits 5 s for a run that holds the file, then names the holder, the lock and what to do", async () => {
    const held = await lockFile(file); // another run, in the middle of its change
    try {
      const started = Date.now();
      const error = await expectStateError(
        new IdentityStore(file).add({ id: id(1), endpoint: AZURE }),
        new RegExp(
          `is locked by another run \\(process ${process.pid}, .*identities\\.json\\.lock exists\\)`,
        ),
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(5_000);
      expect(error.fix).toBe(`Wait for the other run to finish; if none is running, delete ${file}.lock.`);
    } finally {
      await held.release();
    }
    expect(await new IdentityStore(file).list()).toEqual([]);
  });
});

describe("a damaged identities.json", () => {
  it.each([
    ["not JSON", "{ not json", /is not valid JSON/],
    ["JSON of another shape", "[1, 2]", /is not of the form/],
    ["another version", JSON.stringify({ version: 2, identities: [] }), /has version 2/],
    [
      "an entry without endpoint",
      JSON.stringify({
        version: 1,
        identities: [
          { id: id(1), endpoint: AZURE, createdAt: "2026-11-25T00:00:00Z" },
          { id: id(2), createdAt: "2026-11-25T00:00:00Z" },
        ],
      }),
      /identities\[1\] without a valid "endpoint"/,
    ],
    [
      "threads that are not a list",
      JSON.stringify({ version: 1, identities: [], threads: { id: "19:x" } }),
      /"threads" that is not a list/,
    ],
    [
      "a thread without the identity that made it",
      JSON.stringify({
        version: 1,
        identities: [],
        threads: [{ id: "19:acsV1_x@thread.v2", endpoint: AZURE, createdAt: "2026-11-25T00:00:00Z" }],
      }),
      /threads\[0\] without a "creator"/,
    ],
    [
      "an entry with a bad date",
      JSON.stringify({ version: 1, identities: [{ id: id(1), endpoint: AZURE, createdAt: "yesterday" }] }),
      /identities\[0\] without a valid "createdAt"/,
    ],
  ])("%s → StateError naming the file, and the file is left untouched", async (_, content, problem) => {
    const { mkdir } = await import("node:fs/promises");
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
    const store = new IdentityStore(file);
    await expectStateError(store.list(), problem);
    await expectStateError(store.add({ id: id(9), endpoint: AZURE }), problem);
    await expectStateError(store.remove(id(1)), problem);
    expect(await readFile(file, "utf8")).toBe(content);
  });

  it("repair() moves it aside, keeping its content, so a new store can start", async () => {
    const { mkdir } = await import("node:fs/promises");
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, "{ not json");
    const store = new IdentityStore(file);
    const aside = await store.repair();
    expect(aside).toMatch(/identities\.json\.corrupt-\d{4}-\d\d-\d\dT/);
    expect(await readFile(aside as string, "utf8")).toBe("{ not json");
    expect(await store.list()).toEqual([]);
    await store.add({ id: id(1), endpoint: AZURE });
    expect(await store.repair()).toBeUndefined(); // a healthy file is left alone
    expect(await store.list()).toHaveLength(1);
  });
});

describe("stateDir", () => {
  it("is ACS_QUICKSTART_STATE_DIR when set, else <repo root>/.quickstart", () => {
    expect(stateDir({ ACS_QUICKSTART_STATE_DIR: "/tmp/acs-state" })).toBe("/tmp/acs-state");
    expect(stateDir({ ACS_QUICKSTART_STATE_DIR: "" })).toBe(path.join(repoRoot(), ".quickstart"));
    // Relative to the repository, not to the folder npm runs a sample's `npm start` in.
    expect(stateDir({ ACS_QUICKSTART_STATE_DIR: ".quickstart-2" })).toBe(
      path.join(repoRoot(), ".quickstart-2"),
    );
    expect(new IdentityStore().file).toBe(path.join(stateDir(), "identities.json"));
  });
});

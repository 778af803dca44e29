/**
 * The identities the steps share, following the tutorial step by step (`npm start` in each sample is
 * `--step <id> --keep-for-next-step`): which identity a step uses, when one is made, kept, replaced or
 * forgotten. The runner in-process, in sequence.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { STEPS } from "../src/index.js";
import { wasShared } from "../src/session.js";
import {
  emulatorIdentities,
  freshDir,
  NO_STACK,
  runInProcess,
  seededDir,
  storedIdentities,
  summary,
} from "./helpers/in-process.js";

describe("following the tutorial step by step", () => {
  it("runs the steps one at a time, as `npm start` in each sample does, sharing step 1's identity", async () => {
    const env = { ACS_QUICKSTART_STATE_DIR: await seededDir() };
    const step = (id: string) => runInProcess(["--step", id, "--keep-for-next-step", "--json"], { env });
    const first = await step("create-identity");
    expect(first.code, first.stderr).toBe(0);
    const [made] = emulatorIdentities(env.ACS_QUICKSTART_STATE_DIR);
    expect(made).toMatch(/^8:acs:/);
    expect(summary(first)).toMatchObject({ ok: true, leftoverIdentities: 1 });
    // Step 3 makes an identity of its own: it is not the shared one, so that run deletes it.
    const third = await step("create-identity-and-token");
    expect(summary(third)).toMatchObject({ ok: true, leftoverIdentities: 0 });
    expect(emulatorIdentities(env.ACS_QUICKSTART_STATE_DIR)).toEqual([made]);
    const revoke = await step("revoke-access-tokens");
    expect(revoke.stderr).toContain(`Using the identity stored by an earlier step: ${made}`);
    expect(revoke.stderr).toMatch(/before the revocation: invalid \(revoked\)/);
    const last = await step("delete-identity");
    expect(last.code, last.stderr).toBe(0);
    expect(last.stderr).toContain(`Deleted the identity with ID: ${made}`);
    expect(summary(last)).toMatchObject({ ok: true, leftoverIdentities: 0 });
    expect(emulatorIdentities(env.ACS_QUICKSTART_STATE_DIR)).toEqual([]);
  });

  it("a step that needs an identity makes one when none is stored, and says so", async () => {
    const env = { ACS_QUICKSTART_STATE_DIR: await seededDir() };
    const run = await runInProcess(["--step", "issue-access-token", "--keep-for-next-step"], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      "No identity is stored for this resource yet, so this step creates one first",
    );
    expect(emulatorIdentities(env.ACS_QUICKSTART_STATE_DIR)).toHaveLength(1);
  });

  it("running step 1 again replaces the stored identity: the earlier one is deleted, not forgotten", async () => {
    const dir = freshDir();
    const step1 = () =>
      runInProcess(["--json", "--step", "create-identity", "--keep-for-next-step"], {
        env: { ACS_QUICKSTART_STATE_DIR: dir },
      });
    const first = await step1();
    const [earlier] = emulatorIdentities(dir);
    const second = await step1();
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain(`deleted ${earlier}`);
    const [now] = emulatorIdentities(dir);
    expect(now).not.toBe(earlier);
    expect(storedIdentities(dir)).toEqual([expect.objectContaining({ id: now })]);
    expect(summary(first)).toMatchObject({ ok: true, leftoverIdentities: 1 });
    const last = await runInProcess(["--json", "--step", "delete-identity", "--keep-for-next-step"], {
      env: { ACS_QUICKSTART_STATE_DIR: dir },
    });
    expect(summary(last)).toMatchObject({ ok: true, leftoverIdentities: 0 });
    expect(emulatorIdentities(dir)).toEqual([]);
  });

  it("a hand-edited identities.json: an unknown id fails the step with a diagnosis (exit 1) and is forgotten; extra fields are kept", async () => {
    const dir = freshDir();
    const first = await runInProcess(["--json", "--step", "create-identity", "--keep"], {
      env: { ACS_QUICKSTART_STATE_DIR: dir },
    });
    expect(first.code).toBe(0);
    const store = JSON.parse(readFileSync(join(dir, "identities.json"), "utf8"));
    const [kept] = store.identities;
    const resource = kept.id.split("_")[0];
    kept.note = "added by hand";
    const unknown = `${resource}_00000030-0000-0000-0000-000000000000`;
    store.identities.push({ ...kept, id: unknown, createdAt: "2099-01-01T00:00:00.000Z", note: undefined });
    writeFileSync(join(dir, "identities.json"), JSON.stringify(store));
    const run = await runInProcess(["--json", "--step", "issue-access-token"], {
      env: { ACS_QUICKSTART_STATE_DIR: dir },
    });
    expect(run.code).toBe(1);
    expect(run.events.find((e) => e.event === "step-end")).toMatchObject({
      ok: false,
      error: { code: "identity-not-found" },
    });
    expect(run.stderr).not.toMatch(NO_STACK);
    // The resource does not have the unknown id: it is forgotten, so the next run does not fail the same way.
    expect(run.stderr).toContain(`Removed ${unknown} from`);
    const after = JSON.parse(readFileSync(join(dir, "identities.json"), "utf8")).identities;
    expect(after).toEqual([expect.objectContaining({ id: kept.id, note: "added by hand" })]);
    expect(emulatorIdentities(dir)).toEqual([kept.id]); // the kept one stays kept
  });
});

describe("wasShared", () => {
  it("an identity made by a step that makes its own is not the shared one; any other is", () => {
    for (const step of STEPS) expect(wasShared(step.id), step.id).toBe(step.sharedIdentity !== "none");
    expect(wasShared(undefined)).toBe(true);
    expect(wasShared("written-by-hand")).toBe(true);
  });
});

describe("what a run leaves, and by whom", () => {
  it("after `npm start` in step 1, a full run names the identity step 1 kept; --clean-up deletes it", async () => {
    const dir = await seededDir();
    const env = { ACS_QUICKSTART_STATE_DIR: dir };
    const first = await runInProcess(["--json", "--step", STEPS[0].id, "--keep-for-next-step"], { env });
    const [kept] = emulatorIdentities(dir);
    expect(summary(first)).toMatchObject({
      leftoverIdentities: 1,
      identities: { leftByThisRun: [], keptForNextStep: [kept], leftByEarlierRuns: [] },
    });
    expect(first.stderr).toContain(`Kept for the next step: ${kept}`);

    const full = await runInProcess(["--json"], { env });
    expect(full.code, full.stderr).toBe(0);
    expect(summary(full)).toMatchObject({
      ok: true,
      leftoverIdentities: 0,
      identities: { leftByThisRun: [], keptForNextStep: [], leftByEarlierRuns: [kept] },
    });
    expect(full.stderr).toContain(`Left by earlier runs, still in ${dir}/identities.json: ${kept}.`);
    expect(full.stderr).toContain("npm run quickstart -- --clean-up");
    expect(emulatorIdentities(dir)).toEqual([kept]);

    const clean = await runInProcess(["--json", "--clean-up"], { env });
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.events.filter((e) => e.event === "step-start")).toEqual([]);
    expect(clean.events).toContainEqual({ v: 1, event: "identity-deleted", identity: kept, by: "clean-up" });
    expect(summary(clean)).toMatchObject({ ok: true, identities: { leftByEarlierRuns: [] } });
    expect(emulatorIdentities(dir)).toEqual([]);
    expect(storedIdentities(dir)).toEqual([]);
  });

  it("--keep: the run names what it kept, by id", async () => {
    const run = await runInProcess(["--json", "--keep", "--to", STEPS[2].id]);
    const made = run.events.filter((e) => e.event === "identity-created").map((e) => e.identity);
    expect(made).toHaveLength(2);
    expect(summary(run)).toMatchObject({ leftoverIdentities: 2, identities: { leftByThisRun: made } });
    expect(run.stderr).toContain(`Left by this run (--keep): ${made.join(", ")}.`);
  });

  it("events say which identities a run made and deleted, and which tokens it issued, masked", async () => {
    const run = await runInProcess(["--json"]);
    const created = run.events.filter((e) => e.event === "identity-created");
    const deleted = run.events.filter((e) => e.event === "identity-deleted").map((e) => e.identity);
    expect(created.map((e) => e.identity).sort()).toEqual([...deleted].sort());
    expect(created.filter((e) => e.shared).map((e) => e.step)).toEqual([STEPS[0].id]);
    const tokens = run.events.filter((e) => e.event === "token-issued");
    expect(tokens.length).toBeGreaterThanOrEqual(4);
    for (const t of tokens) {
      expect(t.token).toMatch(/^eyJ[\w-]{9}… \(\d+ characters\)$/);
      expect(t.scopes).toEqual(["voip"]);
      expect(Date.parse(t.expiresOn as string)).toBeGreaterThan(Date.now());
    }
    const shown = await runInProcess(["--json", "--show-secrets", "--step", STEPS[2].id]);
    const [whole] = shown.events.filter((e) => e.event === "token-issued");
    expect(whole?.token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  });
});

/**
 * Clean-up: what a run made, it deletes, whatever happened; what it cannot delete stays marked in the
 * identity store, and the next run deletes it. Which stored identities an earlier run left.
 */
import { join } from "node:path";
import { IdentityStore } from "@acs-quickstart/core";
import { describe, expect, it } from "vitest";
import { earlierToDelete } from "../src/cleanup.js";
import { STEPS } from "../src/index.js";
import {
  emulatorIdentities,
  freshDir,
  runInProcess,
  storedIdentities,
  summary,
} from "./helpers/in-process.js";

describe("clean-up through the runner", () => {
  it("when clean-up itself keeps failing, the identity is kept and marked, and the next run deletes it", async () => {
    const first = await runInProcess(["--json", "--step", "create-identity"], {
      env: {
        ACS_EMULATOR_FAULTS: JSON.stringify([{ operation: "deleteIdentity", status: 500, times: 100 }]),
      },
    });
    // The step worked, but an identity is left behind: the run fails, so CI and scripts notice.
    expect(first.code).toBe(1);
    expect(summary(first)).toMatchObject({ ok: false, leftoverIdentities: 1 });
    expect(first.stderr).toContain("marked so that the next run (without --keep) deletes it");
    const [left] = emulatorIdentities(first.stateDir);
    expect(storedIdentities(first.stateDir)).toEqual([
      expect.objectContaining({ id: left, pendingCleanup: true }),
    ]);
    // A later step run alone does not pick the marked identity as "the stored identity".
    const next = await runInProcess(["--json", "--step", "issue-access-token"], {
      env: { ACS_QUICKSTART_STATE_DIR: first.stateDir },
    });
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain("No identity is stored for this resource yet");
    expect(next.stderr).toContain("1 identity an earlier run left behind");
    expect(summary(next)).toMatchObject({ leftoverIdentities: 0 });
    expect(emulatorIdentities(first.stateDir)).toEqual([]);
    expect(storedIdentities(first.stateDir)).toEqual([]);
  });
});

describe("earlierToDelete", () => {
  const endpoint = "https://acs-emulator.localhost/";
  const creator = STEPS.find((s) => s.sharedIdentity === "creates")?.id;
  const ownMaker = STEPS.find((s) => s.sharedIdentity === "none")?.id;

  async function storeWith(
    entries: Array<{ id: string; createdBy?: string; pendingCleanup?: boolean; endpoint?: string }>,
  ) {
    const store = new IdentityStore(join(freshDir(), "identities.json"));
    for (const entry of entries) await store.add({ endpoint, ...entry });
    const pending = entries.filter((e) => e.pendingCleanup).map((e) => e.id);
    if (pending.length > 0) await store.markPendingCleanup(pending);
    return store;
  }

  it("what an earlier clean-up could not delete, of this resource only, unless this run made it", async () => {
    const store = await storeWith([
      { id: "a", createdBy: creator, pendingCleanup: true },
      { id: "b", createdBy: creator },
      {
        id: "c",
        createdBy: creator,
        pendingCleanup: true,
        endpoint: "https://other.communication.azure.com/",
      },
      { id: "d", createdBy: creator, pendingCleanup: true },
    ]);
    const left = await earlierToDelete(
      store,
      endpoint,
      new Map([["d", { communicationUserId: "d" }]]),
      undefined,
    );
    expect(left.map((i) => i.id)).toEqual(["a"]);
  });

  it("when a new shared identity is kept for the next step, the shared one it replaces; not one a step made for itself", async () => {
    const store = await storeWith([
      { id: "old-shared", createdBy: creator },
      { id: "own", createdBy: ownMaker },
      { id: "by-hand" },
      { id: "new-shared", createdBy: creator },
    ]);
    const kept = { communicationUserId: "new-shared" };
    const left = await earlierToDelete(store, endpoint, new Map([["new-shared", kept]]), kept);
    expect(left.map((i) => i.id).sort()).toEqual(["by-hand", "old-shared"]);
    expect(await earlierToDelete(store, endpoint, new Map(), undefined)).toEqual([]);
  });
});

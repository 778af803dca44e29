/**
 * Clean-up: what a run made, it deletes, whatever happened (a failed step, a signal). An identity that
 * cannot be deleted stays in the identity store, marked, and the next run's clean-up deletes it.
 */
import {
  type Config,
  type CreateIdentityClientOptions,
  createIdentityClient,
  diagnose,
  formatDiagnosis,
  type IdentityStore,
  type StoredIdentity,
} from "@acs-quickstart/core";
import type { CommunicationUserIdentifier } from "@azure/communication-common";
import { fromRoot } from "./modes.js";
import { plural, type Reporter } from "./reporters/index.js";
import { wasShared } from "./session.js";

/**
 * The identities an earlier run left for clean-up in `endpoint`: those it could not delete, and — when this
 * run keeps a new shared identity for the next step — the shared one it replaces (following the tutorial
 * step by step, one identity is stored per resource; the later steps could no longer reach the old one).
 */
export async function leftByEarlierRuns(
  store: IdentityStore,
  endpoint: string,
  madeHere: ReadonlyMap<string, CommunicationUserIdentifier>,
  keptForNextStep: CommunicationUserIdentifier | undefined,
): Promise<StoredIdentity[]> {
  const list = await store.list(endpoint).catch(() => [] as StoredIdentity[]);
  const pending = list.filter((i) => i.pendingCleanup && !madeHere.has(i.id));
  const replaced = keptForNextStep
    ? list.filter(
        (i) => i.id !== keptForNextStep.communicationUserId && !i.pendingCleanup && wasShared(i.createdBy),
      )
    : [];
  return [...pending, ...replaced];
}

/**
 * Deletes the identities this run made (`created`, emptied as they go) and those an earlier run left
 * (`earlier`). Returns how many could not be deleted.
 */
export async function cleanUp(options: {
  reporter: Reporter;
  store: IdentityStore;
  config: Config;
  clientOptions: CreateIdentityClientOptions;
  created: Map<string, CommunicationUserIdentifier>;
  earlier: readonly StoredIdentity[];
}): Promise<number> {
  const { reporter, store, created, earlier } = options;
  if (created.size === 0 && earlier.length === 0) return 0;
  // A fresh client, without the run's abort signal: clean-up goes on after Ctrl-C.
  const cleaner = await createIdentityClient(options.config, options.clientOptions);
  const what = [
    ...(created.size > 0 ? [`${plural(created.size, "identity")} this run made`] : []),
    ...(earlier.length > 0 ? [`${plural(earlier.length, "identity")} an earlier run left behind`] : []),
  ].join(" and ");
  reporter.note(`\nClean-up: deleting ${what}…`);
  const failed: string[] = [];
  for (const id of [...created.keys(), ...earlier.map((i) => i.id)]) {
    try {
      await cleaner.deleteUser({ communicationUserId: id });
      reporter.note(`  deleted ${id}`);
    } catch (error) {
      const diagnosis = diagnose(error);
      if (diagnosis.code !== "identity-not-found") {
        reporter.note(`  could not delete ${id}:\n${formatDiagnosis(diagnosis)}`);
        failed.push(id);
        continue;
      }
      reporter.note(`  ${id} was already deleted`);
    }
    created.delete(id);
    await store.remove(id).catch((error: unknown) => {
      reporter.note(
        `  (deleted, but ${fromRoot(store.file)} could not be updated: ${(error as Error).message})`,
      );
    });
  }
  if (failed.length > 0) {
    await store.markPendingCleanup(failed).catch(() => {});
    const n = failed.length;
    reporter.note(
      `  ${plural(n, "identity")} could not be deleted; ${n === 1 ? "it stays" : "they stay"} in ` +
        `${fromRoot(store.file)}, marked so that the next run (without --keep) deletes ${n === 1 ? "it" : "them"}.`,
    );
  }
  return failed.length;
}

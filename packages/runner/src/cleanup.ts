/**
 * Clean-up: what a run made, it deletes, whatever happened (a failed step, a signal). An identity that
 * cannot be deleted stays in the identity store, marked, and the next run's clean-up deletes it.
 */
import {
  type Config,
  type CreateIdentityClientOptions,
  clientPipelineOptions,
  createIdentityClient,
  type DiagnoseContext,
  diagnose,
  formatDiagnosis,
  type IdentityStore,
  type StoredIdentity,
} from "@acs-quickstart/core";
import { ChatClient } from "@azure/communication-chat";
import {
  AzureCommunicationTokenCredential,
  type CommunicationUserIdentifier,
} from "@azure/communication-common";
import type { RunOptions } from "./cli.js";
import { fromRoot, type Mode } from "./modes.js";
import { type IdentitiesLeft, plural, type Reporter } from "./reporters/index.js";
import { type Session, wasShared } from "./session.js";
import type { RunSignals } from "./signals.js";
import type { TutorialStep } from "./step.js";
import { STEPS } from "./steps.js";

/**
 * The identities earlier runs left in `endpoint` that this run's clean-up deletes: with `all` (`--clean-up`)
 * every stored one; otherwise those an earlier clean-up could not delete, and — when this run keeps a new
 * shared identity for the next step — the shared one it replaces (following the tutorial step by step, one
 * identity is stored per resource; the later steps could no longer reach the old one).
 */
export async function earlierToDelete(
  store: IdentityStore,
  endpoint: string,
  madeHere: ReadonlyMap<string, CommunicationUserIdentifier>,
  keptForNextStep: CommunicationUserIdentifier | undefined,
  all = false,
): Promise<StoredIdentity[]> {
  const list = await store.list(endpoint).catch(() => [] as StoredIdentity[]);
  if (all) return list.filter((i) => !madeHere.has(i.id));
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
 * (`earlier`). Returns the ids it could not delete.
 */
export async function cleanUp(options: {
  reporter: Reporter;
  store: IdentityStore;
  config: Config;
  clientOptions: CreateIdentityClientOptions;
  created: Map<string, CommunicationUserIdentifier>;
  earlier: readonly StoredIdentity[];
  diagnoseContext: DiagnoseContext;
}): Promise<string[]> {
  const { reporter, store, created, earlier } = options;
  if (created.size === 0 && earlier.length === 0) return [];
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
      reporter.identityDeleted(id);
    } catch (error) {
      const diagnosis = diagnose(error, options.diagnoseContext);
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
  return failed;
}

/**
 * Deletes the chat threads this run made (`threads`, emptied as they go), each as the identity that made it,
 * with a new `chat` token: the step's own credentials may be revoked or disposed by now. Returns how many
 * could not be deleted.
 */
export async function deleteThreads(options: {
  reporter: Reporter;
  config: Config;
  clientOptions: CreateIdentityClientOptions;
  threads: Map<string, CommunicationUserIdentifier>;
  diagnoseContext: DiagnoseContext;
}): Promise<number> {
  const { reporter, threads } = options;
  if (threads.size === 0) return 0;
  reporter.note(`\nClean-up: deleting ${plural(threads.size, "chat thread")} this run made…`);
  const identities = await createIdentityClient(options.config, options.clientOptions);
  const chatOptions = clientPipelineOptions(options.clientOptions, options.config);
  for (const [threadId, creator] of [...threads]) {
    try {
      const { token } = await identities.getToken(creator, ["chat"]);
      const chat = new ChatClient(
        options.config.endpoint,
        new AzureCommunicationTokenCredential(token),
        chatOptions,
      );
      await chat.deleteChatThread(threadId);
      threads.delete(threadId);
      reporter.note(`  deleted ${threadId}`);
    } catch (error) {
      reporter.note(
        `  could not delete ${threadId}:\n${formatDiagnosis(diagnose(error, options.diagnoseContext))}`,
      );
    }
  }
  return threads.size;
}

export interface Finished {
  /** Identities this run leaves in the resource (kept on purpose, or not deletable). */
  leftover: number;
  /** Chat threads (part two) this run leaves in the resource (kept with --keep, or not deletable). */
  threadsLeft: number;
  /** Of those identities and threads, the ones clean-up could not delete. */
  notDeleted: number;
  /** Whether they were kept on purpose (--keep, --keep-for-next-step). */
  keptOnPurpose: boolean;
  identities: IdentitiesLeft;
  /** The step that deletes the shared identity, when it is kept for the next step. */
  deletingStep?: { number: number; id: string };
}

/**
 * The end of every run, whatever happened: delete what the run made (and what an earlier run left for
 * clean-up; with --clean-up, all it left), except what --keep or --keep-for-next-step keeps; further signals
 * meanwhile are answered, not obeyed. Then what is left, and by whom.
 */
export async function finishIdentities(run: {
  options: RunOptions;
  session: Session;
  store: IdentityStore;
  mode: Mode;
  reporter: Reporter;
  signals: RunSignals;
  clientOptions: CreateIdentityClientOptions;
  requestTimeoutMs: number;
  diagnoseContext: DiagnoseContext;
}): Promise<Finished> {
  const { options, session, store, reporter } = run;
  const keptForNextStep = options.keepForNextStep ? session.sharedMadeHere() : undefined;
  if (keptForNextStep) session.created.delete(keptForNextStep.communicationUserId);
  let notDeleted: string[] = [];
  let threadsLeft = session.threads.size;
  if (!options.keep && session.threads.size > 0) {
    // Threads first: deleting one takes a token of the identity that made it.
    threadsLeft = await run.signals.shielded(
      (signal) => reporter.note(`\n${signal}: still deleting the chat threads this run made; please wait.`),
      () =>
        deleteThreads({
          reporter,
          config: run.mode.config,
          clientOptions: run.clientOptions,
          threads: session.threads,
          diagnoseContext: run.diagnoseContext,
        }),
    );
  }
  if (!options.keep) {
    const earlier = await earlierToDelete(
      store,
      session.endpoint,
      session.created,
      keptForNextStep,
      options.cleanUp,
    );
    notDeleted = await run.signals.shielded(
      (signal) =>
        reporter.note(
          `\n${signal}: still deleting the identities this run made (each request gives up after ` +
            `${run.requestTimeoutMs / 1000} s); please wait. Any it cannot delete stay in ${fromRoot(store.file)}.`,
        ),
      () =>
        cleanUp({
          reporter,
          store,
          config: run.mode.config,
          clientOptions: run.clientOptions,
          created: session.created,
          earlier,
          diagnoseContext: run.diagnoseContext,
        }),
    );
  }
  // What this run made and still exists: all it made with --keep; what clean-up could not delete otherwise.
  const leftByThisRun = options.keep
    ? [...session.created.keys()]
    : notDeleted.filter((id) => session.made(id));
  const kept = keptForNextStep ? [keptForNextStep.communicationUserId] : [];
  const stored = await store.list(session.endpoint).catch(() => [] as StoredIdentity[]);
  const leftByEarlierRuns = stored
    .map((i) => i.id)
    .filter((id) => !leftByThisRun.includes(id) && !kept.includes(id) && !session.made(id));
  const deleter = (STEPS as readonly TutorialStep[]).findIndex((s) =>
    s.operations.includes("deleteIdentity"),
  );
  return {
    leftover: leftByThisRun.length + kept.length,
    threadsLeft,
    notDeleted: notDeleted.length + (options.keep ? 0 : threadsLeft),
    keptOnPurpose: options.keep || keptForNextStep !== undefined,
    identities: { leftByThisRun, keptForNextStep: kept, leftByEarlierRuns },
    ...(keptForNextStep && deleter >= 0
      ? { deletingStep: { number: deleter + 1, id: STEPS[deleter]?.id as string } }
      : {}),
  };
}

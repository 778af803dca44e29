/**
 * Clean-up: what a run made, it deletes, whatever happened (a failed step, a signal). An identity or a chat
 * thread that cannot be deleted stays in the identity store, marked, and the next run's clean-up deletes it.
 * Chat threads go first: only a participant can delete a thread, so the identity that made one is kept as long
 * as its thread is there.
 */

import { fromRoot } from "@acs-quickstart/common";
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
  type StoredThread,
} from "@acs-quickstart/core";
import { ChatClient } from "@azure/communication-chat";
import {
  AzureCommunicationTokenCredential,
  type CommunicationUserIdentifier,
} from "@azure/communication-common";
import type { RunOptions } from "./cli.js";
import type { Mode } from "./modes.js";
import {
  type IdentitiesLeft,
  plural,
  type Reporter,
  type ThreadLeft,
  type ThreadsLeft,
} from "./reporters/index.js";
import { type RunThread, type Session, wasShared } from "./session.js";
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
 * The chat threads earlier runs left in `endpoint` that this run's clean-up deletes: with `all` (`--clean-up`)
 * every stored one; otherwise those an earlier clean-up could not delete.
 */
export async function earlierThreadsToDelete(
  store: IdentityStore,
  endpoint: string,
  madeHere: ReadonlyMap<string, unknown>,
  all = false,
): Promise<StoredThread[]> {
  const list = await store.threads(endpoint).catch(() => [] as StoredThread[]);
  return list.filter((t) => !madeHere.has(t.id) && (all || t.pendingCleanup));
}

/** What became of the chat threads clean-up tried to delete. */
export interface ThreadsCleanedUp {
  /** Still there: the next run tries again, and the identities that made them are kept until then. */
  failed: ThreadLeft[];
  /** Cannot be deleted any more (the identity that made it no longer exists): reported, and forgotten. */
  undeletable: ThreadLeft[];
}

const threadLeft = (thread: string, identity: string, appUser?: string): ThreadLeft => ({
  thread,
  identity,
  ...(appUser !== undefined ? { appUser } : {}),
});

/** The identity behind a token request is gone: nobody of ours can take part in its threads any more. */
const GONE = new Set(["identity-not-found", "identity-not-owned"]);

/**
 * Deletes the chat threads this run made (`threads`, emptied as they go) and those an earlier run left
 * (`earlier`), each as the identity that made it, with a new `chat` token: the step's own credentials may be
 * revoked or disposed by now. A thread already gone (404) is forgotten; one whose creator no longer exists is
 * reported and forgotten (only a participant can delete a thread); one that fails otherwise stays in the
 * identity store, marked for the next run.
 */
export async function deleteThreads(options: {
  reporter: Reporter;
  store: IdentityStore;
  config: Config;
  clientOptions: CreateIdentityClientOptions;
  threads: Map<string, RunThread>;
  earlier: readonly StoredThread[];
  diagnoseContext: DiagnoseContext;
}): Promise<ThreadsCleanedUp> {
  const { reporter, store, threads, earlier } = options;
  const outcome: ThreadsCleanedUp = { failed: [], undeletable: [] };
  if (threads.size === 0 && earlier.length === 0) return outcome;
  const what = [
    ...(threads.size > 0 ? [`${plural(threads.size, "chat thread")} this run made`] : []),
    ...(earlier.length > 0 ? [`${plural(earlier.length, "chat thread")} an earlier run left behind`] : []),
  ].join(" and ");
  reporter.note(`\nClean-up: deleting ${what}…`);
  const identities = await createIdentityClient(options.config, options.clientOptions);
  const chatOptions = clientPipelineOptions(options.clientOptions, options.config);
  const all = [
    ...[...threads].map(([id, t]) => threadLeft(id, t.creator.communicationUserId, t.appUser)),
    ...earlier.map((t) => threadLeft(t.id, t.creator, t.appUser)),
  ];
  for (const left of all) {
    const forget = async () => {
      threads.delete(left.thread);
      await store.removeThread(left.thread).catch((error: unknown) => {
        reporter.note(`  (${fromRoot(store.file)} could not be updated: ${(error as Error).message})`);
      });
    };
    let token: string;
    try {
      ({ token } = await identities.getToken({ communicationUserId: left.identity }, ["chat"]));
    } catch (error) {
      const diagnosis = diagnose(error, options.diagnoseContext);
      if (GONE.has(diagnosis.code)) {
        reporter.note(
          `  ${left.thread} cannot be deleted any more: the identity that made it (${left.identity}) no longer ` +
            `exists, and only a participant can delete a thread. It is removed from ${fromRoot(store.file)}.`,
        );
        outcome.undeletable.push(left);
        await forget();
      } else {
        reporter.note(`  could not delete ${left.thread}:\n${formatDiagnosis(diagnosis)}`);
        outcome.failed.push(left);
      }
      continue;
    }
    try {
      const chat = new ChatClient(
        options.config.endpoint,
        new AzureCommunicationTokenCredential(token),
        chatOptions,
      );
      await chat.deleteChatThread(left.thread);
      reporter.threadDeleted(left.thread);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) {
        reporter.note(
          `  could not delete ${left.thread}:\n${formatDiagnosis(diagnose(error, options.diagnoseContext))}`,
        );
        outcome.failed.push(left);
        continue;
      }
      reporter.note(`  ${left.thread} was already deleted`);
    }
    await forget();
  }
  if (outcome.failed.length > 0) {
    await store.markThreadsPendingCleanup(outcome.failed.map((t) => t.thread)).catch(() => {});
    const n = outcome.failed.length;
    reporter.note(
      `  ${plural(n, "chat thread")} could not be deleted; ${n === 1 ? "it stays" : "they stay"} in ` +
        `${fromRoot(store.file)}, marked so that the next run (without --keep) deletes ${n === 1 ? "it" : "them"}. ` +
        `The identity that made ${n === 1 ? "it" : "them"} is kept until then: without it, nobody could.`,
    );
  }
  return outcome;
}

/**
 * Deletes the identities this run made (`created`, emptied as they go) and those an earlier run left
 * (`earlier`), except those in `spare` (they made a chat thread that is still there: without them nobody could
 * delete it), which stay in the identity store, marked for the next run. Returns the ids it did not delete.
 */
export async function cleanUp(options: {
  reporter: Reporter;
  store: IdentityStore;
  config: Config;
  clientOptions: CreateIdentityClientOptions;
  created: Map<string, CommunicationUserIdentifier>;
  earlier: readonly StoredIdentity[];
  spare?: ReadonlySet<string>;
  diagnoseContext: DiagnoseContext;
}): Promise<string[]> {
  const { reporter, store, created } = options;
  const spare = options.spare ?? new Set<string>();
  const spared = [...created.keys(), ...options.earlier.map((i) => i.id)].filter((id) => spare.has(id));
  const madeHere = [...created.keys()].filter((id) => !spare.has(id));
  const earlier = options.earlier.map((i) => i.id).filter((id) => !spare.has(id));
  const failed: string[] = [...spared];
  if (spared.length > 0) {
    await store.markPendingCleanup(spared).catch(() => {});
    reporter.note(
      `\nClean-up: keeping ${spared.join(", ")}: ${spared.length === 1 ? "it" : "they"} made a chat thread ` +
        "that could not be deleted. The next run (without --keep) deletes the thread first, then the identity.",
    );
  }
  if (madeHere.length === 0 && earlier.length === 0) return failed;
  // A fresh client, without the run's abort signal: clean-up goes on after Ctrl-C.
  const cleaner = await createIdentityClient(options.config, options.clientOptions);
  const what = [
    ...(madeHere.length > 0 ? [`${plural(madeHere.length, "identity")} this run made`] : []),
    ...(earlier.length > 0 ? [`${plural(earlier.length, "identity")} an earlier run left behind`] : []),
  ].join(" and ");
  reporter.note(`\nClean-up: deleting ${what}…`);
  const notDeleted: string[] = [];
  for (const id of [...madeHere, ...earlier]) {
    try {
      await cleaner.deleteUser({ communicationUserId: id });
      reporter.identityDeleted(id);
    } catch (error) {
      const diagnosis = diagnose(error, options.diagnoseContext);
      if (diagnosis.code !== "identity-not-found") {
        reporter.note(`  could not delete ${id}:\n${formatDiagnosis(diagnosis)}`);
        notDeleted.push(id);
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
  if (notDeleted.length > 0) {
    await store.markPendingCleanup(notDeleted).catch(() => {});
    const n = notDeleted.length;
    reporter.note(
      `  ${plural(n, "identity")} could not be deleted; ${n === 1 ? "it stays" : "they stay"} in ` +
        `${fromRoot(store.file)}, marked so that the next run (without --keep) deletes ${n === 1 ? "it" : "them"}.`,
    );
  }
  return [...failed, ...notDeleted];
}

export interface Finished {
  /** Identities this run leaves in the resource (kept on purpose, or not deletable). */
  leftover: number;
  /** Chat threads (part two) this run leaves in the resource (kept with --keep, or not deletable). */
  threadsLeft: number;
  /** Of those identities and threads, and of those an earlier run left for this clean-up, the ones not deleted. */
  notDeleted: number;
  /** Whether they were kept on purpose (--keep, --keep-for-next-step). */
  keptOnPurpose: boolean;
  identities: IdentitiesLeft;
  threads: ThreadsLeft;
  /** The step that deletes the shared identity, when it is kept for the next step. */
  deletingStep?: { number: number; id: string };
}

/**
 * The end of every run, whatever happened: delete what the run made (and what an earlier run left for
 * clean-up; with --clean-up, all it left), chat threads first, except what --keep or --keep-for-next-step
 * keeps; further signals meanwhile are answered, not obeyed. Then what is left, and by whom.
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
  let threads: ThreadsCleanedUp = { failed: [], undeletable: [] };
  if (!options.keep) {
    // Threads first: deleting one takes a token of the identity that made it.
    const earlierThreads = await earlierThreadsToDelete(
      store,
      session.endpoint,
      session.threads,
      options.cleanUp,
    );
    threads = await run.signals.shielded(
      (signal) => reporter.note(`\n${signal}: still deleting the chat threads; please wait.`),
      () =>
        deleteThreads({
          reporter,
          store,
          config: run.mode.config,
          clientOptions: run.clientOptions,
          threads: session.threads,
          earlier: earlierThreads,
          diagnoseContext: run.diagnoseContext,
        }),
    );
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
          spare: new Set(threads.failed.map((t) => t.identity)),
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
  const storedThreads = await store.threads(session.endpoint).catch(() => [] as StoredThread[]);
  const threadsLeftByThisRun = [...session.threads].map(([id, t]) =>
    threadLeft(id, t.creator.communicationUserId, t.appUser),
  );
  const deleter = (STEPS as readonly TutorialStep[]).findIndex((s) =>
    s.operations.includes("deleteIdentity"),
  );
  return {
    leftover: leftByThisRun.length + kept.length,
    threadsLeft: threadsLeftByThisRun.length,
    notDeleted: notDeleted.length + threads.failed.length + threads.undeletable.length,
    keptOnPurpose: options.keep || keptForNextStep !== undefined,
    identities: { leftByThisRun, keptForNextStep: kept, leftByEarlierRuns },
    threads: {
      leftByThisRun: threadsLeftByThisRun,
      leftByEarlierRuns: storedThreads
        .filter((t) => !session.madeThread(t.id))
        .map((t) => threadLeft(t.id, t.creator, t.appUser)),
      undeletable: threads.undeletable,
    },
    ...(keptForNextStep && deleter >= 0
      ? { deletingStep: { number: deleter + 1, id: STEPS[deleter]?.id as string } }
      : {}),
  };
}

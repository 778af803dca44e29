/**
 * Clean-up: what a run made, it deletes, whatever happened (a failed step, a signal). An identity that
 * cannot be deleted stays in the identity store, marked, and the next run's clean-up deletes it.
 */
import {
  type Config,
  type CreateIdentityClientOptions,
  clientPipelineOptions,
  createIdentityClient,
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
import { plural, type Reporter } from "./reporters/index.js";
import { type Session, wasShared } from "./session.js";
import type { RunSignals } from "./signals.js";
import type { TutorialStep } from "./step.js";
import { STEPS } from "./steps.js";

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
}): Promise<number> {
  const { reporter, threads } = options;
  if (threads.size === 0) return 0;
  reporter.note(`\nClean-up: deleting ${plural(threads.size, "chat thread")} this run made…`);
  const identities = await createIdentityClient(options.config, options.clientOptions);
  const chatOptions = clientPipelineOptions(options.clientOptions);
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
      reporter.note(`  could not delete ${threadId}:\n${formatDiagnosis(diagnose(error))}`);
    }
  }
  return threads.size;
}

export interface IdentitiesLeft {
  /** Identities this run leaves in the resource (kept on purpose, or not deletable). */
  leftover: number;
  /** Chat threads this run leaves in the resource (kept on purpose, or not deletable). */
  threadsLeft: number;
  /** Of those, the ones clean-up could not delete. */
  notDeleted: number;
  /** Whether they were kept on purpose (--keep, --keep-for-next-step). */
  keptOnPurpose: boolean;
}

/**
 * The end of every run, whatever happened: delete what the run made (and what an earlier run left), except
 * what --keep or --keep-for-next-step keeps; further signals meanwhile are answered, not obeyed.
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
}): Promise<IdentitiesLeft> {
  const { options, session, store, reporter } = run;
  const keptForNextStep = options.keepForNextStep ? session.sharedMadeHere() : undefined;
  if (keptForNextStep) session.created.delete(keptForNextStep.communicationUserId);
  let leftover = session.created.size;
  let notDeleted = 0;
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
        }),
    );
    notDeleted += threadsLeft;
  } else if (session.threads.size > 0) {
    reporter.note(`\n--keep: kept ${plural(session.threads.size, "chat thread")}.`);
  }
  if (!options.keep) {
    const earlier = await leftByEarlierRuns(store, session.endpoint, session.created, keptForNextStep);
    const identitiesNotDeleted = await run.signals.shielded(
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
        }),
    );
    leftover = identitiesNotDeleted;
    notDeleted += identitiesNotDeleted;
  } else if (session.created.size > 0) {
    reporter.note(
      `\n--keep: kept ${plural(session.created.size, "identity")} in ${fromRoot(store.file)} for the next steps.`,
    );
  }
  if (keptForNextStep) {
    leftover += 1;
    const deleter = (STEPS as readonly TutorialStep[]).findIndex((s) =>
      s.operations.includes("deleteIdentity"),
    );
    reporter.note(
      `\nKept ${keptForNextStep.communicationUserId} in ${fromRoot(store.file)}: the next step uses it ` +
        `(step ${deleter + 1}, ${STEPS[deleter]?.id}, deletes it).`,
    );
  }
  return { leftover, threadsLeft, notDeleted, keptOnPurpose: options.keep || keptForNextStep !== undefined };
}

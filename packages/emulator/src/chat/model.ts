/**
 * The model of one resource's chat: threads, participants and messages. No HTTP here: the chat routes
 * (./routes.ts) parse requests and render what this returns. Kept in memory only (see README, Chat).
 *
 * Facts follow acs-chat-api.md: thread ids `19:acsV1_<43 base64url>1@thread.v2`; message ids are the arrival
 * time in epoch milliseconds, strictly increasing per thread; `sequenceId` counts every message of a thread
 * from 1, system messages included; creating a thread writes `participantAdded` then `topicUpdated`; the
 * creator is a participant of the threads they create. Who may do what is checked here, in the order of §7:
 * thread exists (404) → caller is a participant (403) → scope allows it (403) → the input (400).
 */
import { randomBytes } from "node:crypto";
import { fail } from "../catalogue.js";
import { chatErrors } from "./errors.js";

/** The chat scopes of an access token (`acsScope`), strongest first. */
export const CHAT_SCOPES = ["chat", "chat.join", "chat.join.limited"] as const;
export type ChatScope = (typeof CHAT_SCOPES)[number];

/** Who calls: an identity's raw id (`8:acs:<resource>_<user>`) and the chat scopes of its token. */
export interface Caller {
  id: string;
  scopes: ReadonlySet<string>;
}

export interface Participant {
  /** The raw id, `8:acs:…`. */
  id: string;
  displayName?: string;
  /** Epoch ms; 0 (1970-01-01T00:00:00Z) unless given. */
  shareHistoryTime: number;
  metadata?: Record<string, string>;
}

export type MessageContent =
  | { kind: "user"; message: string }
  | { kind: "participantAdded"; participants: Participant[]; initiator: string }
  | { kind: "topicUpdated"; topic: string; initiator: string };

export interface Message {
  /** Epoch ms of arrival, as a decimal string; also the `version` of an unedited message. */
  id: string;
  sequenceId: number;
  type: "text" | "html" | "participantAdded" | "topicUpdated";
  createdOn: number;
  content: MessageContent;
  /** User messages only. */
  sender?: string;
  senderDisplayName?: string;
  metadata?: Record<string, string>;
}

export type RetentionPolicy =
  | { kind: "none" }
  | { kind: "threadCreationDate"; deleteThreadAfterDays: number };

export interface Thread {
  id: string;
  topic: string;
  createdOn: number;
  createdBy: string;
  metadata?: Record<string, string>;
  retentionPolicy: RetentionPolicy;
  /** In the order they were added. */
  participants: Map<string, Participant>;
  /** Oldest first. */
  messages: Message[];
  lastMessageReceivedOn: number;
}

/** Why a participant could not be added (`invalidParticipants` of create and add). */
export interface InvalidParticipant {
  code: string;
  message: string;
  target: string;
}

/** Whether an identity can take part: `undefined` when it can, else why not (code and message as the service). */
export type IdentityCheck = (id: string) => Omit<InvalidParticipant, "target"> | undefined;

export interface NewThread {
  topic: string;
  participants: Participant[];
  metadata?: Record<string, string>;
  retentionPolicy?: RetentionPolicy;
}

export interface NewMessage {
  content: string;
  type: "text" | "html";
  senderDisplayName?: string;
  metadata?: Record<string, string>;
}

/** Documented: at most 250 participants in a thread. */
export const MAX_PARTICIPANTS = 250;
/** Documented: a message of at most about 28 KB. */
export const MAX_MESSAGE_BYTES = 28 * 1024;
/** The emulator's own bounds on memory (a long-running standalone emulator stays small). */
export const MAX_THREADS = 10_000;
export const MAX_MESSAGES_PER_THREAD = 10_000;
const MAX_REPEATABILITY_IDS = 10_000;

export interface ChatModelOptions {
  now: () => number;
  /** Whether an identity may be added to a thread (this resource's, and not deleted). */
  checkIdentity: IdentityCheck;
}

export class ChatModel {
  private readonly threads = new Map<string, Thread>();
  /** `<creator> <repeatability-request-id>` → the thread it made (kept after deletion, as the service does). */
  private readonly repeats = new Map<string, { thread: Thread; invalid: InvalidParticipant[] }>();
  private readonly now: () => number;
  private readonly checkIdentity: IdentityCheck;

  constructor(options: ChatModelOptions) {
    // Whole milliseconds: message ids are epoch ms (the emulator's clock may have sub-millisecond digits).
    this.now = () => Math.floor(options.now());
    this.checkIdentity = options.checkIdentity;
  }

  /**
   * Creates a thread (`chat` scope). The creator is added when not listed. A second call with the same
   * repeatability-request-id from the same caller returns the first call's thread, whatever its body.
   */
  createThread(
    caller: Caller,
    input: NewThread,
    repeatabilityRequestId: string | undefined,
  ): { thread: Thread; invalid: InvalidParticipant[] } {
    requireScope(caller, ["chat"], "create a thread");
    const key = repeatabilityRequestId ? `${caller.id} ${repeatabilityRequestId}` : undefined;
    const repeated = key ? this.repeats.get(key) : undefined;
    if (repeated) return repeated;
    if (this.threads.size >= MAX_THREADS) fail(chatErrors.emulatorLimit(`${MAX_THREADS} threads`));
    const { valid, invalid } = this.admissible(input.participants);
    const creator = valid.find((p) => p.id === caller.id) ?? { id: caller.id, shareHistoryTime: 0 };
    const members = [creator, ...valid.filter((p) => p.id !== caller.id)];
    if (members.length > MAX_PARTICIPANTS) {
      fail(chatErrors.badRequest(`A thread has at most ${MAX_PARTICIPANTS} participants.`));
    }
    const now = this.now();
    const thread: Thread = {
      id: `19:acsV1_${randomBytes(32).toString("base64url")}1@thread.v2`,
      topic: input.topic,
      createdOn: now,
      createdBy: caller.id,
      ...(input.metadata ? { metadata: input.metadata } : {}),
      retentionPolicy: input.retentionPolicy ?? { kind: "none" },
      participants: new Map(members.map((p) => [p.id, p])),
      messages: [],
      lastMessageReceivedOn: now,
    };
    this.append(thread, {
      type: "participantAdded",
      content: { kind: "participantAdded", participants: members, initiator: caller.id },
    });
    this.append(thread, {
      type: "topicUpdated",
      content: { kind: "topicUpdated", topic: input.topic, initiator: caller.id },
    });
    this.threads.set(thread.id, thread);
    const result = { thread, invalid };
    if (key) this.remember(key, result);
    return result;
  }

  /** A thread the caller takes part in (any chat scope). */
  getThread(caller: Caller, threadId: string): Thread {
    return this.participating(caller, threadId);
  }

  /** Deletes a thread (`chat` scope, participants only); later calls about it answer 404. */
  deleteThread(caller: Caller, threadId: string): void {
    this.participating(caller, threadId);
    requireScope(caller, ["chat"], "delete a thread");
    this.threads.delete(threadId);
  }

  /** The threads the caller takes part in, the latest message first; `startTime` keeps those with a message at or after it. */
  listThreads(caller: Caller, startTime: number | undefined): Thread[] {
    return [...this.threads.values()]
      .filter((t) => t.participants.has(caller.id))
      .filter((t) => startTime === undefined || t.lastMessageReceivedOn >= startTime)
      .sort((a, b) => b.lastMessageReceivedOn - a.lastMessageReceivedOn);
  }

  /** Sends a message (any chat scope, participants only). */
  sendMessage(caller: Caller, threadId: string, input: NewMessage): Message {
    const thread = this.participating(caller, threadId);
    if (Buffer.byteLength(input.content) > MAX_MESSAGE_BYTES) {
      fail(chatErrors.badRequest(`The message is larger than ${MAX_MESSAGE_BYTES} bytes.`));
    }
    if (thread.messages.length >= MAX_MESSAGES_PER_THREAD) {
      fail(chatErrors.emulatorLimit(`${MAX_MESSAGES_PER_THREAD} messages in a thread`));
    }
    return this.append(thread, {
      type: input.type,
      content: { kind: "user", message: input.content },
      sender: caller.id,
      ...(input.senderDisplayName !== undefined ? { senderDisplayName: input.senderDisplayName } : {}),
      ...(input.metadata ? { metadata: input.metadata } : {}),
    });
  }

  /** A thread's messages, newest first (system messages included); `startTime` keeps those at or after it. */
  listMessages(caller: Caller, threadId: string, startTime: number | undefined): Message[] {
    const thread = this.participating(caller, threadId);
    return thread.messages.filter((m) => startTime === undefined || m.createdOn >= startTime).reverse();
  }

  /** A thread's participants, in the order they were added. */
  listParticipants(caller: Caller, threadId: string): Participant[] {
    return [...this.participating(caller, threadId).participants.values()];
  }

  /**
   * Adds participants (`chat` or `chat.join`). Those already in the thread are left as they are; those that
   * cannot take part come back as `invalidParticipants`. New ones are announced by a `participantAdded`
   * message whose initiator is the caller.
   */
  addParticipants(caller: Caller, threadId: string, participants: Participant[]): InvalidParticipant[] {
    const thread = this.participating(caller, threadId);
    requireScope(caller, ["chat", "chat.join"], "add participants");
    const { valid, invalid } = this.admissible(participants);
    const added = valid.filter((p) => !thread.participants.has(p.id));
    if (thread.participants.size + added.length > MAX_PARTICIPANTS) {
      fail(chatErrors.badRequest(`A thread has at most ${MAX_PARTICIPANTS} participants.`));
    }
    if (added.length > 0) {
      for (const p of added) thread.participants.set(p.id, p);
      this.append(thread, {
        type: "participantAdded",
        content: { kind: "participantAdded", participants: added, initiator: caller.id },
      });
    }
    return invalid;
  }

  /** How many threads exist (for the emulator's state). */
  threadCount(): number {
    return this.threads.size;
  }

  /** Forgets every thread. */
  reset(): void {
    this.threads.clear();
    this.repeats.clear();
  }

  private participating(caller: Caller, threadId: string): Thread {
    const thread = this.threads.get(threadId);
    if (!thread) fail(chatErrors.threadNotFound());
    if (!thread.participants.has(caller.id)) fail(chatErrors.notParticipant());
    return thread;
  }

  /** Splits participants into those that can take part (de-duplicated, first kept) and the others. */
  private admissible(participants: Participant[]): { valid: Participant[]; invalid: InvalidParticipant[] } {
    const valid = new Map<string, Participant>();
    const invalid: InvalidParticipant[] = [];
    for (const p of participants) {
      const problem = this.checkIdentity(p.id);
      if (problem) invalid.push({ ...problem, target: p.id });
      else if (!valid.has(p.id)) valid.set(p.id, p);
    }
    return { valid: [...valid.values()], invalid };
  }

  /** Adds a message at the end: id = arrival time in ms, strictly increasing within the thread. */
  private append(thread: Thread, message: Omit<Message, "id" | "sequenceId" | "createdOn">): Message {
    const last = thread.messages.at(-1);
    const now = this.now();
    const time = last ? Math.max(now, Number(last.id) + 1) : now;
    const full: Message = {
      ...message,
      id: String(time),
      sequenceId: (last?.sequenceId ?? 0) + 1,
      createdOn: time,
    };
    thread.messages.push(full);
    thread.lastMessageReceivedOn = time;
    return full;
  }

  private remember(key: string, result: { thread: Thread; invalid: InvalidParticipant[] }): void {
    if (this.repeats.size >= MAX_REPEATABILITY_IDS) {
      const oldest = this.repeats.keys().next().value;
      if (oldest !== undefined) this.repeats.delete(oldest);
    }
    this.repeats.set(key, result);
  }
}

/** The caller's token must carry one of `allowed`; else 403 naming its strongest chat scope. */
function requireScope(caller: Caller, allowed: readonly ChatScope[], operation: string): void {
  if (allowed.some((scope) => caller.scopes.has(scope))) return;
  const held = CHAT_SCOPES.find((scope) => caller.scopes.has(scope)) ?? "none";
  fail(chatErrors.scopeTooWeak(held, operation));
}

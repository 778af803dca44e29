/**
 * The Chat contract, run unchanged against both transports (in-process msw and standalone HTTPS): every
 * operation and every error the tutorial's part two meets, through the real @azure/communication-chat 1.6.0
 * and AzureCommunicationTokenCredential, with access tokens the emulator's Identity API issued.
 */
import { ChatClient, type ChatMessage, type ChatParticipant } from "@azure/communication-chat";
import {
  AzureCommunicationTokenCredential,
  type CommunicationUserIdentifier,
} from "@azure/communication-common";
import type { TokenScope } from "@azure/communication-identity";
import { beforeAll, describe, expect, it } from "vitest";
import { restError, sdkClient, type Target } from "./contract.js";

const THREAD_ID = /^19:acsV1_[A-Za-z0-9_-]{43}1@thread\.v2$/;

/** What the SDK makes of an error answer: its status, and the body it parsed (the wrapper) or none. */
async function chatError(promise: Promise<unknown>) {
  const e = await restError(promise);
  return { statusCode: e.statusCode, message: e.message, body: e.details };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

export function chatContract(target: () => Target): void {
  const identity = () => sdkClient(target());
  /** A user with a token of these scopes, and a ChatClient acting as them. */
  const user = async (scopes: TokenScope[]) => {
    const { user: id, token } = await identity().createUserAndToken(scopes);
    return { id, token, chat: chatClientFor(token) };
  };
  const chatClientFor = (token: string) => {
    const t = target();
    return new ChatClient(t.endpoint, new AzureCommunicationTokenCredential(token), {
      retryOptions: { maxRetries: 0 },
      ...(t.ca ? { tlsOptions: { ca: t.ca } } : {}),
    });
  };
  const participant = (id: CommunicationUserIdentifier, displayName?: string): ChatParticipant => ({
    id,
    ...(displayName ? { displayName } : {}),
  });

  let alice: Awaited<ReturnType<typeof user>>;
  let bob: Awaited<ReturnType<typeof user>>;
  beforeAll(async () => {
    alice = await user(["chat"]);
    bob = await user(["chat"]);
  });

  describe("create, send, list, delete", () => {
    it("createChatThread returns the thread (201); the creator is its first participant", async () => {
      const { chatThread, invalidParticipants } = await alice.chat.createChatThread(
        { topic: "Part two" },
        { participants: [participant(bob.id, "Bob")] },
      );
      expect(invalidParticipants).toBeUndefined();
      expect(chatThread?.id).toMatch(THREAD_ID);
      expect(chatThread).toMatchObject({
        topic: "Part two",
        createdBy: { kind: "communicationUser", communicationUserId: alice.id.communicationUserId },
      });
      expect(Math.abs((chatThread?.createdOn.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
      const thread = alice.chat.getChatThreadClient(chatThread?.id as string);
      const participants = await collect(thread.listParticipants());
      expect(participants.map((p) => (p.id as CommunicationUserIdentifier).communicationUserId)).toEqual([
        alice.id.communicationUserId,
        bob.id.communicationUserId,
      ]);
      expect(participants[1]?.displayName).toBe("Bob");
      expect(await thread.getProperties()).toMatchObject({ id: chatThread?.id, topic: "Part two" });
    });

    it("the same idempotencyToken (repeatability-request-id) returns the same thread", async () => {
      const idempotencyToken = crypto.randomUUID();
      const first = await alice.chat.createChatThread({ topic: "Once" }, { idempotencyToken });
      const again = await alice.chat.createChatThread({ topic: "Once" }, { idempotencyToken });
      expect(again.chatThread?.id).toBe(first.chatThread?.id);
      expect(again.chatThread?.createdOn).toEqual(first.chatThread?.createdOn);
      const other = await alice.chat.createChatThread({ topic: "Once" });
      expect(other.chatThread?.id).not.toBe(first.chatThread?.id);
    });

    it("sendMessage (201) then listMessages: newest first, the system messages of creation included", async () => {
      const { chatThread } = await alice.chat.createChatThread(
        { topic: "Messages" },
        { participants: [participant(alice.id, "Alice"), participant(bob.id)] },
      );
      const thread = alice.chat.getChatThreadClient(chatThread?.id as string);
      const sent = await thread.sendMessage({ content: "Hello" }, { senderDisplayName: "Alice" });
      expect(sent.id).toMatch(/^\d{13}$/);
      const fromBob = await bob.chat
        .getChatThreadClient(chatThread?.id as string)
        .sendMessage({ content: "Hi" });
      expect(Number(fromBob.id)).toBeGreaterThan(Number(sent.id));

      const messages = await collect(thread.listMessages());
      expect(messages.map((m) => [m.type, m.sequenceId])).toEqual([
        ["text", "4"],
        ["text", "3"],
        ["topicUpdated", "2"],
        ["participantAdded", "1"],
      ]);
      const hello = messages[1] as ChatMessage;
      expect(hello).toMatchObject({
        id: sent.id,
        version: sent.id,
        content: { message: "Hello" },
        senderDisplayName: "Alice",
        sender: { kind: "communicationUser", communicationUserId: alice.id.communicationUserId },
      });
      expect(messages[2]?.content?.topic).toBe("Messages");
      expect(messages[3]?.content?.participants?.map((p) => p.displayName)).toEqual(["Alice", undefined]);
    });

    it("listMessages by page follows the service's absolute nextLink", async () => {
      const { chatThread } = await alice.chat.createChatThread({ topic: "Pages" });
      const thread = alice.chat.getChatThreadClient(chatThread?.id as string);
      for (const content of ["one", "two", "three"]) await thread.sendMessage({ content });
      const pages = await collect(thread.listMessages({ maxPageSize: 2 }).byPage());
      expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
      expect(pages.flat().map((m) => m.sequenceId)).toEqual(["5", "4", "3", "2", "1"]);
    });

    it("listChatThreads lists the caller's threads, the latest message first", async () => {
      const carol = await user(["chat"]);
      const first = await carol.chat.createChatThread({ topic: "First" });
      const second = await carol.chat.createChatThread({ topic: "Second" });
      await carol.chat.getChatThreadClient(first.chatThread?.id as string).sendMessage({ content: "later" });
      const threads = await collect(carol.chat.listChatThreads());
      expect(threads.map((t) => t.topic)).toEqual(["First", "Second"]);
      expect(threads[0]?.id).toBe(first.chatThread?.id);
      expect(await collect(bob.chat.listChatThreads())).not.toContainEqual(
        expect.objectContaining({ id: second.chatThread?.id }),
      );
    });

    it("addParticipants (201): new ones are added and announced; unknown identities come back as invalid", async () => {
      const { chatThread } = await alice.chat.createChatThread({ topic: "Add" });
      const thread = alice.chat.getChatThreadClient(chatThread?.id as string);
      const gone = await identity().createUser();
      await identity().deleteUser(gone);
      const result = await thread.addParticipants({
        participants: [participant(bob.id, "Bob"), participant(gone)],
      });
      expect(result.invalidParticipants).toEqual([
        { code: "404", message: "Not found", target: gone.communicationUserId },
      ]);
      expect((await collect(thread.listParticipants())).length).toBe(2);
      const [latest] = await collect(thread.listMessages());
      expect(latest?.type).toBe("participantAdded");
      expect(latest?.content?.initiator).toEqual({
        kind: "communicationUser",
        communicationUserId: alice.id.communicationUserId,
      });
      expect(await thread.addParticipants({ participants: [participant(bob.id)] })).toEqual({});
    });

    it("deleteChatThread (204); the thread is then not found (404)", async () => {
      const { chatThread } = await alice.chat.createChatThread({ topic: "Gone" });
      await alice.chat.deleteChatThread(chatThread?.id as string);
      const thread = alice.chat.getChatThreadClient(chatThread?.id as string);
      expect(await chatError(thread.getProperties())).toMatchObject({
        statusCode: 404,
        body: { CommunicationError: { Code: "NotFound", Details: [] } },
      });
      expect((await chatError(thread.sendMessage({ content: "late" }))).statusCode).toBe(404);
    });
  });

  describe("who may call: the access token", () => {
    it("a token without a chat scope (voip only) is refused: 401, empty body, not retried", async () => {
      const caller = await user(["voip"]);
      const error = await chatError(caller.chat.createChatThread({ topic: "No" }));
      expect(error).toEqual({ statusCode: 401, message: "", body: undefined });
    });

    it("after revocation the cached token is refused (401) until a new token is used", async () => {
      const dave = await user(["chat"]);
      const { chatThread } = await dave.chat.createChatThread({ topic: "Revoked" });
      const thread = dave.chat.getChatThreadClient(chatThread?.id as string);
      await identity().revokeTokens(dave.id);
      expect((await chatError(collect(thread.listMessages()))).statusCode).toBe(401);
      const { token } = await identity().getToken(dave.id, ["chat"]);
      const renewed = chatClientFor(token).getChatThreadClient(chatThread?.id as string);
      expect((await collect(renewed.listMessages())).length).toBe(2);
    });

    it("the token of a deleted identity is refused (401)", async () => {
      const erin = await user(["chat"]);
      await identity().deleteUser(erin.id);
      expect((await chatError(erin.chat.createChatThread({ topic: "x" }))).statusCode).toBe(401);
    });

    it("a token that is not a JWT of this emulator is refused (401)", async () => {
      const header = Buffer.from('{"alg":"RS256","typ":"JWT"}').toString("base64url");
      const claims = Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 3600 })).toString(
        "base64url",
      );
      const forged = chatClientFor(`${header}.${claims}.c2lnbmF0dXJl`);
      expect((await chatError(forged.createChatThread({ topic: "x" }))).statusCode).toBe(401);
    });

    it("a caller who is not a participant is forbidden (403, the service's wrapper as the message)", async () => {
      const { chatThread } = await alice.chat.createChatThread({ topic: "Private" });
      const outsider = await user(["chat"]);
      const error = await chatError(
        collect(outsider.chat.getChatThreadClient(chatThread?.id as string).listMessages()),
      );
      expect(error.statusCode).toBe(403);
      expect(error.body).toEqual({
        CommunicationError: {
          Code: "Forbidden",
          Message: "The initiator doesn't have the permission to perform the requested operation.",
          Details: [],
        },
      });
      expect(JSON.parse(error.message)).toEqual(error.body);
    });

    it("chat.join may chat and add participants but not create threads; chat.join.limited may not add (403)", async () => {
      const joiner = await user(["chat.join"]);
      const guest = await user(["chat.join.limited"]);
      expect((await chatError(joiner.chat.createChatThread({ topic: "x" }))).statusCode).toBe(403);
      const { chatThread } = await alice.chat.createChatThread(
        { topic: "Guests" },
        { participants: [participant(joiner.id), participant(guest.id)] },
      );
      const id = chatThread?.id as string;
      await guest.chat.getChatThreadClient(id).sendMessage({ content: "hello from a guest" });
      expect(
        (
          await chatError(
            guest.chat.getChatThreadClient(id).addParticipants({ participants: [participant(bob.id)] }),
          )
        ).statusCode,
      ).toBe(403);
      await joiner.chat.getChatThreadClient(id).addParticipants({ participants: [participant(bob.id)] });
      expect((await chatError(joiner.chat.deleteChatThread(id))).statusCode).toBe(403);
    });
  });
}

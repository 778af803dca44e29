/**
 * What an access token can be asked for, at api-version 2023-10-01 (the default of
 * @azure/communication-identity 1.3.1). Sources: the service's REST API specification (CommunicationIdentity,
 * 2023-10-01: the scope enum and `expiresInMinutes`), the SDKs' documentation of the scopes (e.g. Java's
 * `CommunicationTokenScope`), and recorded sessions (59 minutes is answered "Value must be within the
 * [60, 1440] interval.").
 */
import type { TokenScope } from "@azure/communication-identity";

/** What a token with each scope lets its holder do, in English and Chinese (the pages' and the inspector's table). */
export const SCOPE_CAPABILITIES: Readonly<Record<TokenScope, { en: string; "zh-CN": string }>> = {
  chat: {
    en: "Full access to the Chat APIs: create, update and delete threads, add and remove participants, send and read messages.",
    "zh-CN": "完全使用聊天 API：创建、更新和删除聊天线程，添加和移除参与者，发送和读取消息。",
  },
  voip: {
    en: "Full access to the Calling APIs: start calls and join them.",
    "zh-CN": "完全使用通话 API：发起通话，也可以加入通话。",
  },
  "chat.join": {
    en: "Chat without the right to create, delete or update threads: join the threads the user was added to.",
    "zh-CN": "可以聊天，但不能创建、删除或更新聊天线程：只能在自己被加入的聊天线程中聊天。",
  },
  "chat.join.limited": {
    en: "Like chat.join, and also without the right to add or remove participants: for guests you do not fully trust.",
    "zh-CN": "与 chat.join 相同，另外也不能添加或移除参与者：适合不完全信任的访客。",
  },
  "voip.join": {
    en: "Calling without the right to start new calls: join calls only.",
    "zh-CN": "可以通话，但不能发起新的通话：只能加入通话。",
  },
};

/** The scopes an access token can carry, in the service's order. */
export const TOKEN_SCOPES: readonly TokenScope[] = Object.keys(SCOPE_CAPABILITIES) as TokenScope[];

/** The range the service accepts for a custom token lifetime, in minutes (default 1440 = 24 hours). */
export const TOKEN_LIFETIME_MINUTES = { min: 60, max: 1440, default: 1440 } as const;

/**
 * Faults for teaching, by name: what the dashboard's buttons arm. Each says what the SDK does with it
 * (`@azure/core-rest-pipeline`'s default retry policy, as the README's "Faults" describes it).
 */
import type { FaultSpec } from "./faults.js";

export interface FaultPreset {
  /** The name the dashboard and its API use. */
  id: string;
  title: { en: string; "zh-CN": string };
  /** What a learner sees when it fires. */
  description: { en: string; "zh-CN": string };
  /** The fault, without `operation` and `times` (the trainer chooses those). */
  fault: Omit<FaultSpec, "operation" | "times">;
}

export const FAULT_PRESETS: readonly FaultPreset[] = [
  {
    id: "429",
    title: { en: "429 without Retry-After", "zh-CN": "429，无 Retry-After" },
    description: {
      en: "Too Many Requests, without Retry-After: the SDK does not retry it, so the step fails with 429 TooManyRequests.",
      "zh-CN": "请求过多，且没有 Retry-After：SDK 不会重试，这一步以 429 TooManyRequests 失败。",
    },
    fault: { status: 429 },
  },
  {
    id: "429-retry-after",
    title: { en: "429 with Retry-After: 2", "zh-CN": "429，Retry-After: 2" },
    description: {
      en: "Too Many Requests, with Retry-After: 2: the SDK waits 2 seconds and retries, so the step succeeds, later.",
      "zh-CN": "请求过多，带 Retry-After: 2：SDK 等待 2 秒后重试，这一步稍后成功。",
    },
    fault: { status: 429, retryAfterSeconds: 2 },
  },
  {
    id: "503",
    title: { en: "503 Service Unavailable", "zh-CN": "503 服务不可用" },
    description: {
      en: "Service Unavailable: the SDK retries with back-off (about 1 s, then longer), up to 3 times; the step fails only if every attempt does.",
      "zh-CN":
        "服务不可用：SDK 以递增的间隔（约 1 秒，然后更长）最多重试 3 次；只有每次都失败时这一步才失败。",
    },
    fault: { status: 503 },
  },
];

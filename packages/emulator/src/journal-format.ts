/**
 * The request journal for people: one line per request in the trainer's terminal (`npm run emulator -- --log`),
 * and, for a refused request, which part of it failed and what that usually means (the dashboard shows the
 * same words). Never a token or the access key: the journal's `accessToken` is not printed.
 */
import type { RequestJournalEvent } from "./journal.js";

/** A text in English and Chinese (the tutorial's languages). */
export interface Explanation {
  en: string;
  "zh-CN": string;
}

/** Why a request was refused (401 `Denied`), by the part of the request that failed (README "Authentication failures"). */
const PARTS: Record<string, Explanation> = {
  authorization: {
    en: "The Authorization header is missing, or is not an HMAC-SHA256 signature over x-ms-date, host and x-ms-content-sha256 (or a bearer token the emulator accepts).",
    "zh-CN":
      "缺少 Authorization 请求头，或者它不是覆盖 x-ms-date、host 和 x-ms-content-sha256 的 HMAC-SHA256 签名（也不是模拟器接受的持有者令牌）。",
  },
  date: {
    en: "The request's date (x-ms-date) is missing or outside the emulator's clock window: check the clock of the computer that sent it.",
    "zh-CN": "请求的日期（x-ms-date）缺失，或者超出了模拟器允许的时间范围：请检查发送请求的电脑的时钟。",
  },
  host: {
    en: "The signature is right for another host: the client signed the address it used (a port forward or a proxy), not the one the emulator received.",
    "zh-CN": "签名对应的是另一个主机：客户端按它使用的地址签名（端口转发或代理），与模拟器收到的不一致。",
  },
  "body-hash": {
    en: "The body is not the one that was signed (x-ms-content-sha256 differs): something changed it after signing.",
    "zh-CN": "请求体不是签名时的那个（x-ms-content-sha256 不一致）：签名之后它被改动了。",
  },
  signature: {
    en: "The signature does not match: the request was signed with another access key (check the connection string), or for another path or query.",
    "zh-CN": "签名不匹配：请求是用另一个访问密钥签名的（请检查连接字符串），或者签名时的路径、查询参数不同。",
  },
};

const FAULT: Explanation = {
  en: "A fault the trainer injected (a teaching preset or ACS_EMULATOR_FAULTS): the SDK's retries decide what the learner sees.",
  "zh-CN": "讲师注入的故障（教学预设或 ACS_EMULATOR_FAULTS）：SDK 的重试决定学员看到什么。",
};

/** What the journal says of a refused or faulted request, for a person; undefined for the others. */
export function explainReason(event: RequestJournalEvent): Explanation | undefined {
  if (event.fault) return FAULT;
  if (event.part !== undefined) return PARTS[event.part];
  return undefined;
}

/**
 * One line for the trainer's terminal:
 * `10:42:01.123  192.168.1.23  POST issueAccessToken  200  12.3 ms`, and for a refused request
 * `… 401 Denied  signature (signature): the signature does not match: …`.
 */
export function formatJournalLine(event: RequestJournalEvent): string {
  // The trainer's local time, as the dashboard shows it.
  const at = new Date(event.time);
  const time = `${at.toTimeString().slice(0, 8)}.${String(at.getMilliseconds()).padStart(3, "0")}`;
  const what = `${event.method} ${event.operation ?? event.path}`;
  const status = event.status === 0 ? `dropped (${event.dropped ?? "no answer"})` : String(event.status);
  const error = event.errorCode ? ` ${event.errorCode}` : "";
  const why =
    event.reason !== undefined
      ? `  ${event.reason}${event.part && event.part !== event.reason ? ` (${event.part})` : ""}: ${explainReason(event)?.en ?? ""}`.trimEnd()
      : event.fault
        ? "  (injected fault)"
        : "";
  return `${time}  ${(event.clientAddress ?? "-").padEnd(15)}  ${what.padEnd(30)} ${status}${error}  ${event.durationMs.toFixed(1)} ms${why}`;
}

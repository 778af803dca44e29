/**
 * How the inspector words what it found: a text for people (English or Chinese) and one JSON object for
 * scripts. The token itself is masked unless asked for (core's maskToken).
 */

import { fromRoot } from "@acs-quickstart/common";
import type { Language, Texts } from "@acs-quickstart/core";
import { formatExpiry, maskToken } from "@acs-quickstart/core";
import type { DeniedReason } from "@acs-quickstart/emulator";
import type { Inspection } from "./inspect.js";
import type { EmulatorSource, Refusal, SignatureVerdict, ValidityCheck } from "./validity.js";

type Unchecked = Extract<ValidityCheck, { checked: false }>;

/** A time difference for people: `2 d 0 h`, `3 h 5 min`, `17 min`, `40 s`. */
function timeDifference(ms: number, language: Language): string {
  const s = Math.round(Math.abs(ms) / 1000);
  const [d, h, m] = [Math.floor(s / 86_400), Math.floor((s % 86_400) / 3600), Math.floor((s % 3600) / 60)];
  const [day, hour, min, sec] = language === "en" ? ["d", "h", "min", "s"] : ["天", "小时", "分钟", "秒"];
  const part = (n: number, unit: string) => `${n} ${unit}`;
  if (d > 0) return `${part(d, day)} ${part(h, hour)}`;
  if (h > 0) return `${part(h, hour)} ${part(m, min)}`;
  return m > 0 ? part(m, min) : part(s, sec);
}

/** Something between this computer and the emulator changed the request after it was signed. */
const IN_BETWEEN: Texts = {
  en: "something between this computer and the emulator (a proxy, for example) changed the request after it was signed",
  "zh-CN": "这台电脑和模拟器之间的某个环节（例如代理）在签名之后修改了请求",
};

/**
 * What each reason of the emulator's 401 `Denied` (`x-emulator-reason`, packages/emulator/src/catalogue.ts
 * `DeniedReason`, in the order it checks them) means for the inspector's request, which this computer signed
 * with the configured access key.
 */
const REFUSALS: Record<DeniedReason, (refusal: Refusal) => Texts> = {
  "missing-authorization": () => ({
    en: `the request arrived without its Authorization header: ${IN_BETWEEN.en}`,
    "zh-CN": `请求到达时没有 Authorization 请求头：${IN_BETWEEN["zh-CN"]}`,
  }),
  "bearer-rejected": () => ({
    en: `the request arrived with a bearer token instead of the access key's signature, and this emulator refuses bearer tokens: ${IN_BETWEEN.en}`,
    "zh-CN": `请求到达时带的是持有者令牌而不是访问密钥的签名，而这个模拟器拒绝持有者令牌：${IN_BETWEEN["zh-CN"]}`,
  }),
  "malformed-authorization": () => ({
    en: `the request's Authorization header arrived malformed: ${IN_BETWEEN.en}`,
    "zh-CN": `请求的 Authorization 请求头到达时格式不对：${IN_BETWEEN["zh-CN"]}`,
  }),
  "signed-headers": () => ({
    en: `the request's signature arrived covering other headers than x-ms-date, host and x-ms-content-sha256: ${IN_BETWEEN.en}`,
    "zh-CN": `请求的签名到达时覆盖的不是 x-ms-date、host 和 x-ms-content-sha256 这几个请求头：${IN_BETWEEN["zh-CN"]}`,
  }),
  "missing-date": () => ({
    en: `the request arrived without its date (x-ms-date): ${IN_BETWEEN.en}`,
    "zh-CN": `请求到达时没有日期（x-ms-date）：${IN_BETWEEN["zh-CN"]}`,
  }),
  "invalid-date": () => ({
    en: `the request's date (x-ms-date) arrived unreadable: ${IN_BETWEEN.en}`,
    "zh-CN": `请求的日期（x-ms-date）到达时无法读取：${IN_BETWEEN["zh-CN"]}`,
  }),
  "stale-date": ({ clockAheadMs, emulatorDate }) => {
    const known = clockAheadMs !== undefined && Math.abs(clockAheadMs) >= 60_000;
    const ahead = (clockAheadMs ?? 0) > 0;
    const en = known
      ? `this computer's clock is ${timeDifference(clockAheadMs, "en")} ${ahead ? "ahead of" : "behind"} the emulator's (its answer is dated ${emulatorDate})`
      : "this computer's clock differs from the emulator's";
    const zh = known
      ? `这台电脑的时钟比模拟器的${ahead ? "快" : "慢"} ${timeDifference(clockAheadMs, "zh-CN")}（模拟器的回答日期是 ${emulatorDate}）`
      : "这台电脑的时钟与模拟器的不一致";
    return {
      en:
        `the request's date is outside the emulator's clock window (15 minutes either way, unless it was started with --clock-skew-minutes): ${en}. ` +
        "Set the clock of whichever computer is wrong (let it take the time from the network), then try again: the access key itself may well be right",
      "zh-CN":
        `请求的日期超出了模拟器的时钟窗口（前后 15 分钟，除非启动时用了 --clock-skew-minutes）：${zh}。` +
        "请把时钟不对的那台电脑的时间调准（让它从网络同步时间），然后重试：访问密钥本身很可能是对的",
    };
  },
  "missing-content-hash": () => ({
    en: `the request arrived without its body hash (x-ms-content-sha256): ${IN_BETWEEN.en}`,
    "zh-CN": `请求到达时没有请求体哈希（x-ms-content-sha256）：${IN_BETWEEN["zh-CN"]}`,
  }),
  "content-hash": () => ({
    en: `the request's body is not the one that was signed (x-ms-content-sha256 differs): ${IN_BETWEEN.en}`,
    "zh-CN": `请求体不是签名时的那个（x-ms-content-sha256 不一致）：${IN_BETWEEN["zh-CN"]}`,
  }),
  "missing-signed-header": () => ({
    en: `a header the request signed did not arrive: ${IN_BETWEEN.en}`,
    "zh-CN": `请求签名时包含的某个请求头没有到达：${IN_BETWEEN["zh-CN"]}`,
  }),
  signature: () => ({
    en:
      "the signature does not match: the access key in the connection string is not this emulator's (take the " +
      "line again from the room's .env.room), or the request was signed for another address than the one the " +
      "emulator received (a port forward or a proxy: the emulator's dashboard says which)",
    "zh-CN":
      "签名不匹配：连接字符串中的访问密钥不是这个模拟器的（请从教室的 .env.room 重新复制这一行），" +
      "或者请求是按另一个地址签名的，与模拟器收到的地址不同（端口转发或代理：模拟器的仪表板会说明是哪一种）",
  }),
};

/**
 * Why the emulator refused, for people: `(401 Denied, x-emulator-reason: <reason>): <what it means>`; undefined
 * when its answer did not say (no `x-emulator-reason`: not the emulator, or an older one).
 */
function refusalText(refusal: Refusal | undefined, language: Language): string | undefined {
  const reason = refusal?.reason;
  if (reason === undefined) return undefined;
  const explain = (REFUSALS as Record<string, ((r: Refusal) => Texts) | undefined>)[reason];
  const meaning = explain
    ? explain(refusal as Refusal)[language]
    : language === "en"
      ? "a reason this inspector does not know"
      : "这个检查工具不认识的原因";
  return `(401 Denied, x-emulator-reason: ${reason})${language === "en" ? ": " : "："}${meaning}`;
}

interface Words {
  jws: string;
  jwe: string[];
  header: string;
  claims: string;
  says: string;
  identity: string;
  holder: { "communication-user": string; "teams-user": string; other: string };
  resource: string;
  issued: string;
  expires: string;
  lifetimeLabel: string;
  lifetime: (minutes: number) => string;
  issuer: string;
  emulatorIssued: string;
  scopesTitle: string;
  noScopes: string;
  unknownScope: string;
  validityTitle: (where: string) => string;
  source: (source: EmulatorSource) => string;
  signature: string;
  signatureVerdict: (verdict: SignatureVerdict) => string;
  identityState: { exists: string; deleted: string; unknown: string };
  revocation: string;
  revokedAt: (at: string | null) => string;
  expired: string;
  no: string;
  verdict: string;
  verdicts: (reason: string | undefined) => string;
  notChecked: (check: Unchecked, where: string) => string;
}

const EN: Words = {
  jws: "A signed JWT (JWS): anyone can read its header and claims; only its signature shows who issued it.",
  jwe: [
    "An encrypted JWT (JWE): only the service it is meant for can read its claims, so they cannot be shown here.",
    "Microsoft Entra ID may issue encrypted tokens for its users. ACS access tokens are signed, not encrypted.",
  ],
  header: "Header",
  claims: "Claims",
  says: "What the claims say",
  identity: "Identity",
  holder: {
    "communication-user": "a Communication Services identity",
    "teams-user": "a Microsoft 365 user, from the Teams token exchange",
    other:
      "none: this is not an ACS access token (it has no skypeid claim); perhaps a Microsoft Entra ID token",
  },
  resource: "Resource",
  issued: "Issued",
  expires: "Expires",
  lifetimeLabel: "Lifetime",
  lifetime: (minutes) => `${minutes} minutes (${(minutes / 60).toFixed(minutes % 60 === 0 ? 0 : 1)} h)`,
  issuer: "Issued by",
  emulatorIssued: "the ACS emulator (its claim emulatorSeq; real tokens do not have it)",
  scopesTitle: "Scopes: what this token lets its holder do",
  noScopes: "(none: the token has no acsScope claim)",
  unknownScope: "not a scope of ACS access tokens",
  validityTitle: (where) => `Validity, asked of ${where}`,
  source: (source) =>
    source.kind === "built-in"
      ? `the built-in emulator (${source.stateFile})`
      : source.kind === "standalone"
        ? `the standalone emulator (${source.endpoint ?? source.stateFile})`
        : `the configured resource ${source.endpoint}`,
  signature: "Signature",
  signatureVerdict: (v) =>
    v.ok
      ? `valid: made with the emulator's key ${v.kid} (from its JWKS)`
      : v.problem === "mismatch"
        ? `altered: the key ${v.kid ?? "?"} is the emulator's, but the token changed after it was signed`
        : `not this emulator's: its JWKS has no key ${v.kid ?? "(no kid)"}; another resource or emulator issued it`,
  identityState: {
    exists: "exists",
    deleted: "deleted",
    unknown: "unknown to this emulator (it was reset, or the token is another resource's)",
  },
  revocation: "Revocation",
  revokedAt: (at) => (at ? `the identity's tokens were last revoked at ${at}` : "never revoked"),
  expired: "Expired",
  no: "no",
  verdict: "Verdict",
  verdicts: (reason) =>
    reason === undefined
      ? "valid: the emulator accepts this token"
      : `not valid: ${
          {
            revoked: "its identity's tokens were revoked after it was issued",
            deleted: "its identity was deleted",
            expired: "it has expired",
            signature: "its signature is not the emulator's",
            malformed: "it is not a token the emulator could have issued",
          }[reason] ?? reason
        }`,
  notChecked: (check, where) => {
    const source = check.source ? EN.source(check.source) : "";
    switch (check.why) {
      case "offline":
        return "Validity: not checked (--offline).";
      case "not-ours":
        return (
          "Validity: not checked: the emulator did not issue this token (it has no emulatorSeq claim). The real\n" +
          "service has no route that checks a token: it accepts one until it expires, its identity's tokens are\n" +
          "revoked, or the identity is deleted. --check asks the emulator anyway."
        );
      case "no-emulator":
        return (
          "Validity: not checked: no emulator was found. Run `npm run quickstart` (the built-in emulator keeps its\n" +
          `state in ${where}), start one with \`npm run emulator\`, or set COMMUNICATION_SERVICES_CONNECTION_STRING.`
        );
      case "unreachable":
        return `Validity: not checked: ${source} did not answer (${check.detail}). Is it running?`;
      case "not-an-emulator":
        return `Validity: not checked: ${source} is not an emulator (it has no /_emulator/ routes); the real service cannot check a token for you.`;
      case "refused": {
        const why = refusalText(check.refusal, "en");
        return why
          ? `Validity: not checked: ${source} refused the request ${why}.`
          : `Validity: not checked: ${source} refused the access key (401). Is the connection string the emulator's?`;
      }
      case "busy":
        return `Validity: not checked: a quickstart running on this state folder holds ${source}. Try again when it has finished.`;
      case "no-key":
        return `Validity: not checked: ${source} is configured to sign in with Microsoft Entra ID; the emulator's routes need the access key (set COMMUNICATION_SERVICES_CONNECTION_STRING).`;
      case "config":
        return `Validity: not checked: the configuration is wrong: ${check.detail}`;
    }
  },
};

const ZH: Words = {
  jws: "已签名的 JWT（JWS）：任何人都能读取它的头部和声明；只有签名能证明是谁颁发的。",
  jwe: [
    "已加密的 JWT（JWE）：只有它的目标服务能读取其中的声明，所以这里无法显示。",
    "Microsoft Entra ID 可能为其用户颁发加密的令牌。ACS 访问令牌是签名的，不是加密的。",
  ],
  header: "头部",
  claims: "声明",
  says: "声明的含义",
  identity: "标识",
  holder: {
    "communication-user": "通信服务标识",
    "teams-user": "Microsoft 365 用户（来自 Teams 令牌交换）",
    other: "无：这不是 ACS 访问令牌（没有 skypeid 声明），可能是 Microsoft Entra ID 令牌",
  },
  resource: "资源",
  issued: "颁发时间",
  expires: "过期时间",
  lifetimeLabel: "有效期",
  lifetime: (minutes) => `${minutes} 分钟（${(minutes / 60).toFixed(minutes % 60 === 0 ? 0 : 1)} 小时）`,
  issuer: "颁发者",
  emulatorIssued: "ACS 模拟器（有它的声明 emulatorSeq；真实令牌没有）",
  scopesTitle: "作用域：持有者可以用这个令牌做什么",
  noScopes: "（无：令牌没有 acsScope 声明）",
  unknownScope: "不是 ACS 访问令牌的作用域",
  validityTitle: (where) => `有效性，由${where}检查`,
  source: (source) =>
    source.kind === "built-in"
      ? `内置模拟器（${source.stateFile}）`
      : source.kind === "standalone"
        ? `独立模拟器（${source.endpoint ?? source.stateFile}）`
        : `配置的资源 ${source.endpoint} `,
  signature: "签名",
  signatureVerdict: (v) =>
    v.ok
      ? `有效：由模拟器的密钥 ${v.kid} 签名（来自它的 JWKS）`
      : v.problem === "mismatch"
        ? `已被改动：密钥 ${v.kid ?? "?"} 是模拟器的，但令牌在签名之后被修改过`
        : `不是这个模拟器的：它的 JWKS 中没有密钥 ${v.kid ?? "（无 kid）"}，是其他资源或模拟器颁发的`,
  identityState: {
    exists: "存在",
    deleted: "已删除",
    unknown: "这个模拟器不认识它（模拟器已重置，或令牌属于其他资源）",
  },
  revocation: "撤销",
  revokedAt: (at) => (at ? `该标识的令牌最近一次在 ${at} 被撤销` : "从未撤销"),
  expired: "已过期",
  no: "否",
  verdict: "结论",
  verdicts: (reason) =>
    reason === undefined
      ? "有效：模拟器接受这个令牌"
      : `无效：${
          {
            revoked: "它颁发之后，该标识的令牌被撤销了",
            deleted: "它的标识已被删除",
            expired: "它已过期",
            signature: "它的签名不是模拟器的",
            malformed: "它不是模拟器可能颁发的令牌",
          }[reason] ?? reason
        }`,
  notChecked: (check, where) => {
    const source = check.source ? ZH.source(check.source) : "";
    switch (check.why) {
      case "offline":
        return "有效性：未检查（--offline）。";
      case "not-ours":
        return (
          "有效性：未检查：这个令牌不是模拟器颁发的（没有 emulatorSeq 声明）。真实服务没有检查令牌的接口：\n" +
          "令牌在过期、被撤销或其标识被删除之前都会被接受。使用 --check 仍然可以让模拟器检查。"
        );
      case "no-emulator":
        return (
          `有效性：未检查：没有找到模拟器。运行 \`npm run quickstart\`（内置模拟器的状态保存在 ${where}），\n` +
          "用 `npm run emulator` 启动一个，或者设置 COMMUNICATION_SERVICES_CONNECTION_STRING。"
        );
      case "unreachable":
        return `有效性：未检查：${source}没有响应（${check.detail}）。它在运行吗？`;
      case "not-an-emulator":
        return `有效性：未检查：${source}不是模拟器（没有 /_emulator/ 接口）；真实服务无法替你检查令牌。`;
      case "refused": {
        const why = refusalText(check.refusal, "zh-CN");
        return why
          ? `有效性：未检查：${source}拒绝了请求 ${why}。`
          : `有效性：未检查：${source}拒绝了访问密钥（401）。连接字符串是这个模拟器的吗？`;
      }
      case "busy":
        return `有效性：未检查：正在这个状态文件夹上运行的 quickstart 占用着${source}。请等它结束后再试。`;
      case "no-key":
        return `有效性：未检查：${source}配置为用 Microsoft Entra ID 登录；模拟器的接口需要访问密钥（请设置 COMMUNICATION_SERVICES_CONNECTION_STRING）。`;
      case "config":
        return `有效性：未检查：配置有误：${check.detail}`;
    }
  },
};

const WORDS: Record<Language, Words> = { en: EN, "zh-CN": ZH };

export interface RenderOptions {
  language: Language;
  /** Print the token in full (default: masked). */
  reveal: boolean;
  now?: Date;
  /** The state folder, named in advice. */
  stateDir: string;
}

function withShortPaths(source: EmulatorSource): EmulatorSource {
  return "stateFile" in source ? { ...source, stateFile: fromRoot(source.stateFile) } : source;
}

/** The inspection as text, one section per part. */
export function renderInspection(inspection: Inspection, options: RenderOptions): string {
  const w = WORDS[options.language];
  const now = options.now ?? new Date();
  const { reading, facts } = inspection;
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(18)} ${value}`.trimEnd());
  const time = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");
  lines.push(`${maskToken(reading.token, { reveal: options.reveal })}`);
  if (reading.form === "jwe") {
    lines.push(...w.jwe, "", w.header);
    for (const [name, value] of Object.entries(reading.header)) row(name, display(value));
    return `${lines.join("\n")}\n`;
  }
  lines.push(w.jws, "", w.header);
  for (const [name, value] of Object.entries(reading.header)) row(name, display(value));
  lines.push("", w.claims);
  for (const [name, value] of Object.entries(reading.claims)) {
    const seconds = (name === "iat" || name === "exp" || name === "nbf") && typeof value === "number";
    row(name, seconds ? `${value} = ${time(new Date(value * 1000))}` : display(value));
  }
  if (!facts) return `${lines.join("\n")}\n`;
  lines.push("", w.says);
  row(w.identity, facts.identity ? `${facts.identity} (${w.holder[facts.holder]})` : w.holder.other);
  if (facts.resourceId)
    row(w.resource, `${facts.resourceId}${facts.resourceLocation ? ` (${facts.resourceLocation})` : ""}`);
  if (facts.issuedAt) row(w.issued, time(facts.issuedAt));
  if (facts.expiresOn) row(w.expires, formatExpiry(facts.expiresOn, now));
  if (inspection.lifetimeMinutes !== undefined) row(w.lifetimeLabel, w.lifetime(inspection.lifetimeMinutes));
  if (facts.fromEmulator) row(w.issuer, w.emulatorIssued);
  lines.push("", w.scopesTitle);
  if (inspection.scopes.length === 0) lines.push(`  ${w.noScopes}`);
  for (const { scope, capability } of inspection.scopes) {
    row(scope, capability ? capability[options.language] : w.unknownScope);
  }
  lines.push("");
  const validity = inspection.validity;
  if (!validity.checked) {
    const check = validity.source ? { ...validity, source: withShortPaths(validity.source) } : validity;
    lines.push(w.notChecked(check, `${fromRoot(options.stateDir)}/`));
  } else {
    lines.push(w.validityTitle(w.source(withShortPaths(validity.source))));
    row(w.signature, w.signatureVerdict(validity.signature));
    row(w.identity, w.identityState[validity.identity]);
    row(w.revocation, w.revokedAt(validity.revokedAt));
    row(w.expired, inspection.expired && facts.expiresOn ? formatExpiry(facts.expiresOn, now) : w.no);
    row(w.verdict, w.verdicts(validity.verdict.valid ? undefined : validity.verdict.reason));
  }
  return `${lines.join("\n")}\n`;
}

function display(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The inspection as one JSON object (dates as ISO-8601; the token masked unless `reveal`). */
export function inspectionJson(inspection: Inspection, options: { reveal: boolean }): unknown {
  const { reading, facts } = inspection;
  return {
    token: maskToken(reading.token, { reveal: options.reveal }),
    form: reading.form,
    header: reading.header,
    ...(reading.form === "jws" ? { claims: reading.claims } : {}),
    ...(facts ? { facts } : {}),
    scopes: inspection.scopes,
    ...(inspection.lifetimeMinutes !== undefined ? { lifetimeMinutes: inspection.lifetimeMinutes } : {}),
    ...(inspection.expired !== undefined ? { expired: inspection.expired } : {}),
    validity: inspection.validity,
  };
}

/**
 * What `npm run exercise` says, in English and Chinese. Failures are worded from their kind and the operations
 * involved (the SDK call that sends each one), never from a step's id.
 */
import type { Language, Texts } from "@acs-quickstart/core";
import type { TutorialStep } from "@acs-quickstart/runner";
import type { Failure, ObservedRequest } from "./judge.js";
import type { ExerciseProgress } from "./progress.js";
import type { VerifyResult } from "./verify.js";

/** The SDK call (CommunicationIdentityClient 1.3.1) that sends each request. */
function call(operation: string, scopes?: "given" | "none" | string[]): string {
  switch (operation) {
    case "createIdentity":
      return scopes === "none" || scopes === undefined
        ? "identityClient.createUser()"
        : "identityClient.createUserAndToken(scopes, options)";
    case "issueAccessToken":
      return "identityClient.getToken(identity, scopes, options)";
    case "revokeAccessTokens":
      return "identityClient.revokeTokens(identity)";
    case "deleteIdentity":
      return "identityClient.deleteUser(identity)";
    default:
      return operation;
  }
}

const list = (scopes: readonly string[]) => scopes.join(", ");

interface Words {
  needsStep(command: string, ids: string[]): string;
  unknownStep(id: string, ids: string[]): string;
  listTitle(file: string): string;
  status(record: ExerciseProgress | undefined): string;
  alreadyStarted(file: string, id: string): string;
  changed(file: string, id: string): string;
  /** `title`: the step's title in this language (its tutorial page's heading), else the registry's. */
  started(step: TutorialStep, title: string, file: string): string;
  /** A step's sample does not compile: `list`'s word for it. */
  doesNotCompile: string;
  notStarted(file: string, id: string): string;
  /** verify of a step found another sample that does not compile (run as git has it). */
  otherDoesNotCompile(file: string): string;
  hintLabel(n: number, of: number): string;
  moreHints(id: string): string;
  noMoreHints(id: string): string;
  solutionNote(id: string): string;
  reset(file: string, kept: string): string;
  nothingToReset(file: string): string;
  verdict(step: TutorialStep, result: VerifyResult, record: ExerciseProgress): string;
}

/**
 * The compile errors, each as `file:line:column: message` and the lines esbuild shows under it (the code and a
 * caret; its own heading and location lines are left out, said once already).
 */
function compileErrors(failure: Extract<Failure, { kind: "compile" }>): string {
  return failure.errors
    .map((e) => {
      const code = e.shown
        .split("\n")
        .filter((line) => line.trim() !== "" && !/\[ERROR\]|^\s*\S+:\d+:\d+:\s*$/.test(line));
      const indent = Math.min(...code.map((line) => /^ */.exec(line)?.[0].length ?? 0));
      return [`${e.file}:${e.line}:${e.column}: ${e.text}`, ...code.map((l) => `  ${l.slice(indent)}`)].join(
        "\n",
      );
    })
    .join("\n");
}

function failureText(failure: Failure, id: string): Texts {
  const n = "index" in failure ? failure.index + 1 : 0;
  switch (failure.kind) {
    case "compile":
      return {
        en: `Your code does not compile, so it did not run:\n${compileErrors(failure)}\nFix it there (file:line:column), or put the tutorial's code back: npm run exercise -- reset ${id} (your attempt is kept).`,
        "zh-CN": `你的代码无法编译，所以没有运行：\n${compileErrors(failure)}\n请在那里修正（文件:行:列），或者恢复教程的代码：npm run exercise -- reset ${id}（你的尝试会被保留）。`,
      };
    case "error":
      return {
        en: `Your code stopped with an error:\n${failure.message}`,
        "zh-CN": `你的代码因错误而停止：\n${failure.message}`,
      };
    case "check":
      return {
        en: `The step's own check failed: ${failure.message}`,
        "zh-CN": `这一步自己的检查没有通过：${failure.message}`,
      };
    case "missing":
      return failure.expected.operation === "deleteIdentity"
        ? {
            en: `No clean-up: the identity ${failure.identity ?? ""} still exists. Delete it with ${call("deleteIdentity")}.`,
            "zh-CN": `没有清理：标识 ${failure.identity ?? ""} 仍然存在。请用 ${call("deleteIdentity")} 删除它。`,
          }
        : {
            en: `Request ${n} is missing: this step sends ${failure.expected.operation}, with ${call(failure.expected.operation, failure.expected.scopes)}.`,
            "zh-CN": `缺少第 ${n} 个请求：这一步要发送 ${failure.expected.operation}，用 ${call(failure.expected.operation, failure.expected.scopes)}。`,
          };
    case "operation":
      return {
        en: `Wrong operation: request ${n} was ${failure.actual.operation}, but this step sends ${failure.expected.operation} there: ${call(failure.expected.operation, failure.expected.scopes)}.`,
        "zh-CN": `操作不对：第 ${n} 个请求是 ${failure.actual.operation}，但这一步在这里要发送 ${failure.expected.operation}：${call(failure.expected.operation, failure.expected.scopes)}。`,
      };
    case "extra":
      return {
        en: `An extra request: your code also sent ${failure.actual.operation} (${call(failure.actual.operation, failure.actual.scopes)}), which this step does not need.`,
        "zh-CN": `多余的请求：你的代码还发送了 ${failure.actual.operation}（${call(failure.actual.operation, failure.actual.scopes)}），这一步不需要它。`,
      };
    case "scopes":
      if (failure.expected !== "none" && failure.actual.length === 0) {
        return {
          en: `Request ${n} asked for no access token, but this step's request issues one with '${list(failure.expected)}' too: ${call("createIdentity", "given")}.`,
          "zh-CN": `第 ${n} 个请求没有申请访问令牌，但这一步的请求要同时颁发作用域为 '${list(failure.expected)}' 的令牌：${call("createIdentity", "given")}。`,
        };
      }
      return failure.expected === "none"
        ? {
            en: `Request ${n} also asked for an access token ('${list(failure.actual)}'): this step creates the identity only, with ${call("createIdentity", "none")}.`,
            "zh-CN": `第 ${n} 个请求还申请了访问令牌（'${list(failure.actual)}'）：这一步只创建标识，用 ${call("createIdentity", "none")}。`,
          }
        : {
            en: `Wrong scopes: request ${n} asked for '${list(failure.actual)}', but the step was given '${list(failure.expected)}'. Pass the \`scopes\` parameter on, not a list of your own.`,
            "zh-CN": `作用域不对：第 ${n} 个请求申请的是 '${list(failure.actual)}'，但这一步收到的是 '${list(failure.expected)}'。请直接传入参数 \`scopes\`，不要自己写一个列表。`,
          };
    case "lifetime":
      if (failure.expected === "default") {
        return {
          en: `Request ${n} set a lifetime of ${failure.actual} minutes; this one keeps the default (24 hours): send no tokenExpiresInMinutes.`,
          "zh-CN": `第 ${n} 个请求设置了 ${failure.actual} 分钟的有效期；这个请求应使用默认值（24 小时）：不要传 tokenExpiresInMinutes。`,
        };
      }
      return failure.actual === undefined
        ? {
            en: `No custom lifetime: request ${n} sent none, so the token lasts 24 hours; the step was given ${failure.expected} minutes. Pass { tokenExpiresInMinutes } in the options.`,
            "zh-CN": `没有自定义有效期：第 ${n} 个请求没有设置，令牌会有效 24 小时；这一步收到的是 ${failure.expected} 分钟。请在选项中传入 { tokenExpiresInMinutes }。`,
          }
        : {
            en: `Wrong lifetime: request ${n} asked for ${failure.actual} minutes; the step was given ${failure.expected}. Use the parameter, not a number of your own.`,
            "zh-CN": `有效期不对：第 ${n} 个请求申请的是 ${failure.actual} 分钟；这一步收到的是 ${failure.expected} 分钟。请使用参数，不要自己写一个数字。`,
          };
    case "identity":
      return {
        en: `Wrong identity: request ${n} was for ${failure.actual}, not for the identity the step was given (${failure.expected}): use \`identityResponse\`.`,
        "zh-CN": `标识不对：第 ${n} 个请求针对的是 ${failure.actual}，而不是这一步收到的标识（${failure.expected}）：请使用 \`identityResponse\`。`,
      };
    case "cleanup":
      return {
        en: `No clean-up: your code created ${failure.identities.join(", ")} and neither returned nor deleted it, so it would be left behind in the resource.`,
        "zh-CN": `没有清理：你的代码创建了 ${failure.identities.join("、")}，但既没有返回也没有删除它，它会被留在资源中。`,
      };
    case "secret":
      return {
        en: "A token was printed in full: print maskToken(token) instead. An access token is a password for its identity.",
        "zh-CN": "打印了完整的令牌：请改为打印 maskToken(token)。访问令牌就是其标识的密码。",
      };
  }
}

function requestLine(request: ObservedRequest, index: number, language: Language): string {
  const details = [
    request.scopes ? `scopes ${list(request.scopes)}` : "",
    request.operation === "issueAccessToken" || request.scopes
      ? request.expiresInMinutes === undefined
        ? language === "en"
          ? "no lifetime (24 h)"
          : "未设有效期（24 小时）"
        : language === "en"
          ? `${request.expiresInMinutes} min`
          : `${request.expiresInMinutes} 分钟`
      : "",
    request.errorCode ?? "",
  ].filter(Boolean);
  return `  ${index + 1}. ${request.operation.padEnd(19)} ${String(request.status).padEnd(4)}${details.join(" · ")}`.trimEnd();
}

function verdict(
  step: TutorialStep,
  result: VerifyResult,
  record: ExerciseProgress,
  language: Language,
): string {
  const en = language === "en";
  const lines: string[] = [];
  if (result.failures[0]?.kind === "compile") {
    const [first, ...rest] = failureText(result.failures[0], step.id)[language].split("\n");
    lines.push(
      en ? `Verify ${step.id}: ✘ not yet.` : `检查 ${step.id}：✘ 还没有通过。`,
      `  - ${first}`,
      ...rest.map((l) => `    ${l}`),
    );
    return `${lines.join("\n")}\n`;
  }
  lines.push(
    en
      ? `Verify ${step.id}: your code ran on the built-in emulator with scopes '${list(result.given.scopes)}' and a lifetime of ${result.given.expiresInMinutes} minutes.`
      : `检查 ${step.id}：你的代码在内置模拟器上运行，作用域为 '${list(result.given.scopes)}'，有效期为 ${result.given.expiresInMinutes} 分钟。`,
  );
  if (result.output.trim() !== "") {
    lines.push(
      en ? "It printed:" : "它打印了：",
      ...result.output
        .trimEnd()
        .split("\n")
        .map((l) => `  | ${l}`),
    );
  }
  lines.push(en ? "The requests it sent (the emulator's journal):" : "它发送的请求（模拟器的日志）：");
  if (result.requests.length === 0) lines.push(en ? "  (none)" : "  （无）");
  for (const [index, request] of result.requests.entries()) lines.push(requestLine(request, index, language));
  lines.push("");
  if (result.failures.length === 0) {
    lines.push(
      en
        ? `✔ Passed: the right requests, scopes, lifetime and clean-up (attempt ${record.attempts}).`
        : `✔ 通过：请求、作用域、有效期和清理都正确（第 ${record.attempts} 次尝试）。`,
    );
    return `${lines.join("\n")}\n`;
  }
  lines.push(
    en
      ? `✘ Not yet (${result.failures.length} to fix):`
      : `✘ 还没有通过（需要修正 ${result.failures.length} 处）：`,
  );
  for (const failure of result.failures) {
    const [first, ...rest] = failureText(failure, step.id)[language].split("\n");
    lines.push(`  - ${first}`, ...rest.map((l) => `    ${l}`));
  }
  lines.push(
    "",
    en
      ? `More help: npm run exercise -- hint ${step.id}   The tutorial's code: npm run exercise -- solution ${step.id}`
      : `更多帮助：npm run exercise -- hint ${step.id}   教程的代码：npm run exercise -- solution ${step.id}`,
  );
  return `${lines.join("\n")}\n`;
}

const EN: Words = {
  needsStep: (command, ids) => `${command} needs a step: one of ${ids.join(", ")}.`,
  unknownStep: (id, ids) => `there is no exercise '${id}'. The exercises: ${ids.join(", ")}.`,
  listTitle: (file) => `Exercises (your progress: ${file})`,
  status: (r) =>
    r?.startedAt
      ? `started${r.attempts > 0 ? `, ${r.attempts} ${r.attempts === 1 ? "attempt" : "attempts"}` : ""}${r.passedAt ? ", passed" : ""}`
      : r?.passedAt
        ? `passed ${r.passedAt.slice(0, 10)}`
        : "not started",
  alreadyStarted: (file, id) =>
    `Already started: write your code in ${file}, then npm run exercise -- verify ${id}. (npm run exercise -- reset ${id} puts the tutorial's code back.)`,
  changed: (file, id) =>
    `${file} has changes of yours that are not the tutorial's code: commit or save them elsewhere, then run npm run exercise -- reset ${id} and start again.`,
  started: (step, title, file) =>
    `Started: the tutorial code of "${title}" in ${file} is now a TODO.\n` +
    Object.values(step.exercise?.tasks ?? {})
      .map((task) => `  - ${task.en}`)
      .join("\n") +
    `\nWrite it, then: npm run exercise -- verify ${step.id}    (hints: npm run exercise -- hint ${step.id})`,
  hintLabel: (n, of) => `Hint ${n}/${of}: `,
  moreHints: (id) => `Another hint: npm run exercise -- hint ${id}`,
  noMoreHints: (id) => `That was the last hint. The tutorial's code: npm run exercise -- solution ${id}`,
  solutionNote: (id) =>
    `Your file was not changed. npm run exercise -- reset ${id} puts this code back (your attempt is kept).`,
  reset: (file, kept) =>
    `Reset: ${file} is the tutorial's code again. Your attempt is kept in ${kept} (each reset keeps its own file there).`,
  doesNotCompile: "does not compile",
  notStarted: (file, id) =>
    `${id} is not started: ${file} is still the tutorial's own code, and verify checks yours. Start it first: npm run exercise -- start ${id}`,
  otherDoesNotCompile: (file) =>
    `Note: ${file} does not compile either; this run used the file as git has it. Fix it or reset its exercise.`,
  nothingToReset: (file) => `${file} is already the tutorial's code.`,
  verdict: (step, result, record) => verdict(step, result, record, "en"),
};

const ZH: Words = {
  needsStep: (command, ids) => `${command} 需要指定一步：${ids.join("、")} 之一。`,
  unknownStep: (id, ids) => `没有练习 '${id}'。所有练习：${ids.join("、")}。`,
  listTitle: (file) => `练习（你的进度：${file}）`,
  status: (r) =>
    r?.startedAt
      ? `已开始${r.attempts > 0 ? `，尝试 ${r.attempts} 次` : ""}${r.passedAt ? "，已通过" : ""}`
      : r?.passedAt
        ? `已通过 ${r.passedAt.slice(0, 10)}`
        : "未开始",
  alreadyStarted: (file, id) =>
    `已经开始了：在 ${file} 中写代码，然后运行 npm run exercise -- verify ${id}。（npm run exercise -- reset ${id} 会恢复教程的代码。）`,
  changed: (file, id) =>
    `${file} 中有你自己的修改，不是教程的代码：请先提交或另存，然后运行 npm run exercise -- reset ${id} 再重新开始。`,
  started: (step, title, file) =>
    `已开始：${file} 中 “${title}” 的教程代码已换成 TODO。\n` +
    Object.values(step.exercise?.tasks ?? {})
      .map((task) => `  - ${task["zh-CN"]}`)
      .join("\n") +
    `\n写好之后运行：npm run exercise -- verify ${step.id}    （提示：npm run exercise -- hint ${step.id}）`,
  hintLabel: (n, of) => `提示 ${n}/${of}：`,
  moreHints: (id) => `下一个提示：npm run exercise -- hint ${id}`,
  noMoreHints: (id) => `这是最后一个提示。教程的代码：npm run exercise -- solution ${id}`,
  solutionNote: (id) =>
    `你的文件没有被修改。npm run exercise -- reset ${id} 会把这段代码放回去（你的尝试会被保留）。`,
  reset: (file, kept) =>
    `已重置：${file} 又是教程的代码了。你的尝试保存在 ${kept}（每次重置都在那里保存一个文件）。`,
  doesNotCompile: "无法编译",
  notStarted: (file, id) =>
    `${id} 还没有开始：${file} 仍然是教程自己的代码，而 verify 检查的是你的代码。请先开始：npm run exercise -- start ${id}`,
  otherDoesNotCompile: (file) =>
    `注意：${file} 也无法编译；这次运行使用的是 git 中的版本。请修正它，或者重置它的练习。`,
  nothingToReset: (file) => `${file} 已经是教程的代码。`,
  verdict: (step, result, record) => verdict(step, result, record, "zh-CN"),
};

export const EXERCISE_WORDS: Record<Language, Words> = { en: EN, "zh-CN": ZH };

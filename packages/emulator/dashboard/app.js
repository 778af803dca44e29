// The emulator's dashboard, in the browser: no framework, no CDN (a room may be offline). It reads the state
// once (api/state), then follows it live through Server-Sent Events (api/events). Everything it shows is set as
// text (never as HTML): identity ids and request paths come from the network.

const TEXTS = {
  en: {
    connecting: "connecting…",
    live: "live",
    reconnecting: "reconnecting…",
    locked: "This dashboard needs its secret: open the address the emulator printed when it started.",
    "identities-title": "Identities",
    "tokens-title": "Access tokens",
    "journal-title": "Requests",
    "controls-title": "Teaching controls",
    "identities-empty": "No identities yet: run npm run quickstart.",
    "tokens-empty": "No access tokens issued since the emulator started.",
    "journal-empty": "No requests yet.",
    identityHeads: ["Identity", "Created", "State", "Tokens issued", "Tokens revoked"],
    tokenHeads: ["Token", "Identity", "Scopes", "Expires", "Time left", "State", ""],
    journalHeads: ["Time", "From", "Operation", "Status", "Error code", "Why", "ms"],
    operation: "Operation",
    times: "Times",
    any: "any",
    active: "active",
    deleted: "deleted",
    never: "never",
    valid: "valid",
    revoked: "revoked",
    expired: "expired",
    reveal: "Reveal",
    hide: "Hide",
    claims: "Claims",
    noFault: "No fault armed.",
    armed: "Armed:",
    "clear-faults": "Clear faults",
    reset: "Reset the emulator",
    confirmReset: "Forget every identity and armed fault? Access keys and the signing key stay.",
    resetDone: "The emulator was reset.",
    faultArmed: (label) => `Armed: ${label}.`,
    faultsCleared: "Faults cleared.",
    failed: (what) => `Could not ${what}.`,
    shown: (n, total) => (total > n ? `(latest ${n} of ${total})` : `(${total})`),
  },
  "zh-CN": {
    connecting: "正在连接…",
    live: "实时",
    reconnecting: "正在重新连接…",
    locked: "这个仪表板需要它的密钥：请打开模拟器启动时打印的地址。",
    "identities-title": "标识",
    "tokens-title": "访问令牌",
    "journal-title": "请求",
    "controls-title": "教学控制",
    "identities-empty": "还没有标识：运行 npm run quickstart。",
    "tokens-empty": "模拟器启动以来还没有颁发访问令牌。",
    "journal-empty": "还没有请求。",
    identityHeads: ["标识", "创建时间", "状态", "已颁发令牌", "令牌撤销"],
    tokenHeads: ["令牌", "标识", "作用域", "过期时间", "剩余时间", "状态", ""],
    journalHeads: ["时间", "来源", "操作", "状态码", "错误码", "原因", "毫秒"],
    operation: "操作",
    times: "次数",
    any: "任意",
    active: "有效",
    deleted: "已删除",
    never: "从未",
    valid: "有效",
    revoked: "已撤销",
    expired: "已过期",
    reveal: "显示",
    hide: "隐藏",
    claims: "声明",
    noFault: "没有设置故障。",
    armed: "已设置：",
    "clear-faults": "清除故障",
    reset: "重置模拟器",
    confirmReset: "忘记所有标识和已设置的故障？访问密钥和签名密钥会保留。",
    resetDone: "模拟器已重置。",
    faultArmed: (label) => `已设置：${label}。`,
    faultsCleared: "已清除故障。",
    failed: (what) => `无法${what}。`,
    shown: (n, total) => (total > n ? `（最近 ${n} 个，共 ${total} 个）` : `（${total}）`),
  },
};

const language = new URLSearchParams(location.search).get("lang") ?? navigator.language;
const LANG = /^zh/i.test(language) ? "zh-CN" : "en";
const T = TEXTS[LANG];
document.documentElement.lang = LANG;

const $ = (id) => document.getElementById(id);
const state = {
  identities: [],
  identityTotal: 0,
  tokens: [],
  journal: [],
  faults: [],
  presets: [],
  operations: [],
  offset: 0,
};
const revealed = new Map();

function cell(row, text, className) {
  const td = document.createElement("td");
  if (text instanceof Node) td.append(text);
  else td.textContent = text ?? "";
  if (className) td.className = className;
  row.append(td);
  return td;
}

function badge(text, kind) {
  const span = document.createElement("span");
  span.className = `badge ${kind}`;
  span.textContent = text;
  return span;
}

function mono(text) {
  const code = document.createElement("code");
  code.textContent = text;
  return code;
}

/**
 * `2026-11-25T10:00:00.000Z` as `10:00:00` (local time of the room) when it is today (by the emulator's clock),
 * else with its date: `Nov 26, 10:00:00` (`11月26日 10:00:00`), and the year when it is not this year's.
 */
function clock(value) {
  const at = new Date(value);
  const now = new Date(Date.now() + state.offset);
  if (at.toDateString() === now.toDateString()) return at.toLocaleTimeString(LANG, { hour12: false });
  return at.toLocaleString(LANG, {
    ...(at.getFullYear() !== now.getFullYear() ? { year: "numeric" } : {}),
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hour12: false,
  });
}

/** Time left until an instant: `23 h 59 min`, `59 min 12 s`, `—` when past. */
function left(expiresOn) {
  const ms = Date.parse(expiresOn) - (Date.now() + state.offset);
  if (ms <= 0) return "—";
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : `${m} min ${s % 60} s`;
}

async function call(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { "x-acs-dashboard": "1", ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status}`);
  return response.status === 204 ? undefined : response.json();
}

function notice(text) {
  $("notice").textContent = text;
}

function renderIdentities() {
  const body = $("identities").tBodies[0];
  body.replaceChildren();
  for (const identity of state.identities) {
    const row = body.insertRow();
    row.dataset.identity = identity.id;
    if (identity.fresh) row.className = "fresh";
    const who = document.createElement("div");
    who.append(mono(identity.id));
    if (identity.customId !== undefined) {
      const custom = document.createElement("div");
      custom.className = "muted";
      custom.textContent = `customId: ${identity.customId}`;
      who.append(custom);
    }
    cell(row, who, "long");
    cell(row, clock(identity.createdAt), "short");
    cell(
      row,
      badge(identity.deleted ? T.deleted : T.active, identity.deleted ? "state-deleted" : "state-valid"),
    );
    cell(row, String(identity.tokensIssued), "short");
    cell(row, identity.revokedAt ? clock(identity.revokedAt) : T.never, "short");
  }
  $("identities-empty").hidden = state.identities.length > 0;
  $("identity-count").textContent = T.shown(state.identities.length, state.identityTotal);
}

function renderTokens() {
  const body = $("tokens").tBodies[0];
  body.replaceChildren();
  for (const token of state.tokens) {
    const row = body.insertRow();
    row.dataset.token = token.id;
    row.dataset.state = token.state;
    if (token.fresh) row.className = "fresh";
    const full = revealed.get(token.id);
    const value = document.createElement("div");
    value.className = full ? "token full mono" : "token mono";
    value.textContent = full ?? token.masked;
    const details = document.createElement("details");
    const summary = document.createElement("summary");
    summary.textContent = T.claims;
    const pre = document.createElement("pre");
    pre.className = "claims";
    pre.textContent = JSON.stringify({ header: token.header, claims: token.claims }, null, 2);
    details.append(summary, pre);
    const first = document.createElement("div");
    first.append(value, details);
    cell(row, first, "long");
    cell(row, mono(token.identity), "long");
    cell(row, token.scopes.join(", "));
    cell(row, clock(token.expiresOn), "short");
    cell(row, left(token.expiresOn), "left short");
    cell(row, badge(T[token.state] ?? token.state, `state-${token.state}`));
    const button = document.createElement("button");
    button.type = "button";
    button.className = "reveal";
    button.textContent = full ? T.hide : T.reveal;
    button.addEventListener("click", async () => {
      if (revealed.has(token.id)) revealed.delete(token.id);
      else {
        try {
          revealed.set(
            token.id,
            (await call("POST", `api/tokens/${encodeURIComponent(token.id)}/reveal`)).token,
          );
        } catch {
          notice(T.failed(T.reveal));
        }
      }
      renderTokens();
    });
    cell(row, button);
  }
  $("tokens-empty").hidden = state.tokens.length > 0;
  $("token-count").textContent = state.tokens.length > 0 ? `(${state.tokens.length})` : "";
}

function journalRow(body, event, fresh) {
  const row = document.createElement("tr");
  if (fresh) row.className = "fresh";
  row.dataset.status = String(event.status);
  cell(row, clock(event.time), "short");
  cell(row, event.clientAddress ?? "", "short");
  cell(row, `${event.method} ${event.operation ?? event.path}`, "long");
  const kind = event.fault
    ? "status-fault"
    : event.status >= 400 || event.status === 0
      ? "status-error"
      : "status-ok";
  cell(row, badge(event.status === 0 ? "—" : String(event.status), kind));
  cell(row, event.errorCode ?? "");
  cell(row, event.explanation ? event.explanation[LANG] : (event.reason ?? ""), "why long");
  cell(row, event.durationMs.toFixed(1), "short");
  body.prepend(row);
  while (body.rows.length > 200) body.deleteRow(-1);
}

function renderJournal() {
  const body = $("journal").tBodies[0];
  body.replaceChildren();
  // Oldest first, each put on top: the newest request ends up first.
  for (const event of state.journal) journalRow(body, event, false);
  $("journal-empty").hidden = state.journal.length > 0;
}

function renderControls() {
  const select = $("fault-operation");
  if (select.options.length === 1) {
    for (const operation of state.operations) select.add(new Option(operation, operation));
  }
  const presets = $("presets");
  if (presets.childElementCount === 0) {
    for (const preset of state.presets) {
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.preset = preset.id;
      button.title = preset.description[LANG];
      button.textContent = preset.title[LANG];
      button.addEventListener("click", async () => {
        try {
          await call("POST", "api/faults", {
            preset: preset.id,
            operation: $("fault-operation").value,
            times: Number($("fault-times").value) || 1,
          });
          notice(T.faultArmed(preset.title[LANG]));
        } catch {
          notice(T.failed(preset.title[LANG]));
        }
      });
      presets.append(button);
    }
  }
  $("armed").textContent =
    state.faults.length === 0
      ? T.noFault
      : `${T.armed} ${state.faults
          .map(
            (f) =>
              `${f.status ?? ""}${f.retryAfterSeconds !== undefined ? ` (Retry-After ${f.retryAfterSeconds} s)` : ""} × ${f.times} · ${f.operation === "*" ? T.any : f.operation}`,
          )
          .join("; ")}`;
}

function applyState(next, fresh) {
  const known = new Set(state.identities.map((i) => i.id));
  const knownTokens = new Set(state.tokens.map((t) => t.id));
  state.identities = next.identities.map((i) => ({ ...i, fresh: fresh && !known.has(i.id) }));
  state.identityTotal = next.identityTotal;
  state.tokens = next.tokens.map((t) => ({ ...t, fresh: fresh && !knownTokens.has(t.id) }));
  state.faults = next.faults;
  state.presets = next.presets ?? state.presets;
  state.operations = next.operations ?? state.operations;
  state.offset = next.serverTime - Date.now();
  // A token no longer listed (reset, or past the latest 200) is forgotten here too.
  for (const id of [...revealed.keys()]) if (!state.tokens.some((t) => t.id === id)) revealed.delete(id);
  renderIdentities();
  renderTokens();
  renderControls();
}

function translatePage() {
  for (const id of [
    "identities-title",
    "tokens-title",
    "journal-title",
    "controls-title",
    "identities-empty",
    "tokens-empty",
    "journal-empty",
    "clear-faults",
    "reset",
  ]) {
    const element = $(id);
    const count = element.querySelector(".count");
    element.textContent = T[id];
    if (count) element.append(" ", count);
  }
  const heads = (table, texts) =>
    [...$(table).tHead.rows[0].cells].forEach((th, i) => {
      th.textContent = texts[i] ?? "";
    });
  heads("identities", T.identityHeads);
  heads("tokens", T.tokenHeads);
  heads("journal", T.journalHeads);
  $("fault-operation").options[0].textContent = T.any;
  $("fault-operation").parentElement.firstChild.textContent = `${T.operation} `;
  $("fault-times").parentElement.firstChild.textContent = `${T.times} `;
  $("live").textContent = T.connecting;
}

async function start() {
  translatePage();
  const response = await fetch("api/state");
  if (response.status === 401) {
    $("live").textContent = T.locked;
    $("live").className = "live off";
    return;
  }
  const first = await response.json();
  $("endpoint").textContent = first.endpoint;
  state.journal = first.journal;
  renderJournal();
  applyState(first, false);

  const events = new EventSource("api/events");
  events.addEventListener("open", () => {
    $("live").textContent = T.live;
    $("live").className = "live on";
  });
  events.addEventListener("error", () => {
    $("live").textContent = T.reconnecting;
    $("live").className = "live off";
  });
  events.addEventListener("state", (message) => applyState(JSON.parse(message.data), true));
  events.addEventListener("request", (message) => {
    const event = JSON.parse(message.data);
    state.journal.push(event);
    if (state.journal.length > 200) state.journal.shift();
    journalRow($("journal").tBodies[0], event, true);
    $("journal-empty").hidden = true;
  });

  $("reset").addEventListener("click", async () => {
    if (!confirm(T.confirmReset)) return;
    try {
      await call("POST", "api/reset");
      revealed.clear();
      notice(T.resetDone);
    } catch {
      notice(T.failed(T.reset));
    }
  });
  $("clear-faults").addEventListener("click", async () => {
    try {
      await call("DELETE", "api/faults");
      notice(T.faultsCleared);
    } catch {
      notice(T.failed(T["clear-faults"]));
    }
  });
  // Time left counts down between updates.
  setInterval(() => {
    const rows = $("tokens").tBodies[0].rows;
    state.tokens.forEach((token, i) => {
      const td = rows[i]?.querySelector(".left");
      if (td) td.textContent = left(token.expiresOn);
    });
  }, 1000);
}

start();

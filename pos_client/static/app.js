// The cashier screen of a Caisse Commune till. Plain ES module, no framework, no outside
// requests: it talks only to the till's own local server (/api/...), on the same origin.
// Money is integer cents everywhere; nothing here does arithmetic on floats.
//
// One screen, two tills: the Python till serves it on 127.0.0.1 and answers /api/... itself;
// the wallet server serves it under /till/ (the browser till), where the same /api/... is
// answered in this page by the engine (wallet_server/till_web/static/engine/).

import {
  applyLangToPage,
  formatCents,
  formatDateTime,
  formatDay,
  formatWhen,
  getLang,
  pick,
  plural,
  setLang,
  t,
  todayLocal,
} from "./i18n.js";

const engine = window.location.pathname.startsWith("/till/")
  ? await (await import("./engine/index.js")).startTill()
  : null;

const STATUS_EVERY_MS = 2000;
const STATUS_TIMEOUT_MS = 5000;
const PAY_TIMEOUT_MS = 30000;
const READ_TIMEOUT_MS = 10000;
const AUTO_DISMISS_MS = 8000;
const MAX_AMOUNT_CENTS = 999999; // 9 999,99 €: six digits on the keypad
const QR_SCANNER_MODULE = "./vendor/qr-scanner/qr-scanner.min.js";

const $ = (selector) => document.querySelector(selector);

const el = {
  shopName: $("#shop-name"),
  deviceName: $("#device-name"),
  net: $("#net-status"),
  unsyncedCount: $("#unsynced-count"),
  unsyncedLabel: $("#unsynced-label"),
  unsyncedTotal: $("#unsynced-total"),
  lastSync: $("#last-sync"),
  storageState: $("#storage-state"),
  lang: $("#lang"),
  announcer: $("#announcer"),
  problems: $("#problems"),
  problemsList: $("#problems-list"),
  problemsTitle: $("#problems-title"),
  views: { pay: $("#view-pay"), recent: $("#view-recent"), report: $("#view-report") },
  navs: { pay: $("#nav-pay"), recent: $("#nav-recent"), report: $("#nav-report") },
  payGrid: $("#pay-grid"),
  amount: $("#amount"),
  keypad: $("#keypad"),
  scanForm: $("#scan-form"),
  scan: $("#scan"),
  payHint: $("#pay-hint"),
  cameraOpen: $("#camera-open"),
  cameraPanel: $("#camera-panel"),
  cameraVideo: $("#camera-video"),
  cameraMessage: $("#camera-message"),
  cameraSwitch: $("#camera-switch"),
  cameraClose: $("#camera-close"),
  pinOpen: $("#pin-open"),
  pinForm: $("#pin-form"),
  pinParticipant: $("#pin-participant"),
  pinCode: $("#pin-code"),
  pinError: $("#pin-error"),
  pinCancel: $("#pin-cancel"),
  pinSubmit: $("#pin-submit"),
  pinOfflineNote: $("#pin-offline-note"),
  checking: $("#checking"),
  result: $("#result"),
  resultTitle: $("#result-title"),
  resultAmount: $("#result-amount"),
  resultMessage: $("#result-message"),
  resultReceipt: $("#result-receipt"),
  resultActions: $("#result-actions"),
  resultAuto: $("#result-auto"),
  newPayment: $("#new-payment"),
  retry: $("#retry"),
  recentTitle: $("#recent-title"),
  recentRefresh: $("#recent-refresh"),
  recentStatus: $("#recent-status"),
  recentList: $("#recent-list"),
  reportTitle: $("#report-title"),
  reportDay: $("#report-day"),
  reportPrint: $("#report-print"),
  reportHeading: $("#report-heading"),
  reportShop: $("#report-shop"),
  reportDevice: $("#report-device"),
  reportStatus: $("#report-status"),
  reportBody: $("#report-body"),
  reportPrinted: $("#report-printed"),
  refundDialog: $("#refund-dialog"),
  refundOf: $("#refund-of"),
  refundStepAmount: $("#refund-step-amount"),
  refundStepConfirm: $("#refund-step-confirm"),
  refundStepResult: $("#refund-step-result"),
  refundAmount: $("#refund-amount"),
  refundMax: $("#refund-max"),
  refundError: $("#refund-error"),
  refundNext: $("#refund-next"),
  refundCancel: $("#refund-cancel"),
  refundQuestion: $("#refund-question"),
  refundConfirm: $("#refund-confirm"),
  refundBack: $("#refund-back"),
  refundResultTitle: $("#refund-result-title"),
  refundResultMessage: $("#refund-result-message"),
  refundClose: $("#refund-close"),
};

const state = {
  view: "pay",
  amountCents: 0,
  busy: false,
  result: null, // {kind, mode, amountCents, message|null, localKey|null, code, receipt}
  resultTimer: null,
  status: null, // last /api/status answer
  statusReachable: null, // null before the first poll
  problemsKey: "",
  recent: null,
  recentError: false,
  recentSeq: 0,
  report: null,
  reportError: false,
  reportSeq: 0,
  refund: null, // {payment, remaining, amountCents, step, busy, answer}
};

// ---------------------------------------------------------------- local API

class TillError extends Error {}

async function api(path, { method = "GET", body, timeoutMs = READ_TIMEOUT_MS } = {}) {
  if (engine) return callEngine(path, { method, body });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const headers = { Accept: "application/json", "X-Caisse-POS": "1" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  try {
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
      cache: "no-store",
      credentials: "same-origin",
    });
    if (!response.ok) throw new TillError(`HTTP ${response.status}`);
    const data = await response.json();
    if (!data || typeof data !== "object") throw new TillError("not a JSON object");
    return data;
  } catch (error) {
    throw error instanceof TillError ? error : new TillError(String(error));
  } finally {
    clearTimeout(timer);
  }
}

async function callEngine(path, { method, body }) {
  try {
    const data = await engine.call(path, { method, body });
    if (!data || typeof data !== "object") throw new TillError("not a JSON object");
    return data;
  } catch (error) {
    throw error instanceof TillError ? error : new TillError(String(error));
  }
}

const isCount = (n) => Number.isSafeInteger(n) && n >= 0;

// ---------------------------------------------------------------- language

function applyStaticText() {
  applyLangToPage();
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-aria-label]")) {
    node.setAttribute("aria-label", t(node.dataset.i18nAriaLabel));
  }
  el.lang.value = getLang();
}

function renderAll() {
  applyStaticText();
  renderTitle();
  renderAmount();
  renderStatus();
  renderProblems(true);
  renderResult();
  renderBusy();
  renderRecent();
  renderReport();
  renderRefund();
}

// the choice is kept in localStorage (i18n.js), so a reload keeps it
el.lang.addEventListener("change", () => {
  setLang(el.lang.value);
  renderAll();
});

// ---------------------------------------------------------------- views

function showView(name) {
  if (!(name in el.views)) return;
  const leaving = state.view;
  state.view = name;
  for (const [key, section] of Object.entries(el.views)) section.hidden = key !== name;
  for (const [key, button] of Object.entries(el.navs)) {
    if (key === name) button.setAttribute("aria-current", "page");
    else button.removeAttribute("aria-current");
  }
  if (name !== "pay") closeCamera();
  if (name === "pay") {
    if (state.result) el.newPayment.focus();
    else focusScan();
  } else if (name === "recent") {
    loadRecent();
    if (leaving !== name) el.recentTitle.focus();
  } else if (name === "report") {
    if (!el.reportDay.value) el.reportDay.value = todayLocal();
    loadReport();
    if (leaving !== name) el.reportTitle.focus();
  }
}

for (const [name, button] of Object.entries(el.navs)) {
  button.addEventListener("click", () => showView(name));
}

function announce(text) {
  el.announcer.textContent = "";
  // a fresh node so that the same sentence twice is still read
  window.setTimeout(() => {
    el.announcer.textContent = text;
  }, 50);
}

// ---------------------------------------------------------------- status (polled)

function renderTitle() {
  const shop = state.status && typeof state.status.shop_name === "string" ? state.status.shop_name : "";
  document.title = shop ? t("page_title", { shop }) : t("app_name");
}

function renderStatus() {
  const s = state.status;
  if (state.statusReachable === false) {
    el.net.dataset.online = "false";
    el.net.dataset.state = "till-down";
    el.net.textContent = t("net_till_down");
  } else if (!s) {
    el.net.dataset.online = "false";
    el.net.dataset.state = "unknown";
    el.net.textContent = t("net_unknown");
  } else {
    const online = s.online === true;
    el.net.dataset.online = String(online);
    el.net.dataset.state = online ? "online" : "offline";
    el.net.textContent = t(online ? "net_online" : "net_offline");
  }
  if (s) {
    el.shopName.textContent = typeof s.shop_name === "string" ? s.shop_name : "";
    el.deviceName.textContent = typeof s.device_name === "string" ? s.device_name : "";
    const count = isCount(s.unsynced_count) ? s.unsynced_count : 0;
    el.unsyncedCount.textContent = String(count);
    el.unsyncedLabel.textContent = plural(count, "unsynced_one", "unsynced_many");
    el.unsyncedTotal.textContent =
      count > 0 && isCount(s.unsynced_cents) ? `(${formatCents(s.unsynced_cents)})` : "";
    el.lastSync.textContent = s.last_sync_at
      ? t("last_sync", { time: formatWhen(s.last_sync_at) })
      : t("last_sync_never");
    // the browser till only: whether the browser may clear its journal to free space
    const storage = s.storage === "persistent" || s.storage === "best_effort" ? s.storage : null;
    el.storageState.hidden = !storage;
    el.storageState.dataset.storage = storage || "";
    el.storageState.textContent = storage ? t(`storage_${storage}`) : "";
  } else {
    el.unsyncedLabel.textContent = plural(Number(el.unsyncedCount.textContent) || 0, "unsynced_one", "unsynced_many");
  }
  el.pinOfflineNote.hidden = !(s && s.online === false);
}

const STATE_KEYS = {
  synced: "state_synced",
  pending_sync: "state_pending_sync",
  rejected: "state_rejected",
  conflict: "state_conflict",
};

function renderProblems(force = false) {
  const list = state.status && Array.isArray(state.status.problems) ? state.status.problems : [];
  const key = JSON.stringify(list);
  if (!force && key === state.problemsKey) return; // unchanged: no flicker, nothing re-read
  const before = state.problemsKey ? JSON.parse(state.problemsKey).length : 0;
  state.problemsKey = key;
  const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.problemId : null;
  el.problemsList.replaceChildren(
    ...list.map((problem) => {
      const item = document.createElement("li");
      item.className = "problem";
      item.dataset.state = problem.state;
      const head = document.createElement("p");
      head.className = "problem-head";
      const amount = document.createElement("strong");
      amount.className = "nowrap";
      amount.textContent = isCount(problem.amount_cents) ? formatCents(problem.amount_cents) : "?";
      const when = document.createElement("span");
      when.textContent = ` · ${formatWhen(problem.captured_at)} · `;
      const word = document.createElement("span");
      word.className = "state-word";
      word.textContent = STATE_KEYS[problem.state] ? t(STATE_KEYS[problem.state]) : String(problem.state ?? "");
      head.append(amount, when, word);
      const message = document.createElement("p");
      message.className = "problem-message";
      message.textContent = pick(problem.message);
      const ref = document.createElement("p");
      ref.className = "problem-ref";
      ref.textContent = t("problem_ref", { id: String(problem.redemption_id ?? "") });
      const seen = document.createElement("button");
      seen.type = "button";
      seen.className = "secondary problem-seen";
      seen.dataset.problemId = String(problem.redemption_id ?? "");
      seen.textContent = t("problem_seen");
      seen.setAttribute("aria-label", t("problem_seen_label", { amount: amount.textContent, time: formatWhen(problem.captured_at) }));
      seen.addEventListener("click", () => acknowledgeProblem(problem.redemption_id, seen));
      item.append(head, message, ref, seen);
      return item;
    }),
  );
  el.problems.hidden = list.length === 0;
  if (focused) {
    const again = el.problemsList.querySelector(`[data-problem-id="${CSS.escape(focused)}"]`);
    if (again) again.focus();
    else if (state.view === "pay") focusScan();
  }
  if (!force && list.length > before) announce(t("problems_announce", { n: list.length }));
}

/** The cashier has seen a problem (and will tell the coordinator): it leaves the banner. */
async function acknowledgeProblem(redemptionId, button) {
  button.disabled = true;
  try {
    await api(`/api/problems/${encodeURIComponent(String(redemptionId))}/seen`, { method: "POST", body: {} });
  } catch {
    button.disabled = false;
    announce(t("problem_seen_error"));
    return;
  }
  const item = button.closest("li");
  const next = item && (item.nextElementSibling || item.previousElementSibling);
  if (item) item.remove();
  if (next) next.querySelector("button").focus();
  else {
    el.problems.hidden = true;
    if (state.view === "pay") focusScan();
    else document.querySelector(`#${state.view}-title`).focus();
  }
  pollStatus();
}

let statusTimer = null;
let statusInFlight = false;
let statusAgain = false;

/** One poll at a time: a call while one is running asks for another right after it. */
async function pollStatus() {
  window.clearTimeout(statusTimer);
  if (statusInFlight) {
    statusAgain = true;
    return;
  }
  statusInFlight = true;
  const wasOnline = state.status ? state.status.online === true : null;
  const wasReachable = state.statusReachable;
  const previousUnsynced = state.status ? state.status.unsynced_count : null;
  try {
    const answer = await api("/api/status", { timeoutMs: STATUS_TIMEOUT_MS });
    state.status = answer;
    state.statusReachable = true;
  } catch {
    state.statusReachable = false;
  }
  renderTitle();
  renderStatus();
  renderProblems();
  if (state.statusReachable === false && wasReachable !== false) {
    if (wasReachable === true) announce(t("net_till_down_long"));
  } else if (state.statusReachable && wasOnline !== null && state.status.online !== wasOnline) {
    announce(t(state.status.online ? "net_went_online" : "net_went_offline"));
  }
  if (
    state.view === "recent" &&
    state.status &&
    previousUnsynced !== null &&
    state.status.unsynced_count !== previousUnsynced &&
    !(state.refund && state.refund.busy)
  ) {
    loadRecent(); // a payment changed state (sent, rejected): show it
  }
  statusInFlight = false;
  window.clearTimeout(statusTimer);
  if (statusAgain) {
    statusAgain = false;
    pollStatus();
  } else {
    statusTimer = window.setTimeout(pollStatus, STATUS_EVERY_MS);
  }
}

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") pollStatus();
});

// ---------------------------------------------------------------- amount and keypad

/** Cash-register entry in integer cents: 1, 2, 4, 0 -> 1240 (12,40 €). */
function nextAmount(cents, key) {
  if (key === "clear") return 0;
  if (key === "back") return Math.floor(cents / 10);
  if (key === "00") return cents * 100 <= MAX_AMOUNT_CENTS ? cents * 100 : cents;
  if (/^[0-9]$/.test(key)) {
    const next = cents * 10 + Number(key);
    return next <= MAX_AMOUNT_CENTS ? next : cents;
  }
  return cents;
}

function renderAmount() {
  el.amount.textContent = formatCents(state.amountCents);
  el.amount.classList.toggle("is-zero", state.amountCents === 0);
}

function pressKey(key) {
  if (state.busy || state.result) return;
  state.amountCents = nextAmount(state.amountCents, key);
  el.payHint.textContent = "";
  renderAmount();
}

// keep the focus in the scan field when a key is touched or clicked (a USB code reader types
// into whatever has the focus); keyboard users keep their focus on the key
el.keypad.addEventListener("mousedown", (event) => {
  if (event.target.closest("button")) event.preventDefault();
});
el.keypad.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-key]");
  if (!button) return;
  pressKey(button.dataset.key);
  if (event.detail > 0) focusScan();
});

function focusScan() {
  if (state.view !== "pay" || state.result || state.busy) return;
  if (!el.pinForm.hidden) return;
  el.scan.focus({ preventScroll: true });
}

// ---------------------------------------------------------------- scan field (keyboard wedge)

function hasModifier(event) {
  return event.ctrlKey || event.metaKey || event.altKey;
}

el.scan.addEventListener("keydown", (event) => {
  if (hasModifier(event) || event.isComposing) return;
  // a pay code starts with "CC1:", never with a digit: digits typed into the empty field are the amount
  if (el.scan.value === "") {
    if (/^[0-9]$/.test(event.key)) {
      event.preventDefault();
      pressKey(event.key);
    } else if (event.key === "Backspace") {
      event.preventDefault();
      pressKey("back");
    } else if (event.key === "Delete" || event.key === "Escape") {
      event.preventDefault();
      pressKey("clear");
    }
  } else if (event.key === "Escape") {
    event.preventDefault();
    el.scan.value = "";
  }
});

el.scanForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const token = el.scan.value.trim();
  el.scan.value = "";
  if (!token || state.busy || state.result) return;
  if (state.amountCents <= 0) {
    showLocalRefusal("amount_zero", "amount_zero");
    return;
  }
  // a reader set for a US keyboard on a French (AZERTY) one types "CC&" for "CC1:", and the
  // other way round "CC!": no pay code can start so
  if (/^cc[&!]/i.test(token)) {
    showLocalRefusal("scanner_layout", "scanner_layout");
    return;
  }
  submitPayment("/api/pay", { token });
});

// Whatever has the focus on the pay screen, a code reader's typing goes to the scan field.
document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || hasModifier(event) || state.view !== "pay") return;
  if (el.refundDialog.open) return;
  const target = event.target;
  if (state.result) {
    if (event.key === "Enter" || event.key === "Escape") {
      if (target instanceof HTMLButtonElement && target !== el.newPayment && event.key === "Enter") return;
      event.preventDefault();
      newPayment();
    }
    return;
  }
  if (state.busy) {
    if (event.key.length === 1 || event.key === "Enter") event.preventDefault();
    return;
  }
  if (target === el.scan) return;
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) return;
  if (!el.pinForm.hidden) return;
  if (event.key.length === 1) {
    event.preventDefault();
    el.scan.focus({ preventScroll: true });
    if (el.scan.value === "" && /^[0-9]$/.test(event.key)) pressKey(event.key);
    else if (el.scan.value.length < el.scan.maxLength) el.scan.value += event.key;
  } else if (event.key === "Backspace" && !(target instanceof HTMLButtonElement && target.dataset.key)) {
    event.preventDefault();
    pressKey("back");
  }
});

// a touch on an empty part of the pay screen gives the focus back to the scan field
el.views.pay.addEventListener("click", (event) => {
  if (event.target.closest("button, input, label, a, video, select, textarea, form")) return;
  focusScan();
});

// ---------------------------------------------------------------- paying

function setBusy(busy) {
  state.busy = busy;
  renderBusy();
}

function renderBusy() {
  el.checking.textContent = state.busy ? t("checking") : "";
  el.views.pay.classList.toggle("is-busy", state.busy);
  el.payGrid.inert = state.busy || Boolean(state.result);
  el.payGrid.setAttribute("aria-busy", String(state.busy));
  el.pinSubmit.disabled = state.busy;
}

function readPayAnswer(data, requestedCents) {
  const message = data.message && typeof data.message === "object" ? data.message : null;
  if (data.result === "accepted" && (data.mode === "online" || data.mode === "offline")) {
    return {
      kind: "accepted",
      mode: data.mode,
      amountCents: isCount(data.amount_cents) ? data.amount_cents : requestedCents,
      message,
      localKey: null,
      code: null,
      receipt: typeof data.receipt_number === "string" && data.receipt_number ? data.receipt_number : null,
      redemptionId: typeof data.redemption_id === "string" ? data.redemption_id : null,
    };
  }
  if (data.result === "refused") {
    const code = typeof data.code === "string" ? data.code : "";
    return {
      kind: "refused",
      mode: null,
      amountCents: requestedCents,
      message: pick(message) ? message : null,
      localKey: "refused_code",
      code,
      receipt: null,
    };
  }
  return tillError(requestedCents);
}

function tillError(requestedCents) {
  return {
    kind: "refused",
    mode: null,
    amountCents: requestedCents,
    message: null,
    localKey: "till_error",
    code: "till_error",
    receipt: null,
  };
}

async function submitPayment(path, fields) {
  if (state.busy || state.result) return;
  const amountCents = state.amountCents;
  if (amountCents <= 0) {
    showLocalRefusal("amount_zero", "amount_zero");
    return;
  }
  closeCamera();
  setBusy(true);
  let outcome;
  try {
    const data = await api(path, {
      method: "POST",
      body: { ...fields, amount_cents: amountCents },
      timeoutMs: PAY_TIMEOUT_MS,
    });
    outcome = readPayAnswer(data, amountCents);
  } catch {
    outcome = tillError(amountCents);
  }
  setBusy(false);
  showResult(outcome);
  pollStatus(); // the count of payments to send has changed
}

function showLocalRefusal(key, code) {
  showResult({
    kind: "refused",
    mode: null,
    amountCents: state.amountCents,
    message: null,
    localKey: key,
    code,
    receipt: null,
  });
}

function showResult(outcome) {
  closeCamera();
  closePin({ focus: false });
  state.result = outcome;
  window.clearTimeout(state.resultTimer);
  if (outcome.kind === "accepted") {
    state.resultTimer = window.setTimeout(() => {
      if (state.result === outcome) newPayment({ focus: state.view === "pay" });
    }, AUTO_DISMISS_MS);
  }
  renderResult();
  renderBusy();
  if (state.view !== "pay") showView("pay"); // a payment's answer is never left unseen
  el.newPayment.focus({ preventScroll: true });
}

function renderResult() {
  const r = state.result;
  const box = el.result;
  el.views.pay.classList.toggle("has-result", Boolean(r));
  if (!r) {
    delete box.dataset.result;
    delete box.dataset.mode;
    delete box.dataset.code;
    el.resultTitle.textContent = "";
    el.resultAmount.textContent = "";
    el.resultMessage.textContent = "";
    el.resultReceipt.textContent = "";
    el.resultActions.hidden = true;
    el.resultAuto.hidden = true;
    return;
  }
  box.dataset.result = r.kind;
  if (r.kind === "accepted") {
    box.dataset.mode = r.mode;
    delete box.dataset.code;
    el.resultTitle.textContent = t(r.mode === "offline" ? "result_accepted_offline" : "result_accepted");
  } else {
    delete box.dataset.mode;
    if (r.code) box.dataset.code = r.code;
    else delete box.dataset.code;
    el.resultTitle.textContent = t("result_refused");
  }
  el.resultAmount.textContent = r.amountCents > 0 ? formatCents(r.amountCents) : "";
  el.resultMessage.textContent = r.message ? pick(r.message) : t(r.localKey, { code: r.code || "?" });
  el.resultReceipt.textContent = r.receipt ? t("result_receipt", { n: r.receipt }) : "";
  el.resultActions.hidden = false;
  el.retry.hidden = !(r.kind === "refused" && r.amountCents > 0);
  el.resultAuto.hidden = r.kind !== "accepted";
}

function newPayment({ keepAmount = false, focus = true } = {}) {
  window.clearTimeout(state.resultTimer);
  state.result = null;
  if (!keepAmount) state.amountCents = 0;
  el.payHint.textContent = "";
  renderAmount();
  renderResult();
  renderBusy();
  if (focus) focusScan();
}

el.newPayment.addEventListener("click", () => newPayment());
el.retry.addEventListener("click", () => newPayment({ keepAmount: true }));

// ---------------------------------------------------------------- pay by PIN

const CROCKFORD = { O: "0", I: "1", L: "1" };

/** "p 7kx2 m9qd" -> "P-7KX2-M9QD"; null if it cannot be a participant number. */
function normaliseParticipant(text) {
  let compact = text.toUpperCase().replace(/[^0-9A-Z]/g, "");
  if (compact.length === 9 && compact.startsWith("P")) compact = compact.slice(1);
  if (compact.length !== 8) return null;
  compact = compact.replace(/[OIL]/g, (c) => CROCKFORD[c]);
  if (!/^[0-9A-HJKMNP-TV-Z]{8}$/.test(compact)) return null;
  return `P-${compact.slice(0, 4)}-${compact.slice(4)}`;
}

function openPin() {
  if (state.busy || state.result) return;
  closeCamera();
  el.pinForm.hidden = false;
  el.pinForm.parentElement.classList.add("pin-on");
  el.pinOpen.setAttribute("aria-expanded", "true");
  el.pinError.textContent = "";
  el.pinParticipant.focus();
}

function closePin({ focus = true } = {}) {
  const wasOpen = !el.pinForm.hidden;
  el.pinForm.hidden = true;
  el.pinForm.parentElement.classList.remove("pin-on");
  el.pinOpen.setAttribute("aria-expanded", "false");
  el.pinCode.value = ""; // a PIN never stays on screen
  el.pinError.textContent = "";
  if (wasOpen && focus) focusScan();
}

el.pinOpen.addEventListener("click", () => {
  if (el.pinForm.hidden) openPin();
  else closePin();
});
el.pinCancel.addEventListener("click", () => {
  el.pinParticipant.value = "";
  closePin();
});
el.pinForm.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    event.preventDefault();
    closePin();
  }
});
el.pinCode.addEventListener("input", () => {
  const digits = el.pinCode.value.replace(/[^0-9]/g, "");
  if (digits !== el.pinCode.value) el.pinCode.value = digits;
});

el.pinForm.addEventListener("submit", (event) => {
  event.preventDefault();
  if (state.busy || state.result) return;
  const showError = (key, field) => {
    el.pinError.textContent = t(key);
    field.setAttribute("aria-invalid", "true");
    field.focus();
  };
  el.pinParticipant.removeAttribute("aria-invalid");
  el.pinCode.removeAttribute("aria-invalid");
  if (state.amountCents <= 0) {
    el.pinError.textContent = t("amount_first");
    return;
  }
  const participant = normaliseParticipant(el.pinParticipant.value);
  if (!participant) return showError("pin_bad_participant", el.pinParticipant);
  const pin = el.pinCode.value;
  if (!/^[0-9]{4,6}$/.test(pin)) return showError("pin_bad_code", el.pinCode);
  el.pinCode.value = "";
  el.pinParticipant.value = "";
  closePin({ focus: false });
  submitPayment("/api/pay-pin", { participant_id: participant, pin });
});

// ---------------------------------------------------------------- camera (vendored qr-scanner)

let QrScanner = null; // loaded on first use only
let scanner = null;
let cameraSession = 0;
let facingMode = "environment";
let notPayCodeShownAt = 0;
let cameraBlockedByPolicy = false;

function setCameraMessage(key) {
  el.cameraMessage.textContent = key ? t(key) : "";
  el.cameraMessage.dataset.key = key || "";
}

function cameraErrorKey(error) {
  const name = error && typeof error === "object" ? error.name : "";
  const text = String((error && error.message) || error || "");
  if (name === "NotAllowedError" || name === "SecurityError" || /permission|denied/i.test(text)) return "camera_denied";
  if (name === "NotFoundError" || name === "OverconstrainedError") return "camera_none";
  if (name === "NotReadableError" || name === "AbortError") return "camera_busy";
  return "camera_error";
}

/** Why the camera did not start. qr-scanner 1.4 turns every getUserMedia failure into the one
 *  string "Camera not found.", so ask the Permissions API whether the camera was refused. */
async function cameraFailureKey(error) {
  if (typeof error !== "string") return cameraErrorKey(error);
  try {
    const permission = await navigator.permissions.query({ name: "camera" });
    if (permission.state === "denied") return "camera_denied";
  } catch {
    // no Permissions API for the camera here
  }
  return "camera_cannot_open";
}

async function openCamera() {
  if (state.busy || state.result) return;
  if (state.amountCents <= 0) {
    el.payHint.textContent = t("amount_first");
    return;
  }
  closePin({ focus: false });
  const session = ++cameraSession;
  el.cameraPanel.hidden = false;
  el.cameraPanel.parentElement.classList.add("camera-on");
  el.cameraOpen.setAttribute("aria-expanded", "true");
  el.cameraSwitch.hidden = true;
  el.cameraClose.focus({ preventScroll: true });
  el.cameraPanel.scrollIntoView({ block: "nearest" });
  setCameraMessage("camera_starting");
  if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    setCameraMessage("camera_insecure");
    return;
  }
  try {
    if (!QrScanner) QrScanner = (await import(QR_SCANNER_MODULE)).default;
  } catch {
    if (session === cameraSession) setCameraMessage("camera_load_error");
    return;
  }
  if (session !== cameraSession) return;
  if (!(await QrScanner.hasCamera())) {
    if (session === cameraSession) setCameraMessage("camera_none");
    return;
  }
  if (session !== cameraSession) return;
  const instance = new QrScanner(el.cameraVideo, (found) => onCameraCode(found, session), {
    returnDetailedScanResult: true,
    preferredCamera: facingMode,
    maxScansPerSecond: 8,
    highlightScanRegion: false, // its overlay uses inline styles, which the page's CSP forbids
    highlightCodeOutline: false,
    onDecodeError: () => {}, // "no QR code found" on most frames: nothing to say
  });
  scanner = instance;
  try {
    await instance.start();
  } catch (error) {
    if (session === cameraSession) stopScanner();
    const key = await cameraFailureKey(error);
    if (session === cameraSession) setCameraMessage(key);
    return;
  }
  if (session !== cameraSession) return;
  if (!cameraBlockedByPolicy) setCameraMessage("camera_help");
  try {
    const cameras = await QrScanner.listCameras(false);
    if (session === cameraSession) el.cameraSwitch.hidden = cameras.length < 2;
  } catch {
    // no list: no switch button
  }
}

function onCameraCode(found, session) {
  if (session !== cameraSession) return;
  const text = String((found && found.data) ?? found ?? "").trim();
  if (!/^CC1:/i.test(text)) {
    // some other QR code (a product label): keep looking, say so now and then
    const now = Date.now();
    if (now - notPayCodeShownAt > 3000) {
      notPayCodeShownAt = now;
      setCameraMessage("camera_not_pay_code");
    }
    return;
  }
  closeCamera({ focus: false });
  submitPayment("/api/pay", { token: text });
}

function stopScanner() {
  if (scanner) {
    try {
      scanner.destroy(); // stops the camera too
    } catch {
      // already gone
    }
    scanner = null;
  }
}

function closeCamera({ focus = false } = {}) {
  if (el.cameraPanel.hidden && !scanner) return;
  cameraSession += 1;
  stopScanner();
  el.cameraPanel.hidden = true;
  el.cameraPanel.parentElement.classList.remove("camera-on");
  el.cameraOpen.setAttribute("aria-expanded", "false");
  setCameraMessage("");
  if (focus) focusScan();
}

el.cameraOpen.addEventListener("click", () => {
  if (el.cameraPanel.hidden) openCamera();
  else closeCamera({ focus: true });
});
el.cameraClose.addEventListener("click", () => closeCamera({ focus: true }));
el.cameraSwitch.addEventListener("click", async () => {
  if (!scanner) return;
  facingMode = facingMode === "environment" ? "user" : "environment";
  try {
    await scanner.setCamera(facingMode);
  } catch (error) {
    setCameraMessage(await cameraFailureKey(error));
  }
});
// qr-scanner decodes in a Web Worker started from a blob: URL (where the browser has no native
// BarcodeDetector); a Content-Security-Policy without `worker-src blob:` blocks it silently
document.addEventListener("securitypolicyviolation", (event) => {
  if (el.cameraPanel.hidden) return;
  if (String(event.blockedURI).startsWith("blob") || /^(worker|child|script)-src/.test(event.effectiveDirective || "")) {
    cameraBlockedByPolicy = true;
    setCameraMessage("camera_policy");
  }
});

el.cameraPanel.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    event.preventDefault();
    closeCamera({ focus: true });
  }
});

// ---------------------------------------------------------------- recent payments

const MODE_KEYS = { online: "mode_online", offline: "mode_offline", pin: "mode_pin" };

async function loadRecent() {
  const seq = ++state.recentSeq;
  if (!state.recent) el.recentStatus.textContent = t("loading");
  try {
    const data = await api("/api/recent");
    if (seq !== state.recentSeq) return;
    state.recent = Array.isArray(data.payments) ? data.payments : [];
    state.recentError = false;
  } catch {
    if (seq !== state.recentSeq) return;
    state.recentError = true;
  }
  renderRecent();
}

function remainingCents(payment) {
  const amount = isCount(payment.amount_cents) ? payment.amount_cents : 0;
  const refunded = isCount(payment.refunded_cents) ? payment.refunded_cents : 0;
  return Math.max(0, amount - refunded);
}

function renderRecent() {
  if (state.recentError) el.recentStatus.textContent = t("recent_error");
  else if (!state.recent) el.recentStatus.textContent = "";
  else el.recentStatus.textContent = state.recent.length === 0 ? t("recent_empty") : "";
  if (!state.recent) return;
  const focusedId = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.refundId : null;
  el.recentList.replaceChildren(
    ...state.recent.map((payment) => {
      const item = document.createElement("li");
      item.className = "recent-item";
      item.dataset.state = payment.state;
      const amountText = formatCents(isCount(payment.amount_cents) ? payment.amount_cents : 0);
      const when = formatWhen(payment.captured_at);

      const main = document.createElement("div");
      main.className = "recent-main";
      const time = document.createElement("span");
      time.className = "recent-time";
      time.textContent = when;
      const amount = document.createElement("strong");
      amount.className = "recent-amount nowrap";
      amount.textContent = amountText;
      main.append(time, amount);

      const details = document.createElement("p");
      details.className = "recent-details";
      const mode = document.createElement("span");
      mode.className = "recent-mode";
      mode.textContent = MODE_KEYS[payment.mode] ? t(MODE_KEYS[payment.mode]) : String(payment.mode ?? "");
      const sep = document.createElement("span");
      sep.setAttribute("aria-hidden", "true");
      sep.textContent = " · ";
      const stateWord = document.createElement("span");
      stateWord.className = "state-word";
      stateWord.dataset.state = payment.state;
      stateWord.textContent = STATE_KEYS[payment.state] ? t(STATE_KEYS[payment.state]) : String(payment.state ?? "");
      details.append(mode, sep, stateWord);

      item.append(main, details);
      if (isCount(payment.refunded_cents) && payment.refunded_cents > 0) {
        const refunded = document.createElement("p");
        refunded.className = "recent-refunded";
        refunded.textContent = t("refunded", { amount: formatCents(payment.refunded_cents) });
        item.append(refunded);
      }

      const remaining = remainingCents(payment);
      if (payment.state !== "rejected") {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "secondary refund-button";
        button.dataset.refundId = String(payment.redemption_id);
        if (remaining > 0) {
          button.textContent = t("refund_button");
          button.setAttribute("aria-label", t("refund_button_label", { amount: amountText, time: when }));
          button.addEventListener("click", () => openRefund(payment));
        } else {
          button.textContent = t("refund_full");
          button.disabled = true;
        }
        item.append(button);
      }
      return item;
    }),
  );
  if (focusedId) {
    const again = el.recentList.querySelector(`[data-refund-id="${CSS.escape(focusedId)}"]`);
    if (again && !again.disabled) again.focus();
  }
}

el.recentRefresh.addEventListener("click", () => loadRecent());

// ---------------------------------------------------------------- refund dialog

function openRefund(payment) {
  const remaining = remainingCents(payment);
  if (remaining <= 0) return;
  state.refund = { payment, remaining, amountCents: remaining, step: "amount", busy: false, answer: null, error: "" };
  renderRefund();
  el.refundDialog.showModal();
  el.refundNext.focus();
}

function renderRefund() {
  const r = state.refund;
  if (!r) return;
  const amount = isCount(r.payment.amount_cents) ? r.payment.amount_cents : 0;
  el.refundOf.textContent = t("refund_of", { amount: formatCents(amount), time: formatWhen(r.payment.captured_at) });
  el.refundAmount.textContent = formatCents(r.amountCents);
  el.refundMax.textContent = t("refund_max", { amount: formatCents(r.remaining) });
  el.refundError.textContent = r.error ? t(r.error, { amount: formatCents(r.remaining) }) : "";
  el.refundStepAmount.hidden = r.step !== "amount";
  el.refundStepConfirm.hidden = r.step !== "confirm";
  el.refundStepResult.hidden = r.step !== "result";
  el.refundQuestion.textContent = t("refund_question", { amount: formatCents(r.amountCents) });
  el.refundConfirm.disabled = r.busy;
  el.refundBack.disabled = r.busy;
  const box = el.refundDialog.querySelector("#refund-result");
  if (r.busy) {
    box.dataset.result = "pending";
    el.refundResultTitle.textContent = t("refund_sending");
    el.refundResultMessage.textContent = "";
  } else if (r.answer) {
    const kind = r.answer.kind;
    box.dataset.result = kind;
    el.refundResultTitle.textContent = t(`refund_${kind}`);
    el.refundResultMessage.textContent = r.answer.message ? pick(r.answer.message) : t(r.answer.localKey, { code: r.answer.code || "?" });
  } else {
    delete box.dataset.result;
    el.refundResultTitle.textContent = "";
    el.refundResultMessage.textContent = "";
  }
}

function refundKey(key) {
  const r = state.refund;
  if (!r || r.step !== "amount") return;
  r.amountCents = nextAmount(r.amountCents, key);
  r.error = "";
  renderRefund();
}

el.refundDialog.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-rkey]");
  if (button) refundKey(button.dataset.rkey);
});

el.refundDialog.addEventListener("keydown", (event) => {
  const r = state.refund;
  if (!r || r.step !== "amount" || hasModifier(event)) return;
  if (/^[0-9]$/.test(event.key)) {
    event.preventDefault();
    refundKey(event.key);
  } else if (event.key === "Backspace") {
    event.preventDefault();
    refundKey("back");
  } else if (event.key === "Delete") {
    event.preventDefault();
    refundKey("clear");
  } else if (event.key === "Enter" && !(event.target instanceof HTMLButtonElement)) {
    event.preventDefault();
    refundNext();
  }
});

function refundNext() {
  const r = state.refund;
  if (!r) return;
  if (r.amountCents <= 0) r.error = "refund_zero";
  else if (r.amountCents > r.remaining) r.error = "refund_too_much";
  else {
    r.error = "";
    r.step = "confirm";
  }
  renderRefund();
  if (r.step === "confirm") el.refundConfirm.focus();
}

el.refundNext.addEventListener("click", refundNext);
el.refundCancel.addEventListener("click", () => el.refundDialog.close());
el.refundBack.addEventListener("click", () => {
  if (!state.refund || state.refund.busy) return;
  state.refund.step = "amount";
  renderRefund();
  el.refundNext.focus();
});

el.refundConfirm.addEventListener("click", async () => {
  const r = state.refund;
  if (!r || r.busy || r.step !== "confirm") return;
  r.busy = true;
  renderRefund();
  let answer;
  try {
    const data = await api("/api/refund", {
      method: "POST",
      body: { redemption_id: r.payment.redemption_id, amount_cents: r.amountCents },
      timeoutMs: PAY_TIMEOUT_MS,
    });
    const message = data.message && typeof data.message === "object" && pick(data.message) ? data.message : null;
    if (["accepted", "queued", "refused"].includes(data.result)) {
      answer = { kind: data.result, message, localKey: "refused_code", code: data.code };
    } else {
      answer = { kind: "refused", message: null, localKey: "till_error", code: "till_error" };
    }
  } catch {
    answer = { kind: "refused", message: null, localKey: "till_error", code: "till_error" };
  }
  if (state.refund !== r) return;
  r.busy = false;
  r.answer = answer;
  r.step = "result";
  renderRefund();
  el.refundClose.focus();
  loadRecent();
  pollStatus();
});

el.refundClose.addEventListener("click", () => el.refundDialog.close());

el.refundDialog.addEventListener("cancel", (event) => {
  if (state.refund && state.refund.busy) event.preventDefault(); // Escape while sending
});

el.refundDialog.addEventListener("close", () => {
  const id = state.refund ? String(state.refund.payment.redemption_id) : null;
  state.refund = null;
  const box = el.refundDialog.querySelector("#refund-result");
  delete box.dataset.result;
  el.refundResultTitle.textContent = "";
  el.refundResultMessage.textContent = "";
  const back = id && el.recentList.querySelector(`[data-refund-id="${CSS.escape(id)}"]`);
  if (back && !back.disabled) back.focus();
  else el.recentTitle.focus();
});

// ---------------------------------------------------------------- day report

const REPORT_ROWS = [
  { key: "report_payments", count: "payments_count", cents: "payments_cents", main: true },
  { key: "report_synced", count: "synced_count", cents: "synced_cents", sub: true },
  { key: "report_unsynced", count: "unsynced_count", cents: "unsynced_cents", sub: true },
  { key: "report_refunds", count: "refunds_count", cents: "refunds_cents", main: true },
  { key: "report_rejected", count: "rejected_count", cents: null },
  { key: "report_conflicts", count: "conflict_count", cents: null },
];

async function loadReport() {
  const day = el.reportDay.value || todayLocal();
  const seq = ++state.reportSeq;
  el.reportStatus.textContent = t("loading");
  try {
    const data = await api(`/api/report?day=${encodeURIComponent(day)}`);
    if (seq !== state.reportSeq) return;
    state.report = data;
    state.reportError = false;
  } catch {
    if (seq !== state.reportSeq) return;
    state.report = null;
    state.reportError = true;
  }
  state.reportPrintedAt = new Date();
  renderReport();
}

function renderReport() {
  const r = state.report;
  el.reportStatus.textContent = state.reportError ? t("report_error") : "";
  el.reportPrint.disabled = !r;
  if (!r) {
    el.reportHeading.textContent = "";
    el.reportShop.textContent = "";
    el.reportDevice.textContent = "";
    el.reportPrinted.textContent = "";
    el.reportBody.replaceChildren();
    return;
  }
  el.reportHeading.textContent = `${t("report_title")} — ${formatDay(r.day)}`;
  el.reportShop.textContent = t("report_shop", { name: r.shop_name ?? "" });
  el.reportDevice.textContent = t("report_device", { name: r.device_name ?? "" });
  el.reportPrinted.textContent = t("report_printed", { date: formatDateTime(state.reportPrintedAt || new Date()) });
  el.reportBody.replaceChildren(
    ...REPORT_ROWS.map((row) => {
      const tr = document.createElement("tr");
      if (row.main) tr.className = "row-main";
      if (row.sub) tr.className = "row-sub";
      tr.dataset.field = row.count.replace(/_count$/, "");
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = t(row.key);
      const count = document.createElement("td");
      count.className = "num";
      count.textContent = isCount(r[row.count]) ? String(r[row.count]) : "—";
      const cents = document.createElement("td");
      cents.className = "num nowrap";
      cents.textContent = row.cents && isCount(r[row.cents]) ? formatCents(r[row.cents]) : "";
      tr.append(th, count, cents);
      return tr;
    }),
  );
}

el.reportDay.addEventListener("change", () => {
  if (el.reportDay.value) loadReport();
});
el.reportPrint.addEventListener("click", () => window.print());

// ---------------------------------------------------------------- start

el.reportDay.value = todayLocal();
el.reportDay.max = todayLocal();
renderAll();
showView("pay");
pollStatus();

// The app's state in memory, the events views listen to, and the actions that talk to the
// server: the balance, the latest movements and the pay code (see README.md, "Pay code").

import { api, setCredential, ApiError, AuthError, NetworkError } from "./api.js";
import * as vault from "./vault.js";

/** Renew the stored pay code when it has less than this left. */
export const RENEW_BEFORE_MS = 30 * 60 * 1000;

export const state = {
  unlocked: false,
  key: null, // the AES key derived from the PIN; memory only
  publicId: null,
  me: null, // the last GET /me
  meError: null, // the server's refusal of GET /me, if any ({code, messages})
  meAt: 0, // when those figures were true (ms)
  recent: null, // the 5 latest movements
  offline: !navigator.onLine,
  route: null,
  pendingRoute: "home", // where to go once the PIN is typed
  payCode: null, // {token_id, token, cap_cents, expires_at, offline, qr_svg, made_at, available_after}
  payBusy: false,
  payProblem: null, // null | "no_funds" | "held_elsewhere" | "too_many" | "error"
  payMessage: null, // the server's words for "error"
};

const bus = new EventTarget();

export function on(type, fn) {
  const listener = (event) => fn(event.detail);
  bus.addEventListener(type, listener);
  return () => bus.removeEventListener(type, listener);
}

export function emit(type, detail) {
  bus.dispatchEvent(new CustomEvent(type, { detail }));
}

// ---- network state ------------------------------------------------------------------

export function markOffline() {
  if (!state.offline) {
    state.offline = true;
    emit("network");
  }
}

export function markOnline() {
  if (state.offline && navigator.onLine) {
    state.offline = false;
    emit("network");
  }
}

/**
 * Awaits an API call and keeps the network state true to what happened: a network error or
 * an answer from the service worker's cache means offline; a refused credential wipes the
 * phone (a coordinator disconnected it) and tells the app.
 */
export async function request(promise) {
  try {
    const result = await promise;
    if (result.cachedAt) markOffline();
    else markOnline();
    return result;
  } catch (error) {
    if (error instanceof AuthError) await disconnect("disconnected");
    else if (error instanceof NetworkError) markOffline();
    else markOnline();
    throw error;
  }
}

// ---- unlocking, locking, wiping -----------------------------------------------------

export async function openSession(key, secret) {
  state.key = key;
  state.publicId = secret.public_id || null;
  setCredential(secret.credential);
  state.payCode = await vault.loadPayCode(key);
  state.unlocked = true;
}

/** Forgets everything held in memory (the stored, encrypted data stays). */
export function lock() {
  state.unlocked = false;
  state.key = null;
  state.publicId = null;
  state.me = null;
  state.meError = null;
  state.meAt = 0;
  state.recent = null;
  state.payCode = null;
  state.payProblem = null;
  state.payMessage = null;
  setCredential(null);
}

/** Cancels the stored pay code on the server, if possible, so its money is free again. */
export async function releasePayCode() {
  const code = state.payCode;
  if (!code || !navigator.onLine) return;
  try {
    await api.cancelToken(code.token_id);
  } catch (_) {
    /* offline or already used: it expires on its own */
  }
}

/** Erases this phone's data, then tells the app why (it shows the activation screen). */
export async function disconnect(reason) {
  lock();
  await vault.wipe(reason);
  emit("wiped", reason);
}

// ---- balance and movements ------------------------------------------------------------

function differs(before, after) {
  if (!before) return true;
  return ["balance_cents", "available_cents", "held_cents", "outstanding_codes"].some(
    (name) => before[name] !== after[name],
  );
}

/** GET /me; resolves to true when the figures changed. */
export async function refreshMe() {
  let result;
  try {
    result = await request(api.me());
  } catch (error) {
    if (error instanceof ApiError && !(error instanceof AuthError)) {
      state.meError = error.body || { code: error.code };
      emit("me");
    }
    throw error;
  }
  const { data, cachedAt } = result;
  state.meError = null;
  const before = state.me;
  state.me = data;
  state.meAt = cachedAt || Date.now();
  emit("me");
  return !cachedAt && differs(before, data);
}

export async function refreshRecent() {
  const { data } = await request(api.history(5));
  state.recent = (data && data.movements) || [];
  emit("recent");
}

// ---- the pay code ---------------------------------------------------------------------
// One offline-capable code (valid 24 h) is kept, encrypted, on the phone, so that paying
// works without a connection. Online, it is checked against the server's outstanding codes
// and replaced when it was used or cancelled, has less than 30 minutes left, or when new
// money came in that it cannot pay.

let payRun = null;

export function payCodeUsable(code = state.payCode) {
  return Boolean(code) && Date.parse(code.expires_at) > Date.now();
}

/** Runs one check-and-renew at a time; options: {force, releaseOthers}. */
export function ensurePayCode(options = {}) {
  if (!payRun) {
    payRun = renewIfNeeded(options).finally(() => {
      payRun = null;
      state.payBusy = false;
      emit("paycode", {});
    });
  }
  return payRun;
}

function isTooMany(code) {
  return code === "too_many_codes" || code === "too_many_tokens";
}

async function renewIfNeeded({ force = false, releaseOthers = false }) {
  if (!state.unlocked || !navigator.onLine) {
    if (!navigator.onLine) markOffline();
    return;
  }
  const code = state.payCode;
  if (!payCodeUsable(code)) {
    state.payBusy = true;
    emit("paycode", {});
  }
  let outstanding;
  try {
    const { data, cachedAt } = await request(api.tokens());
    if (cachedAt) return;
    outstanding = (data && data.tokens) || [];
  } catch (error) {
    if (!(error instanceof NetworkError || error instanceof AuthError)) setProblem(error);
    return;
  }
  const mine = code ? outstanding.find((t) => t.token_id === code.token_id) : null;
  const left = code ? Date.parse(code.expires_at) - Date.now() : 0;
  const newMoney =
    mine &&
    state.me &&
    typeof code.available_after === "number" &&
    state.me.available_cents > code.available_after &&
    Date.now() - (code.made_at || 0) > 60000;
  if (mine && !force && !releaseOthers && left > RENEW_BEFORE_MS && !newMoney) {
    state.payProblem = null;
    return;
  }

  state.payBusy = true;
  emit("paycode", {});
  const toCancel = [];
  if (mine) toCancel.push(mine.token_id);
  if (releaseOthers) {
    for (const t of outstanding) if (!toCancel.includes(t.token_id)) toCancel.push(t.token_id);
  }
  for (const id of toCancel) {
    try {
      await request(api.cancelToken(id));
    } catch (error) {
      if (error instanceof NetworkError || error instanceof AuthError) return;
      // 404 / 409: already used, expired or cancelled: nothing to release
    }
  }
  if (code) {
    state.payCode = null;
    vault.clearPayCode();
  }
  const others = outstanding.filter((t) => !toCancel.includes(t.token_id));

  let made;
  try {
    made = (await request(api.newToken())).data;
  } catch (error) {
    if (error instanceof NetworkError || error instanceof AuthError) return;
    if (error instanceof ApiError && error.code === "insufficient_funds") {
      state.payProblem = others.length > 0 ? "held_elsewhere" : "no_funds";
      state.payMessage = null;
    } else if (error instanceof ApiError && isTooMany(error.code)) {
      state.payProblem = "too_many";
      state.payMessage = null;
    } else {
      setProblem(error);
    }
    return;
  }

  const stored = {
    token_id: made.token_id,
    token: made.token,
    cap_cents: made.cap_cents,
    expires_at: made.expires_at,
    offline: made.offline,
    qr_svg: made.qr_svg,
    made_at: Date.now(),
    available_after: null,
  };
  // What stays available once this code holds its cap: more later means new money came in.
  try {
    const { data, cachedAt } = await request(api.me());
    if (!cachedAt) {
      state.me = data;
      state.meAt = Date.now();
      stored.available_after = data.available_cents;
      emit("me");
    }
  } catch (_) {
    /* learnt at the next check */
  }
  if (!state.unlocked) return;
  state.payCode = stored;
  state.payProblem = null;
  state.payMessage = null;
  await vault.savePayCode(state.key, stored);
  emit("paycode", { fresh: true, replaced: Boolean(code) });
}

function setProblem(error) {
  state.payProblem = "error";
  state.payMessage = error instanceof ApiError ? error.body : null;
}

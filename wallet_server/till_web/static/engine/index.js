// The browser till's engine: the same local API the cashier screen calls on the Python till
// (pos_client/web.py: /api/status, /api/pay, /api/pay-pin, /api/recent, /api/refund,
// /api/problems/<id>/seen, /api/report), answered in this page from IndexedDB and the wallet
// server. app.js loads it when the screen is served under /till/.

import { tillMessage } from "../i18n.js";
import { askPairing, showInsecure } from "./pairing.js";
import { ServerClient } from "./server.js";
import { STATES, openStore, pendingTotals, refundedCents } from "./store.js";
import { Sync, SyncLoop } from "./sync.js";
import { ONLINE_TIMEOUT_MS, Till } from "./till.js";

/** Start the till: the local API once it is paired and ready, or a promise that never
 * settles when it cannot run here (the page then says why). */
export async function startTill() {
  if (!window.isSecureContext || !window.indexedDB || !navigator.locks) {
    showInsecure();
    return new Promise(() => {});
  }
  addManifest();
  const store = await openStore();
  let pairing = await store.get("pairing");
  if (!pairing) pairing = await askPairing(store, await store.get("revoked"));
  await askPersistentStorage();
  const engine = new Engine(store, pairing);
  await engine.start();
  registerServiceWorker();
  return engine;
}

/** Ask the browser not to clear this till's storage (its journal) when space runs short.
 * Chromium grants it to an installed or often-used site, Firefox asks the user, Safari
 * decides alone; the status line says what was decided. */
async function askPersistentStorage() {
  if (!navigator.storage?.persist) return;
  try {
    if (!(await navigator.storage.persisted())) await navigator.storage.persist();
  } catch (error) {
    console.warn("persistent storage could not be asked for", error);
  }
}

/** "persistent", "best_effort", or null where the browser cannot say. */
async function storageState() {
  if (!navigator.storage?.persisted) return null;
  try {
    return (await navigator.storage.persisted()) ? "persistent" : "best_effort";
  } catch {
    return null;
  }
}

function addManifest() {
  const link = document.createElement("link");
  link.rel = "manifest";
  link.href = "manifest.webmanifest";
  document.head.append(link);
}

function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("sw.js", { scope: "./" }).catch((error) => {
    console.warn("the offline copy of the till could not be set up", error);
  });
}

/** The cache names of this till's offline copy (the service worker's), wiped at revocation. */
async function wipeCaches() {
  if (!window.caches) return;
  for (const name of await caches.keys()) {
    if (name.startsWith("caisse-till")) await caches.delete(name);
  }
}

class Engine {
  constructor(store, pairing) {
    this.store = store;
    this.pairing = pairing;
    const server = new ServerClient(pairing.credential, ONLINE_TIMEOUT_MS);
    this.till = new Till(store, pairing, server, {
      onRevoked: () => this.revoked(),
      onSyncWanted: () => this.loop.wanted(),
    });
    this.loop = new SyncLoop(new Sync(this.till));
  }

  async start() {
    await this.till.load();
    window.addEventListener("online", () => this.loop.wanted());
    this.loop.wanted();
  }

  /** The server no longer knows this till: forget the credential and the caches, keep the
   * journal (its unsynced payments go up once the till is paired again), say so. */
  async revoked() {
    if (this.wiped) return;
    this.wiped = true;
    this.loop.stop();
    await this.store.wipeCredential({ at: new Date().toISOString() });
    await wipeCaches();
    window.location.reload();
  }

  /** The local API: `path` and `{method, body}` as app.js's api() sends them. */
  async call(path, { method = "GET", body } = {}) {
    const url = new URL(path, window.location.origin);
    const route = `${method} ${url.pathname}`;
    const fields = body && typeof body === "object" ? body : {};
    const seen = /^POST \/api\/problems\/([^/]+)\/seen$/.exec(route);
    if (seen) {
      const redemptionId = decodeURIComponent(seen[1]);
      await this.store.update({ [redemptionId]: { acknowledged: true } });
      return { ok: true };
    }
    switch (route) {
      case "GET /api/status":
        return this.status();
      case "POST /api/pay":
        return this.till.pay(String(fields.token ?? ""), cents(fields.amount_cents));
      case "POST /api/pay-pin":
        return this.till.payByPin(
          String(fields.participant_id ?? ""),
          String(fields.pin ?? ""),
          cents(fields.amount_cents),
        );
      case "POST /api/refund":
        return this.till.refund(String(fields.redemption_id ?? ""), cents(fields.amount_cents));
      case "GET /api/recent":
        return this.recent();
      case "GET /api/report":
        return this.report(url.searchParams.get("day") ?? "");
      default:
        throw new Error(`no such till request: ${route}`);
    }
  }

  async status() {
    const { count, cents: unsyncedCents } = pendingTotals(
      await this.store.withState(STATES.PENDING_SYNC),
    );
    const problems = (await this.store.needingAttention()).reverse().slice(0, 50);
    return {
      online: Boolean(this.till.online),
      shop_name: this.pairing.shop_name,
      device_name: this.pairing.device_name,
      last_sync_at: (await this.store.get("last_sync")) ?? null,
      storage: await storageState(),
      unsynced_count: count,
      unsynced_cents: unsyncedCents,
      problems: problems.map((e) => ({
        redemption_id: e.redemption_id,
        amount_cents: e.amount_cents,
        captured_at: e.captured_at,
        state: e.state,
        message: problemWords(e.state, e.server_answer ?? {}),
      })),
    };
  }

  async recent() {
    const shown = (e) => e.kind === "redemption" && e.state !== STATES.ABANDONED;
    const entries = await this.store.newest(20, shown); // with the refunds of those 20
    const payments = entries.filter(shown);
    return {
      payments: payments.map((e) => ({
        redemption_id: e.redemption_id,
        amount_cents: e.amount_cents,
        refunded_cents: refundedCents(entries, e.redemption_id),
        captured_at: e.captured_at,
        mode: e.mode,
        state: e.state,
      })),
    };
  }

  /** pos_client/report.py: what this till took and gave back on one local day. */
  async report(dayText) {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dayText);
    const today = new Date();
    const [year, month, day] = match
      ? [Number(match[1]), Number(match[2]) - 1, Number(match[3])]
      : [today.getFullYear(), today.getMonth(), today.getDate()];
    const start = new Date(year, month, day).getTime();
    const end = new Date(year, month, day + 1).getTime();
    const entries = await this.store.capturedBetween(start, end);
    const owed = new Set([STATES.SYNCED, STATES.CONFLICT, STATES.PENDING_SYNC]);
    const payments = entries.filter((e) => e.kind === "redemption" && owed.has(e.state));
    const refunds = entries.filter((e) => e.kind === "refund" && e.state !== STATES.REJECTED);
    const synced = payments.filter((e) => e.state !== STATES.PENDING_SYNC);
    const unsynced = payments.filter((e) => e.state === STATES.PENDING_SYNC);
    const sum = (list) => list.reduce((total, e) => total + e.amount_cents, 0);
    const pad = (n) => String(n).padStart(2, "0");
    return {
      day: `${year}-${pad(month + 1)}-${pad(day)}`,
      payments_count: payments.length,
      payments_cents: sum(payments),
      synced_count: synced.length,
      synced_cents: sum(synced),
      unsynced_count: unsynced.length,
      unsynced_cents: sum(unsynced),
      refunds_count: refunds.length,
      refunds_cents: sum(refunds),
      // refused by the server at the sync, after the cashier saw success
      rejected_count: entries.filter(
        (e) => e.state === STATES.REJECTED && e.server_answer?.status === "rejected",
      ).length,
      conflict_count: entries.filter((e) => e.state === STATES.CONFLICT).length,
      shop_name: this.pairing.shop_name,
      device_name: this.pairing.device_name,
    };
  }
}

/** Integer cents only: a float or a text never becomes money. */
function cents(value) {
  return Number.isSafeInteger(value) ? value : 0;
}

function problemWords(state, answer) {
  if (state === STATES.CONFLICT) return tillMessage("conflict_paid");
  const words = answer.messages;
  if (words && typeof words === "object" && words.fr && words.en) {
    return { fr: String(words.fr), en: String(words.en) };
  }
  return tillMessage(String(answer.code || "server_error"));
}

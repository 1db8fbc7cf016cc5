// Store-and-forward, as pos_client/sync.py: the journal goes to the server, the caches come
// back. One pass first refreshes what the offline rules need (the limits and the server's
// time with an unsynced heartbeat, the keyset, the blocklist), then uploads what is pending
// (payments in batches with their own redemption ids, then refunds), settles attempts the
// cashier was told had failed, and ends with a heartbeat that says whether the journal went
// up in full: that synced heartbeat is the contact the server judges the next offline
// payments by. Passes repeat while the page is open, soon after an offline payment and at
// reconnection, with exponential backoff and jitter while the server is out of reach.

import { ServerRefused, ServerUnreachable } from "./server.js";
import { STATES, pendingTotals } from "./store.js";
import { PAYMENT_LOCK, redemptionBody } from "./till.js";

const BATCH_SIZE = 100;
/** an online attempt still on the cashier's screen is never synced behind its back */
const ATTEMPT_SETTLED_MS = 60_000;
/** revoked codes expired a day ago are forgotten, as pos_client/tillfiles.py does (the
 * till refuses them as expired anyway) */
const FORGET_REVOKED_AFTER_MS = 24 * 3600 * 1000;
const SYNC_LOCK = "caisse-commune-till-sync";
const STATE_OF = { accepted: STATES.SYNCED, conflict: STATES.CONFLICT, rejected: STATES.REJECTED };

export class Sync {
  constructor(till) {
    this.till = till;
    this.store = till.store;
    this.server = till.server;
  }

  /** One pass; true when the server was reached. Another tab's pass in progress: skipped. */
  once() {
    return navigator.locks.request(SYNC_LOCK, { ifAvailable: true }, async (lock) => {
      if (lock === null) return true;
      try {
        const startedAt = await this.refresh();
        const complete = await this.upload();
        await this.settleAbandoned();
        const { count, cents } = pendingTotals(await this.store.withState(STATES.PENDING_SYNC));
        const synced = complete && count === 0;
        await this.heartbeat(count, cents, synced, startedAt);
      } catch (error) {
        if (error instanceof ServerUnreachable) {
          this.till.lostServer();
          return false;
        }
        if (error instanceof ServerRefused) {
          await this.till.heard(error);
          return true;
        }
        throw error;
      }
      this.till.reachedServer();
      return true;
    });
  }

  /** The limits and the server's time, then the keyset and the blocklist; returns the
   * pass's start in the server's time. */
  async refresh() {
    const { count, cents } = pendingTotals(await this.store.withState(STATES.PENDING_SYNC));
    const startedAt = (await this.heartbeat(count, cents, false)).toISOString();
    const keyset = await this.server.keyset();
    await this.store.put({ keyset: { keys: keyset.keys, digest: keyset.digest } });
    await this.fetchBlocklist();
    return startedAt;
  }

  /** Report to the server; keep the limits it answers and its clock's offset from ours. */
  async heartbeat(count, cents, synced, startedAt = null) {
    const sentAt = Date.now();
    const answer = await this.server.heartbeat(count, cents, synced);
    const receivedAt = Date.now();
    const offset = Date.parse(answer.server_time) - Math.round((sentAt + receivedAt) / 2);
    this.till.clockOffsetMs = Number.isFinite(offset) ? offset : 0;
    const values = { limits: answer.offline_limits, clock_offset_ms: this.till.clockOffsetMs };
    // a synced heartbeat is a complete contact: the server judges the stretch that starts by
    // the limits it answers now
    // (its window counted from the pass's start: a payment taken meanwhile still counts)
    if (synced) Object.assign(values, { contact_limits: answer.offline_limits, last_sync: startedAt });
    await this.store.put(values);
    this.till.reachedServer();
    return this.till.now();
  }

  /** Every blocklist entry after the cached cursor, page by page. */
  async fetchBlocklist() {
    const cached = (await this.store.get("blocklist")) ?? { tokens: {}, wallets: [], cursor: 0 };
    let { cursor } = cached;
    const tokens = { ...cached.tokens };
    const wallets = new Set(cached.wallets);
    for (;;) {
      const page = await this.server.blocklist(cursor);
      for (const entry of page.entries) {
        if (entry.token_id) tokens[entry.token_id] = entry.expires_at ?? null;
        if (entry.wallet) wallets.add(entry.wallet);
      }
      const done = !page.entries.length || page.next_cursor === cursor;
      cursor = page.next_cursor;
      if (done) break;
    }
    const forgetBefore = this.till.now().getTime() - FORGET_REVOKED_AFTER_MS;
    for (const [tokenId, expiresAt] of Object.entries(tokens)) {
      if (expiresAt && Date.parse(expiresAt) < forgetBefore) delete tokens[tokenId];
    }
    await this.store.put({ blocklist: { tokens, wallets: [...wallets], cursor } });
  }

  /** Oldest first. An online or PIN attempt still on a cashier's screen is never synced
   * behind its back. While no tab holds the payment lock, none is: the lock goes with the
   * page that held it, so a killed page's attempt goes up at once. Otherwise only attempts
   * older than a minute (far beyond the request's timeout) are taken, as the Python till. */
  async unsynced() {
    return navigator.locks.request(PAYMENT_LOCK, { ifAvailable: true }, async (idle) => {
      const cutoff = idle ? Infinity : this.till.now().getTime() - ATTEMPT_SETTLED_MS;
      // one batch's worth read, not every pending entry: an attempt still on a screen (one
      // at a time) only makes this batch one smaller
      return (await this.store.withState(STATES.PENDING_SYNC, BATCH_SIZE)).filter(
        (e) => e.kind === "refund" || e.mode === "offline" || Date.parse(e.captured_at) < cutoff,
      );
    });
  }

  /** Send everything pending; true when nothing pending was left behind. */
  async upload() {
    for (;;) {
      const entries = await this.unsynced();
      if (!entries.length) return pendingTotals(await this.store.withState(STATES.PENDING_SYNC)).count === 0;
      const payments = leadingPayments(entries);
      if (payments.length) {
        await this.uploadPayments(payments);
        continue;
      }
      const [entry] = entries;
      if (entry.kind === "refund") {
        const payment = await this.store.entry(entry.refund_of);
        if (payment && payment.state === STATES.PENDING_SYNC) return false; // next pass
        await this.uploadRefund(entry);
      } else {
        await this.settle(entry); // a PIN payment a crash left unanswered: only ask
      }
    }
  }

  async uploadPayments(entries) {
    const results = await this.server.redeemBatch(entries.map(redemptionBody));
    const byId = new Map(results.map((result) => [result.redemption_id, result]));
    const changes = {};
    for (const entry of entries) {
      const result = byId.get(entry.redemption_id);
      const state = result && STATE_OF[result.status];
      // the server must answer each; never mark what it skipped
      if (!state) throw new ServerUnreachable(`no answer for ${entry.redemption_id}`);
      // a rejection after the cashier saw success must reach the cashier's screen
      changes[entry.redemption_id] = {
        state,
        server_answer: result,
        acknowledged: state === STATES.SYNCED,
      };
    }
    await this.store.update(changes);
  }

  async uploadRefund(entry) {
    let answer;
    try {
      answer = await this.server.refund(entry.redemption_id, entry.refund_of, entry.amount_cents);
    } catch (error) {
      // refused for now (this till, its shop, or too soon): try later
      if (!(error instanceof ServerRefused) || [401, 403, 429].includes(error.status)) throw error;
      const words = { code: error.code, messages: error.messages };
      await this.store.update({
        [entry.redemption_id]: { state: STATES.REJECTED, server_answer: words },
      });
      return;
    }
    await this.store.update({
      [entry.redemption_id]: { state: STATES.SYNCED, server_answer: answer, acknowledged: true },
    });
  }

  async settle(entry) {
    const receipt = await this.lookup(entry.redemption_id);
    const change =
      receipt === null
        ? { state: STATES.REJECTED, server_answer: { code: "not_received" }, acknowledged: true }
        : { state: STATES.SYNCED, server_answer: receipt };
    await this.store.update({ [entry.redemption_id]: change });
  }

  /** The cashier was told "not paid" after an unanswered request: if the server did receive
   * it, give the money back to the wallet. */
  async settleAbandoned() {
    const cutoff = this.till.now().getTime() - ATTEMPT_SETTLED_MS;
    const abandoned = (await this.store.withState(STATES.ABANDONED)).filter(
      (e) => Date.parse(e.captured_at) < cutoff,
    );
    for (const entry of abandoned) {
      const receipt = await this.lookup(entry.redemption_id);
      if (receipt === null) {
        await this.store.update({
          [entry.redemption_id]: {
            state: STATES.REJECTED,
            server_answer: { code: "not_received" },
            acknowledged: true,
          },
        });
        continue;
      }
      await this.store.record({
        redemption_id: `${entry.redemption_id}.void`,
        kind: "refund",
        refund_of: entry.redemption_id,
        amount_cents: entry.amount_cents,
        captured_at: this.till.now().toISOString(),
        mode: "online",
      });
      await this.store.update({
        [entry.redemption_id]: {
          state: STATES.SYNCED,
          server_answer: { ...receipt, code: "auto_refunded" },
          acknowledged: true,
        },
      });
    }
    if (abandoned.length) await this.upload(); // the refunds just recorded
  }

  async lookup(redemptionId) {
    try {
      return await this.server.redemption(redemptionId);
    } catch (error) {
      if (error instanceof ServerRefused && error.status === 404) return null;
      throw error;
    }
  }
}

/** The run of pay-code payments at the head of the queue (refunds and PIN leftovers go one
 * by one, in their turn). */
function leadingPayments(entries) {
  const run = [];
  for (const entry of entries) {
    if (entry.kind !== "redemption" || entry.mode === "pin") break;
    run.push(entry);
  }
  return run;
}

/** Passes while the page is open: every `intervalMs`, soon after `wanted()`, and with
 * exponential backoff and full jitter while the server is out of reach. */
export class SyncLoop {
  constructor(sync, { intervalMs = 15_000, firstRetryMs = 2_000, maxBackoffMs = 300_000 } = {}) {
    this.sync = sync;
    this.intervalMs = intervalMs;
    this.firstRetryMs = firstRetryMs;
    this.maxBackoffMs = maxBackoffMs;
    this.failures = 0;
    this.timer = null;
    this.running = false;
    this.again = false;
    this.stopped = false;
  }

  /** Sync as soon as possible (a payment was taken offline, the network came back). */
  wanted() {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.pass(), 0);
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  async pass() {
    this.running = true;
    this.again = false;
    let reached = false;
    try {
      reached = await this.sync.once();
    } catch (error) {
      console.warn("sync pass failed", error); // a bug must not stop the sync for good
    }
    this.running = false;
    if (this.stopped) return;
    this.failures = reached ? 0 : this.failures + 1;
    const delay = this.again && reached ? 0 : reached ? this.intervalMs : this.backoff();
    this.timer = setTimeout(() => this.pass(), delay);
  }

  backoff() {
    const ceiling = Math.min(this.maxBackoffMs, this.firstRetryMs * 2 ** (this.failures - 1));
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }
}

// The browser till: takes a payment online if it can, offline within its limits if it must.
// A port of pos_client/till.py, rule for rule.
//
// Every payment is journaled durably (IndexedDB, durability "strict") before the cashier sees
// success. Online first, with a 3-second timeout; an unanswered attempt falls back to the
// offline rules with the same `redemption_id`, so the server counts it once whether or not
// the first try reached it. After an unanswered request the till goes straight to the
// offline rules for 20 seconds (the sync's next successful contact ends it earlier).

import { tillMessage } from "../i18n.js";
import { judgeOffline, loadKeyset, TokenError, unverifiedTokenId } from "../offline_rules.js";
import { ServerRefused, ServerUnreachable } from "./server.js";
import { STATES, TokenHeldHere, offlineSince, refundedCents, tokenUsed } from "./store.js";

export const OFFLINE_HOLD_DOWN_MS = 20_000;
export const ONLINE_TIMEOUT_MS = 3_000;
/** one payment at a time, across every tab of this till: the token check and the journal
 * insert must not interleave */
export const PAYMENT_LOCK = "caisse-commune-till-payment";

const refused = (code, messages) => ({
  result: "refused",
  code,
  message: messages ?? tillMessage(code),
});

function serverWords(refusal) {
  return refusal.messages.fr && refusal.messages.en ? refusal.messages : tillMessage(refusal.code);
}

/** The request for a journaled payment: identical on every retry, whatever the mode. */
export function redemptionBody(entry) {
  return {
    redemption_id: entry.redemption_id,
    token: entry.token,
    amount_cents: entry.amount_cents,
    captured_at: entry.captured_at,
    mode: entry.mode === "offline" ? "offline" : "online",
  };
}

export class Till {
  /** `pairing` as stored at pairing; `onRevoked` is called when the server no longer knows
   * the credential; `onSyncWanted` when there is something new to sync. */
  constructor(store, pairing, server, { onRevoked, onSyncWanted }) {
    this.store = store;
    this.pairing = pairing;
    this.server = server;
    this.onRevoked = onRevoked;
    this.onSyncWanted = onSyncWanted;
    this.clockOffsetMs = 0;
    this.offlineUntil = null;
    this.online = null;
    this.keysetDocument = null;
    this.keyset = null;
  }

  /** The server's time as this till best knows it (the offset is refreshed at each sync). */
  now() {
    return new Date(Date.now() + this.clockOffsetMs);
  }

  async load() {
    this.clockOffsetMs = (await this.store.get("clock_offset_ms")) ?? 0;
  }

  // --- connection state ----------------------------------------------------------------
  reachedServer() {
    this.online = true;
    this.offlineUntil = null;
  }

  lostServer() {
    this.online = false;
    this.offlineUntil = this.now().getTime() + OFFLINE_HOLD_DOWN_MS;
  }

  knownOffline(now) {
    return this.offlineUntil !== null && now.getTime() < this.offlineUntil;
  }

  /** A refusal from the server: its 401 says this till's credential is no longer valid (a
   * proxy's own 401, without the server's code, is not taken for a revocation). */
  async heard(refusal) {
    if (refusal.status === 401 && refusal.code === "device_not_recognized") await this.onRevoked();
    else this.reachedServer();
  }

  // --- payments ------------------------------------------------------------------------
  async pay(token, amountCents) {
    if (!Number.isSafeInteger(amountCents) || amountCents <= 0) return refused("amount_missing");
    const text = String(token).trim();
    let tokenId;
    try {
      tokenId = unverifiedTokenId(text);
    } catch (error) {
      if (error instanceof TokenError) return refused(error.code);
      throw error;
    }
    return navigator.locks.request(PAYMENT_LOCK, async () => {
      if (tokenUsed(await this.store.ofToken(tokenId), tokenId)) return refused("token_already_used");
      const now = this.now();
      const redemptionId = this.newId("rd");
      const payment = { redemptionId, token: text, tokenId, amountCents, now };
      if (this.knownOffline(now)) return this.offline(payment, false);
      let entry;
      try {
        entry = await this.journalPayment(payment, "online");
      } catch (error) {
        if (error instanceof TokenHeldHere) return refused("token_already_used");
        throw error;
      }
      let receipt;
      try {
        receipt = await this.server.redeem(redemptionBody(entry), ONLINE_TIMEOUT_MS);
      } catch (error) {
        if (error instanceof ServerRefused) return this.refusedByServer(redemptionId, error);
        if (!(error instanceof ServerUnreachable)) throw error;
        this.lostServer();
        return this.offline(payment, true);
      }
      return this.paidOnline(redemptionId, amountCents, receipt);
    });
  }

  journalPayment({ redemptionId, token, tokenId, amountCents, now }, mode) {
    return this.store.record({
      redemption_id: redemptionId,
      kind: "redemption",
      token,
      token_id: tokenId,
      amount_cents: amountCents,
      captured_at: now.toISOString(),
      mode,
    });
  }

  async refusedByServer(redemptionId, refusal) {
    const answer = { code: refusal.code, messages: refusal.messages };
    await this.store.update({
      [redemptionId]: { state: STATES.REJECTED, server_answer: answer, acknowledged: true },
    });
    await this.heard(refusal);
    return refused(refusal.code, serverWords(refusal));
  }

  async paidOnline(redemptionId, amountCents, receipt) {
    this.reachedServer();
    await this.store.update({
      [redemptionId]: { state: STATES.SYNCED, server_answer: receipt, acknowledged: true },
    });
    return {
      result: "accepted",
      mode: "online",
      amount_cents: amountCents,
      redemption_id: redemptionId,
      receipt_number: receipt.receipt_number ?? null,
      message: tillMessage("accepted_online"),
    };
  }

  /** The offline rules; `attempted` when an unanswered online try is journaled already. */
  async offline(payment, attempted) {
    const { redemptionId, token, tokenId, amountCents, now } = payment;
    const lastSync = (await this.store.get("last_sync")) ?? now.toISOString();
    const sinceSync = await this.store.capturedBetween(lastSync);
    const verdict = await judgeOffline(
      { token, amountCents, capturedAt: now.toISOString() },
      {
        receivedAt: now.toISOString(),
        keyset: await this.cachedKeyset(),
        blocklist: await this.cachedBlocklist(),
        limits: await this.limits(),
        window: { since: lastSync, ...offlineSince(sinceSync, lastSync) },
        takenHere: tokenUsed(await this.store.ofToken(tokenId), tokenId, attempted ? redemptionId : null),
      },
    );
    if (verdict.verdict !== "accept") {
      if (attempted) {
        // The server may yet have received it: the sync asks, and refunds.
        await this.store.update({
          [redemptionId]: {
            state: STATES.ABANDONED,
            server_answer: { code: verdict.verdict },
            acknowledged: true,
          },
        });
      }
      return refused(verdict.verdict);
    }
    if (attempted) {
      await this.store.update({
        [redemptionId]: { mode: "offline", acknowledged: true, onlyIf: STATES.PENDING_SYNC },
      });
    } else {
      try {
        await this.journalPayment(payment, "offline");
      } catch (error) {
        if (error instanceof TokenHeldHere) return refused("token_already_used");
        throw error;
      }
    }
    this.onSyncWanted();
    return {
      result: "accepted",
      mode: "offline",
      amount_cents: amountCents,
      redemption_id: redemptionId,
      receipt_number: null,
      message: tillMessage("accepted_offline"),
    };
  }

  async cachedKeyset() {
    const document = (await this.store.get("keyset")) ?? { keys: [], digest: "" };
    if (this.keyset === null || this.keysetDocument !== document.digest) {
      this.keyset = await loadKeyset(document.keys);
      this.keysetDocument = document.digest;
    }
    return this.keyset;
  }

  /** The server pays an offline payment within the limits it gave at the till's last
   * complete contact; newer limits (from a heartbeat mid-stretch) may only tighten them. */
  async limits() {
    const latest = await this.store.get("limits");
    const contact = (await this.store.get("contact_limits")) ?? latest;
    return Object.fromEntries(
      Object.entries(contact).map(([name, value]) => [name, Math.min(value, latest[name] ?? value)]),
    );
  }

  async cachedBlocklist() {
    const blocklist = (await this.store.get("blocklist")) ?? { tokens: {}, wallets: [] };
    return { token_ids: Object.keys(blocklist.tokens), wallets: blocklist.wallets };
  }

  /** Online only: the PIN never leaves memory, so nothing can be retried later. */
  async payByPin(participantId, pin, amountCents) {
    if (!Number.isSafeInteger(amountCents) || amountCents <= 0) return refused("amount_missing");
    return navigator.locks.request(PAYMENT_LOCK, async () => {
      const now = this.now();
      const redemptionId = this.newId("pn");
      await this.store.record({
        redemption_id: redemptionId,
        kind: "redemption",
        amount_cents: amountCents,
        captured_at: now.toISOString(),
        mode: "pin",
      });
      const body = {
        redemption_id: redemptionId,
        participant_public_id: String(participantId).trim(),
        pin: String(pin),
        amount_cents: amountCents,
      };
      let receipt;
      try {
        receipt = await this.server.payByPin(body);
      } catch (error) {
        if (error instanceof ServerRefused) return this.refusedByServer(redemptionId, error);
        if (!(error instanceof ServerUnreachable)) throw error;
        this.lostServer();
        await this.store.update({
          [redemptionId]: {
            state: STATES.ABANDONED,
            server_answer: { code: "pin_needs_connection" },
            acknowledged: true,
          },
        });
        return refused("pin_needs_connection");
      }
      return this.paidOnline(redemptionId, amountCents, receipt);
    });
  }

  // --- refunds -------------------------------------------------------------------------
  /** Give back all or part of one of this till's payments; sent now or at the next sync. */
  async refund(redemptionId, amountCents) {
    return navigator.locks.request(PAYMENT_LOCK, async () => {
      const payment = await this.store.entry(redemptionId);
      if (!payment || payment.kind !== "redemption") return refused("payment_not_found");
      if (payment.state === STATES.REJECTED || payment.state === STATES.ABANDONED) {
        return refused("payment_not_refundable");
      }
      const refunds = await this.store.refundsOf(redemptionId);
      const left = payment.amount_cents - refundedCents(refunds, redemptionId);
      if (!Number.isSafeInteger(amountCents) || amountCents <= 0) return refused("amount_missing");
      if (amountCents > left) return refused("refund_too_large");
      const refundId = this.newId("rf");
      const queued = payment.state === STATES.PENDING_SYNC;
      await this.store.record({
        redemption_id: refundId,
        kind: "refund",
        refund_of: redemptionId,
        amount_cents: amountCents,
        captured_at: this.now().toISOString(),
        mode: queued ? "offline" : "online",
      });
      if (queued) {
        // the server does not know the payment yet: the refund follows it at the sync
        this.onSyncWanted();
        return { result: "queued", code: null, message: tillMessage("refund_queued") };
      }
      return this.sendRefund(refundId, redemptionId, amountCents);
    });
  }

  async sendRefund(refundId, redemptionId, amountCents) {
    let answer;
    try {
      answer = await this.server.refund(refundId, redemptionId, amountCents);
    } catch (error) {
      if (error instanceof ServerRefused) {
        const outcome = await this.refusedByServer(refundId, error);
        return { ...outcome, result: "refused" };
      }
      if (!(error instanceof ServerUnreachable)) throw error;
      this.lostServer();
      this.onSyncWanted();
      return { result: "queued", code: null, message: tillMessage("refund_queued") };
    }
    this.reachedServer();
    await this.store.update({
      [refundId]: { state: STATES.SYNCED, server_answer: answer, acknowledged: true },
    });
    return { result: "accepted", code: null, message: tillMessage("refund_accepted") };
  }

  newId(kind) {
    const random = crypto.randomUUID().replaceAll("-", "");
    return `${this.pairing.device_id}-${kind}-${random}`;
  }
}

// The browser till's storage: IndexedDB, the only place its credential and journal live
// (never a cookie, never a URL). What pos_client/journal.py and tillfiles.py are to the
// Python till.
//
// The journal: every payment is written in a transaction with durability "strict" and the
// promise resolves only when that transaction has completed, so a payment the cashier saw
// accepted survives the page being killed the next instant. Entries keep pos_client's
// states: pending_sync, synced, rejected, conflict, abandoned.
//
// The till store (key → value): "pairing" (the credential and who the till is), "keyset",
// "blocklist", "limits", "last_sync" (ISO), "clock_offset_ms", and "revoked" (a notice kept
// after the rest is wiped).

const DB_NAME = "caisse-commune-till";
const DB_VERSION = 2;
const HOLDING = new Set(["pending_sync", "synced", "conflict"]);
const PROBLEMS = new Set(["rejected", "conflict"]);

export const STATES = Object.freeze({
  PENDING_SYNC: "pending_sync",
  SYNCED: "synced",
  REJECTED: "rejected",
  CONFLICT: "conflict",
  ABANDONED: "abandoned",
});

export class TokenHeldHere extends Error {
  name = "TokenHeldHere";
}

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** The journal grows by every payment for as long as the till lives (thousands a year), so
 * no hot path reads it whole: each question has its index. Version 1 had the first two. */
export function openStore() {
  return new Promise((resolve, reject) => {
    const opening = indexedDB.open(DB_NAME, DB_VERSION);
    opening.onupgradeneeded = (event) => {
      const db = opening.result;
      if (event.oldVersion < 1) {
        const journal = db.createObjectStore("journal", { keyPath: "seq", autoIncrement: true });
        journal.createIndex("redemption_id", "redemption_id", { unique: true });
        journal.createIndex("token_id", "token_id");
        db.createObjectStore("till");
      }
      if (event.oldVersion < 2) {
        const journal = opening.transaction.objectStore("journal");
        journal.createIndex("state", "state");
        journal.createIndex("captured_at", "captured_at");
        journal.createIndex("refund_of", "refund_of");
        // sparse: only the entries the cashier has still to see carry the field
        journal.createIndex("attention", "attention");
        journal.openCursor().onsuccess = (found) => {
          const cursor = found.target.result;
          if (!cursor) return;
          cursor.update(withAttention(cursor.value));
          cursor.continue();
        };
      }
    };
    opening.onsuccess = () => resolve(new Store(opening.result));
    opening.onerror = () => reject(opening.error);
    opening.onblocked = () => reject(new Error("the till's database is blocked by another tab"));
  });
}

/** The entry with `attention` set when the server refused it or found a conflict and the
 * cashier has not seen it yet, and without it otherwise (so the index skips it). */
function withAttention(entry) {
  const { attention, ...rest } = entry;
  return PROBLEMS.has(rest.state) && !rest.acknowledged ? { ...rest, attention: 1 } : rest;
}

class Store {
  constructor(db) {
    this.db = db;
  }

  /** Run `work(stores)` in one transaction; resolve with its result once committed (with
   * "strict" durability for a write: on disk, not only in the operating system's cache). */
  transaction(names, mode, work) {
    return new Promise((resolve, reject) => {
      const options = mode === "readwrite" ? { durability: "strict" } : {};
      const tx = this.db.transaction(names, mode, options);
      const stores = Object.fromEntries(names.map((name) => [name, tx.objectStore(name)]));
      let result;
      let failure = null;
      Promise.resolve()
        .then(() => work(stores, tx))
        .then(
          (value) => {
            result = value;
          },
          (error) => {
            failure = error;
            try {
              tx.abort();
            } catch {
              // already finished
            }
          },
        );
      tx.oncomplete = () => (failure ? reject(failure) : resolve(result));
      tx.onabort = () => reject(failure ?? tx.error ?? new Error("transaction aborted"));
      tx.onerror = () => undefined; // onabort follows
    });
  }

  // ---- the till's own values ---------------------------------------------------------

  get(key) {
    return this.transaction(["till"], "readonly", ({ till }) => request(till.get(key)));
  }

  put(values) {
    return this.transaction(["till"], "readwrite", ({ till }) => {
      for (const [key, value] of Object.entries(values)) till.put(value, key);
    });
  }

  /** A revoked till forgets its credential and caches; its journal stays, to be synced. */
  wipeCredential(notice) {
    return this.transaction(["till"], "readwrite", ({ till }) => {
      till.clear();
      till.put(notice, "revoked");
    });
  }

  // ---- the journal -------------------------------------------------------------------

  /** Write one payment or refund; resolves only once it is on disk. Refuses a second entry
   * for one redemption id, and a second redemption of a pay code this till holds. */
  record(entry) {
    return this.transaction(["journal"], "readwrite", async ({ journal }) => {
      if (entry.kind === "redemption" && entry.token_id) {
        const same = await request(journal.index("token_id").getAll(entry.token_id));
        if (same.some((e) => e.kind === "redemption" && HOLDING.has(e.state))) {
          throw new TokenHeldHere(entry.token_id);
        }
      }
      const full = {
        token: null,
        token_id: null,
        refund_of: null,
        state: STATES.PENDING_SYNC,
        server_answer: null,
        acknowledged: false,
        ...entry,
      };
      await request(journal.add(withAttention(full)));
      return full;
    });
  }

  /** Change entries by redemption id, all in one transaction: `changes` maps an id to the
   * fields to set (`onlyIf` state, when given, must match for the change to apply). */
  update(changes) {
    return this.transaction(["journal"], "readwrite", async ({ journal }) => {
      for (const [redemptionId, { onlyIf, ...fields }] of Object.entries(changes)) {
        const entry = await request(journal.index("redemption_id").get(redemptionId));
        if (!entry || (onlyIf && entry.state !== onlyIf)) continue;
        await request(journal.put(withAttention({ ...entry, ...fields })));
      }
    });
  }

  entry(redemptionId) {
    return this.transaction(["journal"], "readonly", ({ journal }) =>
      request(journal.index("redemption_id").get(redemptionId)),
    );
  }

  /** Every entry, oldest first: for tests and exports, never on a payment's path. */
  entries() {
    return this.transaction(["journal"], "readonly", ({ journal }) => request(journal.getAll()));
  }

  /** The entries in `state`, oldest first (at most `limit`). */
  withState(state, limit = undefined) {
    return this.index("state", IDBKeyRange.only(state), limit);
  }

  /** The entries of one pay code (a handful at most). */
  ofToken(tokenId) {
    return this.index("token_id", IDBKeyRange.only(tokenId));
  }

  /** The refunds of one payment. */
  refundsOf(redemptionId) {
    return this.index("refund_of", IDBKeyRange.only(redemptionId));
  }

  /** The entries captured from `since` (inclusive) to `until` (exclusive, or open), both
   * instants; captured_at is always an ISO text in UTC ("Z"), so text order is time order. */
  capturedBetween(since, until = null) {
    const from = new Date(since).toISOString();
    const range = until
      ? IDBKeyRange.bound(from, new Date(until).toISOString(), false, true)
      : IDBKeyRange.lowerBound(from);
    return this.index("captured_at", range);
  }

  /** The rejections and conflicts the cashier has not seen yet, oldest first. */
  needingAttention() {
    return this.index("attention", IDBKeyRange.only(1));
  }

  /** The newest entries, newest first, until `count` of them pass `wanted` (with every
   * entry met on the way, so the refunds of those payments are among them). */
  newest(count, wanted) {
    return this.transaction(["journal"], "readonly", ({ journal }) => {
      const found = [];
      let kept = 0;
      return new Promise((resolve, reject) => {
        const walking = journal.openCursor(null, "prev");
        walking.onerror = () => reject(walking.error);
        walking.onsuccess = () => {
          const cursor = walking.result;
          if (!cursor || kept >= count) return resolve(found);
          found.push(cursor.value);
          if (wanted(cursor.value)) kept += 1;
          cursor.continue();
        };
      });
    });
  }

  index(name, range, limit = undefined) {
    return this.transaction(["journal"], "readonly", ({ journal }) =>
      request(journal.index(name).getAll(range, limit)),
    );
  }
}

// ---- what the Python journal's queries answer ---------------------------------------------

/** Whether this till holds the pay code (a refused attempt does not count). */
export function tokenUsed(entries, tokenId, excluding = null) {
  return entries.some(
    (e) =>
      e.token_id === tokenId &&
      e.kind === "redemption" &&
      e.redemption_id !== excluding &&
      HOLDING.has(e.state),
  );
}

/** (count, total cents) of offline payments taken after `since` (the last sync, ISO). */
export function offlineSince(entries, since) {
  const after = Date.parse(since);
  const taken = entries.filter(
    (e) =>
      e.kind === "redemption" &&
      e.mode === "offline" &&
      Date.parse(e.captured_at) > after &&
      HOLDING.has(e.state),
  );
  return { count: taken.length, total_cents: taken.reduce((sum, e) => sum + e.amount_cents, 0) };
}

/** (entries, cents of payments) still to sync. */
export function pendingTotals(entries) {
  const pending = entries.filter((e) => e.state === STATES.PENDING_SYNC);
  const cents = pending.reduce((sum, e) => sum + (e.kind === "redemption" ? e.amount_cents : 0), 0);
  return { count: pending.length, cents };
}

/** What is given back already or on its way (refunds the server refused excluded). */
export function refundedCents(entries, redemptionId) {
  return entries
    .filter(
      (e) =>
        e.kind === "refund" &&
        e.refund_of === redemptionId &&
        (e.state === STATES.PENDING_SYNC || e.state === STATES.SYNCED),
    )
    .reduce((sum, e) => sum + e.amount_cents, 0);
}

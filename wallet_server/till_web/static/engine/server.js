// The wallet server's till API, as pos_client/server.py calls it: same paths, same bodies,
// the credential as a Bearer header (never a cookie), short timeouts.
//
// Two kinds of failure, because the till acts on them differently: `ServerUnreachable` (no
// answer: the network, a timeout, a proxy's 5xx, a 408) sends it to its offline rules, while
// `ServerRefused` is the server's considered answer, worded in French and English.

const API = "/api/v1/";

export class ServerUnreachable extends Error {}

export class ServerRefused extends Error {
  constructor(status, code, messages) {
    super(`${status} ${code}`);
    this.status = status;
    this.code = code;
    this.messages = messages;
  }
}

export class ServerClient {
  constructor(credential = null, timeoutMs = 3000) {
    this.credential = credential;
    this.timeoutMs = timeoutMs;
  }

  pair(code, name) {
    return this.call("POST", "pos/pair", { code, name });
  }

  heartbeat(unsyncedCount, unsyncedCents, synced) {
    return this.call("POST", "pos/heartbeat", {
      unsynced_count: unsyncedCount,
      unsynced_cents: unsyncedCents,
      synced,
    });
  }

  keyset() {
    return this.call("GET", "keyset");
  }

  blocklist(since) {
    return this.call("GET", `blocklist?since=${encodeURIComponent(since)}`);
  }

  redeem(body, timeoutMs) {
    return this.call("POST", "pos/redemptions", body, timeoutMs);
  }

  async redeemBatch(bodies) {
    const answer = await this.call("POST", "pos/redemptions/batch", { redemptions: bodies }, 30000);
    return answer.results;
  }

  redemption(redemptionId) {
    return this.call("GET", `pos/redemptions/${encodeURIComponent(redemptionId)}`);
  }

  refund(refundId, redemptionId, amountCents) {
    const body = { refund_id: refundId, redemption_id: redemptionId, amount_cents: amountCents };
    return this.call("POST", "pos/refunds", body);
  }

  payByPin(body) {
    return this.call("POST", "pos/pin-payments", body);
  }

  async call(method, path, body, timeoutMs) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs ?? this.timeoutMs);
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (this.credential) headers.Authorization = `Bearer ${this.credential}`;
    let response;
    let document;
    try {
      response = await fetch(API + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
        cache: "no-store",
        credentials: "omit",
        redirect: "error",
      });
      document = await response.json().catch(() => null);
    } catch (error) {
      throw new ServerUnreachable(String(error));
    } finally {
      clearTimeout(timer);
    }
    // 429 is an answer, not an outage: the server refuses to be asked again so soon
    if (response.status >= 500 || response.status === 408) {
      throw new ServerUnreachable(`HTTP ${response.status}`);
    }
    if (!response.ok) {
      const messages = document?.messages ?? {};
      throw new ServerRefused(response.status, String(document?.code || `http_${response.status}`), {
        fr: String(messages.fr ?? ""),
        en: String(messages.en ?? ""),
      });
    }
    if (!document || typeof document !== "object") {
      throw new ServerUnreachable("the answer is not JSON");
    }
    return document;
  }
}

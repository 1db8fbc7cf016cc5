// The JSON API on the same origin. Every call resolves to {data, cachedAt}: cachedAt is the
// time (ms) the service worker stored the answer when it had to serve it from its cache
// (no network), or null for a fresh answer.

import { lang } from "./i18n.js";

const BASE = "/api/v1";
const TIMEOUT_MS = 20000;

/** The server answered with a refusal: {code, message, messages}. */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.code) || `http_${status}`);
    this.status = status;
    this.code = (body && body.code) || `http_${status}`;
    this.body = body || null;
  }
}

/** No answer at all (offline, server unreachable, timeout). */
export class NetworkError extends Error {}

/** The credential was refused: this phone was disconnected by a coordinator. */
export class AuthError extends ApiError {}

let credential = null;

export function setCredential(value) {
  credential = value;
}

async function call(method, path, { body, auth = true } = {}) {
  const headers = { Accept: "application/json", "Accept-Language": lang() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (auth) {
    if (!credential) throw new AuthError(401, { code: "authentication_required" });
    headers.Authorization = `Bearer ${credential}`;
  }
  const controller = typeof AbortController === "function" ? new AbortController() : null;
  const timer = controller ? setTimeout(() => controller.abort(), TIMEOUT_MS) : 0;
  let response;
  try {
    response = await fetch(BASE + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
      signal: controller ? controller.signal : undefined,
    });
  } catch (error) {
    throw new NetworkError(String(error));
  } finally {
    clearTimeout(timer);
  }
  let data = null;
  if (response.status !== 204) {
    try {
      data = await response.json();
    } catch (_) {
      data = null;
    }
  }
  if (!response.ok) {
    if (response.status === 401 && auth) throw new AuthError(401, data);
    if (response.status >= 500 && !data) throw new NetworkError(`http ${response.status}`);
    throw new ApiError(response.status, data);
  }
  const stamp = Number(response.headers.get("X-SW-Cached-At"));
  return { data, cachedAt: stamp > 0 ? stamp : null };
}

export const api = {
  activate: (code, label) =>
    call("POST", "/activate", { body: { code, label }, auth: false }),
  me: () => call("GET", "/me"),
  history: (limit, before) => {
    const query = new URLSearchParams({ limit: String(limit) });
    if (before) query.set("before", before);
    return call("GET", `/me/history?${query}`);
  },
  tokens: () => call("GET", "/me/tokens"),
  newToken: () => call("POST", "/me/tokens", { body: { offline: true } }),
  cancelToken: (tokenId) =>
    call("POST", `/me/tokens/${encodeURIComponent(tokenId)}/cancel`, { body: {} }),
  shops: () => call("GET", "/shops/directory", { auth: false }),
};

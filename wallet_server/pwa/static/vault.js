// What this phone keeps, and how the PIN protects it (see README.md, "Storage and PIN").
//
// localStorage, keys prefixed "caisse-commune.app.":
//   vault        {v, iterations, salt, iv, ct}: the credential and public id, AES-GCM-256
//                encrypted with a key derived from the PIN (PBKDF2-SHA-256, random salt)
//   paycode      {iv, ct}: the current pay code (token, QR, cap, expiry), same key
//   pin-failures wrong PINs in a row, counted before each try (survives a restart)
//   wiped        why this phone's data was erased ("disconnected", "too_many", "logout")
//   lang         the chosen language (i18n.js)
// The PIN itself is never stored; the derived key lives only in memory while unlocked.

const PREFIX = "caisse-commune.app.";
const VAULT = `${PREFIX}vault`;
const PAYCODE = `${PREFIX}paycode`;
const FAILURES = `${PREFIX}pin-failures`;
const WIPED = `${PREFIX}wiped`;

export const MAX_TRIES = 5;
export const ITERATIONS = 150000;
const AAD_CREDENTIAL = "caisse-commune/credential/v1";
const AAD_PAYCODE = "caisse-commune/paycode/v1";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function cryptoAvailable() {
  return Boolean(window.isSecureContext && window.crypto && window.crypto.subtle);
}

function toBase64(bytes) {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let binary = "";
  for (let i = 0; i < view.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, view.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function fromBase64(text) {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) out[i] = binary.charCodeAt(i);
  return out;
}

function readJson(key) {
  try {
    const raw = localStorage.getItem(key);
    return raw ? JSON.parse(raw) : null;
  } catch (_) {
    return null;
  }
}

export function isValidPin(pin) {
  return /^[0-9]{4,6}$/.test(pin);
}

/** A fresh salt and the key it gives with `pin`. */
export async function newKey(pin) {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const key = await deriveKey(pin, salt, ITERATIONS);
  return { key, salt, iterations: ITERATIONS };
}

async function deriveKey(pin, salt, iterations) {
  const material = await crypto.subtle.importKey("raw", encoder.encode(pin), "PBKDF2", false, [
    "deriveKey",
  ]);
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

async function seal(key, value, aad) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(aad) },
    key,
    encoder.encode(JSON.stringify(value)),
  );
  return { iv: toBase64(iv), ct: toBase64(ct) };
}

/** Throws (OperationError) when the key is wrong or the box was tampered with. */
async function unseal(key, box, aad) {
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64(box.iv), additionalData: encoder.encode(aad) },
    key,
    fromBase64(box.ct),
  );
  return JSON.parse(decoder.decode(plain));
}

export function isActivated() {
  return readJson(VAULT) !== null;
}

/** Stores `secret` ({credential, public_id}) under a key made by `newKey`. */
export async function store({ key, salt, iterations }, secret) {
  const box = await seal(key, secret, AAD_CREDENTIAL);
  localStorage.setItem(VAULT, JSON.stringify({ v: 1, iterations, salt: toBase64(salt), ...box }));
  localStorage.removeItem(FAILURES);
  localStorage.removeItem(WIPED);
}

export function failures() {
  const n = Number(localStorage.getItem(FAILURES));
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/**
 * Tries `pin`. The try is counted before the (slow) key derivation, so that closing the
 * app mid-way does not give a free try. Returns {ok: true, key, secret} or
 * {ok: false, left} (left = 0: everything was wiped).
 */
export async function unlock(pin) {
  const record = readJson(VAULT);
  if (!record) return { ok: false, left: 0 };
  const tried = failures() + 1;
  localStorage.setItem(FAILURES, String(tried));
  let key;
  let secret;
  try {
    key = await deriveKey(pin, fromBase64(record.salt), record.iterations || ITERATIONS);
    secret = await unseal(key, record, AAD_CREDENTIAL);
  } catch (_) {
    const left = Math.max(0, MAX_TRIES - tried);
    if (left === 0) await wipe("too_many");
    return { ok: false, left };
  }
  localStorage.removeItem(FAILURES);
  return { ok: true, key, secret };
}

/** Re-encrypts the credential and the pay code under a new PIN (the old one is checked). */
export async function changePin(oldPin, newPin) {
  const opened = await unlock(oldPin);
  if (!opened.ok) return opened;
  const payCode = await loadPayCode(opened.key);
  const fresh = await newKey(newPin);
  await store(fresh, opened.secret);
  if (payCode) await savePayCode(fresh.key, payCode);
  else localStorage.removeItem(PAYCODE);
  return { ok: true, key: fresh.key, secret: opened.secret };
}

export async function savePayCode(key, code) {
  localStorage.setItem(PAYCODE, JSON.stringify(await seal(key, code, AAD_PAYCODE)));
}

export async function loadPayCode(key) {
  const box = readJson(PAYCODE);
  if (!box) return null;
  try {
    return await unseal(key, box, AAD_PAYCODE);
  } catch (_) {
    localStorage.removeItem(PAYCODE);
    return null;
  }
}

export function clearPayCode() {
  localStorage.removeItem(PAYCODE);
}

export function wipedReason() {
  return localStorage.getItem(WIPED);
}

/**
 * Erases everything this phone knows about the participant: the credential, the pay code,
 * the try counter and the API responses the service worker kept. The language stays.
 */
export async function wipe(reason) {
  for (const key of [VAULT, PAYCODE, FAILURES]) localStorage.removeItem(key);
  if (reason) localStorage.setItem(WIPED, reason);
  if (window.caches) {
    try {
      const names = await caches.keys();
      await Promise.all(names.filter((n) => n.startsWith("caisse-api")).map((n) => caches.delete(n)));
    } catch (_) {
      /* nothing cached */
    }
  }
}

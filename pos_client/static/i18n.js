// Every word the cashier screen shows, in French (first) and English, and the formats of
// money and time. Plain words: the people at the till may read little; keep sentences short.

const STORAGE_KEY = "caisse-commune.pos.lang";
export const LANGS = ["fr", "en"];

// The words are compiled from locale/<lang>/LC_MESSAGES/till.po (scripts/catalogues.py compile)
// into i18n/<lang>.json beside this file: {"words": {key: text}, "messages": {code: text}}.
// Read before anything is shown (top-level await); the service worker keeps them offline.
async function loadWords(lang) {
  const response = await fetch(new URL(`i18n/${lang}.json`, import.meta.url));
  if (!response.ok) throw new Error(`i18n/${lang}.json: ${response.status}`);
  return response.json();
}

const COMPILED = Object.fromEntries(
  await Promise.all(LANGS.map(async (lang) => [lang, await loadWords(lang)])),
);
const STRINGS = Object.fromEntries(LANGS.map((lang) => [lang, COMPILED[lang].words]));

function storedLang() {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    return LANGS.includes(value) ? value : "fr";
  } catch {
    return "fr"; // storage blocked: French
  }
}

let current = storedLang();

export function getLang() {
  return current;
}

export function setLang(lang) {
  current = LANGS.includes(lang) ? lang : "fr";
  try {
    window.localStorage.setItem(STORAGE_KEY, current);
  } catch {
    // not remembered, still switched
  }
  return current;
}

/** The string `key` in the current language, `{name}` replaced by params.name. */
export function t(key, params = {}) {
  const text = STRINGS[current][key] ?? STRINGS.fr[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** A server message {"fr": ..., "en": ...} in the current language ("" if there is none). */
export function pick(message) {
  if (!message || typeof message !== "object") return "";
  const text = message[current] || message.fr || message.en;
  return typeof text === "string" ? text : "";
}

/** The word for a count: French takes the singular for 0 and 1, English for 1 only. */
export function plural(n, oneKey, manyKey) {
  const one = current === "fr" ? n <= 1 : n === 1;
  return t(one ? oneKey : manyKey);
}

function groupThousands(digits, separator) {
  let out = "";
  for (let i = 0; i < digits.length; i += 1) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += separator;
    out += digits[i];
  }
  return out;
}

/**
 * Integer cents as money: 1240 -> "12,40 €" (fr) or "€12.40" (en). No floats. Not
 * Intl.NumberFormat: it takes a float and writes a no-break space before € in French.
 */
export function formatCents(cents, lang = current) {
  const value = Number.isSafeInteger(cents) ? cents : 0;
  const sign = value < 0 ? "-" : "";
  const abs = Math.abs(value);
  const euros = String(Math.trunc(abs / 100));
  const rest = String(abs % 100).padStart(2, "0");
  if (lang === "en") return `${sign}€${groupThousands(euros, ",")}.${rest}`;
  // narrow no-break space between thousands; a plain space before € (amounts never wrap: CSS)
  return `${sign}${groupThousands(euros, "\u202f")},${rest} €`;
}

function locale() {
  return current === "fr" ? "fr-FR" : "en-GB";
}

function parseDate(iso) {
  if (typeof iso !== "string" || iso === "") return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

function sameDay(a, b) {
  return (
    a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate()
  );
}

/** "14:32" for today, "22/11 14:32" for another day (local time); the raw text if unreadable. */
export function formatWhen(iso, now = new Date()) {
  const date = parseDate(iso);
  if (!date) return typeof iso === "string" ? iso : "";
  const time = new Intl.DateTimeFormat(locale(), { hour: "2-digit", minute: "2-digit" }).format(date);
  if (sameDay(date, now)) return time;
  const day = new Intl.DateTimeFormat(locale(), { day: "2-digit", month: "2-digit" }).format(date);
  return `${day} ${time}`;
}

/** A full date and time, for the printed report. */
export function formatDateTime(date) {
  return new Intl.DateTimeFormat(locale(), { dateStyle: "long", timeStyle: "short" }).format(date);
}

/** "YYYY-MM-DD" as a long local date, "lundi 23 novembre 2026". */
export function formatDay(day) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || "");
  if (!match) return day || "";
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return new Intl.DateTimeFormat(locale(), { weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(date);
}

/** Today's local date as "YYYY-MM-DD". */
export function todayLocal(now = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

// What the browser till's engine says for the outcomes and refusals it decides itself: the
// till.po messages with msgctxt "message.<code>", which pos_client/messages.py reads too.
export const TILL_MESSAGES = Object.fromEntries(
  Object.entries(COMPILED.fr.messages).map(([code, fr]) => [
    code,
    { fr, en: COMPILED.en.messages[code] || fr },
  ]),
);

/** A till message {fr, en} by its code (the server's error words when unknown). */
export function tillMessage(code) {
  const words = TILL_MESSAGES[code] ?? TILL_MESSAGES.server_error;
  return { fr: words.fr, en: words.en };
}

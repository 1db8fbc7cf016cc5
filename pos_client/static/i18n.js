// Every word the cashier screen shows, in French (first), English and Arabic (a first draft
// awaiting review by native speakers, written right to left), and the formats of money and time. Plain words: the people at the till may read little; keep sentences short.

const STORAGE_KEY = "caisse-commune.pos.lang";
export const LANGS = ["fr", "en", "ar"];
/** Each language's name in itself, for the language choice. */
export const LANG_NAMES = { fr: "Français", en: "English", ar: "العربية" };
const RTL = new Set(["ar"]);

// Bidi isolation in right-to-left text: an amount ("12,40 €") and a code ("P-7KX2-M9QD") must
// read left to right inside an Arabic sentence (else "€" jumps to the other side), so money is
// wrapped in LEFT-TO-RIGHT ISOLATE … POP DIRECTIONAL ISOLATE, and every other value put in a
// sentence in FIRST STRONG ISOLATE (a shop's name takes its own direction).
const LRI = "\u2066";
const FSI = "\u2068";
const PDI = "\u2069";

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

/** "rtl" for a language written right to left, else "ltr". */
export function dirOf(lang = current) {
  return RTL.has(lang) ? "rtl" : "ltr";
}

/** The page's lang and dir for the current language. */
export function applyLangToPage(root = document.documentElement) {
  root.lang = current;
  root.dir = dirOf(current);
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
  const rtl = RTL.has(current);
  return text.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!(name in params)) return whole;
    const value = String(params[name]);
    return rtl && !value.startsWith(LRI) ? FSI + value + PDI : value;
  });
}

/** A server message {"fr": ..., "en": ...} in the current language ("" if there is none). */
export function pick(message) {
  if (!message || typeof message !== "object") return "";
  const text = message[current] || message.fr || message.en;
  return typeof text === "string" ? text : "";
}

/** The word for a count: French takes the singular for 0 and 1, English (and the Arabic
 * draft, whose words are written to suit any number) for 1 only. */
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
 * Integer cents as money: 1240 -> "12,40 €" (fr and ar) or "€12.40" (en). No floats. Not
 * Intl.NumberFormat: it takes a float and writes a no-break space before € in French. Arabic
 * keeps the French form and Western digits, as on the shop's price labels and the fund's
 * papers, isolated left to right so that it reads the same inside an Arabic sentence.
 */
export function formatCents(cents, lang = current) {
  const value = Number.isSafeInteger(cents) ? cents : 0;
  const sign = value < 0 ? "-" : "";
  const abs = Math.abs(value);
  const euros = String(Math.trunc(abs / 100));
  const rest = String(abs % 100).padStart(2, "0");
  if (lang === "en") return `${sign}€${groupThousands(euros, ",")}.${rest}`;
  // narrow no-break space between thousands; a plain space before € (amounts never wrap: CSS)
  const french = `${sign}${groupThousands(euros, "\u202f")},${rest} €`;
  return RTL.has(lang) ? LRI + french + PDI : french;
}

// Arabic dates and times with Western digits (nu-latn), as the amounts
const LOCALES = { fr: "fr-FR", en: "en-GB", ar: "ar-u-nu-latn" };

function locale() {
  return LOCALES[current];
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
    Object.fromEntries(LANGS.map((lang) => [lang, COMPILED[lang].messages[code] || fr])),
  ]),
);

/** A till message {fr, en, ar} by its code (the server's error words when unknown). */
export function tillMessage(code) {
  return { ...(TILL_MESSAGES[code] ?? TILL_MESSAGES.server_error) };
}

// Every word the participant app shows, in French (first), English and Arabic (a first draft
// awaiting review by native speakers, written right to left), and the formats of money, dates
// and times. Plain words, short sentences: many participants read French as a
// second language. Money is integer cents everywhere: never a float.

const LANG_KEY = "caisse-commune.app.lang";
export const LANGS = ["fr", "en", "ar"];
/** Each language's name in itself, for the language choice. */
export const LANG_NAMES = { fr: "Français", en: "English", ar: "العربية" };
const RTL = new Set(["ar"]);

// Bidi isolation in right-to-left text: an amount ("12,40 €") and a number ("P-7KX2-M9QD")
// must read left to right inside an Arabic sentence (else "€" jumps to the other side), so
// money is wrapped in LEFT-TO-RIGHT ISOLATE … POP DIRECTIONAL ISOLATE, and every other value
// put in a sentence in FIRST STRONG ISOLATE (a shop's name takes its own direction).
const LRI = "\u2066";
const FSI = "\u2068";
const PDI = "\u2069";

// The words are compiled from locale/<lang>/LC_MESSAGES/participant.po (scripts/catalogues.py
// compile) into i18n/<lang>.json beside this file. Read before anything is shown (top-level
// await); the service worker precaches them with the shell, so the app still speaks offline.
async function loadWords(code) {
  const response = await fetch(new URL(`i18n/${code}.json`, import.meta.url));
  if (!response.ok) throw new Error(`i18n/${code}.json: ${response.status}`);
  return response.json();
}

const STRINGS = Object.fromEntries(
  await Promise.all(LANGS.map(async (code) => [code, await loadWords(code)])),
);

// "janvier" … "décembre", "January" … "December", "يناير" … "ديسمبر": the locale's own month
// names (Arabic with Western digits, as the amounts)
const MONTH_LOCALES = { fr: "fr-FR", en: "en-GB", ar: "ar-u-nu-latn" };
const MONTHS = Object.fromEntries(
  LANGS.map((code) => {
    const names = new Intl.DateTimeFormat(MONTH_LOCALES[code], { month: "long" });
    return [code, Array.from({ length: 12 }, (_, index) => names.format(new Date(2000, index, 1)))];
  }),
);

let current = readLang();

function readLang() {
  try {
    const saved = localStorage.getItem(LANG_KEY);
    if (LANGS.includes(saved)) return saved;
  } catch (_) {
    /* storage blocked: French */
  }
  return "fr";
}

export function lang() {
  return current;
}

/** "rtl" for a language written right to left, else "ltr". */
export function dir(code = current) {
  return RTL.has(code) ? "rtl" : "ltr";
}

/** The page's lang and dir for the current language. */
export function applyLangToPage(root = document.documentElement) {
  root.lang = current;
  root.dir = dir(current);
}

export function setLang(next) {
  if (!LANGS.includes(next)) return;
  current = next;
  try {
    localStorage.setItem(LANG_KEY, next);
  } catch (_) {
    /* not remembered, still applied */
  }
  applyLangToPage();
}

/** The string for `key`, with `{name}` replaced from `vars`. */
export function t(key, vars) {
  let text = STRINGS[current][key] ?? STRINGS.fr[key] ?? key;
  if (vars) {
    const rtl = RTL.has(current);
    text = text.replace(/\{(\w+)\}/g, (whole, name) => {
      if (!(name in vars)) return whole;
      const value = String(vars[name]);
      return rtl && !value.startsWith(LRI) ? FSI + value + PDI : value;
    });
  }
  return text;
}

/** A server refusal in the current language: `messages[lang]`, else `message`. */
export function serverMessage(body) {
  if (body && body.messages && body.messages[current]) return body.messages[current];
  if (body && body.message) return body.message;
  return t("error_generic");
}

// ---- money: integer cents only --------------------------------------------------------

const MINUS = "\u2212"; // a real minus sign
const NARROW_NBSP = "\u202f";

function groupThousands(intPart, sep) {
  const digits = String(intPart);
  let out = "";
  for (let i = 0; i < digits.length; i += 1) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += sep;
    out += digits[i];
  }
  return out;
}

/**
 * "12,40 €" (fr and ar) or "€12.40" (en). Not Intl.NumberFormat: it takes a float, writes a
 * no-break space before € in French and a hyphen for a negative amount. `signed` adds "+"
 * before a positive amount; a negative one always shows a real minus "−". Integer arithmetic
 * only. Arabic keeps the French form and Western digits, as on the shops' price labels and the
 * fund's letters, isolated left to right so that "€" and the sign stay where they belong.
 */
export function money(cents, { signed = false } = {}) {
  const value = Math.trunc(Number(cents) || 0);
  const abs = Math.abs(value);
  const rest = abs % 100;
  const units = (abs - rest) / 100;
  const cc = rest < 10 ? `0${rest}` : String(rest);
  const body =
    current === "en"
      ? `€${groupThousands(units, ",")}.${cc}`
      : `${groupThousands(units, NARROW_NBSP)},${cc} €`;
  const shown = value < 0 ? MINUS + body : signed && value > 0 ? `+${body}` : body;
  return RTL.has(current) ? LRI + shown + PDI : shown;
}

// ---- dates and times ------------------------------------------------------------------

export function monthName(index) {
  return MONTHS[current][index];
}

/** "Novembre 2026" / "November 2026" for a Date. */
export function monthHeading(date) {
  const name = MONTHS[current][date.getMonth()];
  return `${name.charAt(0).toUpperCase()}${name.slice(1)} ${date.getFullYear()}`;
}

/** "de décembre" / "d'avril" (fr) or "December" (en), for "YYYY-MM". */
export function allocationLabel(month) {
  const m = /^(\d{4})-(\d{2})$/.exec(month || "");
  if (!m) return t("mv_allocation_plain");
  const index = Number(m[2]) - 1;
  if (index < 0 || index > 11) return t("mv_allocation_plain");
  const name = MONTHS[current][index];
  if (current !== "fr") return t("mv_allocation", { month: name });
  const ofMonth = /^[aeiouyéh]/i.test(name) ? `d'${name}` : `de ${name}`;
  return t("mv_allocation", { of_month: ofMonth });
}

function pad2(n) {
  return n < 10 ? `0${n}` : String(n);
}

/** "14 h 05" / "14:05". */
export function timeOfDay(date) {
  return current !== "fr"
    ? `${pad2(date.getHours())}:${pad2(date.getMinutes())}`
    : `${date.getHours()}\u00a0h\u00a0${pad2(date.getMinutes())}`;
}

/** "23/11" in both languages (day first, as in the rest of Europe). */
export function shortDate(date) {
  return `${pad2(date.getDate())}/${pad2(date.getMonth() + 1)}`;
}

/** "23/11 à 14 h 05" / "23/11 at 14:05". */
export function dateTime(date) {
  return t("when_date_time", { date: shortDate(date), time: timeOfDay(date) });
}

/** "1er décembre" / "23 novembre" / "1 December", from a Date. */
export function dayMonth(date) {
  const day = date.getDate();
  const name = MONTHS[current][date.getMonth()];
  if (current !== "fr") return `${day} ${name}`;
  return `${day === 1 ? "1er" : day} ${name}`;
}

/** A "YYYY-MM-DD" calendar date as a local Date (not UTC midnight), or null. */
export function parseDay(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || "");
  if (!m) return null;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

/** Removes accents and case, for searching: "Épicerie" → "epicerie". */
export function fold(text) {
  return String(text || "")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
}

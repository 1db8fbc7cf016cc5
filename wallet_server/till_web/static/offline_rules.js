// The offline rules in the browser till: whether it may take a pay code while it cannot
// reach the server.
//
// A port, check for check and in the same order, of the Python the server judges the synced
// payment with: paytoken/text.py (read_token, verify_token), cose.py, claims.py, keys.py,
// blocklist.py and offline_rules/judge.py (judge_offline). Every refusal has the same code.
// The shared vectors (offline_rules/vectors.json) hold the two to that:
// `python -m offline_rules.vectors --engine both`, tests/till_web/test_offline_rules_js.py.
//
// Inputs:
// - times (`capturedAt`, `receivedAt`, `window.since`, `now`, a key's validity) are ISO 8601
//   strings with an offset, as the server writes them ("2027-03-01T10:00:00.250000+00:00",
//   or "…Z"), compared to the microsecond as Python's datetimes are; a `Date` is taken too, to
//   the millisecond. A time without an offset throws a TypeError: Python would read it in the
//   machine's local time.
// - `keyset` is the server's keyset JSON (`GET /api/v1/keyset`'s `keys`) or what `loadKeyset`
//   made of it; `blocklist` is `{token_ids: [hex], wallets: [id]}`; `limits` and `window`
//   carry the server's names (`max_amount_cents`, …; `since`, `count`, `total_cents`).
// - amounts are integer cents, a safe-integer Number or a BigInt; anything else throws.
// The rules compare BigInts: no rounding ever decides a verdict.
//
// Stricter than Python in one respect: the CBOR decoder refuses, as "malformed", indefinite
// lengths, bytes after the item and the types a pay code does not use (floats, simple values,
// tags other than 18), all of which cbor2 reads. A code no wallet makes may so be refused here
// and accepted by the server, never the other way round.
//
// Needs a secure context (https:, or http://localhost): a key's kid (SHA-256) and the Ed25519
// fallback's SHA-512 come from crypto.subtle.

export const PREFIX = "CC1:";
export const MAX_TEXT_LENGTH = 400; // code points, checked before anything else
export const DEFAULT_CLOCK_SKEW = 300; // seconds

const KID_LENGTH = 8;
const TOKEN_ID_LENGTH = 16;
const MAX_WALLET_LENGTH = 32;
const MAX_CAP_CENTS = 10_000_000n;
const VERSION = 1n;
const CURRENCY = "EUR";
const FLAG_OFFLINE = 1n;
const COSE_SIGN1_TAG = 18n;
const HEADER_ALG = 1n;
const HEADER_KID = 4n;
const ALG_EDDSA = -8n;
const SIGNATURE_LENGTH = 64;
// the payload's keys: version, token id, wallet, cap, currency, issued at, expires at, flags
const CLAIM_KEYS = [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n];
// the till's offline limits, named as the server sends them (offline_rules/limits.py)
const LIMITS = [
  "max_amount_cents",
  "max_count",
  "max_total_cents",
  "max_hours_since_sync",
  "clock_skew_seconds",
];
const MICROS = 1_000_000n;
const NOBLE = "./vendor/noble-ed25519/index.js";

/** A refused pay code; `code` is one of paytoken's TokenError.CODES. */
export class TokenError extends Error {
  constructor(code, detail = "") {
    super(detail ? `${code}: ${detail}` : code);
    this.code = code;
  }
}

const malformed = (detail) => new TokenError("malformed", detail);

const codePoints = (text) => {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
};

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

// ---- Base45 (RFC 9285) -----------------------------------------------------------------

const BASE45 = new Map([..."0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"].map((c, i) => [c, i]));

/** As the base45 package decodes: every character in the alphabet, no lone last character,
 * no group beyond its bytes' range. */
function base45Decode(text) {
  const values = Array.from(text, (char) => BASE45.get(char));
  if (values.includes(undefined) || values.length % 3 === 1) throw malformed("not Base45");
  const bytes = [];
  for (let i = 0; i < values.length; i += 3) {
    if (values.length - i >= 3) {
      const x = values[i] + values[i + 1] * 45 + values[i + 2] * 45 * 45;
      if (x > 0xffff) throw malformed("not Base45");
      bytes.push(x >> 8, x & 0xff);
    } else {
      const x = values[i] + values[i + 1] * 45;
      if (x > 0xff) throw malformed("not Base45");
      bytes.push(x);
    }
  }
  return Uint8Array.from(bytes);
}

// ---- CBOR: the part of it a pay code uses ------------------------------------------------

/** A CBOR map, its entries in order; of two equal keys the later wins, as in cbor2. */
class CborMap {
  constructor(entries) {
    this.entries = entries;
  }
  get(key) {
    return this.entries.findLast(([k]) => k === key)?.[1];
  }
}

class CborTag {
  constructor(tag, value) {
    this.tag = tag;
    this.value = value;
  }
}

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }); // a BOM is a character

/** The one CBOR item that fills `bytes`: integers (BigInt), byte and text strings, arrays,
 * maps and tag 18, of definite lengths. A head longer than needed is read, as cbor2 does. */
function decodeCbor(bytes) {
  let at = 0;
  const take = (count) => {
    if (count > BigInt(bytes.length - at)) throw malformed("CBOR cut short");
    at += Number(count);
    return bytes.subarray(at - Number(count), at);
  };
  const argument = (info) => {
    if (info < 24) return BigInt(info);
    if (info > 27) throw malformed(info === 31 ? "indefinite length" : "reserved CBOR head");
    return take(1n << BigInt(info - 24)).reduce((n, byte) => (n << 8n) | BigInt(byte), 0n);
  };
  // every item takes a byte at least: a count beyond what is left is cut short, not looped on
  const items = (count, read) => {
    if (count > BigInt(bytes.length - at)) throw malformed("CBOR cut short");
    return Array.from({ length: Number(count) }, read);
  };
  const item = () => {
    const [head] = take(1n);
    const n = argument(head & 0x1f);
    switch (head >> 5) {
      case 0:
        return n;
      case 1:
        return -1n - n;
      case 2:
        return take(n).slice();
      case 3: {
        const utf8 = take(n);
        try {
          return UTF8.decode(utf8);
        } catch {
          throw malformed("text is not UTF-8");
        }
      }
      case 4:
        return items(n, item);
      case 5:
        return new CborMap(items(n, () => [item(), item()]));
      case 6:
        if (n !== COSE_SIGN1_TAG) throw malformed(`CBOR tag ${n}`);
        return new CborTag(n, item());
      default:
        throw malformed("CBOR float or simple value");
    }
  };
  const value = item();
  if (at !== bytes.length) throw malformed("bytes after the CBOR item");
  return value;
}

// a head with the shortest argument, as cbor2 writes it (lengths here stay below 2^16)
function cborHead(major, length) {
  if (length < 24) return [(major << 5) | length];
  if (length < 0x100) return [(major << 5) | 24, length];
  return [(major << 5) | 25, length >> 8, length & 0xff];
}

/** The bytes actually signed (RFC 9052 §4.4): CBOR of ["Signature1", protected, h'', payload]. */
function sigStructure(protectedBytes, payload) {
  const context = new TextEncoder().encode("Signature1");
  return Uint8Array.from([
    ...cborHead(4, 4),
    ...cborHead(3, context.length),
    ...context,
    ...cborHead(2, protectedBytes.length),
    ...protectedBytes,
    ...cborHead(2, 0),
    ...cborHead(2, payload.length),
    ...payload,
  ]);
}

// ---- COSE_Sign1 and the token ----------------------------------------------------------

/** paytoken.cose.parse_sign1: a tagged COSE_Sign1 of exactly that shape. */
function parseSign1(message) {
  const decoded = decodeCbor(message);
  if (!(decoded instanceof CborTag) || decoded.tag !== COSE_SIGN1_TAG) {
    throw malformed("not a tagged COSE_Sign1");
  }
  const parts = decoded.value;
  if (!Array.isArray(parts) || parts.length !== 4) {
    throw malformed("COSE_Sign1 must have four parts");
  }
  const [protectedBytes, unprotected, payload, signature] = parts;
  if (
    !(protectedBytes instanceof Uint8Array) ||
    !(unprotected instanceof CborMap) ||
    !(payload instanceof Uint8Array) ||
    !(signature instanceof Uint8Array)
  ) {
    throw malformed("COSE_Sign1 part of the wrong type");
  }
  const header = protectedBytes.length ? decodeCbor(protectedBytes) : new CborMap([]);
  if (!(header instanceof CborMap)) throw malformed("protected header is not a map");
  return { protectedBytes, header, unprotected, payload, signature };
}

// str.strip()'s whitespace, which is not String.prototype.trim()'s: Python also strips
// U+001C–U+001F and U+0085, and keeps U+FEFF.
const SPACE = String.raw`\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000`;
const STRIP = new RegExp(`^[${SPACE}]+|[${SPACE}]+$`, "g");

/** paytoken.read_token: the text form to `{kid, message}` (bytes), nothing trusted yet. */
export function readToken(text) {
  // len() counts code points: only a text of more than 400 UTF-16 units may have too many
  if (
    typeof text !== "string" ||
    (text.length > MAX_TEXT_LENGTH && codePoints(text) > MAX_TEXT_LENGTH)
  ) {
    throw new TokenError("too_large");
  }
  const stripped = text.replace(STRIP, "");
  // toUpperCase() maps as str.upper() does (ı → I, ß → SS); no other character uppercases
  // to "C", "1" or ":", so a prefix found is the first four characters
  if (!stripped.toUpperCase().startsWith(PREFIX)) throw new TokenError("bad_prefix");
  const message = base45Decode(stripped.slice(PREFIX.length).toUpperCase());
  const { header, unprotected } = parseSign1(message);
  if (unprotected.entries.length) throw malformed("unsigned header data");
  const kid = header.get(HEADER_KID);
  if (!(kid instanceof Uint8Array) || kid.length !== KID_LENGTH) throw malformed("missing kid");
  return { kid, message };
}

/** paytoken.unverified_claims(text).token_id, as hex: what a till indexes its journal by
 * before it verifies anything (the offline rules verify the code itself). Throws a
 * TokenError for a text that is not a pay code. */
export function unverifiedTokenId(text) {
  const { message } = readToken(text);
  return hex(claimsFromCbor(parseSign1(message).payload).tokenId);
}

/** paytoken.cose.verify1: the payload of a COSE_Sign1 whose EdDSA signature `entry` checks. */
async function verify1(message, entry) {
  const { protectedBytes, header, payload, signature } = parseSign1(message);
  const alg = header.get(HEADER_ALG);
  if (alg !== ALG_EDDSA) throw new TokenError("unsupported_algorithm", String(alg));
  if (signature.length !== SIGNATURE_LENGTH) {
    throw new TokenError("bad_signature", "wrong signature length");
  }
  if (!(await entry.verify(signature, sigStructure(protectedBytes, payload)))) {
    throw new TokenError("bad_signature");
  }
  return payload;
}

/** paytoken.claims.PaymentClaims.from_cbor, its checks in its order. */
function claimsFromCbor(payload) {
  const value = decodeCbor(payload);
  const keys = new Set(value instanceof CborMap ? value.entries.map(([key]) => key) : []);
  if (keys.size !== CLAIM_KEYS.length || !CLAIM_KEYS.every((key) => keys.has(key))) {
    throw malformed("payload keys");
  }
  const [version, tokenId, wallet, cap, currency, issuedAt, expiresAt, flags] = CLAIM_KEYS.map(
    (key) => value.get(key),
  );
  if (version !== VERSION) throw new TokenError("unsupported_version", String(version));
  const isInt = (x) => typeof x === "bigint";
  const checks = [
    tokenId instanceof Uint8Array && tokenId.length === TOKEN_ID_LENGTH,
    typeof wallet === "string" && wallet !== "" && codePoints(wallet) <= MAX_WALLET_LENGTH,
    isInt(cap) && cap > 0n && cap <= MAX_CAP_CENTS,
    currency === CURRENCY,
    isInt(issuedAt) && isInt(expiresAt),
    isInt(flags) && flags >= 0n,
  ];
  if (!checks.every(Boolean)) throw malformed("payload values");
  if (expiresAt <= issuedAt) throw malformed("expires before issued");
  return { version, tokenId, wallet, cap, currency, issuedAt, expiresAt, flags };
}

// ---- Times: microseconds since the epoch, as Python's aware datetimes ---------------------

// datetime's range: beyond it Python raises OverflowError or ValueError, not a refusal
const DATETIME_MIN = -62_135_596_800n * MICROS; // 0001-01-01T00:00:00Z
const DATETIME_MAX = 253_402_300_800n * MICROS - 1n; // 9999-12-31T23:59:59.999999Z
function datetime(micros) {
  if (micros < DATETIME_MIN || micros > DATETIME_MAX) throw new RangeError("date out of range");
  return micros;
}

// what datetime.fromisoformat reads, an offset required
const DATE = String.raw`(\d{4})-(\d{2})-(\d{2})`;
const TIME = String.raw`(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?`;
const OFFSET = String.raw`(?:(Z)|([+-])(\d{2}):?(\d{2})?(?::?(\d{2})(?:[.,](\d{1,6}))?)?)`;
const ISO = new RegExp(`^${DATE}[T ]${TIME}${OFFSET}$`);

// days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil)
function epochDay(year, month, day) {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

const fraction = (digits) => BigInt((digits ?? "").slice(0, 6).padEnd(6, "0")); // truncated

/** Microseconds since the epoch of an ISO 8601 time with an offset, or of a Date. */
function instant(value) {
  if (value instanceof Date && !Number.isNaN(value.getTime())) {
    return BigInt(value.getTime()) * 1000n;
  }
  const m = typeof value === "string" ? ISO.exec(value) : null;
  if (!m || !(m[8] || m[9])) throw new TypeError(`not an ISO 8601 time with an offset: ${value}`);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((x) => Number(x ?? 0));
  const [offsetHours, offsetMinutes, offsetSeconds] = m.slice(10, 13).map((x) => Number(x ?? 0));
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  const valid =
    year >= 1 && day >= 1 && day <= monthDays && hour <= 23 && minute <= 59 && second <= 59;
  if (!valid || offsetHours > 23 || offsetMinutes > 59 || offsetSeconds > 59) {
    throw new TypeError(`not a valid time: ${value}`);
  }
  const seconds = epochDay(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  const offset =
    BigInt(offsetHours * 3600 + offsetMinutes * 60 + offsetSeconds) * MICROS + fraction(m[13]);
  return BigInt(seconds) * MICROS + fraction(m[7]) + (m[9] === "-" ? offset : -offset);
}

const integer = (value, what) => {
  if (typeof value === "bigint") return value;
  if (Number.isSafeInteger(value)) return BigInt(value);
  throw new TypeError(`${what} must be an integer, not ${value}`);
};

// ---- Keys ------------------------------------------------------------------------------

function base64urlDecode(text) {
  if (typeof text !== "string" || !/^[\w-]*$/.test(text) || text.length % 4 === 1) {
    throw new TypeError("keyset: a public_key is not base64url");
  }
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** An Ed25519 check by WebCrypto where the browser has it, else by the vendored
 * @noble/ed25519 in its strict RFC 8032 mode (`zip215: false`: S < L, canonical points), as
 * OpenSSL checks for the server. */
async function ed25519Verifier(publicKey) {
  try {
    const key = await crypto.subtle.importKey("raw", publicKey, "Ed25519", false, ["verify"]);
    return {
      backend: "webcrypto",
      verify: (signature, data) => crypto.subtle.verify("Ed25519", key, signature, data),
    };
  } catch {
    // NotSupportedError where WebCrypto has no Ed25519 (Chrome before 137, Safari before 17);
    // a key WebCrypto refuses, noble refuses to verify with: bad_signature, as in Python
    const noble = await import(NOBLE);
    return {
      backend: "noble",
      verify: (signature, data) => noble.verifyAsync(signature, data, publicKey, { zip215: false }),
    };
  }
}

/** The public keys the till trusts, by kid (paytoken.keys.Keyset). */
export class Keyset {
  constructor(entries) {
    this.entries = new Map(entries.map((entry) => [hex(entry.kid), entry])); // the last wins
  }
  get(kid) {
    const entry = this.entries.get(hex(kid));
    if (!entry) throw new TokenError("unknown_key", hex(kid));
    return entry;
  }
  /** Which library checks signatures: ["webcrypto"], ["noble"] (or both, key by key). */
  get backends() {
    return [...new Set(Array.from(this.entries.values(), (entry) => entry.backend))];
  }
}

/** The keyset JSON, read as Keyset.from_json does: a key's kid is the first 8 bytes of the
 * SHA-256 of its raw bytes, whatever the entry says, and an entry that says another throws. */
export async function loadKeyset(values) {
  const entries = [];
  for (const value of values) {
    const publicKey = base64urlDecode(value.public_key ?? "");
    if (publicKey.length !== 32) throw new TypeError("keyset: an Ed25519 key has 32 bytes");
    const sha256 = new Uint8Array(await crypto.subtle.digest("SHA-256", publicKey));
    const kid = sha256.slice(0, KID_LENGTH);
    if (value.kid && value.kid !== hex(kid)) {
      throw new TypeError("keyset entry whose kid does not match its key");
    }
    entries.push({
      kid,
      validFrom: instant(value.valid_from ?? ""),
      validUntil: value.valid_until ? instant(value.valid_until) : null,
      ...(await ed25519Verifier(publicKey)),
    });
  }
  return new Keyset(entries);
}

// ---- The blocklist ---------------------------------------------------------------------

// bytes.fromhex: pairs of hex digits, either case, ASCII whitespace between them
function tokenIdHex(text) {
  if (typeof text !== "string" || !/^[\t-\r ]*(?:[\dA-Fa-f]{2}[\t-\r ]*)*$/.test(text)) {
    throw new TypeError(`blocklist: not a hex token id: ${text}`);
  }
  return text.replace(/[\t-\r ]/g, "").toLowerCase();
}

function checkBlocklist(blocklist, claims) {
  if ((blocklist.token_ids ?? []).map(tokenIdHex).includes(hex(claims.tokenId))) {
    throw new TokenError("token_revoked", hex(claims.tokenId));
  }
  if ((blocklist.wallets ?? []).includes(claims.wallet)) {
    throw new TokenError("wallet_blocked", claims.wallet);
  }
}

// ---- Verification and the offline judgement ---------------------------------------------

async function verifiedClaims(text, keyset, { now, blocklist, clockSkew = DEFAULT_CLOCK_SKEW }) {
  const { kid, message } = readToken(text);
  const entry = (keyset instanceof Keyset ? keyset : await loadKeyset(keyset)).get(kid);
  const claims = claimsFromCbor(await verify1(message, entry));
  const skew = integer(clockSkew, "clockSkew");
  const issued = datetime(claims.issuedAt * MICROS); // datetime.fromtimestamp(issued_at)
  if (
    datetime(issued + skew * MICROS) < entry.validFrom ||
    (entry.validUntil !== null && issued > datetime(entry.validUntil + skew * MICROS))
  ) {
    throw new TokenError("key_not_valid", hex(kid));
  }
  const moment = instant(now ?? new Date()) / MICROS; // int(now.timestamp()): truncated
  if (moment >= claims.expiresAt + skew) throw new TokenError("token_expired");
  if (moment + skew < claims.issuedAt) throw new TokenError("token_not_yet_valid");
  if (blocklist) checkBlocklist(blocklist, claims);
  return claims;
}

// the claims for the till's screen: exact for every time and cap the server issues (< 2^53)
const publicClaims = (claims) => ({
  tokenId: hex(claims.tokenId),
  wallet: claims.wallet,
  capCents: Number(claims.cap),
  currency: claims.currency,
  issuedAt: Number(claims.issuedAt),
  expiresAt: Number(claims.expiresAt),
  flags: Number(claims.flags),
  offlineAllowed: (claims.flags & FLAG_OFFLINE) !== 0n,
  version: Number(claims.version),
});

/** paytoken.verify_token: the claims of a code that passes every check, in this order: size,
 * prefix, structure, key, signature, key validity at issuance, time window (`clockSkew`
 * seconds of tolerance around `now`), blocklist; otherwise it throws a TokenError. */
export async function verifyToken(text, keyset, options = {}) {
  return publicClaims(await verifiedClaims(text, keyset, options));
}

/** offline_rules.judge_offline: `{verdict: "accept", claims}` if the till may take the capture
 * `{token, amountCents, capturedAt}` offline, else `{verdict: code}`. In order: the capture's
 * time against the clocks, the code at the moment of capture, that it allows offline use, that
 * it was not taken here before, its cap, the till's limits. Bad inputs throw, whatever the code:
 * a float amount is a bug, never a refusal. */
export async function judgeOffline(capture, options) {
  const { receivedAt, keyset, blocklist, limits, window, takenHere } = options;
  if (typeof takenHere !== "boolean") throw new TypeError("takenHere must be true or false");
  const amount = integer(capture.amountCents, "amountCents");
  const limit = Object.fromEntries(LIMITS.map((name) => [name, integer(limits[name], name)]));
  const count = integer(window.count, "window.count");
  const total = integer(window.total_cents, "window.total_cents");
  const skew = limit.clock_skew_seconds * MICROS;
  const capturedAt = instant(capture.capturedAt);
  const since = instant(window.since);

  if (capturedAt > datetime(instant(receivedAt) + skew)) return { verdict: "captured_in_future" };
  if (capturedAt < datetime(since - skew)) return { verdict: "captured_before_contact" };
  if (capturedAt - since > limit.max_hours_since_sync * 3600n * MICROS) {
    return { verdict: "offline_too_long" };
  }
  let claims;
  try {
    claims = await verifiedClaims(capture.token, keyset, {
      now: capture.capturedAt,
      blocklist,
      clockSkew: limit.clock_skew_seconds,
    });
  } catch (error) {
    if (error instanceof TokenError) return { verdict: error.code };
    throw error;
  }
  if ((claims.flags & FLAG_OFFLINE) === 0n) return { verdict: "token_online_only" };
  if (takenHere) return { verdict: "token_already_used" };
  if (amount <= 0n || amount > claims.cap) return { verdict: "amount_exceeds_cap" };
  if (amount > limit.max_amount_cents) return { verdict: "offline_limit" };
  if (count + 1n > limit.max_count || total + amount > limit.max_total_cents) {
    return { verdict: "offline_limit" };
  }
  return { verdict: "accept", claims: publicClaims(claims) };
}

"""The browser till's offline rules (wallet_server/till_web/static/offline_rules.js) give the
Python verdict, code for code: on every shipped vector, and on odd codes made here with the
project's own signing code, with WebCrypto's Ed25519 and with the vendored @noble/ed25519.

One Chromium for the whole module (offline_rules.vectors.BrowserEngine); each judgement of a
vector file is one load of the runner page.
"""

import contextlib
import hashlib
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import base45
import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import offline_rules.vectors
from offline_rules.vectors import TILL_STATIC, BrowserEngine, load, python_verdict, run
from paytoken import FLAG_OFFLINE, KeyEntry, Keyset, PaymentClaims, SigningKey, issue_token
from paytoken import claims as claim_keys
from paytoken.cose import COSE_SIGN1_TAG, sig_structure
from tests.system_programs import require

SHIPPED = load()
T0 = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
SKEW = timedelta(seconds=300)  # the shipped vectors' clock_skew_seconds
WALLET = "P-7KX2-M9QD"
#: Ed25519's group order: a signature's S must stay below it
ORDER = 2**252 + 27742317777372353535851937790883648493
BACKENDS = {"webcrypto": True, "noble": False}


def signing_key(name: str) -> SigningKey:
    # as scripts/make_offline_vectors.py: "current" is the shipped keyset's key
    seed = hashlib.sha256(f"caisse-commune offline vectors: {name}".encode()).digest()
    return SigningKey(Ed25519PrivateKey.from_private_bytes(seed))


SIGNER = signing_key("current")
STRANGER = signing_key("browser till tests: in no keyset")
#: may sign what is issued from 10:10:00.5 on (half a second: the check is to the microsecond)
LATE = signing_key("browser till tests: valid from later")
LATE_FROM = T0 + timedelta(minutes=10, microseconds=500_000)
#: signed nothing issued after 08:00:00.25
RETIRED = signing_key("browser till tests: retired")
RETIRED_UNTIL = T0 - timedelta(hours=2) + timedelta(microseconds=250_000)
KEYSET = [
    *SHIPPED["keyset"],
    *Keyset(
        [
            KeyEntry(LATE.public_key, LATE_FROM),
            KeyEntry(RETIRED.public_key, T0 - timedelta(days=60), RETIRED_UNTIL),
        ]
    ).as_json(),
]
ISSUED = T0 - timedelta(hours=1)
EXPIRES = ISSUED + timedelta(hours=24)


@pytest.fixture(scope="module")
def engine():
    chromium = require("chromium")
    with BrowserEngine(chromium) as engine:
        yield engine


# ---- Odd codes, made with the project's signing code ------------------------------------


CLAIMS = PaymentClaims(
    token_id=(1).to_bytes(16, "big"),
    wallet=WALLET,
    cap_cents=10_000,
    issued_at=int(ISSUED.timestamp()),
    expires_at=int(EXPIRES.timestamp()),
    flags=FLAG_OFFLINE,
)
CLAIM_KEYS = {
    "version": claim_keys.KEY_VERSION,
    "token_id": claim_keys.KEY_TOKEN_ID,
    "wallet": claim_keys.KEY_WALLET,
    "cap": claim_keys.KEY_CAP,
    "currency": claim_keys.KEY_CURRENCY,
    "issued_at": claim_keys.KEY_ISSUED_AT,
    "expires_at": claim_keys.KEY_EXPIRES_AT,
    "flags": claim_keys.KEY_FLAGS,
}


def claims(**changes: Any) -> dict[int, Any]:
    """CLAIMS' payload map, as paytoken writes it, with `changes` by claim name."""
    payload: dict[int, Any] = cbor2.loads(CLAIMS.to_cbor())
    for name, value in changes.items():
        payload[CLAIM_KEYS[name]] = value
    return payload


def cose(
    payload: bytes | dict[int, Any] | None = None,
    *,
    key: SigningKey = SIGNER,
    protected: bytes | None = None,
    unprotected: dict[int, Any] | None = None,
    signature: bytes | None = None,
) -> list[Any]:
    """The four parts of a COSE_Sign1, signed by `key` (as paytoken.cose.sign1 signs) unless
    `signature` is given."""
    if not isinstance(payload, bytes):
        payload = cbor2.dumps(claims() if payload is None else payload)
    if protected is None:
        protected = cbor2.dumps({1: -8, 4: key.kid})
    if signature is None:
        signature = key.private_key.sign(sig_structure(protected, payload))
    return [protected, unprotected or {}, payload, signature]


def text(message: bytes | list[Any]) -> str:
    if isinstance(message, list):
        message = cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, message))
    return "CC1:" + base45.b45encode(message).decode()


VALID = text(cose())


def with_signature(change: Callable[[bytes], bytes]) -> str:
    parts = cose()
    parts[3] = change(parts[3])
    return text(parts)


def flip_bit(signature: bytes) -> bytes:
    return signature[:10] + bytes([signature[10] ^ 0x01]) + signature[11:]


def plus_order(signature: bytes) -> bytes:
    # the same signature with S + L: valid for a lax verifier, refused by a strict one
    s = int.from_bytes(signature[32:], "little") + ORDER
    return signature[:32] + s.to_bytes(32, "little")


def with_header(header: dict[int, Any]) -> str:
    return text(cose(protected=cbor2.dumps(header)))


def with_claims(**changes: Any) -> str:
    return text(cose(claims(**changes)))


def issued_at(issued: datetime, key: SigningKey = SIGNER) -> str:
    stamp = int(issued.timestamp())
    return text(cose(claims(issued_at=stamp, expires_at=stamp + 3_600), key=key))


def vector(
    name: str,
    token: str = VALID,
    *,
    amount: int = 1_200,
    captured: datetime = T0,
    blocked_tokens: tuple[str, ...] = (),
    blocked_wallets: tuple[str, ...] = (),
) -> dict[str, Any]:
    return {
        "name": name,
        "token": token,
        "amount_cents": amount,
        "captured_at": captured.isoformat(),
        "received_at": captured.isoformat(),
        "limits": SHIPPED["vectors"][0]["limits"],
        "window": {
            "since": (captured - timedelta(hours=2)).isoformat(),
            "count": 0,
            "total_cents": 0,
        },
        "blocklist": {"token_ids": list(blocked_tokens), "wallets": list(blocked_wallets)},
        "taken_here": False,
    }


EXPIRED_AT = EXPIRES + SKEW  # the first second the code is refused
LATER = T0 + timedelta(hours=1)  # when the "not yet valid" codes are issued
AN_I = VALID.index("I", 4)  # a Base45 "I" in the code, to be written as a dotless ı
TOKEN_1 = (1).to_bytes(16, "big").hex()
BOM_WALLET = "\ufeff" + WALLET
MICROSECOND = timedelta(microseconds=1)
SECOND = timedelta(seconds=1)

#: (the Python verdict intended, vector): each is also checked against Python, so that each
#: case tests what its name says
ODD_CODES: list[tuple[str, dict[str, Any]]] = [
    ("accept", vector("the code as issued")),
    ("bad_signature", vector("one bit of the signature flipped", with_signature(flip_bit))),
    ("bad_signature", vector("S + L: a malleated signature", with_signature(plus_order))),
    ("bad_signature", vector("a signature of 63 bytes", with_signature(lambda s: s[:63]))),
    ("unknown_key", vector("signed by a key in no keyset", text(cose(key=STRANGER)))),
    ("unknown_key", vector("a kid no key has", with_header({1: -8, 4: bytes(8)}))),
    ("malformed", vector("a payload with a ninth key", text(cose(claims() | {9: 0})))),
    (
        "malformed",
        vector(
            "a payload without flags", text(cose({k: v for k, v in claims().items() if k != 8}))
        ),
    ),
    (
        "malformed",
        vector("a payload that is a list", text(cose(cbor2.dumps([*claims().values()])))),
    ),
    ("accept", vector("the code in lowercase", VALID.lower())),
    ("accept", vector("a dotless ı for an I", VALID[:AN_I] + "ı" + VALID[AN_I + 1 :])),
    ("accept", vector("spaces after it up to 400 characters", VALID.ljust(400))),
    ("too_large", vector("spaces after it up to 401 characters", VALID.ljust(401))),
    ("malformed", vector("400 code points, more UTF-16 units", VALID.ljust(400, "😀"))),
    ("too_large", vector("401 code points", VALID.ljust(401, "😀"))),
    ("bad_prefix", vector("prefix CC2:", "CC2:" + VALID[4:])),
    ("bad_prefix", vector("no prefix", VALID[4:])),
    ("accept", vector("led by U+001C, which str.strip() strips", "\x1c" + VALID)),
    ("accept", vector("led by U+0085, which str.strip() strips", "\x85" + VALID)),
    ("bad_prefix", vector("led by a BOM, which str.strip() keeps", "\ufeff" + VALID)),
    ("malformed", vector("nothing after the prefix", "CC1:")),
    ("malformed", vector("a lone Base45 character", "CC1:A")),
    ("malformed", vector("a Base45 group above 0xFFFF", "CC1:GGW")),
    ("malformed", vector("a character outside Base45", VALID[:-1] + "#")),
    ("malformed", vector("no COSE_Sign1 tag", text(cbor2.dumps(cose())))),
    ("malformed", vector("an unsigned header", text(cose(unprotected={4: SIGNER.kid})))),
    ("malformed", vector("no kid", with_header({1: -8}))),
    ("malformed", vector("a kid of 7 bytes", with_header({1: -8, 4: SIGNER.kid[:7]}))),
    ("unsupported_algorithm", vector("ES256", with_header({1: -7, 4: SIGNER.kid}))),
    ("unsupported_version", vector("version 2", with_claims(version=2))),
    ("unsupported_version", vector("version as text", with_claims(version="1"))),
    ("malformed", vector("a token id of 15 bytes", with_claims(token_id=bytes(15)))),
    ("malformed", vector("an empty wallet", with_claims(wallet=""))),
    ("malformed", vector("a wallet of 33 characters", with_claims(wallet="é" * 33))),
    ("accept", vector("a wallet of 32 characters, 64 UTF-16 units", with_claims(wallet="😀" * 32))),
    ("malformed", vector("a cap of nothing", with_claims(cap=0))),
    ("malformed", vector("a cap above 100 000 €", with_claims(cap=10_000_001))),
    ("accept", vector("a cap of 100 000 €", with_claims(cap=10_000_000))),
    ("malformed", vector("a cap in bytes", with_claims(cap=b"\x27\x10"))),
    ("malformed", vector("in francs", with_claims(currency="CHF"))),
    ("malformed", vector("negative flags", with_claims(flags=-1))),
    ("malformed", vector("expiring as issued", with_claims(expires_at=int(ISSUED.timestamp())))),
    ("accept", vector("expiring in 2^63 seconds", with_claims(expires_at=2**63))),
    ("accept", vector("1 s before expiry + skew", captured=EXPIRED_AT - SECOND)),
    ("accept", vector("1 µs before expiry + skew", captured=EXPIRED_AT - MICROSECOND)),
    ("token_expired", vector("at expiry + skew", captured=EXPIRED_AT)),
    ("token_expired", vector("1 s after expiry + skew", captured=EXPIRED_AT + SECOND)),
    ("accept", vector("issued skew after", issued_at(LATER), captured=LATER - SKEW)),
    (
        "token_not_yet_valid",
        vector("issued skew + 1 s after", issued_at(LATER), captured=LATER - SKEW - SECOND),
    ),
    (
        # the capture's time in whole seconds is truncated: 300.5 s before is 301 s before
        "token_not_yet_valid",
        vector("issued skew + 0.5 s after", issued_at(LATER), captured=LATER - SKEW - SECOND / 2),
    ),
    (
        "key_not_valid",
        vector(
            "issued skew before its key's start",
            issued_at(LATE_FROM - SKEW, LATE),
            captured=LATE_FROM,
        ),
    ),
    (
        "accept",
        vector(
            "issued skew - 1 s before its key's start",
            issued_at(LATE_FROM - SKEW + SECOND, LATE),
            captured=LATE_FROM,
        ),
    ),
    (
        "accept",
        vector(
            "issued skew after its key's end",
            issued_at(RETIRED_UNTIL + SKEW, RETIRED),
            captured=RETIRED_UNTIL + 2 * SKEW,
        ),
    ),
    (
        "key_not_valid",
        vector(
            "issued skew + 1 s after its key's end",
            issued_at(RETIRED_UNTIL + SKEW + SECOND, RETIRED),
            captured=RETIRED_UNTIL + 2 * SKEW,
        ),
    ),
    ("wallet_blocked", vector("its wallet blocked", blocked_wallets=(WALLET,))),
    ("accept", vector("another wallet blocked", blocked_wallets=(WALLET.lower(),))),
    ("token_revoked", vector("its token id revoked", blocked_tokens=(TOKEN_1,))),
    (
        "token_revoked",
        vector(
            "its token id revoked, written in capitals and spaced",
            with_claims(token_id=bytes.fromhex("ab" * 16)),
            blocked_tokens=(" AB" * 16,),
        ),
    ),
    (
        "token_revoked",
        vector(
            "revoked, its wallet blocked too", blocked_tokens=(TOKEN_1,), blocked_wallets=(WALLET,)
        ),
    ),
    (
        "accept",
        vector(
            "a BOM in its wallet: another one",
            with_claims(wallet=BOM_WALLET),
            blocked_wallets=(WALLET,),
        ),
    ),
    (
        "wallet_blocked",
        vector(
            "a BOM in its wallet, so blocked",
            with_claims(wallet=BOM_WALLET),
            blocked_wallets=(BOM_WALLET,),
        ),
    ),
]

# Indefinite lengths and bytes after an item: cbor2 reads them, offline_rules.js refuses them
# (a strict decoder, as asked of it). Outside the signature, Python so accepts codes no wallet
# makes; the till refusing them costs nobody anything.
# what cbor2 reads but paytoken refuses (exact_loads), so that a code's text cannot change
# without its signature: both engines say malformed
NOT_AS_PAYTOKEN_WRITES: list[dict[str, Any]] = [
    vector("a byte after the COSE_Sign1", text(base45.b45decode(VALID[4:]) + b"\0")),
    vector(
        "the COSE_Sign1 as an indefinite-length array",
        text(b"\xd2\x9f" + b"".join(cbor2.dumps(part) for part in cose()) + b"\xff"),
    ),
    vector("a byte after the payload (signed)", text(cose(cbor2.dumps(claims()) + b"\0"))),
]
STRICTER_IN_JS: list[dict[str, Any]] = [
    vector("a float in the protected header (signed)", with_header({1: -8, 4: SIGNER.kid, 9: 1.5})),
]


def document(vectors: list[dict[str, Any]]) -> dict[str, Any]:
    return {"keyset": KEYSET, "vectors": vectors}


def python_verdicts(vectors: list[dict[str, Any]]) -> list[str]:
    keyset = Keyset.from_json(KEYSET)
    return [python_verdict(v, keyset) for v in vectors]


def differences(names: list[str], python: list[str], js: list[str]) -> list[str]:
    return [f"{n}: python {p}, js {j}" for n, p, j in zip(names, python, js, strict=True) if p != j]


# ---- The tests -------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_shipped_vector_gets_its_expected_verdict_in_the_browser(engine, backend):
    browser = engine.judge(SHIPPED, webcrypto=BACKENDS[backend])
    assert browser.backends == [backend]
    names = [v["name"] for v in SHIPPED["vectors"]]
    expected = [v["expected"] for v in SHIPPED["vectors"]]
    assert differences(names, expected, browser.verdicts) == []
    assert [verdict.got for verdict in run(SHIPPED)] == expected


def test_odd_codes_are_made_as_their_names_say():
    assert issue_token(CLAIMS, SIGNER) == VALID  # the test's COSE_Sign1 is paytoken's
    vectors = [v for _, v in ODD_CODES]
    intended = [code for code, _ in ODD_CODES]
    names = [v["name"] for v in vectors]
    assert len(set(names)) == len(names)
    assert differences(names, intended, python_verdicts(vectors)) == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_odd_codes_get_the_python_verdict_in_the_browser(engine, backend):
    vectors = [v for _, v in ODD_CODES]
    browser = engine.judge(document(vectors), webcrypto=BACKENDS[backend])
    assert browser.backends == [backend]
    names = [v["name"] for v in vectors]
    assert differences(names, python_verdicts(vectors), browser.verdicts) == []


def test_both_engines_refuse_what_paytoken_never_writes(engine):
    verdicts = engine.judge(document(NOT_AS_PAYTOKEN_WRITES)).verdicts
    assert verdicts == ["malformed"] * len(NOT_AS_PAYTOKEN_WRITES)
    assert python_verdicts(NOT_AS_PAYTOKEN_WRITES) == verdicts


def test_the_browser_refuses_what_only_cbor2_reads(engine):
    verdicts = engine.judge(document(STRICTER_IN_JS)).verdicts
    assert verdicts == ["malformed"] * len(STRICTER_IN_JS)
    # Python's verdicts, for the record: a change there shows here
    assert python_verdicts(STRICTER_IN_JS) == ["accept"] * len(STRICTER_IN_JS)


def test_a_whole_vector_file_is_judged_in_one_page_load(engine):
    vectors = SHIPPED["vectors"] + [v for _, v in ODD_CODES]
    loads = engine.page_loads
    browser = engine.judge(document(vectors))
    assert engine.page_loads == loads + 1
    assert browser.verdicts == python_verdicts(vectors)


def test_the_command_compares_both_engines_with_the_expected_verdicts(
    engine, monkeypatch, capsys, tmp_path
):
    monkeypatch.setattr(
        offline_rules.vectors, "BrowserEngine", lambda chromium: contextlib.nullcontext(engine)
    )
    assert offline_rules.vectors.main(["--engine", "both", "--no-webcrypto"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == len(SHIPPED["vectors"])
    assert all(line.startswith("ok   ") for line in lines)
    assert "30 vectors, 0 differing (browser: Ed25519 by noble)" in err

    wrong = json.loads(json.dumps(SHIPPED))
    wrong["vectors"][0]["expected"] = "offline_limit"
    path = tmp_path / "wrong.json"
    path.write_text(json.dumps(wrong), encoding="utf-8")
    assert offline_rules.vectors.main([str(path), "--engine", "both", "--json"]) == 1
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows[0] == {
        "name": SHIPPED["vectors"][0]["name"],
        "expected": "offline_limit",
        "python": "accept",
        "browser": "accept",
        "agrees": False,
    }
    assert all(row["agrees"] for row in rows[1:])


def test_the_till_pages_run_no_inline_script():
    # the till's CSP is script-src 'self': a script element must have a src, and no element
    # an on… handler
    for page in Path(TILL_STATIC).glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == [], page.name
        assert re.findall(r"<[^>]+\son\w+\s*=", html) == [], page.name

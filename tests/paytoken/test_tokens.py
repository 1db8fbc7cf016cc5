"""Issue and verify payment tokens; every tampering is refused with its own code."""

from datetime import UTC, datetime, timedelta

import base45
import cbor2
import pytest
import qrcode

from paytoken import (
    FLAG_OFFLINE,
    MAX_TEXT_LENGTH,
    Blocklist,
    KeyEntry,
    Keyset,
    PaymentClaims,
    SigningKey,
    TokenError,
    issue_token,
    verify_token,
)
from paytoken.claims import KEY_CAP, KEY_EXPIRES_AT, KEY_WALLET
from paytoken.cose import sign1

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
T0 = int(NOW.timestamp())
KEY = SigningKey.generate()
KEYSET = Keyset([KeyEntry(KEY.public_key, valid_from=NOW - timedelta(days=30))])


def _claims(**changes) -> PaymentClaims:
    values = {
        "wallet": "P-7KX2-M9QD",
        "cap_cents": 10_000,
        "issued_at": T0,
        "expires_at": T0 + 300,
        "flags": FLAG_OFFLINE,
    }
    values.update(changes)
    return PaymentClaims.new(**values)


def _refusal(text: str, keyset: Keyset = KEYSET, **kwargs) -> str:
    with pytest.raises(TokenError) as refused:
        verify_token(text, keyset, now=kwargs.pop("now", NOW), **kwargs)
    return refused.value.code


def _reencode(text: str, mutate) -> str:
    """Decode, change the COSE structure with `mutate`, re-encode: a forger's best effort."""
    tag = cbor2.loads(base45.b45decode(text[4:]))
    parts = list(tag.value)
    mutate(parts)
    return "CC1:" + base45.b45encode(cbor2.dumps(cbor2.CBORTag(18, parts))).decode()


def _with_payload(text: str, key: int, value) -> str:
    def mutate(parts):
        payload = dict(cbor2.loads(parts[2]))
        payload[key] = value
        parts[2] = cbor2.dumps(payload)

    return _reencode(text, mutate)


def test_token_round_trips_without_personal_data():
    claims = _claims()
    assert verify_token(issue_token(claims, KEY), KEYSET, now=NOW) == claims


def test_token_fits_a_small_qr_in_alphanumeric_mode():
    text = issue_token(_claims(wallet="P-ZZZZ-ZZZZ", cap_cents=9_999_999), KEY)
    assert len(text) <= 300
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    assert code.version <= 10
    assert code.data_list[0].mode == qrcode.util.MODE_ALPHA_NUM


@pytest.mark.parametrize(
    ("key", "value"),
    [(KEY_CAP, 999_999), (KEY_EXPIRES_AT, T0 + 86_400), (KEY_WALLET, "P-AAAA-AAAA")],
)
def test_changed_claim_breaks_the_signature(key, value):
    assert _refusal(_with_payload(issue_token(_claims(), KEY), key, value)) == "bad_signature"


def test_changed_signature_byte_is_refused():
    def flip(parts):
        parts[3] = bytes([parts[3][0] ^ 1]) + parts[3][1:]

    assert _refusal(_reencode(issue_token(_claims(), KEY), flip)) == "bad_signature"


def test_changed_payload_byte_is_refused():
    def flip(parts):
        parts[2] = parts[2][:-1] + bytes([parts[2][-1] ^ 1])

    assert _refusal(_reencode(issue_token(_claims(), KEY), flip)) in {"bad_signature", "malformed"}


def test_changed_kid_is_an_unknown_key():
    def other_kid(parts):
        parts[0] = cbor2.dumps({1: -8, 4: b"\x00" * 8})

    assert _refusal(_reencode(issue_token(_claims(), KEY), other_kid)) == "unknown_key"


def test_other_algorithm_is_refused():
    def alg(parts):
        parts[0] = cbor2.dumps({1: -7, 4: KEY.kid})

    assert _refusal(_reencode(issue_token(_claims(), KEY), alg)) == "unsupported_algorithm"


def test_unsigned_header_data_is_refused():
    def smuggle(parts):
        parts[1] = {99: "extra"}

    assert _refusal(_reencode(issue_token(_claims(), KEY), smuggle)) == "malformed"


def test_a_code_whose_text_changed_without_its_signature_is_malformed():
    # cbor2 alone reads bytes after the item and indefinite lengths: a code's text could then
    # change while it still verifies (and the browser till would disagree with the server)
    message = base45.b45decode(issue_token(_claims(), KEY)[4:])
    parts = list(cbor2.loads(message).value)
    indefinite = b"\xd2\x9f" + b"".join(cbor2.dumps(part) for part in parts) + b"\xff"
    for changed in (message + b"\x00", indefinite):
        assert _refusal("CC1:" + base45.b45encode(changed).decode()) == "malformed"
    key = KEY  # a payload with a byte after its map, signed by the fund's key
    signed = sign1(
        _claims().to_cbor() + b"\x00",
        key.private_key,
        protected={1: -8, 4: KEY.kid},
    )
    assert _refusal("CC1:" + base45.b45encode(signed).decode()) == "malformed"


def test_truncated_token_is_malformed():
    text = issue_token(_claims(), KEY)
    for cut in (5, 30, len(text) // 2, len(text) - 3):
        assert _refusal(text[:cut]) == "malformed"


@pytest.mark.parametrize("prefix", ["CC2:", "XX1:", "", "HC1:"])
def test_wrong_prefix_is_refused(prefix):
    text = issue_token(_claims(), KEY)
    assert _refusal(prefix + text[4:]) == "bad_prefix"


def test_oversized_input_is_refused_before_parsing():
    assert _refusal("CC1:" + "A" * MAX_TEXT_LENGTH) == "too_large"


def test_token_signed_by_an_unknown_key_is_refused():
    assert _refusal(issue_token(_claims(), SigningKey.generate())) == "unknown_key"


def test_token_issued_outside_its_key_validity_is_refused():
    retired = Keyset(
        [
            KeyEntry(
                KEY.public_key,
                valid_from=NOW - timedelta(days=30),
                valid_until=NOW - timedelta(days=1),
            )
        ]
    )
    assert _refusal(issue_token(_claims(), KEY), retired) == "key_not_valid"
    future = Keyset([KeyEntry(KEY.public_key, valid_from=NOW + timedelta(days=1))])
    assert _refusal(issue_token(_claims(), KEY), future) == "key_not_valid"


def test_retired_key_still_verifies_tokens_it_signed_while_valid():
    retired = Keyset(
        [
            KeyEntry(
                KEY.public_key,
                valid_from=NOW - timedelta(days=30),
                valid_until=NOW + timedelta(seconds=10),
            )
        ]
    )
    text = issue_token(_claims(), KEY)
    assert verify_token(text, retired, now=NOW + timedelta(minutes=2)).wallet == "P-7KX2-M9QD"


def test_expired_token_is_refused_after_the_clock_skew_allowance():
    text = issue_token(_claims(), KEY)
    assert verify_token(text, KEYSET, now=NOW + timedelta(seconds=300 + 299))
    assert _refusal(text, now=NOW + timedelta(seconds=300 + 300)) == "token_expired"
    assert _refusal(text, now=NOW + timedelta(seconds=301), clock_skew=0) == "token_expired"


def test_token_from_the_future_is_refused():
    assert (
        _refusal(issue_token(_claims(issued_at=T0 + 3_600, expires_at=T0 + 4_000), KEY))
        == "token_not_yet_valid"
    )


def test_blocklisted_token_and_wallet_are_refused():
    claims = _claims()
    text = issue_token(claims, KEY)
    assert _refusal(text, blocklist=Blocklist(token_ids={claims.token_id})) == "token_revoked"
    assert _refusal(text, blocklist=Blocklist(wallets={"P-7KX2-M9QD"})) == "wallet_blocked"


@pytest.mark.parametrize("garbage", ["CC1:", "CC1:%%%%", "CC1:" + "0" * 60, "CC1:ÀÉÎ", None, 42])
def test_garbage_is_refused_with_a_code_never_a_crash(garbage):
    assert _refusal(garbage) in {"malformed", "too_large", "bad_prefix"}


def test_keyset_survives_its_json_form():
    restored = Keyset.from_json(KEYSET.as_json())
    text = issue_token(_claims(), KEY)
    assert verify_token(text, restored, now=NOW).cap_cents == 10_000

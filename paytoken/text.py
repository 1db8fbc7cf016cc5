"""The token's text form, `CC1:` + Base45 (RFC 9285), and the whole verification path."""

from datetime import UTC, datetime, timedelta

import base45

from paytoken.blocklist import Blocklist
from paytoken.claims import PaymentClaims
from paytoken.cose import ALG_EDDSA, HEADER_ALG, HEADER_KID, parse_sign1, sign1, verify1
from paytoken.errors import TokenError
from paytoken.keys import KID_LENGTH, Keyset, SigningKey

PREFIX = "CC1:"
#: refused before any parsing: a real token is about 230 characters
MAX_TEXT_LENGTH = 400
#: a POS clock may be this far off, in seconds (ARCHITECTURE §5)
DEFAULT_CLOCK_SKEW = 300


def issue_token(claims: PaymentClaims, key: SigningKey) -> str:
    """Sign `claims` and return the QR text."""
    message = sign1(
        claims.to_cbor(), key.private_key, protected={HEADER_ALG: ALG_EDDSA, HEADER_KID: key.kid}
    )
    encoded: bytes = base45.b45encode(message)
    return PREFIX + encoded.decode("ascii")


def read_token(text: str) -> tuple[bytes, bytes]:
    """Decode the text form to (kid, COSE bytes) without trusting anything yet."""
    if not isinstance(text, str) or len(text) > MAX_TEXT_LENGTH:
        raise TokenError("too_large")
    text = text.strip()
    if not text.upper().startswith(PREFIX):
        raise TokenError("bad_prefix")
    try:
        message = base45.b45decode(text[len(PREFIX) :].upper())
    except (ValueError, TypeError) as error:
        raise TokenError("malformed", "not Base45") from error
    _, protected, unprotected, _, _ = parse_sign1(message)
    if unprotected:
        raise TokenError("malformed", "unsigned header data")  # nothing unauthenticated rides along
    kid = protected.get(HEADER_KID)
    if not isinstance(kid, bytes) or len(kid) != KID_LENGTH:
        raise TokenError("malformed", "missing kid")
    return kid, message


def unverified_claims(text: str) -> PaymentClaims:
    """The claims of a well-formed token, signature NOT checked: only to index a payment
    (its token id) before the server or `verify_token` judges it, never to trust it."""
    _, message = read_token(text)
    return PaymentClaims.from_cbor(parse_sign1(message)[3])


def verify_token(
    text: str,
    keyset: Keyset,
    *,
    now: datetime | None = None,
    blocklist: Blocklist | None = None,
    clock_skew: int = DEFAULT_CLOCK_SKEW,
) -> PaymentClaims:
    """Everything a verifier checks, in order: size, prefix, structure, key, signature,
    key validity at issuance, time window (with `clock_skew` seconds of tolerance), blocklist.
    """
    kid, message = read_token(text)
    entry = keyset.get(kid)
    claims = PaymentClaims.from_cbor(verify1(message, entry.public_key))
    issued = datetime.fromtimestamp(claims.issued_at, UTC)
    if issued + _seconds(clock_skew) < entry.valid_from or (
        entry.valid_until is not None and issued > entry.valid_until + _seconds(clock_skew)
    ):
        raise TokenError("key_not_valid", kid.hex())
    moment = int((now or datetime.now(UTC)).timestamp())
    if moment >= claims.expires_at + clock_skew:
        raise TokenError("token_expired")
    if moment + clock_skew < claims.issued_at:
        raise TokenError("token_not_yet_valid")
    if blocklist is not None:
        blocklist.check(claims)
    return claims


def _seconds(count: int) -> timedelta:
    return timedelta(seconds=count)

"""Signed QR payment tokens: COSE_Sign1 (RFC 9052) with Ed25519, CBOR claims, Base45 text.

Pure: cbor2, cryptography and base45 only, so that the POS client verifies offline with the
very code the server signs with.
"""

from paytoken.blocklist import Blocklist
from paytoken.claims import CURRENCY, FLAG_OFFLINE, PaymentClaims
from paytoken.cose import sign1, verify1
from paytoken.errors import TokenError
from paytoken.keys import KeyEntry, Keyset, SigningKey, kid_for
from paytoken.text import (
    MAX_TEXT_LENGTH,
    PREFIX,
    issue_token,
    read_token,
    unverified_claims,
    verify_token,
)

__all__ = [
    "CURRENCY",
    "FLAG_OFFLINE",
    "MAX_TEXT_LENGTH",
    "PREFIX",
    "Blocklist",
    "KeyEntry",
    "Keyset",
    "PaymentClaims",
    "SigningKey",
    "TokenError",
    "issue_token",
    "kid_for",
    "read_token",
    "sign1",
    "unverified_claims",
    "verify1",
    "verify_token",
]

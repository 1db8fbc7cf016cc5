"""The token payload: a CBOR map with small integer keys and no personal data."""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import cbor2

from paytoken.cose import exact_loads
from paytoken.errors import TokenError

VERSION = 1
CURRENCY = "EUR"
#: the token may be accepted by a POS that cannot reach the server
FLAG_OFFLINE = 1
TOKEN_ID_LENGTH = 16

KEY_VERSION = 1
KEY_TOKEN_ID = 2
KEY_WALLET = 3
KEY_CAP = 4
KEY_CURRENCY = 5
KEY_ISSUED_AT = 6
KEY_EXPIRES_AT = 7
KEY_FLAGS = 8
_KEYS = {
    KEY_VERSION,
    KEY_TOKEN_ID,
    KEY_WALLET,
    KEY_CAP,
    KEY_CURRENCY,
    KEY_ISSUED_AT,
    KEY_EXPIRES_AT,
    KEY_FLAGS,
}
_MAX_WALLET_LENGTH = 32
_MAX_CAP_CENTS = 10_000_000


@dataclass(frozen=True)
class PaymentClaims:
    token_id: bytes
    #: pseudonymous wallet id, e.g. P-7KX2-M9QD
    wallet: str
    #: the most this token can pay, in cents
    cap_cents: int
    issued_at: int  # unix seconds
    expires_at: int  # unix seconds
    flags: int = 0
    currency: str = CURRENCY
    version: int = VERSION

    @property
    def offline_allowed(self) -> bool:
        return bool(self.flags & FLAG_OFFLINE)

    @property
    def expires(self) -> datetime:
        return datetime.fromtimestamp(self.expires_at, UTC)

    @classmethod
    def new(
        cls, *, wallet: str, cap_cents: int, issued_at: int, expires_at: int, flags: int = 0
    ) -> "PaymentClaims":
        return cls(
            token_id=os.urandom(TOKEN_ID_LENGTH),
            wallet=wallet,
            cap_cents=cap_cents,
            issued_at=issued_at,
            expires_at=expires_at,
            flags=flags,
        )

    def to_cbor(self) -> bytes:
        return cbor2.dumps(
            {
                KEY_VERSION: self.version,
                KEY_TOKEN_ID: self.token_id,
                KEY_WALLET: self.wallet,
                KEY_CAP: self.cap_cents,
                KEY_CURRENCY: self.currency,
                KEY_ISSUED_AT: self.issued_at,
                KEY_EXPIRES_AT: self.expires_at,
                KEY_FLAGS: self.flags,
            }
        )

    @classmethod
    def from_cbor(cls, payload: bytes) -> "PaymentClaims":
        try:
            value: Any = exact_loads(payload)
        except Exception as error:
            raise TokenError("malformed", "payload is not CBOR") from error
        if not isinstance(value, Mapping) or set(value) != _KEYS:
            raise TokenError("malformed", "payload keys")
        if value[KEY_VERSION] != VERSION:
            raise TokenError("unsupported_version", str(value[KEY_VERSION]))
        checks = (
            isinstance(value[KEY_TOKEN_ID], bytes) and len(value[KEY_TOKEN_ID]) == TOKEN_ID_LENGTH,
            isinstance(value[KEY_WALLET], str) and 0 < len(value[KEY_WALLET]) <= _MAX_WALLET_LENGTH,
            _is_int(value[KEY_CAP]) and 0 < value[KEY_CAP] <= _MAX_CAP_CENTS,
            value[KEY_CURRENCY] == CURRENCY,
            _is_int(value[KEY_ISSUED_AT]) and _is_int(value[KEY_EXPIRES_AT]),
            _is_int(value[KEY_FLAGS]) and value[KEY_FLAGS] >= 0,
        )
        if not all(checks):
            raise TokenError("malformed", "payload values")
        if value[KEY_EXPIRES_AT] <= value[KEY_ISSUED_AT]:
            raise TokenError("malformed", "expires before issued")
        return cls(
            token_id=value[KEY_TOKEN_ID],
            wallet=value[KEY_WALLET],
            cap_cents=value[KEY_CAP],
            issued_at=value[KEY_ISSUED_AT],
            expires_at=value[KEY_EXPIRES_AT],
            flags=value[KEY_FLAGS],
            currency=value[KEY_CURRENCY],
            version=value[KEY_VERSION],
        )


def _is_int(value: object) -> bool:
    return type(value) is int

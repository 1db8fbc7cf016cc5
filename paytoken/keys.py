"""Signing keys and the published keyset (kid → public key with its validity window)."""

import base64
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from paytoken.errors import TokenError

KID_LENGTH = 8


def raw_public_bytes(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def kid_for(public_key: Ed25519PublicKey) -> bytes:
    """First 8 bytes of SHA-256 of the raw public key (ARCHITECTURE §4)."""
    return hashlib.sha256(raw_public_bytes(public_key)).digest()[:KID_LENGTH]


@dataclass(frozen=True)
class SigningKey:
    """The server's private key with its kid. Never leaves the server's key directory."""

    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def kid(self) -> bytes:
        return kid_for(self.public_key)

    @classmethod
    def generate(cls) -> "SigningKey":
        return cls(Ed25519PrivateKey.generate())


@dataclass(frozen=True)
class KeyEntry:
    """A public key and the window in which tokens it signed may be issued."""

    public_key: Ed25519PublicKey
    valid_from: datetime
    #: after this, the key signs nothing new; tokens signed before stay verifiable until
    #: their own expiry, which `verify_token` checks against `issued_at`
    valid_until: datetime | None = None

    @property
    def kid(self) -> bytes:
        return kid_for(self.public_key)

    def as_json(self) -> dict[str, str | None]:
        return {
            "kid": self.kid.hex(),
            "public_key": base64.urlsafe_b64encode(raw_public_bytes(self.public_key))
            .decode()
            .rstrip("="),
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
        }

    @classmethod
    def from_json(cls, value: dict[str, str | None]) -> "KeyEntry":
        raw_key = value["public_key"] or ""
        public_key = Ed25519PublicKey.from_public_bytes(
            base64.urlsafe_b64decode(raw_key + "=" * (-len(raw_key) % 4))
        )
        entry = cls(
            public_key=public_key,
            valid_from=datetime.fromisoformat(value["valid_from"] or ""),
            valid_until=datetime.fromisoformat(until)
            if (until := value.get("valid_until"))
            else None,
        )
        if value.get("kid") and value["kid"] != entry.kid.hex():
            raise ValueError("keyset entry whose kid does not match its key")
        return entry


class Keyset:
    """The public keys a verifier trusts, by kid."""

    def __init__(self, entries: Iterable[KeyEntry] = ()) -> None:
        self._entries = {entry.kid: entry for entry in entries}

    def __iter__(self) -> Iterator[KeyEntry]:
        return iter(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, kid: bytes) -> KeyEntry:
        try:
            return self._entries[kid]
        except KeyError:
            raise TokenError("unknown_key", kid.hex()) from None

    def as_json(self) -> list[dict[str, str | None]]:
        return [entry.as_json() for entry in self._entries.values()]

    @classmethod
    def from_json(cls, values: Iterable[dict[str, str | None]]) -> "Keyset":
        return cls(KeyEntry.from_json(value) for value in values)

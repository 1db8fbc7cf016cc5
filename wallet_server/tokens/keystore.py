"""Private signing keys live in a directory outside the database, one file per key.

A database dump or backup then never carries a key that can mint money; the files are
refused when anyone but their owner can read them.
"""

import os
import stat
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from paytoken import SigningKey
from wallet_server.refusals import Refusal


class KeyStoreError(Refusal):
    pass


class KeyStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, kid: bytes) -> Path:
        return self.directory / f"{kid.hex()}.pem"

    def save(self, key: SigningKey) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = self._path(key.kid)
        pem = key.private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        return path

    def load(self, kid: bytes) -> SigningKey:
        path = self._path(kid)
        if not path.exists():
            raise KeyStoreError("signing_key_missing", kid=kid.hex(), path=str(path))
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise KeyStoreError("signing_key_exposed", path=str(path), mode=oct(mode & 0o777))
        private_key = load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(private_key, Ed25519PrivateKey):
            raise KeyStoreError("signing_key_missing", kid=kid.hex(), path=str(path))
        key = SigningKey(private_key)
        if key.kid != kid:
            raise KeyStoreError("signing_key_missing", kid=kid.hex(), path=str(path))
        return key

"""Bearer credentials and one-time codes: random, shown once, stored only as SHA-256."""

import hashlib
import secrets

from wallet_server.public_ids import ALPHABET


def new_credential() -> str:
    return secrets.token_urlsafe(32)


def new_short_code(length: int = 8) -> str:
    """A code a person can read and type: Crockford's alphabet, grouped by four."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(length))
    return "-".join(body[i : i + 4] for i in range(0, length, 4))


def normalize_code(code: str) -> str:
    cleaned = "".join(code.upper().split()).replace("-", "").translate(str.maketrans("OIL", "011"))
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()

"""Random pseudonymous identifiers such as P-7KX2-M9QD.

Crockford's alphabet leaves out I, L, O and U, so an id read aloud or typed on a till cannot
be mistaken; 40 random bits keep guessing a valid id hopeless at a territory's scale.
"""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PATTERN = re.compile(r"^[PS]-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


def new_public_id(prefix: str) -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{prefix}-{body[:4]}-{body[4:]}"


def normalize_public_id(text: str) -> str:
    """Accept what people type: lower case, spaces, O for 0, I or L for 1."""
    cleaned = re.sub(r"[\s\-]", "", text.upper()).translate(str.maketrans("OIL", "011"))
    candidate = f"{cleaned[:1]}-{cleaned[1:5]}-{cleaned[5:]}" if len(cleaned) == 9 else text
    if not _PATTERN.match(candidate):
        raise ValueError(f"not a valid id: {text!r}")
    return candidate

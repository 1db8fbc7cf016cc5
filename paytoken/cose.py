"""COSE_Sign1 with EdDSA (RFC 9052 §4.2, RFC 9053 §2.2), strict on what it accepts."""

from collections.abc import Mapping
from typing import Any

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from paytoken.errors import TokenError

COSE_SIGN1_TAG = 18
HEADER_ALG = 1
HEADER_KID = 4
ALG_EDDSA = -8
SIGNATURE_LENGTH = 64


def exact_loads(data: bytes) -> Any:
    """Decode CBOR that is exactly as paytoken writes it. cbor2 ignores bytes after the item
    and reads indefinite lengths and over-long integers: a code's text could then change
    without its signature, and the browser till (which refuses all of it) would disagree with
    the server. Re-encoding must give back the very bytes."""
    value = cbor2.loads(data)
    if cbor2.dumps(value) != data:
        raise ValueError("not in paytoken's own encoding")
    return value


def sig_structure(protected: bytes, payload: bytes, external_aad: bytes = b"") -> bytes:
    """The bytes actually signed: ["Signature1", protected, external_aad, payload]."""
    return cbor2.dumps(["Signature1", protected, external_aad, payload])


def sign1(
    payload: bytes,
    private_key: Ed25519PrivateKey,
    *,
    protected: dict[int, Any],
    unprotected: dict[int, Any] | None = None,
) -> bytes:
    """Return a tagged COSE_Sign1 message. Ed25519 is deterministic: same input, same bytes."""
    protected_bytes = cbor2.dumps(protected) if protected else b""
    signature = private_key.sign(sig_structure(protected_bytes, payload))
    return cbor2.dumps(
        cbor2.CBORTag(COSE_SIGN1_TAG, [protected_bytes, unprotected or {}, payload, signature])
    )


def parse_sign1(
    message: bytes,
) -> tuple[bytes, Mapping[int, Any], Mapping[Any, Any], bytes, bytes]:
    """Split a tagged COSE_Sign1 into (protected bytes, protected map, unprotected, payload,
    signature), refusing anything that is not exactly that shape."""
    try:
        decoded = exact_loads(message)
    except Exception as error:  # cbor2 raises several types on garbage
        raise TokenError("malformed", "not CBOR") from error
    if not isinstance(decoded, cbor2.CBORTag) or decoded.tag != COSE_SIGN1_TAG:
        raise TokenError("malformed", "not a tagged COSE_Sign1")
    parts = decoded.value
    if not isinstance(parts, (list, tuple)) or len(parts) != 4:
        raise TokenError("malformed", "COSE_Sign1 must have four parts")
    protected_bytes, unprotected, payload, signature = parts
    # cbor2 decodes containers inside a tag as immutable tuple/frozendict
    if not (
        isinstance(protected_bytes, bytes)
        and isinstance(unprotected, Mapping)
        and isinstance(payload, bytes)
        and isinstance(signature, bytes)
    ):
        raise TokenError("malformed", "COSE_Sign1 part of the wrong type")
    try:
        protected = exact_loads(protected_bytes) if protected_bytes else {}
    except Exception as error:
        raise TokenError("malformed", "protected header is not CBOR") from error
    if not isinstance(protected, Mapping):
        raise TokenError("malformed", "protected header is not a map")
    return protected_bytes, protected, dict(unprotected), payload, signature


def verify1(message: bytes, public_key: Ed25519PublicKey) -> bytes:
    """Check an EdDSA COSE_Sign1 against `public_key`; return its payload."""
    protected_bytes, protected, _, payload, signature = parse_sign1(message)
    if protected.get(HEADER_ALG) != ALG_EDDSA:
        raise TokenError("unsupported_algorithm", str(protected.get(HEADER_ALG)))
    if len(signature) != SIGNATURE_LENGTH:
        raise TokenError("bad_signature", "wrong signature length")
    try:
        public_key.verify(signature, sig_structure(protected_bytes, payload))
    except InvalidSignature:
        raise TokenError("bad_signature") from None
    return payload

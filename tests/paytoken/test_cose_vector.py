"""Our COSE_Sign1 reproduces the COSE working group's Ed25519 example to the byte."""

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from paytoken import TokenError, sign1, verify1
from paytoken.cose import parse_sign1, sig_structure

VECTOR = json.loads((Path(__file__).parent / "eddsa-sig-01.json").read_text())
KEY = VECTOR["input"]["sign0"]["key"]
MESSAGE = bytes.fromhex(VECTOR["output"]["cbor"])
PLAINTEXT = VECTOR["input"]["plaintext"].encode()


def test_sig_structure_is_rebuilt_exactly_from_the_message():
    protected, _, _, payload, _ = parse_sign1(MESSAGE)
    assert (
        sig_structure(protected, payload).hex().upper() == VECTOR["intermediates"]["ToBeSign_hex"]
    )


def test_signature_verifies_with_the_published_public_key():
    public_key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(KEY["x_hex"]))
    assert verify1(MESSAGE, public_key) == PLAINTEXT


def test_signing_the_same_content_gives_the_same_bytes():
    private_key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(KEY["d_hex"]))
    # protected {alg: EdDSA, ctyp: 0}, unprotected {kid: "11"}, as in the vector
    ours = sign1(PLAINTEXT, private_key, protected={1: -8, 3: 0}, unprotected={4: b"11"})
    assert ours.hex().upper() == VECTOR["output"]["cbor"]


def test_any_flipped_byte_outside_the_unprotected_header_is_refused():
    # The unprotected header is, by definition, not signed: our tokens keep it empty and
    # paytoken.read_token refuses any that is not.
    unprotected = range(8, 13)  # A1 04 42 31 31
    assert MESSAGE[8:13].hex() == "a104423131"
    public_key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(KEY["x_hex"]))
    for index in (i for i in range(len(MESSAGE)) if i not in unprotected):
        tampered = bytearray(MESSAGE)
        tampered[index] ^= 0x01
        with pytest.raises(TokenError):
            verify1(bytes(tampered), public_key)

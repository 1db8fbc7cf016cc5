"""RFC 9285 examples, through the base45 package our token text uses."""

import base45
import pytest


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        (b"AB", "BB8"),
        (b"Hello!!", "%69 VD92EX0"),
        (b"base-45", "UJCLQE7W581"),
        (b"ietf!", "QED8WEX0"),
        (b"", ""),
    ],
)
def test_rfc9285_examples_round_trip(raw, encoded):
    assert base45.b45encode(raw).decode() == encoded
    assert base45.b45decode(encoded) == raw


@pytest.mark.parametrize("bad", ["GGW", "A", "AB:", "ab"])
def test_rfc9285_invalid_input_is_refused(bad):
    with pytest.raises(ValueError):
        base45.b45decode(bad)

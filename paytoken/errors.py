"""Every refusal of a token, with a stable code the POS and the server show in words."""


class TokenError(Exception):
    CODES = frozenset(
        {
            "too_large",
            "bad_prefix",
            "malformed",
            "unsupported_algorithm",
            "unsupported_version",
            "unknown_key",
            "key_not_valid",
            "bad_signature",
            "token_expired",
            "token_not_yet_valid",
            "token_revoked",
            "wallet_blocked",
        }
    )

    def __init__(self, code: str, detail: str = "") -> None:
        if code not in self.CODES:
            raise ValueError(f"unknown token error code {code!r}")
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}" if detail else code)

"""Revoked tokens and blocked wallets, as published by the server."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from paytoken.claims import PaymentClaims
from paytoken.errors import TokenError


@dataclass
class Blocklist:
    token_ids: set[bytes] = field(default_factory=set)
    wallets: set[str] = field(default_factory=set)

    def add(self, *, token_ids: Iterable[bytes] = (), wallets: Iterable[str] = ()) -> None:
        self.token_ids.update(token_ids)
        self.wallets.update(wallets)

    def check(self, claims: PaymentClaims) -> None:
        if claims.token_id in self.token_ids:
            raise TokenError("token_revoked", claims.token_id.hex())
        if claims.wallet in self.wallets:
            raise TokenError("wallet_blocked", claims.wallet)

"""The offline limits the server sets for each till (ARCHITECTURE §5)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class OfflineLimits:
    """What one till may accept offline between two complete syncs.

    The server delivers them at pairing and at every sync; a till that cannot reach the
    server keeps the last ones it received, and the server judges its offline payments by
    those same ones. Together they bound what a double spend can cost the fund.
    """

    max_amount_cents: int = 5_000
    max_count: int = 20
    max_total_cents: int = 50_000
    max_hours_since_sync: int = 48
    #: tolerated difference between the till's clock and the server's
    clock_skew_seconds: int = 300

    def worst_case_cents(self) -> int:
        """The most one till can accept offline between two syncs."""
        return min(self.max_total_cents, self.max_count * self.max_amount_cents)

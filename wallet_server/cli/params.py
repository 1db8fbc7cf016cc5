"""Click parameter types for money and months, refusing bad input with a clear message."""

from typing import Any

import click

from wallet_server.ledger import parse_cents
from wallet_server.months import parse_month


class AmountType(click.ParamType):  # type: ignore[type-arg]
    """Euros as people write them ("12,40", "12.40", "100") → integer cents."""

    name = "montant/amount"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            cents = parse_cents(str(value))
        except ValueError:
            self.fail(f"montant invalide / invalid amount: {value!r} (ex. 12,40)", param, ctx)
        if cents < 0:
            self.fail(f"montant négatif / negative amount: {value!r}", param, ctx)
        return cents


class MonthType(click.ParamType):  # type: ignore[type-arg]
    name = "AAAA-MM/YYYY-MM"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return parse_month(str(value))
        except ValueError:
            self.fail(f"mois invalide / invalid month: {value!r} (ex. 2026-12)", param, ctx)


AMOUNT = AmountType()
MONTH = MonthType()

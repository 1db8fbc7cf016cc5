"""Plain-text tables: benchmark output is read in terminals and CI logs, not browsers; and
which of a benchmark's runs heads its JSON summary."""

from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar


class Run(Protocol):
    #: ok, skipped or failed
    status: str


AnyRun = TypeVar("AnyRun", bound=Run)


def headline_run(runs: Iterable[AnyRun]) -> AnyRun | None:
    """The first run not skipped: PostgreSQL's unless it was, then SQLite's (runs come in
    bench.core.DATABASES order)."""
    return next((run for run in runs if run.status != "skipped"), None)


def cell(value: float | None, digits: int = 0) -> str:
    """A measured figure in a table (milliseconds, rates, counts: never money, which is int
    cents everywhere): thousands separated, `digits` decimals, "-" when there is none."""
    return "-" if value is None else f"{value:,.{digits}f}"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, left: int = 1) -> list[str]:
    """Align columns: the first `left` ones to the left (names), the others right (figures)."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        parts = [
            str(cell).ljust(width) if index < left else str(cell).rjust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    return [line(headers), line(["-" * width for width in widths]), *map(line, rows)]

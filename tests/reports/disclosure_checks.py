"""What an adversary can learn from an export, checked the way they would read it."""

from collections import defaultdict

from wallet_server.reports.disclosure import MIN_GROUP, ZERO
from wallet_server.reports.evaluation import TOTAL, EvaluationRow


def assert_safe(rows: list[EvaluationRow], minimum: int = MIN_GROUP) -> None:
    """No shown group under `minimum`; totals are the shown groups' sum; and no suppressed
    group is the only unknown of a breakdown whose month total is known from another one."""
    months: dict[str, dict[str, list[EvaluationRow]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        if row.figures is not None:
            assert row.figures.participants >= minimum, row
        months[row.month][row.dimension].append(row)
    for month, breakdowns in months.items():
        full_totals = []
        for dimension, dimension_rows in breakdowns.items():
            groups = [r for r in dimension_rows if r.group != TOTAL]
            (total,) = [r for r in dimension_rows if r.group == TOTAL]
            shown = [r.figures for r in groups if r.figures is not None]
            expected = sum(shown, ZERO) if shown else None
            assert total.figures == expected, (month, dimension)
            hidden = [r for r in groups if r.figures is None]
            if not hidden:
                full_totals.append(total.figures)
            elif len(hidden) == 1:
                # a lone hidden group is safe only when nothing else of the breakdown shows
                assert not shown, (month, dimension, hidden)
        if full_totals:
            for dimension, dimension_rows in breakdowns.items():
                hidden = [r for r in dimension_rows if r.group != TOTAL and r.figures is None]
                assert len(hidden) != 1, (month, dimension, "recoverable by subtraction")

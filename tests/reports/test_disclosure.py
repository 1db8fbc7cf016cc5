"""Suppression rules on their own, over any breakdown (no database: many examples)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.reports.disclosure_checks import assert_safe
from wallet_server.reports.disclosure import GroupFigures, protect, shown_total
from wallet_server.reports.evaluation import BANDS, TOTAL, Dimension, EvaluationRow

PERSON = st.tuples(
    st.sampled_from(BANDS[Dimension.HOUSEHOLD_SIZE]),
    st.sampled_from(BANDS[Dimension.CONTRIBUTION_LEVEL]),
    st.integers(0, 20_000),
    st.integers(0, 3),
)


def _rows(month: str, dimension: Dimension, people: list) -> list[EvaluationRow]:
    """One breakdown of a month's population, protected, with its total."""
    groups: dict[str, GroupFigures] = {}
    for person in people:
        band = person[0] if dimension is Dimension.HOUSEHOLD_SIZE else person[1]
        spent, payments = person[2], person[3]
        one = GroupFigures(1, 10_000, spent, payments)
        groups[band] = groups[band] + one if band in groups else one
    protected = protect(groups, BANDS[dimension])
    rows = [EvaluationRow(month, dimension, g, f) for g, f in protected.items()]
    return [*rows, EvaluationRow(month, dimension, TOTAL, shown_total(protected))]


@settings(max_examples=300)
@given(people=st.lists(PERSON, max_size=40))
def test_no_breakdown_leaves_a_group_under_five_readable(people):
    # both breakdowns split the same population: a fully shown one makes the total public
    rows = _rows("2026-10", Dimension.HOUSEHOLD_SIZE, people)
    rows += _rows("2026-10", Dimension.CONTRIBUTION_LEVEL, people)
    assert_safe(rows)


def test_one_small_group_takes_the_next_smallest_with_it():
    groups = {
        "1": GroupFigures(6, 60_000, 1_000, 2),
        "2": GroupFigures(9, 90_000, 0, 0),
        "3-4": GroupFigures(5, 50_000, 0, 0),
        "5+": GroupFigures(2, 20_000, 500, 1),
    }
    protected = protect(groups, BANDS[Dimension.HOUSEHOLD_SIZE])
    assert protected == {"1": groups["1"], "2": groups["2"], "3-4": None, "5+": None}
    assert shown_total(protected) == GroupFigures(15, 150_000, 1_000, 2)


def test_ties_for_second_suppression_go_to_the_first_band():
    groups = {"1": GroupFigures(7, 0, 0, 0), "2": GroupFigures(7, 0, 0, 0)}
    groups["5+"] = GroupFigures(1, 0, 0, 0)
    assert protect(groups, BANDS[Dimension.HOUSEHOLD_SIZE]) == {
        "1": None,
        "2": groups["2"],
        "5+": None,
    }


def test_two_small_groups_need_no_second_suppression():
    groups = {"1": GroupFigures(3, 0, 0, 0), "2": GroupFigures(4, 0, 0, 0)}
    groups["3-4"] = GroupFigures(8, 0, 0, 0)
    protected = protect(groups, BANDS[Dimension.HOUSEHOLD_SIZE])
    assert protected == {"1": None, "2": None, "3-4": groups["3-4"]}


def test_a_breakdown_with_nothing_shown_has_a_suppressed_total():
    protected = protect({"1": GroupFigures(4, 0, 0, 0)}, BANDS[Dimension.HOUSEHOLD_SIZE])
    assert protected == {"1": None}
    assert shown_total(protected) is None

"""The researchers' export: exact figures by band, small groups suppressed, nothing personal."""

import shutil
import uuid
from datetime import date

from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from tests.reports.disclosure_checks import assert_safe
from tests.reports.fund import SmallFund, at
from wallet_server.db import make_engine, make_session_factory
from wallet_server.fund import ensure_fund_accounts
from wallet_server.participants.models import Participant
from wallet_server.reports.disclosure import GroupFigures
from wallet_server.reports.evaluation import (
    TOTAL,
    Dimension,
    EvaluationRow,
    evaluation,
    evaluation_table,
)
from wallet_server.reports.window import report_window

H, C = Dimension.HOUSEHOLD_SIZE, Dimension.CONTRIBUTION_LEVEL


def test_figures_by_band_are_exact_when_nothing_is_suppressed(sessions, three_months):
    with sessions() as session:
        rows = evaluation(session, report_window("2026-09", "2026-11"), minimum=1)
    october = {(r.dimension, r.group): r.figures for r in rows if r.month == "2026-10"}
    assert october == {
        (H, "1"): GroupFigures(1, 10_000, 3_000, 1),  # A
        (H, "3-4"): GroupFigures(1, 10_000, 0, 0),  # B, allocated, did not pay
        (H, "5+"): GroupFigures(1, 10_000, 5_000, 1),  # C, 6 000 less a 1 000 refund
        (H, TOTAL): GroupFigures(3, 30_000, 8_000, 2),
        (C, "1-3"): GroupFigures(1, 10_000, 3_000, 1),
        (C, "4-6"): GroupFigures(1, 10_000, 0, 0),
        (C, "none"): GroupFigures(1, 10_000, 5_000, 1),
        (C, TOTAL): GroupFigures(3, 30_000, 8_000, 2),
    }
    september = {(r.dimension, r.group): r.figures for r in rows if r.month == "2026-09"}
    # B paid twice in September, once at 23:30 UTC on the 30th
    assert september[(H, "3-4")] == GroupFigures(1, 10_000, 5_000, 2)
    assert september[(H, TOTAL)].share_bp == 3_750


def test_default_export_of_a_three_household_fund_shows_no_figure(sessions, three_months):
    with sessions() as session:
        rows = evaluation(session, report_window("2026-09", "2026-11"))
    assert rows and all(row.figures is None for row in rows)
    table = evaluation_table(rows, suppressed="suppressed", decimal_mark=",")
    assert all(line[3:] == ["suppressed"] * 5 for line in table)


def test_a_lone_small_group_is_suppressed_with_the_next_smallest(sessions, small_fund):
    # households: 6 of one person, 5 of two, 7 of three or four, 2 of five or more;
    # levels: 10 in 1-3, 10 in 4-6 (fully shown: the month's total is public)
    sizes = [1] * 6 + [2] * 5 + [3, 4] * 3 + [3] + [5, 8]
    levels = [1, 2, 3, 4, 5, 6] * 3 + [3, 6]
    ids = small_fund.enroll(
        *((s, level, "2026-10") for s, level in zip(sizes, levels, strict=True))
    )
    small_fund.allocate("2026-10")
    till = small_fund.till("La Cagette")
    small_fund.pay_by_code(ids[0], till, 2_500, at(date(2026, 10, 7)))
    with sessions() as session:
        rows = evaluation(session, report_window("2026-10", "2026-10"))
        public_ids = [p.public_id for p in session.query(Participant)]
    figures = {(r.dimension, r.group): r.figures for r in rows}
    assert figures == {
        (H, "1"): GroupFigures(6, 60_000, 2_500, 1),
        (H, "2"): None,  # 5 people, suppressed so that "5+" cannot be worked out
        (H, "3-4"): GroupFigures(7, 70_000, 0, 0),
        (H, "5+"): None,
        (H, TOTAL): GroupFigures(13, 130_000, 2_500, 1),
        (C, "1-3"): GroupFigures(10, 100_000, 2_500, 1),
        (C, "4-6"): GroupFigures(10, 100_000, 0, 0),
        (C, TOTAL): GroupFigures(20, 200_000, 2_500, 1),
    }
    assert_safe(rows)
    table = evaluation_table(rows, suppressed="masqué", decimal_mark=",")
    assert ["2026-10", "household_size", "1", 6, "600,00", "25,00", "4,17", 1] in table
    text = repr(table)
    assert not any(public_id in text for public_id in public_ids)


MONTHS = ("2026-09", "2026-10", "2026-11")
PROFILE = st.tuples(
    st.sampled_from([1, 2, 3, 4, 5, 7]),
    st.one_of(st.none(), st.integers(1, 9)),
    st.sampled_from(MONTHS),
)
#: a few household profiles, each shared by 1 to 8 people: groups around the threshold
PEOPLE = st.lists(st.tuples(PROFILE, st.integers(1, 8)), min_size=1, max_size=6).map(
    lambda profiles: [profile for profile, count in profiles for _ in range(count)]
)
PAYMENTS = st.lists(
    st.tuples(st.integers(0, 10_000), st.sampled_from(MONTHS), st.integers(100, 9_000)),
    max_size=8,
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
)
@given(people=PEOPLE, runs=st.sets(st.sampled_from(MONTHS), min_size=1), payments=PAYMENTS)
def test_random_small_funds_never_export_a_group_under_five(
    sqlite_template, tmp_path_factory, people, runs, payments
):
    folder = tmp_path_factory.mktemp("fund")
    path = folder / "fund.sqlite3"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    try:
        sessions = make_session_factory(engine)
        with Session(engine) as session:
            ensure_fund_accounts(session)
            session.commit()
        fund = SmallFund(sessions, folder / "keys")
        ids = fund.enroll(*people)
        for month in sorted(runs):
            fund.allocate(month)
        till = fund.till(f"Shop {uuid.uuid4().hex[:6]}")
        truth = _ground_truth(people, runs)
        balance = {
            i: 10_000 * sum(m in runs and m >= p[2] for m in MONTHS) for i, p in enumerate(people)
        }
        for pick, month, cents in payments:
            index = pick % len(ids)
            if balance[index] >= cents:
                day = date(int(month[:4]), int(month[5:]), 14)
                fund.pay_by_code(ids[index], till, cents, at(day))
                balance[index] -= cents
                truth[month].add(index)
        with sessions() as session:
            rows = evaluation(session, report_window(MONTHS[0], MONTHS[-1]))
        assert_safe(rows)
        event(f"groups shown: {sum(r.figures is not None for r in rows if r.group != TOTAL) > 0}")
        event(f"payments shown: {sum(r.figures.payments for r in rows if r.figures) > 0}")
        event(f"hidden beside shown: {_hidden_beside_shown(rows)}")
        for row in rows:
            if row.figures is not None and row.group != TOTAL:
                expected = sum(
                    _band(row.dimension, people[i]) == row.group for i in truth[row.month]
                )
                assert row.figures.participants == expected, row
        assert {r.month for r in rows} == {m for m in MONTHS if truth[m]}
    finally:
        engine.dispose()


def _hidden_beside_shown(rows: list[EvaluationRow]) -> bool:
    """Whether some breakdown both shows and hides groups (the case subtraction attacks)."""
    breakdowns: dict[tuple[str, Dimension], set[bool]] = {}
    for row in rows:
        if row.group != TOTAL:
            breakdowns.setdefault((row.month, row.dimension), set()).add(row.figures is None)
    return any(kinds == {True, False} for kinds in breakdowns.values())


def _ground_truth(people, runs) -> dict[str, set[int]]:
    """Who is in each month's population before payments: every allocation received."""
    return {m: {i for i, p in enumerate(people) if m in runs and p[2] <= m} for m in MONTHS}


def _band(dimension: Dimension, person: tuple[int, int | None, str]) -> str:
    size, level, _ = person
    if dimension is H:
        return {1: "1", 2: "2", 3: "3-4", 4: "3-4"}.get(size, "5+")
    if level is None:
        return "none"
    return "1-3" if level <= 3 else "4-6" if level <= 6 else "7+"


def test_rows_carry_months_and_bands_only():
    row = EvaluationRow("2026-10", H, "2", GroupFigures(5, 50_000, 12_345, 3))
    assert evaluation_table([row], suppressed="s", decimal_mark=".") == [
        ["2026-10", "household_size", "2", 5, "500.00", "123.45", "24.69", 3]
    ]

"""Allocations in the console: committee decisions, the preview by rule, a confirmed run
carried out in the background with its progress page, and who may do what."""

import re
import time

import pytest
from sqlalchemy import func, select

from tests.console.test_core import audit_rows
from tests.factories import participant
from wallet_server.allocations.models import AllocationPolicy, AllocationRun
from wallet_server.allocations.operations import set_policy
from wallet_server.ledger import Account, Transfer
from wallet_server.participants.models import Participant
from wallet_server.users.models import Role

POLICY = {
    "effective_month": "2026-01",
    "amount": "100",
    "extra_member": "25,50",
    "mode": "add",
    "carry_over_cap": "",
    "note": "PV du comité n° 12",
}


def _fund(sessions, *households: int) -> list[int]:
    with sessions() as session:
        set_policy(
            session,
            effective_month="2026-01",
            amount_cents=10_000,
            extra_member_cents=2_550,
            decided_by="committee",
        )
        ids = [participant(session, household_size=size).id for size in households]
        session.commit()
    return ids


def _balances(sessions, ids: list[int]) -> list[int]:
    with sessions() as session:
        return [session.get(Account, session.get(Participant, i).account_id).balance for i in ids]


def _count(sessions, model) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def _when_finished(client, location: str, timeout: float = 30.0) -> str:
    """The run page, once it no longer asks to be refreshed (the run has ended)."""
    deadline = time.monotonic() + timeout
    while True:
        page = client.get(location).get_data(as_text=True)
        if 'http-equiv="refresh"' not in page:
            return page
        assert time.monotonic() < deadline, "the run did not finish"
        time.sleep(0.05)


def test_committee_records_a_policy_decision_with_before_and_after(console_login, sessions):
    committee = console_login(Role.COMMITTEE)
    assert committee.post("/console/allocations/policy", POLICY).status_code == 302
    assert (
        committee.post(
            "/console/allocations/policy", POLICY | {"effective_month": "2026-06", "amount": "120"}
        ).status_code
        == 302
    )
    with sessions() as session:
        amounts = session.scalars(
            select(AllocationPolicy.amount_cents).order_by(AllocationPolicy.id)
        ).all()
        assert amounts == [10_000, 12_000]
    first, second = audit_rows(sessions, action="allocation.policy")
    assert first.before is None
    assert (first.after["amount_cents"], first.after["extra_member_cents"]) == (10_000, 2_550)
    assert second.before["amount_cents"] == 10_000 and second.after["amount_cents"] == 12_000
    page = committee.get("/console/allocations").get_data(as_text=True)
    assert "PV du comité n° 12" in page and 'id="policy-form"' in page


@pytest.mark.parametrize("amount", ["12,345", "-3", "abc"])
def test_a_bad_amount_is_refused_in_both_languages_and_nothing_is_written(
    console_login, sessions, amount
):
    committee = console_login(Role.COMMITTEE)
    refused = committee.post("/console/allocations/policy", POLICY | {"amount": amount})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'id="amount-error"' in page and "montant invalide" in page
    committee.post("/console/language", {"lang": "en", "next": "/console/allocations"})
    english = committee.post("/console/allocations/policy", POLICY | {"carry_over_cap": amount})
    assert english.status_code == 422
    assert 'id="carry_over_cap-error"' in english.get_data(as_text=True)
    assert "invalid amount" in english.get_data(as_text=True)
    assert _count(sessions, AllocationPolicy) == 0
    assert audit_rows(sessions, action="allocation.policy") == []


def test_preview_shows_the_breakdown_writes_nothing_and_committee_cannot_confirm(
    console_login, sessions
):
    _fund(sessions, 1, 3)
    transfers = _count(sessions, Transfer)
    committee = console_login(Role.COMMITTEE)
    preview = committee.get("/console/allocations/preview?month=2026-11")
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    # 2 × 100 € + 2 extra members × 25,50 €
    assert re.search(r'id="preview-total">251,00\s€', page)
    assert re.search(r'id="line-extra">.*?<td class="num">2</td>', page, re.S)
    assert 'id="confirm-run"' not in page
    assert _count(sessions, Transfer) == transfers
    assert _count(sessions, AllocationRun) == 0

    refused = committee.post("/console/allocations/runs", {"month": "2026-11"})
    assert refused.status_code == 403
    (denied,) = audit_rows(sessions, outcome="refused")
    assert denied.action == "denied:console.allocation_run_start"
    assert _count(sessions, AllocationRun) == 0


def test_a_preview_of_a_bad_month_or_without_policy_is_refused_clearly(console_login):
    coordinator = console_login(Role.COORDINATOR)
    bad = coordinator.get("/console/allocations/preview?month=2026-13")
    assert bad.status_code == 422 and 'id="month-error"' in bad.get_data(as_text=True)
    none = coordinator.get("/console/allocations/preview?month=2026-11")
    assert none.status_code == 422
    assert "en vigueur pour ce mois" in none.get_data(as_text=True)


def test_confirm_runs_in_the_background_and_the_run_page_shows_the_result(console_login, sessions):
    ids = _fund(sessions, 1, 3, 2)
    coordinator = console_login(Role.COORDINATOR)
    preview = coordinator.get("/console/allocations/preview?month=2026-11").get_data(as_text=True)
    assert 'id="already-allocated"' not in preview
    started = coordinator.post("/console/allocations/runs", {"month": "2026-11"})
    assert started.status_code == 302
    location = started.headers["Location"]
    assert re.fullmatch(r"/console/allocations/runs/\d+", location)

    page = _when_finished(coordinator, location)
    assert 'id="run-done"' in page and "3 / 3" in page
    assert re.search(r'id="run-total">376,50\s€', page)  # 3 × 100 € + 3 × 25,50 €
    assert _balances(sessions, ids) == [10_000, 15_100, 12_550]
    with sessions() as session:
        run = session.scalars(select(AllocationRun)).one()
        assert (run.status, run.actor) == ("completed", f"user:{coordinator.user.username}")
    (entry,) = audit_rows(sessions, action="allocation.run")
    assert entry.after["month"] == "2026-11" and entry.before["wallets_already_allocated"] == 0
    listing = coordinator.get("/console/allocations").get_data(as_text=True)
    assert location in listing


def test_running_a_month_twice_gives_nothing_twice_and_the_page_says_so(console_login, sessions):
    ids = _fund(sessions, 1, 1)
    coordinator = console_login(Role.COORDINATOR)
    first = coordinator.post("/console/allocations/runs", {"month": "2026-11"})
    _when_finished(coordinator, first.headers["Location"])

    preview = coordinator.get("/console/allocations/preview?month=2026-11").get_data(as_text=True)
    assert 'id="already-allocated"' in preview
    assert re.search(r'id="preview-total">0,00\s€', preview)
    again = coordinator.post("/console/allocations/runs", {"month": "2026-11"})
    page = _when_finished(coordinator, again.headers["Location"])
    assert 'id="run-already"' in page and re.search(r'id="run-total">0,00\s€', page)
    assert _balances(sessions, ids) == [10_000, 10_000]


def test_a_run_left_running_by_a_stopped_process_is_shown_as_running(console_login, sessions):
    _fund(sessions, 1)
    with sessions() as session:
        policy_id = session.scalar(select(AllocationPolicy.id))
        run = AllocationRun(
            month="2026-11", policy_id=policy_id, actor="user:gone", participants=1200
        )
        session.add(run)
        session.commit()
        run_id = run.id
    committee = console_login(Role.COMMITTEE)
    page = committee.get(f"/console/allocations/runs/{run_id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' in page
    assert 'id="run-status">en cours' in page.replace("\n", "").replace("  ", "")
    assert "0 / 1200" in page and 'id="run-running-hint"' in page
    assert committee.get("/console/allocations/runs/99999").status_code == 404

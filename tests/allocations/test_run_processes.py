"""Allocation runs in real processes: concurrent runs and a run killed midway."""

import multiprocessing
import os
import signal
import time

import pytest
from sqlalchemy import func, select

from tests.factories import participant
from wallet_server.allocations.models import Allocation, AllocationRun
from wallet_server.allocations.operations import run_allocation, set_policy
from wallet_server.db import make_engine, make_session_factory
from wallet_server.fund import FundAccount, fund_account
from wallet_server.ledger import verify

PEOPLE = 60


def _run(url: str, start_at: float, kill_after_chunks: int | None) -> int:
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    chunks = 0

    def progress(done: int, total: int) -> None:
        nonlocal chunks
        chunks += 1
        if kill_after_chunks is not None and chunks >= kill_after_chunks:
            os.kill(os.getpid(), signal.SIGKILL)  # a crash, not a clean exit

    time.sleep(max(0.0, start_at - time.time()))
    summary = run_allocation(
        sessions, month="2026-11", actor=f"proc-{os.getpid()}", chunk_size=7, progress=progress
    )
    engine.dispose()
    return summary.allocated


def _populate(sessions) -> None:
    with sessions() as session:
        set_policy(session, effective_month="2026-01", amount_cents=10_000, decided_by="c")
        for _ in range(PEOPLE):
            participant(session)
        session.commit()


def _assert_everyone_allocated_once(sessions) -> None:
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Allocation)) == PEOPLE
        assert fund_account(session, FundAccount.RESERVE).balance == -PEOPLE * 10_000
        assert verify(session).ok


@pytest.mark.slow
def test_concurrent_runs_of_the_same_month_allocate_each_wallet_once(db_url, sessions):
    _populate(sessions)
    start_at = time.time() + 3
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        allocated = pool.starmap(_run, [(db_url, start_at, None)] * 3)
    assert sum(allocated) == PEOPLE
    _assert_everyone_allocated_once(sessions)


@pytest.mark.slow
def test_run_killed_midway_is_completed_by_running_the_month_again(db_url, sessions):
    _populate(sessions)
    context = multiprocessing.get_context("spawn")
    crashed = context.Process(target=_run, args=(db_url, 0.0, 3))
    crashed.start()
    crashed.join(60)
    assert crashed.exitcode == -signal.SIGKILL
    with sessions() as session:
        done_before = session.scalar(select(func.count()).select_from(Allocation))
        assert 0 < done_before < PEOPLE  # whole chunks only: 3 chunks of 7 were committed
        assert done_before % 7 == 0
        assert verify(session).ok
        assert session.scalar(select(AllocationRun.status)) == "running"
    rerun = run_allocation(sessions, month="2026-11", actor="coord")
    assert (rerun.allocated, rerun.skipped) == (PEOPLE - done_before, done_before)
    _assert_everyone_allocated_once(sessions)

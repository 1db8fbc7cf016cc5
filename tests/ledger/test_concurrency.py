"""Real processes, real connections: the ledger holds under contention on both databases."""

import multiprocessing
import multiprocessing.pool
import random
import time

import pytest
from sqlalchemy import func, select

from tests.factories import wallet
from wallet_server.db import make_engine, make_session_factory
from wallet_server.ledger import (
    Account,
    LedgerError,
    Transfer,
    TransferRequest,
    create_account,
    run_in_transaction,
    transfer,
    verify,
)

SPENDERS = 8
SPENDS_EACH = 200


def _spend_many(url: str, wallet_id: int, shop_id: int, worker: int, start_at: float) -> int:
    """Try SPENDS_EACH payments of 1–5 €; return the cents actually spent."""
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    rng = random.Random(worker)
    spent = 0
    time.sleep(max(0.0, start_at - time.time()))
    for attempt in range(SPENDS_EACH):
        amount = rng.randint(1, 5) * 100
        request = TransferRequest(
            id=f"spend-{worker}-{attempt}",
            debit_account_id=wallet_id,
            credit_account_id=shop_id,
            amount=amount,
            kind="payment",
            actor=f"worker-{worker}",
        )
        try:
            run_in_transaction(sessions, lambda s, r=request: transfer(s, r))
            spent += amount
        except LedgerError as error:
            assert error.code == "insufficient_funds"
    engine.dispose()
    return spent


def _submit(url: str, request: TransferRequest, start_at: float) -> str:
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    time.sleep(max(0.0, start_at - time.time()))
    try:
        created = run_in_transaction(sessions, lambda s: transfer(s, request))
        return "created" if created else "existing"
    except LedgerError as error:
        return error.code
    finally:
        engine.dispose()


def _pool(processes: int) -> multiprocessing.pool.Pool:
    return multiprocessing.get_context("spawn").Pool(processes)


@pytest.mark.slow
def test_concurrent_spenders_never_overdraw_a_wallet(db_url, sessions):
    with sessions() as session:
        spender = wallet(session, "wallet:race", funded=10_000)
        shop = create_account(session, "shop:race", "shop")
        session.commit()
        wallet_id, shop_id = spender.id, shop.id

    start_at = time.time() + 3  # every process starts spending at the same instant
    with _pool(SPENDERS) as pool:
        spent = pool.starmap(
            _spend_many, [(db_url, wallet_id, shop_id, w, start_at) for w in range(SPENDERS)]
        )

    total = sum(spent)
    assert 9_500 < total <= 10_000  # the wallet is drained, never overdrawn
    with sessions() as session:
        drained = session.get(Account, wallet_id)
        assert drained is not None
        assert drained.available == 10_000 - total >= 0
        assert session.get(Account, shop_id).credits_posted == total
        assert verify(session).ok


@pytest.mark.slow
def test_same_transfer_id_from_many_processes_is_one_transfer(db_url, sessions):
    with sessions() as session:
        payer = wallet(session, "wallet:dup", funded=5_000)
        shop = create_account(session, "shop:dup", "shop")
        session.commit()
        request = TransferRequest(
            id="same-id",
            debit_account_id=payer.id,
            credit_account_id=shop.id,
            amount=1_000,
            kind="payment",
            actor="test",
        )

    start_at = time.time() + 3
    with _pool(4) as pool:
        outcomes = pool.starmap(_submit, [(db_url, request, start_at)] * 4)

    assert sorted(outcomes) == ["created", "existing", "existing", "existing"]
    with sessions() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(Transfer).where(Transfer.id == "same-id")
            )
            == 1
        )
        assert session.get(type(payer), payer.id).available == 4_000
        assert verify(session).ok


@pytest.mark.slow
def test_same_transfer_id_with_different_accounts_races_to_one_winner(db_url, sessions):
    # Different accounts means different locks: only the unique id can arbitrate.
    with sessions() as session:
        first = wallet(session, "wallet:a", funded=5_000)
        second = wallet(session, "wallet:b", funded=5_000)
        shop = create_account(session, "shop:ab", "shop")
        session.commit()
        requests = [
            TransferRequest(
                id="contested",
                debit_account_id=payer.id,
                credit_account_id=shop.id,
                amount=700,
                kind="payment",
                actor="test",
            )
            for payer in (first, second)
        ]

    start_at = time.time() + 3
    with _pool(2) as pool:
        outcomes = pool.starmap(_submit, [(db_url, r, start_at) for r in requests])

    assert sorted(outcomes) == ["created", "idempotency_conflict"]
    with sessions() as session:
        assert session.get(type(shop), shop.id).credits_posted == 700
        assert verify(session).ok

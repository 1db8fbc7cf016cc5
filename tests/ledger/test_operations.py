"""Unit tests of the ledger: every refusal code, transfers, holds, sweeps, verify, money.

Each test runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL (see conftest).
Times are explicit (`now=`), never slept for.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tests.factories import NOW, later, wallet
from wallet_server.fund import FundAccount, fund_account
from wallet_server.ledger import (
    Account,
    HoldPost,
    LedgerError,
    OpenHold,
    Transfer,
    TransferPhase,
    TransferRequest,
    create_account,
    create_transfers,
    expiry_void_id,
    format_cents,
    get_account,
    hold,
    lock_accounts,
    parse_cents,
    post_hold,
    post_holds,
    sweep_expired_holds,
    transfer,
    verify,
    void_hold,
)

# --------------------------------------------------------------------------------------------
# helpers


def reserve(session: Session) -> Account:
    return fund_account(session, FundAccount.RESERVE)


def shop(session: Session, code: str = "shop:1") -> Account:
    return create_account(session, code, "shop")


def pay(
    debit: Account, credit: Account, amount: int, transfer_id: str, **fields: object
) -> TransferRequest:
    values: dict[str, object] = {"kind": "payment", "actor": "test"} | fields
    return TransferRequest(
        id=transfer_id,
        debit_account_id=debit.id,
        credit_account_id=credit.id,
        amount=amount,
        **values,  # type: ignore[arg-type]
    )


def pending(
    debit: Account, credit: Account, amount: int, transfer_id: str, *, minutes: int = 60
) -> TransferRequest:
    return pay(
        debit,
        credit,
        amount,
        transfer_id,
        phase=TransferPhase.PENDING,
        expires_at=later(minutes),
    )


def counters(session: Session, account: Account) -> tuple[int, int, int, int]:
    """(debits_posted, credits_posted, debits_pending, credits_pending), read from the database."""
    session.refresh(account)
    return (
        account.debits_posted,
        account.credits_posted,
        account.debits_pending,
        account.credits_pending,
    )


def snapshot(session: Session) -> tuple[object, ...]:
    """Everything a refusal must leave untouched: all counters, transfers, open holds."""
    session.expire_all()
    accounts = session.execute(
        select(
            Account.code,
            Account.debits_posted,
            Account.credits_posted,
            Account.debits_pending,
            Account.credits_pending,
        ).order_by(Account.code)
    ).all()
    transfers = session.scalars(select(Transfer.id).order_by(Transfer.id)).all()
    holds = session.scalars(select(OpenHold.transfer_id).order_by(OpenHold.transfer_id)).all()
    return tuple(map(tuple, accounts)), tuple(transfers), tuple(holds)


def open_hold_ids(session: Session) -> set[str]:
    return set(session.scalars(select(OpenHold.transfer_id)).all())


def assert_books_ok(session: Session) -> None:
    report = verify(session)
    assert report.ok, report.as_dict()


@dataclass
class World:
    """A funded wallet (1000 cents), an empty wallet, a shop, and an open 300-cent hold "h1"
    from the funded wallet to the shop, created at NOW and expiring at later(60)."""

    wallet: Account
    empty: Account
    shop: Account
    reserve: Account


@pytest.fixture
def world(session: Session) -> World:
    w = World(
        wallet=wallet(session, "wallet:A", funded=1000),
        empty=wallet(session, "wallet:B"),
        shop=shop(session),
        reserve=reserve(session),
    )
    hold(session, pending(w.wallet, w.shop, 300, "h1"), now=NOW)
    session.commit()
    return w


# --------------------------------------------------------------------------------------------
# every refusal code, each with a scenario; a refusal must change nothing, even if committed


def _insufficient_funds(session: Session, w: World) -> Callable[[], object]:
    # 1000 credited, 300 held: 701 is one cent too many
    return lambda: transfer(session, pay(w.wallet, w.shop, 701, "t1"), now=NOW)


def _hold_expired(session: Session, w: World) -> Callable[[], object]:
    return lambda: post_hold(session, "h1", transfer_id="h1:post", actor="test", now=later(61))


def _hold_already_resolved(session: Session, w: World) -> Callable[[], object]:
    void_hold(session, "h1", transfer_id="h1:void", actor="test", now=later(1))
    return lambda: post_hold(session, "h1", transfer_id="h1:post", actor="test", now=later(2))


def _hold_not_found(session: Session, w: World) -> Callable[[], object]:
    return lambda: post_hold(session, "nope", transfer_id="nope:post", actor="test", now=NOW)


def _idempotency_conflict(session: Session, w: World) -> Callable[[], object]:
    transfer(session, pay(w.wallet, w.shop, 100, "t1"), now=NOW)
    return lambda: transfer(session, pay(w.wallet, w.shop, 101, "t1"), now=NOW)


def _account_not_found(session: Session, w: World) -> Callable[[], object]:
    missing = Account(id=10**6, code="ghost", kind="wallet")
    return lambda: transfer(session, pay(w.reserve, missing, 100, "t1"), now=NOW)


def _same_account(session: Session, w: World) -> Callable[[], object]:
    return lambda: transfer(session, pay(w.wallet, w.wallet, 100, "t1"), now=NOW)


def _invalid_amount(session: Session, w: World) -> Callable[[], object]:
    return lambda: transfer(session, pay(w.reserve, w.wallet, 0, "t1"), now=NOW)


def _post_exceeds_hold(session: Session, w: World) -> Callable[[], object]:
    return lambda: post_hold(
        session, "h1", transfer_id="h1:post", actor="test", amount=301, now=later(1)
    )


def _invalid_expiry(session: Session, w: World) -> Callable[[], object]:
    request = replace(pending(w.wallet, w.shop, 100, "h2"), expires_at=NOW)
    return lambda: hold(session, request, now=NOW)


def _account_exists(session: Session, w: World) -> Callable[[], object]:
    return lambda: create_account(session, "wallet:A", "wallet")


def _invalid_request(session: Session, w: World) -> Callable[[], object]:
    return lambda: transfer(session, pay(w.reserve, w.wallet, 100, "not a valid id"), now=NOW)


REFUSALS: dict[str, Callable[[Session, World], Callable[[], object]]] = {
    "insufficient_funds": _insufficient_funds,
    "hold_expired": _hold_expired,
    "hold_already_resolved": _hold_already_resolved,
    "hold_not_found": _hold_not_found,
    "idempotency_conflict": _idempotency_conflict,
    "account_not_found": _account_not_found,
    "same_account": _same_account,
    "invalid_amount": _invalid_amount,
    "post_exceeds_hold": _post_exceeds_hold,
    "invalid_expiry": _invalid_expiry,
    "account_exists": _account_exists,
    "invalid_request": _invalid_request,
}


def test_every_ledger_error_code_has_a_refusal_scenario() -> None:
    assert set(REFUSALS) == LedgerError.CODES


@pytest.mark.parametrize("code", sorted(REFUSALS))
def test_refusal_raises_its_code_and_changes_nothing_even_when_committed(
    session: Session, world: World, code: str
) -> None:
    refused = REFUSALS[code](session, world)
    session.commit()
    before = snapshot(session)
    with pytest.raises(LedgerError) as raised:
        refused()
    assert raised.value.code == code
    session.commit()  # the caller may commit the rest of its work after a refusal
    assert snapshot(session) == before
    assert_books_ok(session)


def test_unknown_error_code_cannot_be_raised() -> None:
    with pytest.raises(ValueError, match="unknown ledger error code"):
        LedgerError("no_such_code")


def test_ledger_error_carries_its_details() -> None:
    error = LedgerError("insufficient_funds", available=5, amount=7)
    assert error.code == "insufficient_funds"
    assert error.details == {"available": 5, "amount": 7}


# --------------------------------------------------------------------------------------------
# accounts


def test_new_account_has_zero_counters(session: Session) -> None:
    account = create_account(session, "shop:9", "shop")
    session.commit()
    assert counters(session, account) == (0, 0, 0, 0)
    assert get_account(session, "shop:9").id == account.id


def test_creating_an_account_twice_is_refused(session: Session) -> None:
    create_account(session, "shop:9", "shop")
    with pytest.raises(LedgerError) as raised:
        create_account(session, "shop:9", "wallet")
    assert raised.value.code == "account_exists"


def test_unknown_account_code_is_not_found(session: Session) -> None:
    with pytest.raises(LedgerError) as raised:
        get_account(session, "wallet:nobody")
    assert raised.value.code == "account_not_found"


@pytest.mark.parametrize("side", ["debit", "credit"])
def test_transfer_with_an_unknown_account_is_refused(
    session: Session, world: World, side: str
) -> None:
    missing = Account(id=10**6, code="ghost", kind="wallet")
    debit, credit = (missing, world.shop) if side == "debit" else (world.reserve, missing)
    with pytest.raises(LedgerError) as raised:
        transfer(session, pay(debit, credit, 100, "t1"), now=NOW)
    assert raised.value.code == "account_not_found"
    assert raised.value.details == {"account_id": 10**6}


# --------------------------------------------------------------------------------------------
# single-phase transfers


def test_single_transfer_moves_the_counters_of_both_accounts(
    session: Session, world: World
) -> None:
    assert transfer(session, pay(world.wallet, world.shop, 250, "t1"), now=NOW) is True
    session.commit()
    # the wallet was funded 1000 and holds 300 for "h1"
    assert counters(session, world.wallet) == (250, 1000, 300, 0)
    assert counters(session, world.shop) == (0, 250, 0, 300)
    assert world.wallet.available == 450
    assert world.wallet.balance == 750
    row = session.get(Transfer, "t1")
    assert row is not None
    assert (row.phase, row.amount, row.kind, row.actor, row.created_at) == (
        "single",
        250,
        "payment",
        "test",
        NOW,
    )
    assert_books_ok(session)


def test_wallet_may_spend_exactly_its_available_balance(session: Session, world: World) -> None:
    transfer(session, pay(world.wallet, world.shop, 700, "t1"), now=NOW)
    session.commit()
    assert world.wallet.available == 0
    with pytest.raises(LedgerError) as raised:
        transfer(session, pay(world.wallet, world.shop, 1, "t2"), now=NOW)
    assert raised.value.code == "insufficient_funds"
    assert raised.value.details == {"account": "wallet:A", "available": 0, "amount": 1}


def test_fund_account_without_limit_may_go_below_zero(session: Session, world: World) -> None:
    before = counters(session, world.reserve)
    transfer(session, pay(world.reserve, world.empty, 10**9, "alloc"), now=NOW)
    session.commit()
    assert counters(session, world.reserve)[0] == before[0] + 10**9
    assert_books_ok(session)


def test_same_id_and_same_body_is_one_transfer(session: Session, world: World) -> None:
    request = pay(world.wallet, world.shop, 250, "t1")
    assert transfer(session, request, now=NOW) is True
    session.commit()
    before = snapshot(session)
    assert transfer(session, request, now=later(5)) is False
    session.commit()
    assert snapshot(session) == before
    assert session.scalar(select(Transfer.created_at).where(Transfer.id == "t1")) == NOW


def test_retry_of_a_transfer_succeeds_even_when_funds_are_now_short(
    session: Session, world: World
) -> None:
    request = pay(world.wallet, world.shop, 700, "t1")
    transfer(session, request, now=NOW)
    session.commit()
    assert world.wallet.available == 0
    assert transfer(session, request, now=NOW) is False


@pytest.mark.parametrize(
    "change",
    [
        {"amount": 251},
        {"kind": "refund"},
        {"reference": "other"},
        {"overdraft": True},
        {"phase": TransferPhase.PENDING, "expires_at": later(60)},
    ],
    ids=["amount", "kind", "reference", "overdraft", "phase"],
)
def test_same_id_with_a_different_body_is_an_idempotency_conflict(
    session: Session, world: World, change: dict[str, object]
) -> None:
    request = pay(world.wallet, world.shop, 250, "t1")
    transfer(session, request, now=NOW)
    session.commit()
    before = snapshot(session)
    with pytest.raises(LedgerError) as raised:
        transfer(session, replace(request, **change), now=NOW)  # type: ignore[arg-type]
    assert raised.value.code == "idempotency_conflict"
    session.commit()
    assert snapshot(session) == before


def test_same_id_towards_another_account_is_an_idempotency_conflict(
    session: Session, world: World
) -> None:
    transfer(session, pay(world.reserve, world.wallet, 100, "t1"), now=NOW)
    with pytest.raises(LedgerError) as raised:
        transfer(session, pay(world.reserve, world.empty, 100, "t1"), now=NOW)
    assert raised.value.code == "idempotency_conflict"


def test_transfer_id_of_a_hold_cannot_be_reused_for_a_transfer(
    session: Session, world: World
) -> None:
    with pytest.raises(LedgerError) as raised:
        transfer(session, pay(world.wallet, world.shop, 300, "h1"), now=NOW)
    assert raised.value.code == "idempotency_conflict"


def test_transfer_to_the_same_account_is_refused(session: Session, world: World) -> None:
    with pytest.raises(LedgerError) as raised:
        transfer(session, pay(world.reserve, world.reserve, 100, "t1"), now=NOW)
    assert raised.value.code == "same_account"


@pytest.mark.parametrize("amount", [0, -5, 12.5, True, "100"], ids=repr)
def test_amount_must_be_a_positive_int(session: Session, world: World, amount: object) -> None:
    with pytest.raises(LedgerError) as raised:
        transfer(session, pay(world.reserve, world.wallet, amount, "t1"), now=NOW)  # type: ignore[arg-type]
    assert raised.value.code == "invalid_amount"


@pytest.mark.parametrize("transfer_id", ["", "has space", "x" * 65, "é", "semi;colon"], ids=repr)
def test_malformed_transfer_id_is_an_invalid_request(
    session: Session, world: World, transfer_id: str
) -> None:
    with pytest.raises(LedgerError) as raised:
        transfer(session, pay(world.reserve, world.wallet, 100, transfer_id), now=NOW)
    assert raised.value.code == "invalid_request"
    assert raised.value.details == {"field": "id"}


def test_transfer_id_with_a_trailing_newline_is_an_invalid_request(
    session: Session, world: World
) -> None:
    # regression: a pattern ending in "$" used with .match() also accepts a final "\n"
    with pytest.raises(LedgerError) as raised:
        transfer(session, pay(world.reserve, world.wallet, 100, "t1\n"), now=NOW)
    assert raised.value.code == "invalid_request"


def test_longest_allowed_transfer_id_is_accepted(session: Session, world: World) -> None:
    transfer_id = "A-z0.9:_/" + "x" * 55
    assert len(transfer_id) == 64
    assert transfer(session, pay(world.reserve, world.wallet, 100, transfer_id), now=NOW)


@pytest.mark.parametrize("phase", [TransferPhase.POST, TransferPhase.VOID])
def test_resolutions_cannot_be_created_as_plain_transfers(
    session: Session, world: World, phase: TransferPhase
) -> None:
    with pytest.raises(LedgerError) as raised:
        transfer(session, pay(world.wallet, world.shop, 300, "t1", phase=phase), now=NOW)
    assert raised.value.code == "invalid_request"
    assert raised.value.details == {"field": "phase"}


def test_single_transfer_with_an_expiry_is_refused(session: Session, world: World) -> None:
    request = pay(world.reserve, world.wallet, 100, "t1", expires_at=later(5))
    with pytest.raises(LedgerError) as raised:
        transfer(session, request, now=NOW)
    assert raised.value.code == "invalid_expiry"


# --------------------------------------------------------------------------------------------
# batches


def test_batch_refuses_some_requests_and_records_the_others(session: Session, world: World) -> None:
    requests = [
        pay(world.reserve, world.empty, 500, "b1", kind="allocation"),
        pay(world.empty, world.empty, 10, "b2"),
        pay(world.wallet, world.shop, 5000, "b3"),
        pay(world.wallet, world.shop, 0, "b4"),
        pay(world.wallet, world.shop, 200, "b5"),
    ]
    results = create_transfers(session, requests, now=NOW)
    assert [r.request for r in results] == requests
    assert [r.ok for r in results] == [True, False, False, False, True]
    assert [r.error.code if r.error else None for r in results] == [
        None,
        "same_account",
        "insufficient_funds",
        "invalid_amount",
        None,
    ]
    assert [r.created for r in results] == [True, False, False, False, True]
    session.commit()
    assert set(session.scalars(select(Transfer.id).where(Transfer.id.like("b%")))) == {
        "b1",
        "b5",
    }
    assert counters(session, world.empty) == (0, 500, 0, 0)
    assert counters(session, world.wallet) == (200, 1000, 300, 0)
    assert_books_ok(session)


def test_later_request_in_a_batch_sees_the_counters_left_by_an_earlier_one(
    session: Session, world: World
) -> None:
    results = create_transfers(
        session,
        [
            pay(world.reserve, world.empty, 1000, "b1", kind="allocation"),
            pay(world.empty, world.shop, 800, "b2"),  # possible only thanks to b1
            pay(world.empty, world.shop, 201, "b3"),  # 200 left after b2
            pay(world.empty, world.shop, 200, "b4"),
        ],
        now=NOW,
    )
    assert [r.error.code if r.error else None for r in results] == [
        None,
        None,
        "insufficient_funds",
        None,
    ]
    assert results[2].error is not None
    assert results[2].error.details["available"] == 200
    session.commit()
    assert counters(session, world.empty) == (1000, 1000, 0, 0)
    assert world.empty.available == 0
    assert_books_ok(session)


def test_hold_in_a_batch_reduces_what_later_requests_may_spend(
    session: Session, world: World
) -> None:
    results = create_transfers(
        session,
        [pending(world.wallet, world.shop, 600, "bh"), pay(world.wallet, world.shop, 101, "bt")],
        now=NOW,
    )
    assert results[0].ok
    assert results[1].error is not None
    assert results[1].error.code == "insufficient_funds"


def test_same_id_twice_in_one_batch_is_one_transfer(session: Session, world: World) -> None:
    request = pay(world.reserve, world.empty, 100, "dup", kind="allocation")
    results = create_transfers(session, [request, request], now=NOW)
    assert [(r.ok, r.created) for r in results] == [(True, True), (True, False)]
    session.commit()
    assert counters(session, world.empty) == (0, 100, 0, 0)


def test_same_id_with_different_bodies_in_one_batch_conflicts(
    session: Session, world: World
) -> None:
    request = pay(world.reserve, world.empty, 100, "dup", kind="allocation")
    results = create_transfers(session, [request, replace(request, amount=99)], now=NOW)
    assert results[0].created
    assert results[1].error is not None
    assert results[1].error.code == "idempotency_conflict"
    session.commit()
    assert counters(session, world.empty) == (0, 100, 0, 0)


@pytest.mark.parametrize("lock_all", [True, False], ids=["all locked", "some locked"])
def test_batch_may_reuse_accounts_the_caller_already_locked(
    session: Session, world: World, lock_all: bool
) -> None:
    wanted = [world.reserve.id, world.empty.id, *([world.shop.id] if lock_all else [])]
    locked = lock_accounts(session, wanted)
    results = create_transfers(
        session,
        [
            pay(world.reserve, world.empty, 500, "b1", kind="allocation"),
            pay(world.empty, world.shop, 300, "b2"),
            pay(world.empty, world.shop, 201, "b3"),
        ],
        now=NOW,
        locked=locked,
    )
    assert [r.error.code if r.error else None for r in results] == [
        None,
        None,
        "insufficient_funds",
    ]
    session.commit()
    assert counters(session, world.empty) == (300, 500, 0, 0)
    assert counters(session, world.shop) == (0, 300, 0, 300)
    assert_books_ok(session)


def test_empty_batch_records_nothing(session: Session, world: World) -> None:
    before = snapshot(session)
    assert create_transfers(session, [], now=NOW) == []
    session.commit()
    assert snapshot(session) == before


# --------------------------------------------------------------------------------------------
# holds: reserve, post (all or part), void


def test_hold_reserves_funds_without_moving_them(session: Session, world: World) -> None:
    # "h1" (300) is already open on the funded wallet
    assert counters(session, world.wallet) == (0, 1000, 300, 0)
    assert counters(session, world.shop) == (0, 0, 0, 300)
    assert world.wallet.available == 700
    assert world.wallet.balance == 1000
    assert world.shop.balance == 0
    row = session.get(Transfer, "h1")
    assert row is not None
    assert (row.phase, row.expires_at, row.pending_id) == ("pending", later(60), None)
    assert open_hold_ids(session) == {"h1"}
    assert_books_ok(session)


def test_hold_beyond_available_is_refused(session: Session, world: World) -> None:
    with pytest.raises(LedgerError) as raised:
        hold(session, pending(world.wallet, world.shop, 701, "h2"), now=NOW)
    assert raised.value.code == "insufficient_funds"
    assert hold(session, pending(world.wallet, world.shop, 700, "h2"), now=NOW) is True


def test_funds_on_hold_cannot_be_spent(session: Session, world: World) -> None:
    with pytest.raises(LedgerError) as raised:
        transfer(session, pay(world.wallet, world.shop, 1000, "t1"), now=NOW)
    assert raised.value.code == "insufficient_funds"


@pytest.mark.parametrize(
    "expires_at", [None, NOW, NOW - timedelta(seconds=1)], ids=["none", "now", "past"]
)
def test_hold_needs_an_expiry_in_the_future(
    session: Session, world: World, expires_at: object
) -> None:
    request = replace(pending(world.wallet, world.shop, 100, "h2"), expires_at=expires_at)
    with pytest.raises(LedgerError) as raised:
        hold(session, request, now=NOW)
    assert raised.value.code == "invalid_expiry"


def test_hold_retried_with_the_same_body_is_one_hold(session: Session, world: World) -> None:
    before = snapshot(session)
    assert hold(session, pending(world.wallet, world.shop, 300, "h1"), now=later(1)) is False
    session.commit()
    assert snapshot(session) == before


def test_hold_retried_with_a_different_expiry_is_an_idempotency_conflict(
    session: Session, world: World
) -> None:
    # regression: the expiry is part of a hold's body (ARCHITECTURE §3: a retry with a different
    # body is an error), it used to be ignored
    with pytest.raises(LedgerError) as raised:
        hold(session, pending(world.wallet, world.shop, 300, "h1", minutes=120), now=later(1))
    assert raised.value.code == "idempotency_conflict"


def test_partial_post_settles_part_and_releases_the_rest(session: Session, world: World) -> None:
    assert (
        post_hold(session, "h1", transfer_id="h1:post", actor="shop", amount=120, now=later(5))
        is True
    )
    session.commit()
    assert counters(session, world.wallet) == (120, 1000, 0, 0)
    assert counters(session, world.shop) == (0, 120, 0, 0)
    assert world.wallet.available == 880
    row = session.get(Transfer, "h1:post")
    assert row is not None
    assert (row.phase, row.amount, row.pending_id, row.kind, row.actor, row.created_at) == (
        "post",
        120,
        "h1",
        "payment",
        "shop",
        later(5),
    )
    assert open_hold_ids(session) == set()
    assert_books_ok(session)


def test_full_post_settles_the_whole_hold(session: Session, world: World) -> None:
    assert post_hold(session, "h1", transfer_id="h1:post", actor="shop", now=later(5)) is True
    session.commit()
    assert counters(session, world.wallet) == (300, 1000, 0, 0)
    assert counters(session, world.shop) == (0, 300, 0, 0)
    row = session.get(Transfer, "h1:post")
    assert row is not None
    assert row.amount == 300
    assert_books_ok(session)


def test_post_may_carry_its_own_kind_and_reference(session: Session, world: World) -> None:
    post_hold(
        session,
        "h1",
        transfer_id="h1:post",
        actor="shop",
        kind="purchase",
        reference="ticket 42",
        now=later(5),
    )
    row = session.get(Transfer, "h1:post")
    assert row is not None
    assert (row.kind, row.reference) == ("purchase", "ticket 42")


def test_void_releases_the_whole_hold(session: Session, world: World) -> None:
    assert void_hold(session, "h1", transfer_id="h1:void", actor="shop", now=later(5)) is True
    session.commit()
    assert counters(session, world.wallet) == (0, 1000, 0, 0)
    assert counters(session, world.shop) == (0, 0, 0, 0)
    assert world.wallet.available == 1000
    row = session.get(Transfer, "h1:void")
    assert row is not None
    assert (row.phase, row.amount, row.pending_id) == ("void", 300, "h1")
    assert open_hold_ids(session) == set()
    assert_books_ok(session)


def test_void_is_allowed_after_expiry(session: Session, world: World) -> None:
    assert void_hold(session, "h1", transfer_id="h1:void", actor="shop", now=later(500))
    session.commit()
    assert counters(session, world.wallet) == (0, 1000, 0, 0)


def test_post_after_expiry_is_refused_and_the_hold_stays_reserved(
    session: Session, world: World
) -> None:
    with pytest.raises(LedgerError) as raised:
        post_hold(session, "h1", transfer_id="h1:post", actor="shop", now=later(61))
    assert raised.value.code == "hold_expired"
    session.commit()
    # an expired hold is released by the sweep, never silently by a read or a refused post
    assert counters(session, world.wallet) == (0, 1000, 300, 0)
    assert open_hold_ids(session) == {"h1"}


def test_post_at_the_exact_expiry_is_refused(session: Session, world: World) -> None:
    with pytest.raises(LedgerError) as raised:
        post_hold(session, "h1", transfer_id="h1:post", actor="shop", now=later(60))
    assert raised.value.code == "hold_expired"


def test_post_just_before_expiry_is_accepted(session: Session, world: World) -> None:
    just_before = later(60) - timedelta(microseconds=1)
    assert post_hold(session, "h1", transfer_id="h1:post", actor="shop", now=just_before)


def test_second_post_of_same_hold_is_refused(session: Session, world: World) -> None:
    post_hold(session, "h1", transfer_id="h1:post", actor="shop", amount=100, now=later(1))
    session.commit()
    before = snapshot(session)
    with pytest.raises(LedgerError) as raised:
        post_hold(session, "h1", transfer_id="h1:post2", actor="shop", amount=100, now=later(2))
    assert raised.value.code == "hold_already_resolved"
    session.commit()
    assert snapshot(session) == before


def test_post_after_void_is_refused(session: Session, world: World) -> None:
    void_hold(session, "h1", transfer_id="h1:void", actor="shop", now=later(1))
    with pytest.raises(LedgerError) as raised:
        post_hold(session, "h1", transfer_id="h1:post", actor="shop", now=later(2))
    assert raised.value.code == "hold_already_resolved"


def test_void_after_post_is_refused(session: Session, world: World) -> None:
    post_hold(session, "h1", transfer_id="h1:post", actor="shop", now=later(1))
    with pytest.raises(LedgerError) as raised:
        void_hold(session, "h1", transfer_id="h1:void", actor="shop", now=later(2))
    assert raised.value.code == "hold_already_resolved"


def test_second_void_of_same_hold_is_refused(session: Session, world: World) -> None:
    void_hold(session, "h1", transfer_id="h1:void", actor="shop", now=later(1))
    with pytest.raises(LedgerError) as raised:
        void_hold(session, "h1", transfer_id="h1:void2", actor="shop", now=later(2))
    assert raised.value.code == "hold_already_resolved"


def test_post_retried_with_the_same_transfer_id_is_idempotent(
    session: Session, world: World
) -> None:
    assert (
        post_hold(session, "h1", transfer_id="h1:post", actor="shop", amount=120, now=later(5))
        is True
    )
    session.commit()
    before = snapshot(session)
    # even once the hold has expired: the post already happened
    assert (
        post_hold(session, "h1", transfer_id="h1:post", actor="shop", amount=120, now=later(90))
        is False
    )
    session.commit()
    assert snapshot(session) == before


def test_full_post_retried_with_the_explicit_amount_is_idempotent(
    session: Session, world: World
) -> None:
    post_hold(session, "h1", transfer_id="h1:post", actor="shop", now=later(5))
    assert (
        post_hold(session, "h1", transfer_id="h1:post", actor="shop", amount=300, now=later(6))
        is False
    )


def test_void_retried_with_the_same_transfer_id_is_idempotent(
    session: Session, world: World
) -> None:
    assert void_hold(session, "h1", transfer_id="h1:void", actor="shop", now=later(5)) is True
    session.commit()
    before = snapshot(session)
    assert void_hold(session, "h1", transfer_id="h1:void", actor="shop", now=later(6)) is False
    session.commit()
    assert snapshot(session) == before


def test_post_retried_with_a_different_amount_is_an_idempotency_conflict(
    session: Session, world: World
) -> None:
    post_hold(session, "h1", transfer_id="h1:post", actor="shop", amount=120, now=later(5))
    with pytest.raises(LedgerError) as raised:
        post_hold(session, "h1", transfer_id="h1:post", actor="shop", amount=121, now=later(6))
    assert raised.value.code == "idempotency_conflict"


def test_void_retried_as_a_post_is_an_idempotency_conflict(session: Session, world: World) -> None:
    void_hold(session, "h1", transfer_id="h1:done", actor="shop", now=later(5))
    with pytest.raises(LedgerError) as raised:
        post_hold(session, "h1", transfer_id="h1:done", actor="shop", now=later(6))
    assert raised.value.code == "idempotency_conflict"


def test_resolution_id_reused_for_another_hold_is_an_idempotency_conflict(
    session: Session, world: World
) -> None:
    hold(session, pending(world.wallet, world.shop, 300, "h2"), now=NOW)
    post_hold(session, "h1", transfer_id="resolve", actor="shop", now=later(5))
    with pytest.raises(LedgerError) as raised:
        post_hold(session, "h2", transfer_id="resolve", actor="shop", now=later(5))
    assert raised.value.code == "idempotency_conflict"


def test_resolution_id_taken_by_a_single_transfer_is_an_idempotency_conflict(
    session: Session, world: World
) -> None:
    transfer(session, pay(world.reserve, world.empty, 100, "taken"), now=NOW)
    with pytest.raises(LedgerError) as raised:
        void_hold(session, "h1", transfer_id="taken", actor="shop", now=later(5))
    assert raised.value.code == "idempotency_conflict"
    with pytest.raises(LedgerError) as raised:
        post_hold(session, "h1", transfer_id="h1", actor="shop", now=later(5))
    assert raised.value.code == "idempotency_conflict"


def test_post_exceeding_the_hold_is_refused(session: Session, world: World) -> None:
    with pytest.raises(LedgerError) as raised:
        post_hold(session, "h1", transfer_id="h1:post", actor="shop", amount=301, now=later(1))
    assert raised.value.code == "post_exceeds_hold"
    assert raised.value.details == {"amount": 301, "held": 300}


@pytest.mark.parametrize("amount", [0, -1, True, 1.5], ids=repr)
def test_post_amount_must_be_a_positive_int(session: Session, world: World, amount: object) -> None:
    with pytest.raises(LedgerError) as raised:
        post_hold(
            session,
            "h1",
            transfer_id="h1:post",
            actor="shop",
            amount=amount,  # type: ignore[arg-type]
            now=later(1),
        )
    assert raised.value.code == "invalid_amount"


def test_posting_an_unknown_hold_is_refused(session: Session, world: World) -> None:
    with pytest.raises(LedgerError) as raised:
        post_hold(session, "h404", transfer_id="h404:post", actor="shop", now=later(1))
    assert raised.value.code == "hold_not_found"
    with pytest.raises(LedgerError) as raised:
        void_hold(session, "h404", transfer_id="h404:void", actor="shop", now=later(1))
    assert raised.value.code == "hold_not_found"


def test_a_single_transfer_or_a_resolution_is_not_a_hold(session: Session, world: World) -> None:
    transfer(session, pay(world.reserve, world.empty, 100, "t1"), now=NOW)
    post_hold(session, "h1", transfer_id="h1:post", actor="shop", now=later(1))
    for not_a_hold in ("t1", "h1:post"):
        with pytest.raises(LedgerError) as raised:
            void_hold(session, not_a_hold, transfer_id="x:void", actor="shop", now=later(2))
        assert raised.value.code == "hold_not_found"


def test_resolution_id_may_be_longer_than_a_transfer_id_up_to_80_characters(
    session: Session, world: World
) -> None:
    with pytest.raises(LedgerError) as raised:
        post_hold(session, "h1", transfer_id="p" * 81, actor="shop", now=later(1))
    assert raised.value.code == "invalid_request"
    assert post_hold(session, "h1", transfer_id="p" * 80, actor="shop", now=later(1))


def test_malformed_resolution_id_is_an_invalid_request(session: Session, world: World) -> None:
    with pytest.raises(LedgerError) as raised:
        post_hold(session, "h1", transfer_id="bad id", actor="shop", now=later(1))
    assert raised.value.code == "invalid_request"
    assert raised.value.details == {"field": "transfer_id"}


# --------------------------------------------------------------------------------------------
# expiry sweep


def test_sweep_releases_expired_holds_only_and_records_a_void(
    session: Session, world: World
) -> None:
    hold(session, pending(world.wallet, world.shop, 200, "h2", minutes=90), now=NOW)
    hold(session, pending(world.wallet, world.shop, 100, "h3", minutes=120), now=NOW)
    session.commit()
    assert counters(session, world.wallet) == (0, 1000, 600, 0)
    # "h1" expires at later(60), "h2" at later(90): an expiry equal to now counts as passed
    assert sweep_expired_holds(session, now=later(90)) == 2
    session.commit()
    assert open_hold_ids(session) == {"h3"}
    assert counters(session, world.wallet) == (0, 1000, 100, 0)
    assert counters(session, world.shop) == (0, 0, 0, 100)
    for hold_id, amount in (("h1", 300), ("h2", 200)):
        row = session.get(Transfer, expiry_void_id(hold_id))
        assert row is not None
        assert (row.phase, row.pending_id, row.amount, row.kind, row.actor, row.created_at) == (
            "void",
            hold_id,
            amount,
            "hold_expiry",
            "system:sweep",
            later(90),
        )
    assert session.get(Transfer, expiry_void_id("h3")) is None
    assert_books_ok(session)


def test_sweep_before_any_expiry_releases_nothing(session: Session, world: World) -> None:
    before = snapshot(session)
    assert sweep_expired_holds(session, now=later(59)) == 0
    session.commit()
    assert snapshot(session) == before


def test_sweep_twice_releases_once(session: Session, world: World) -> None:
    assert sweep_expired_holds(session, now=later(61)) == 1
    session.commit()
    before = snapshot(session)
    assert sweep_expired_holds(session, now=later(62)) == 0
    session.commit()
    assert snapshot(session) == before


def test_sweep_ignores_holds_already_posted_or_voided(session: Session, world: World) -> None:
    hold(session, pending(world.wallet, world.shop, 200, "h2", minutes=10), now=NOW)
    post_hold(session, "h1", transfer_id="h1:post", actor="shop", amount=50, now=later(1))
    void_hold(session, "h2", transfer_id="h2:void", actor="shop", now=later(1))
    session.commit()
    assert sweep_expired_holds(session, now=later(500)) == 0
    assert counters(session, world.wallet) == (50, 1000, 0, 0)


def test_swept_hold_cannot_be_posted(session: Session, world: World) -> None:
    sweep_expired_holds(session, now=later(61))
    with pytest.raises(LedgerError) as raised:
        post_hold(session, "h1", transfer_id="h1:post", actor="shop", now=later(62))
    assert raised.value.code == "hold_already_resolved"


def test_sweep_releases_at_most_its_limit_oldest_first(session: Session, world: World) -> None:
    hold(session, pending(world.wallet, world.shop, 100, "h2", minutes=30), now=NOW)
    hold(session, pending(world.wallet, world.shop, 100, "h3", minutes=45), now=NOW)
    assert sweep_expired_holds(session, now=later(61), limit=2) == 2
    assert open_hold_ids(session) == {"h1"}
    assert sweep_expired_holds(session, now=later(61), limit=2) == 1
    assert open_hold_ids(session) == set()


def test_sweep_is_not_blocked_by_a_transfer_already_using_the_void_id(
    session: Session, world: World
) -> None:
    # Ids are chosen by clients: one may record a transfer under any id that looks derived
    # from a hold's, before the hold expires. The sweep must still release every expired hold
    # (ARCHITECTURE §3: an expired hold is released by a sweep).
    hold(session, pending(world.wallet, world.shop, 100, "h2", minutes=90), now=NOW)
    transfer(session, pay(world.reserve, world.empty, 100, "h1/expired"), now=NOW)
    session.commit()
    assert sweep_expired_holds(session, now=later(90)) == 2
    session.commit()
    assert open_hold_ids(session) == set()
    assert counters(session, world.wallet) == (0, 1000, 0, 0)
    assert_books_ok(session)


def test_sweep_records_the_given_actor(session: Session, world: World) -> None:
    sweep_expired_holds(session, actor="cron", now=later(61))
    row = session.get(Transfer, expiry_void_id("h1"))
    assert row is not None
    assert row.actor == "cron"


def test_sweep_releases_a_hold_whose_id_has_the_maximum_length(
    session: Session, world: World
) -> None:
    # regression: the sweep voids a hold with the id expiry_void_id(hold_id) (72 characters
    # here); it used to be checked against the 64-character limit of client ids, so the sweep
    # raised invalid_request and stopped, leaving this hold and every later one open
    long_id = "h" * 64
    hold(session, pending(world.wallet, world.shop, 100, long_id, minutes=30), now=NOW)
    session.commit()
    assert sweep_expired_holds(session, now=later(61)) == 2
    assert open_hold_ids(session) == set()


# --------------------------------------------------------------------------------------------
# overdraft and verify


def test_overdraft_lets_a_wallet_go_below_zero_and_verify_accepts_it(
    session: Session, world: World
) -> None:
    transfer(session, pay(world.wallet, world.shop, 1500, "t1", overdraft=True), now=NOW)
    session.commit()
    assert world.wallet.available == -800
    assert world.wallet.balance == -500
    row = session.get(Transfer, "t1")
    assert row is not None
    assert row.overdraft is True
    assert_books_ok(session)


def test_without_overdraft_flag_the_same_transfer_is_refused(
    session: Session, world: World
) -> None:
    with pytest.raises(LedgerError) as raised:
        transfer(session, pay(world.wallet, world.shop, 1500, "t1"), now=NOW)
    assert raised.value.code == "insufficient_funds"


def test_verify_accepts_a_consistent_ledger(session: Session, world: World) -> None:
    transfer(session, pay(world.wallet, world.shop, 100, "t1"), now=NOW)
    session.commit()
    report = verify(session)
    assert report.ok
    assert report.mismatches == []
    assert report.problems == []
    assert report.transfers == 3  # funding, "h1", "t1"
    assert report.accounts == len(FundAccount) + 3
    assert report.total_debits_posted == report.total_credits_posted == 1100
    assert report.total_debits_pending == report.total_credits_pending == 300
    assert report.as_dict()["ok"] is True


def test_verify_reports_a_negative_wallet_without_overdraft(session: Session, world: World) -> None:
    # counters consistent with the transfers, but the account spent what it never received
    # and no overdraft transfer explains it
    loose = create_account(session, "wallet:loose", "wallet")
    transfer(session, pay(loose, world.shop, 500, "t1"), now=NOW)
    session.execute(
        text("UPDATE accounts SET debits_must_not_exceed_credits = :flag WHERE id = :id"),
        {"flag": True, "id": loose.id},
    )
    session.commit()
    report = verify(session)
    assert not report.ok
    assert report.mismatches == []
    assert report.problems == ["wallet:loose: available -500 below zero without an overdraft"]


def test_verify_detects_a_corrupted_counter_and_an_unbalanced_book(
    session: Session, world: World
) -> None:
    session.execute(
        text("UPDATE accounts SET credits_posted = credits_posted + 100 WHERE id = :id"),
        {"id": world.wallet.id},
    )
    session.commit()
    report = verify(session)
    assert not report.ok
    assert [(m.account, m.counter, m.stored, m.recomputed) for m in report.mismatches] == [
        ("wallet:A", "credits_posted", 1100, 1000),
    ]
    assert any("posted debits" in problem for problem in report.problems)
    assert report.as_dict()["ok"] is False


def test_verify_detects_unbalanced_pending_counters(session: Session, world: World) -> None:
    session.execute(
        text("UPDATE accounts SET credits_pending = 0 WHERE id = :id"), {"id": world.shop.id}
    )
    session.commit()
    report = verify(session)
    assert [(m.account, m.counter, m.stored, m.recomputed) for m in report.mismatches] == [
        ("shop:1", "credits_pending", 0, 300),
    ]
    assert "pending debits 300 != credits 0" in report.problems


def test_verify_detects_an_open_hold_missing_from_the_index(session: Session, world: World) -> None:
    session.execute(text("DELETE FROM open_holds WHERE transfer_id = 'h1'"))
    session.commit()
    report = verify(session)
    assert report.mismatches == []
    assert report.problems == ["hold h1 is open but missing from open_holds"]


def test_verify_detects_a_resolved_hold_still_indexed(session: Session, world: World) -> None:
    void_hold(session, "h1", transfer_id="h1:void", actor="shop", now=later(1))
    session.commit()
    session.add(OpenHold(transfer_id="h1", debit_account_id=world.wallet.id, expires_at=later(60)))
    session.commit()
    report = verify(session)
    assert report.problems == ["open_holds lists h1, which is resolved or not a hold"]


# --------------------------------------------------------------------------------------------
# money


@pytest.mark.parametrize(
    ("text_amount", "cents"),
    [
        ("12,40", 1240),
        ("12.40", 1240),
        ("12,4", 1240),
        ("1 234,5", 123450),
        ("1\u202f234,56\u00a0€", 123456),
        ("1234567,89", 123456789),
        ("-3", -300),
        ("+3", 300),
        ("-0,05", -5),
        ("0,01", 1),
        ("0", 0),
        (" 7 EUR ", 700),
        ("12,40 €", 1240),
    ],
)
def test_parse_cents_is_exact(text_amount: str, cents: int) -> None:
    assert parse_cents(text_amount) == cents
    assert type(parse_cents(text_amount)) is int


@pytest.mark.parametrize(
    "text_amount",
    ["1.234", "12,345", "abc", "", "12,", ",5", "1,2,3", "--3", "12 3", "1 23", "3 USD"],
)
def test_parse_cents_refuses_what_is_not_an_amount_in_cents(text_amount: str) -> None:
    with pytest.raises(ValueError, match="not an amount"):
        parse_cents(text_amount)


@pytest.mark.parametrize("amount", [12.4, 0.1 + 0.2, 3.0])
def test_parse_cents_refuses_floats(amount: float) -> None:
    with pytest.raises(TypeError):
        parse_cents(amount)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cents", "lang", "sign", "expected"),
    [
        (1240, "fr", False, "12,40\u00a0€"),
        (5, "fr", False, "0,05\u00a0€"),
        (-5, "fr", False, "-0,05\u00a0€"),
        (0, "fr", True, "0,00\u00a0€"),
        (1240, "fr", True, "+12,40\u00a0€"),
        (123456789, "fr", False, "1\u202f234\u202f567,89\u00a0€"),
        (1240, "en", False, "€12.40"),
        (-123456, "en", False, "-€1,234.56"),
        (1240, "en", True, "+€12.40"),
    ],
)
def test_format_cents(cents: int, lang: str, sign: bool, expected: str) -> None:
    assert format_cents(cents, lang=lang, sign=sign) == expected


@pytest.mark.parametrize("amount", [12.4, True, "1240"], ids=repr)
def test_format_cents_refuses_anything_but_int(amount: object) -> None:
    with pytest.raises(TypeError):
        format_cents(amount)  # type: ignore[arg-type]


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_french_formatting_parses_back_to_the_same_cents(cents: int) -> None:
    assert parse_cents(format_cents(cents)) == cents


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from([",", "."]))
def test_units_and_two_decimals_parse_exactly(cents: int, separator: str) -> None:
    assert parse_cents(f"{cents // 100}{separator}{cents % 100:02d}") == cents


def test_client_transfer_ids_cannot_take_the_sweeps_namespace(session: Session, world: World):
    with pytest.raises(LedgerError) as refused:
        transfer(session, pay(world.reserve, world.empty, 100, "h1#expired"), now=NOW)
    assert refused.value.code == "invalid_request"


# --------------------------------------------------------------------------------------------
# post_holds: many holds settled in one batch, by the same rules as post_hold


def _post(hold_id: str, amount: int, transfer_id: str | None = None) -> HoldPost:
    return HoldPost(hold_id, transfer_id or f"{hold_id}:post", amount, actor="shop")


def test_a_batch_posts_each_hold_as_post_hold_would(session: Session, world: World) -> None:
    hold(session, pending(world.wallet, world.shop, 200, "h2"), now=NOW)
    results = post_holds(session, [_post("h1", 120), _post("h2", 200)], now=later(5))
    session.commit()
    assert results == [None, None]
    assert counters(session, world.wallet) == (320, 1000, 0, 0)
    assert counters(session, world.shop) == (0, 320, 0, 0)
    assert open_hold_ids(session) == set()
    assert session.get(OpenHold, "h1") is None  # the session forgot the deleted rows too
    assert_books_ok(session)


def test_each_refusal_leaves_its_hold_and_the_others_post(session: Session, world: World) -> None:
    hold(session, pending(world.wallet, world.shop, 200, "h2"), now=NOW)
    hold(session, pending(world.wallet, world.shop, 100, "h3", minutes=3), now=NOW)
    hold(session, pending(world.wallet, world.shop, 100, "h4"), now=NOW)
    post_hold(session, "h4", transfer_id="h4:post", actor="shop", now=later(1))
    results = post_holds(
        session,
        [
            _post("h1", 301),  # more than held
            _post("nope", 10),  # no such hold
            _post("h2", 50),
            _post("h2", 50, "h2:again"),  # the same hold twice in one batch
            _post("h3", 10),  # expired at later(3)
            _post("h4", 10, "h4:second"),  # posted already
            _post("h1", 10, "h4:post"),  # a transfer id in use
            _post("h1", 0, "h1:zero"),
        ],
        now=later(5),
    )
    session.commit()
    assert [r.code if r else None for r in results] == [
        "post_exceeds_hold",
        "hold_not_found",
        None,
        "hold_already_resolved",
        "hold_expired",
        "hold_already_resolved",
        "idempotency_conflict",
        "invalid_amount",
    ]
    assert open_hold_ids(session) == {"h1", "h3"}
    assert counters(session, world.wallet) == (150, 1000, 400, 0)
    assert_books_ok(session)

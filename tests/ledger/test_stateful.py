"""Stateful property test: random sequences of ledger operations against a pure-Python model.

The database (one per backend, from the `sessions` fixture) is shared by every hypothesis
example of a run. Each example opens its own accounts (codes prefixed with a fresh uuid) and
models only those, plus the fund reserve measured from its counters when the example starts.
It also starts from a clean ledger (transfers and holds deleted, every account's counters back
to zero): `verify()` checks the whole database, so a corruption found by one example would
otherwise fail every later one, and hypothesis could neither replay nor shrink the failing
example (it would report FlakyStrategyDefinition).

Each rule runs in its own committed transaction; a refused operation is committed too, and
must have changed nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from tests.factories import NOW
from wallet_server.fund import FundAccount
from wallet_server.ledger import (
    Account,
    LedgerError,
    OpenHold,
    Transfer,
    TransferPhase,
    TransferRequest,
    create_account,
    create_transfers,
    expiry_void_id,
    get_account,
    hold,
    post_hold,
    run_in_transaction,
    sweep_expired_holds,
    transfer,
    verify,
    void_hold,
)

WALLETS = 3
SETTINGS = settings(
    max_examples=25,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    # the explain phase re-runs failing cases under a line tracer: minutes with a database
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
)

# amount strategy: random cents, or exactly / one cent more than what the debit may spend
AMOUNTS = st.one_of(st.integers(1, 5000), st.sampled_from(["available", "available+1"]))

#: The simulated clock moves in quarters of an hour, and holds last a whole number of them,
#: so that operations often happen exactly at a hold's expiry (the boundary that matters).
QUARTER = timedelta(minutes=15)
#: quarters from the clock to a hold's expiry (zero or less is refused)
EXPIRIES = st.integers(-1, 16)
#: quarters the shop takes before posting or voiding a hold
WAITS = st.one_of(st.just(0), st.integers(1, 8))

_COUNTER_NAMES = ("debits_posted", "credits_posted", "debits_pending", "credits_pending")
Counters = list[int]  # in that order
DP, CP, DPEND, CPEND = range(4)


@dataclass
class ModelHold:
    id: str
    debit: str
    credit: str
    amount: int
    expires_at: datetime
    open: bool = True


@dataclass(frozen=True)
class Resolution:
    """A post or void as recorded, so it can be retried."""

    id: str
    hold_id: str
    phase: TransferPhase
    amount: int
    kind: str | None
    actor: str


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        super().__init__()
        self.sessions = sessions
        self.prefix = uuid4().hex[:10]
        self.serial = 0
        self.clock = NOW
        self.holds: dict[str, ModelHold] = {}
        self.created: dict[str, TransferRequest] = {}  # single transfers and holds
        self.resolutions: dict[str, Resolution] = {}
        self.wallets = [f"wallet:{self.prefix}:{n}" for n in range(WALLETS)]
        self.shop = f"shop:{self.prefix}"
        self.reserve = FundAccount.RESERVE.value

        def setup(session: Session) -> tuple[dict[str, int], Counters]:
            # a clean ledger: no transfers, no holds, every account back to zero
            session.execute(delete(OpenHold))
            session.execute(delete(Transfer))
            session.execute(update(Account).values(dict.fromkeys(_COUNTER_NAMES, 0)))
            ids = {
                code: create_account(
                    session, code, "wallet", debits_must_not_exceed_credits=True
                ).id
                for code in self.wallets
            }
            ids[self.shop] = create_account(session, self.shop, "shop").id
            reserve = get_account(session, self.reserve)
            ids[self.reserve] = reserve.id
            return ids, _counters(reserve)

        self.ids, reserve_counters = run_in_transaction(sessions, setup)
        self.model: dict[str, Counters] = {code: [0, 0, 0, 0] for code in self.ids}
        self.model[self.reserve] = reserve_counters

    # ---------------------------------------------------------------------------- helpers

    def new_id(self, tag: str) -> str:
        self.serial += 1
        return f"{self.prefix}-{tag}{self.serial}"

    def available(self, code: str) -> int:
        c = self.model[code]
        return c[CP] - c[DP] - c[DPEND]

    def limited(self, code: str) -> bool:
        return code in self.wallets

    def amount_for(self, debit: str, choice: int | str) -> int:
        if isinstance(choice, int):
            return choice
        base = max(self.available(debit), 1) if self.limited(debit) else 2500
        return base + (1 if choice == "available+1" else 0)

    def run(self, work: Callable[[Session], Any]) -> Any:
        """Run `work` in its own transaction, committed even when the ledger refuses it."""

        def guarded(session: Session) -> Any:
            try:
                return work(session)
            except LedgerError as error:
                return error

        return run_in_transaction(self.sessions, guarded)

    def request(
        self, debit: str, credit: str, amount: int, *, kind: str = "payment", **fields: Any
    ) -> TransferRequest:
        return TransferRequest(
            id=self.new_id("t"),
            debit_account_id=self.ids[debit],
            credit_account_id=self.ids[credit],
            amount=amount,
            kind=kind,
            actor="machine",
            **fields,
        )

    def expect_refusal(self, outcome: Any, codes: set[str]) -> None:
        assert isinstance(outcome, LedgerError), f"expected one of {codes}, got {outcome!r}"
        assert outcome.code in codes, f"expected one of {codes}, got {outcome!r}"

    def expect_created(self, outcome: Any) -> None:
        assert outcome is True, f"expected a new transfer, got {outcome!r}"

    def apply_single(self, request: TransferRequest, debit: str, credit: str) -> None:
        self.model[debit][DP] += request.amount
        self.model[credit][CP] += request.amount
        self.created[request.id] = request

    def apply_hold(self, request: TransferRequest, debit: str, credit: str) -> None:
        assert request.expires_at is not None
        self.model[debit][DPEND] += request.amount
        self.model[credit][CPEND] += request.amount
        self.holds[request.id] = ModelHold(
            request.id, debit, credit, request.amount, request.expires_at
        )
        self.created[request.id] = request

    def release(self, held: ModelHold, posted: int) -> None:
        self.model[held.debit][DPEND] -= held.amount
        self.model[held.credit][CPEND] -= held.amount
        self.model[held.debit][DP] += posted
        self.model[held.credit][CP] += posted
        held.open = False

    def code_of(self, account_id: int) -> str:
        return next(code for code, known in self.ids.items() if known == account_id)

    def open_holds(self) -> list[ModelHold]:
        return [h for h in self.holds.values() if h.open]

    def pick_hold(self, data: st.DataObject) -> ModelHold:
        """Mostly an open hold (when there is one), sometimes any hold, resolved or not."""
        still_open = sorted(h.id for h in self.open_holds())
        anyone = data.draw(st.integers(0, 3), label="any hold") == 0
        candidates = sorted(self.holds) if anyone or not still_open else still_open
        return self.holds[data.draw(st.sampled_from(candidates), label="hold")]

    def pick_pair(self, data: st.DataObject, debits: list[str]) -> tuple[str, str]:
        debit = data.draw(st.sampled_from(debits), label="debit")
        credits = [code for code in self.ids if code != debit]
        return debit, data.draw(st.sampled_from(credits), label="credit")

    # ------------------------------------------------------------------------------ rules

    @initialize(amounts=st.lists(st.integers(0, 20_000), min_size=WALLETS, max_size=WALLETS))
    def allocate(self, amounts: list[int]) -> None:
        """Start the wallets with a monthly allocation from the reserve (maybe nothing)."""
        requests = [
            (self.request(self.reserve, code, amount, kind="allocation"), code)
            for code, amount in zip(self.wallets, amounts, strict=True)
            if amount
        ]
        results = self.run(lambda s: create_transfers(s, [r for r, _ in requests], now=self.clock))
        assert all(r.ok and r.created for r in results), results
        for request, code in requests:
            self.apply_single(request, self.reserve, code)

    @rule(data=st.data(), choice=AMOUNTS)
    def single_transfer(self, data: st.DataObject, choice: int | str) -> None:
        debit, credit = self.pick_pair(data, [self.reserve, *self.wallets])
        amount = self.amount_for(debit, choice)
        request = self.request(debit, credit, amount)
        outcome = self.run(lambda s: transfer(s, request, now=self.clock))
        if self.limited(debit) and amount > self.available(debit):
            self.expect_refusal(outcome, {"insufficient_funds"})
        else:
            self.expect_created(outcome)
            self.apply_single(request, debit, credit)

    @rule(data=st.data(), size=st.integers(2, 4))
    def batch(self, data: st.DataObject, size: int) -> None:
        """Requests applied in order: each sees the counters left by the previous ones."""
        plan: list[tuple[TransferRequest, str, str]] = []
        for _ in range(size):
            debit, credit = self.pick_pair(data, [self.reserve, *self.wallets])
            amount = data.draw(st.integers(1, 3000), label="amount")
            plan.append((self.request(debit, credit, amount, kind="batch"), debit, credit))
        results = self.run(lambda s: create_transfers(s, [r for r, _, _ in plan], now=self.clock))
        assert [r.request for r in results] == [r for r, _, _ in plan]
        for result, (request, debit, credit) in zip(results, plan, strict=True):
            if self.limited(debit) and request.amount > self.available(debit):
                assert result.error is not None, result
                assert result.error.code == "insufficient_funds", result
            else:
                assert result.ok and result.created, result
                self.apply_single(request, debit, credit)

    @rule(data=st.data(), choice=AMOUNTS, quarters=EXPIRIES)
    def place_hold(self, data: st.DataObject, choice: int | str, quarters: int) -> None:
        debit, credit = self.pick_pair(data, [*self.wallets, self.reserve])
        amount = self.amount_for(debit, choice)
        expires_at = self.clock + quarters * QUARTER
        request = self.request(debit, credit, amount, kind="purchase", expires_at=expires_at)
        outcome = self.run(lambda s: hold(s, request, now=self.clock))
        if quarters <= 0:
            self.expect_refusal(outcome, {"invalid_expiry"})
        elif self.limited(debit) and amount > self.available(debit):
            self.expect_refusal(outcome, {"insufficient_funds"})
        else:
            self.expect_created(outcome)
            self.apply_hold(replace(request, phase=TransferPhase.PENDING), debit, credit)

    @precondition(lambda self: self.open_holds())
    @rule(data=st.data(), how=st.sampled_from(["default", "explicit", "too much"]), wait=WAITS)
    def post_in_full(self, data: st.DataObject, how: str, wait: int) -> None:
        held = self.pick_hold(data)
        amount = {
            "default": None,  # post_hold's default: all of it
            "explicit": held.amount,
            "too much": held.amount + data.draw(st.integers(1, 100), label="excess"),
        }[how]
        self.post(held, amount, wait)

    @precondition(lambda self: self.open_holds())
    @rule(data=st.data(), wait=WAITS)
    def post_in_part(self, data: st.DataObject, wait: int) -> None:
        """Settle part of a hold; the rest goes back to the wallet."""
        held = self.pick_hold(data)
        self.post(held, data.draw(st.integers(1, max(held.amount - 1, 1)), label="amount"), wait)

    def post(self, held: ModelHold, amount: int | None, wait: int) -> None:
        self.clock += wait * QUARTER
        resolution_id = self.new_id("p")
        outcome = self.run(
            lambda s: post_hold(
                s,
                held.id,
                transfer_id=resolution_id,
                actor="shop",
                amount=amount,
                now=self.clock,
            )
        )
        refusals = set()
        if amount is not None and amount > held.amount:
            refusals.add("post_exceeds_hold")
        if not held.open:
            refusals.add("hold_already_resolved")
        if self.clock >= held.expires_at:
            refusals.add("hold_expired")
        if refusals:
            self.expect_refusal(outcome, refusals)
            return
        self.expect_created(outcome)
        posted = held.amount if amount is None else amount
        self.release(held, posted)
        self.resolutions[resolution_id] = Resolution(
            resolution_id, held.id, TransferPhase.POST, posted, None, "shop"
        )

    @precondition(lambda self: self.open_holds())
    @rule(data=st.data(), wait=WAITS)
    def void(self, data: st.DataObject, wait: int) -> None:
        held = self.pick_hold(data)
        self.clock += wait * QUARTER
        resolution_id = self.new_id("v")
        outcome = self.run(
            lambda s: void_hold(s, held.id, transfer_id=resolution_id, actor="shop", now=self.clock)
        )
        if not held.open:  # voiding an expired hold is allowed: releasing is always safe
            self.expect_refusal(outcome, {"hold_already_resolved"})
            return
        self.expect_created(outcome)
        self.release(held, 0)
        self.resolutions[resolution_id] = Resolution(
            resolution_id, held.id, TransferPhase.VOID, held.amount, None, "shop"
        )

    @precondition(lambda self: self.open_holds())
    @rule(quarters=st.integers(1, 4))
    def advance_clock(self, quarters: int) -> None:
        self.clock += quarters * QUARTER

    @precondition(lambda self: self.open_holds())
    @rule()
    def sweep(self) -> None:
        due = [h for h in self.open_holds() if h.expires_at <= self.clock]
        released = self.run(lambda s: sweep_expired_holds(s, now=self.clock))
        assert released == len(due), (released, [h.id for h in due])
        for held in due:
            self.release(held, 0)
            resolution_id = expiry_void_id(held.id)
            self.resolutions[resolution_id] = Resolution(
                resolution_id,
                held.id,
                TransferPhase.VOID,
                held.amount,
                "hold_expiry",
                "system:sweep",
            )

    @precondition(lambda self: self.created)
    @rule(data=st.data(), same=st.booleans(), change=st.sampled_from(["amount", "reference"]))
    def retry(self, data: st.DataObject, same: bool, change: str) -> None:
        """Send again a transfer, hold, post or void already recorded, with the same id."""
        if self.resolutions and data.draw(st.booleans(), label="a post or void"):
            used_id = data.draw(st.sampled_from(sorted(self.resolutions)), label="id")
            self.retry_resolution(self.resolutions[used_id], same)
        else:
            used_id = data.draw(st.sampled_from(sorted(self.created)), label="id")
            self.retry_transfer(self.created[used_id], same, change)

    def retry_transfer(self, original: TransferRequest, same: bool, change: str) -> None:
        if same:
            again = original
        elif change == "amount":
            again = replace(original, amount=original.amount + 1)
        else:
            again = replace(original, reference="changed")
        (result,) = self.run(lambda s: create_transfers(s, [again], now=self.clock))
        # A hold sent again once its expiry has passed is refused by validation (invalid_expiry),
        # which comes before the idempotency check; either way nothing may change.
        stale_hold = original.expires_at is not None and original.expires_at <= self.clock
        if stale_hold and result.error is not None and result.error.code == "invalid_expiry":
            pass
        elif same:
            assert result.ok and not result.created, result
        else:
            assert result.error is not None, result
            assert result.error.code == "idempotency_conflict", result

    def retry_resolution(self, done: Resolution, same: bool) -> None:
        def again(session: Session) -> Any:
            if same and done.phase == TransferPhase.VOID:
                return void_hold(
                    session,
                    done.hold_id,
                    transfer_id=done.id,
                    actor=done.actor,
                    kind=done.kind,
                    now=self.clock,
                )
            if done.phase == TransferPhase.VOID:  # a void sent again as a post
                amount = None
            elif same:
                amount = done.amount
            else:  # same id, another amount
                amount = done.amount - 1 if done.amount > 1 else done.amount + 1
            return post_hold(
                session,
                done.hold_id,
                transfer_id=done.id,
                actor=done.actor,
                amount=amount,
                now=self.clock,
            )

        outcome = self.run(again)
        if same:
            assert outcome is False, outcome
        else:
            self.expect_refusal(outcome, {"idempotency_conflict"})

    # ------------------------------------------------------------------------- invariants

    @invariant()
    def books_balance(self) -> None:
        with self.sessions() as session:
            report = verify(session)
        assert report.ok, report.as_dict()

    @invariant()
    def counters_match_the_model(self) -> None:
        with self.sessions() as session:
            rows = session.execute(
                select(
                    Account.id,
                    Account.debits_posted,
                    Account.credits_posted,
                    Account.debits_pending,
                    Account.credits_pending,
                ).where(Account.id.in_(self.ids.values()))
            ).all()
            open_holds = set(
                session.scalars(
                    select(OpenHold.transfer_id).where(
                        OpenHold.transfer_id.like(f"{self.prefix}-%")
                    )
                ).all()
            )
        stored = {self.code_of(row[0]): list(row[1:]) for row in rows}
        assert stored == self.model
        assert open_holds == {h.id for h in self.holds.values() if h.open}

    @invariant()
    def no_wallet_below_zero(self) -> None:
        wallet_ids = [self.ids[code] for code in self.wallets]
        with self.sessions() as session:
            wallets = session.scalars(select(Account).where(Account.id.in_(wallet_ids))).all()
            below = {w.code: w.available for w in wallets if w.available < 0}
        assert len(wallets) == WALLETS
        assert below == {}


def _counters(account: Account) -> Counters:
    return [
        account.debits_posted,
        account.credits_posted,
        account.debits_pending,
        account.credits_pending,
    ]


def test_ledger_matches_its_model_under_random_operations(
    sessions: sessionmaker[Session],
) -> None:
    run_state_machine_as_test(lambda: LedgerMachine(sessions), settings=SETTINGS)

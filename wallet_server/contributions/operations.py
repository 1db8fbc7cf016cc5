"""Contribution scale, payments and subsidies into the fund, and who is behind."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wallet_server import clock
from wallet_server.contributions.models import (
    DEFAULT_TIERS_CENTS,
    ContributionPayment,
    ContributionScale,
    ContributionTier,
    PaymentMethod,
    Subsidy,
)
from wallet_server.fund import FundAccount, fund_account
from wallet_server.ledger import TransferRequest, transfer
from wallet_server.months import months_between, parse_month
from wallet_server.participants.models import Participant, ParticipantStatus
from wallet_server.refusals import Refusal


class ContributionError(Refusal):
    pass


def set_scale(
    session: Session, *, effective_month: str, tiers_cents: Sequence[int], decided_by: str
) -> ContributionScale:
    """Record a committee decision on the scale; level 1 is the first amount."""
    parse_month(effective_month)
    if not tiers_cents or any(type(c) is not int or c <= 0 for c in tiers_cents):
        raise ContributionError("invalid_amount", tiers=list(tiers_cents))
    scale = ContributionScale(effective_month=effective_month, decided_by=decided_by)
    session.add(scale)
    session.flush()
    session.add_all(
        ContributionTier(scale_id=scale.id, level=level, monthly_cents=cents)
        for level, cents in enumerate(tiers_cents, start=1)
    )
    session.flush()
    return scale


def scale_for(session: Session, month: str) -> dict[int, int]:
    """Level → monthly cents in force for `month` (the default scale before any decision)."""
    scale_id = session.scalar(
        select(ContributionScale.id)
        .where(ContributionScale.effective_month <= parse_month(month))
        .order_by(ContributionScale.effective_month.desc(), ContributionScale.id.desc())
        .limit(1)
    )
    if scale_id is None:
        return dict(enumerate(DEFAULT_TIERS_CENTS, start=1))
    rows = session.execute(
        select(ContributionTier.level, ContributionTier.monthly_cents).where(
            ContributionTier.scale_id == scale_id
        )
    ).all()
    return {level: cents for level, cents in rows}


def scale_decisions(
    session: Session, *, limit: int = 50
) -> list[tuple[ContributionScale, dict[int, int]]]:
    """The committee's scale decisions, latest effective month first, with their tiers."""
    scales = list(
        session.scalars(
            select(ContributionScale)
            .order_by(ContributionScale.effective_month.desc(), ContributionScale.id.desc())
            .limit(limit)
        )
    )
    tiers: dict[int, dict[int, int]] = {scale.id: {} for scale in scales}
    rows = session.execute(
        select(ContributionTier.scale_id, ContributionTier.level, ContributionTier.monthly_cents)
        .where(ContributionTier.scale_id.in_(tiers))
        .order_by(ContributionTier.level)
    ).all()
    for scale_id, level, cents in rows:
        tiers[scale_id][level] = cents
    return [(scale, tiers[scale.id]) for scale in scales]


def _payment_transfer_id(payment_id: str) -> str:
    return f"contrib:{payment_id}"


def _subsidy_transfer_id(subsidy_id: str) -> str:
    return f"subsidy:{subsidy_id}"


def recorded_payment(session: Session, payment_id: str) -> ContributionPayment | None:
    """The payment already recorded under `payment_id`, if any (a form sent twice)."""
    return session.scalar(
        select(ContributionPayment).where(
            ContributionPayment.transfer_id == _payment_transfer_id(payment_id)
        )
    )


def recorded_subsidy(session: Session, subsidy_id: str) -> Subsidy | None:
    return session.scalar(
        select(Subsidy).where(Subsidy.transfer_id == _subsidy_transfer_id(subsidy_id))
    )


def record_payment(
    session: Session,
    participant: Participant,
    *,
    amount_cents: int,
    method: PaymentMethod,
    paid_on: date,
    actor: str,
    payment_id: str | None = None,
    now: datetime | None = None,
) -> ContributionPayment:
    """A household's contribution in euros: a transfer into the reserve.

    `payment_id` makes a retried recording safe (the same id records one payment). `now`
    (default: the clock) dates the recording and its transfer; `paid_on` is when they paid.
    """
    now = now or clock.now()
    transfer_id = _payment_transfer_id(payment_id or uuid.uuid4().hex)
    existing = session.scalar(
        select(ContributionPayment).where(ContributionPayment.transfer_id == transfer_id)
    )
    _into_reserve(
        session,
        FundAccount.CONTRIBUTIONS,
        transfer_id,
        amount_cents,
        actor=actor,
        kind="contribution",
        reference=participant.public_id,
        now=now,
    )
    if existing is not None:
        return existing
    payment = ContributionPayment(
        participant_id=participant.id,
        amount_cents=amount_cents,
        method=PaymentMethod(method).value,
        paid_on=paid_on,
        transfer_id=transfer_id,
        recorded_by=actor,
        created_at=now,
    )
    session.add(payment)
    session.flush()
    return payment


def _into_reserve(
    session: Session,
    source: FundAccount,
    transfer_id: str,
    amount_cents: int,
    *,
    actor: str,
    kind: str,
    reference: str,
    now: datetime,
) -> None:
    """Euros from outside (households, funders) into the reserve; idempotent by id."""
    transfer(
        session,
        TransferRequest(
            id=transfer_id,
            debit_account_id=fund_account(session, source).id,
            credit_account_id=fund_account(session, FundAccount.RESERVE).id,
            amount=amount_cents,
            kind=kind,
            actor=actor,
            reference=reference,
        ),
        now=now,
    )


def record_subsidy(
    session: Session,
    *,
    funder: str,
    amount_cents: int,
    received_on: date,
    actor: str,
    subsidy_id: str | None = None,
    now: datetime | None = None,
) -> Subsidy:
    """Euros from a funder into the reserve; `now` (default: the clock) dates the recording
    and its transfer, `received_on` the day the euros came in."""
    now = now or clock.now()
    if not funder.strip():
        raise ContributionError("invalid_funder")
    transfer_id = _subsidy_transfer_id(subsidy_id or uuid.uuid4().hex)
    existing = session.scalar(select(Subsidy).where(Subsidy.transfer_id == transfer_id))
    _into_reserve(
        session,
        FundAccount.SUBSIDIES,
        transfer_id,
        amount_cents,
        actor=actor,
        kind="subsidy",
        reference=funder.strip()[:200],
        now=now,
    )
    if existing is not None:
        return existing
    subsidy = Subsidy(
        funder=funder.strip(),
        amount_cents=amount_cents,
        received_on=received_on,
        transfer_id=transfer_id,
        recorded_by=actor,
        created_at=now,
    )
    session.add(subsidy)
    session.flush()
    return subsidy


@dataclass(frozen=True)
class Arrears:
    public_id: str
    name: str | None
    level: int
    expected_cents: int
    paid_cents: int

    @property
    def owed_cents(self) -> int:
        return self.expected_cents - self.paid_cents


def expected_cents(scales: dict[str, dict[int, int]], *, level: int, enrolled_month: str) -> int:
    """What a level owes over the months of `scales` from `enrolled_month` on."""
    return sum(scale.get(level, 0) for month, scale in scales.items() if month >= enrolled_month)


def who_is_behind(session: Session, *, as_of_month: str) -> list[Arrears]:
    """Active participants whose payments are below what their level asks up to `as_of_month`."""
    participants = session.execute(
        select(
            Participant.id,
            Participant.public_id,
            Participant.name,
            Participant.contribution_level,
            Participant.enrolled_month,
        )
        .where(
            Participant.status == ParticipantStatus.ACTIVE.value,
            Participant.contribution_level.is_not(None),
            Participant.enrolled_month <= parse_month(as_of_month),
        )
        .order_by(Participant.id)
    ).all()
    if not participants:
        return []
    first = min(p.enrolled_month for p in participants)
    months = months_between(first, as_of_month)
    scales = {month: scale_for(session, month) for month in months}
    paid = dict(
        session.execute(
            select(
                ContributionPayment.participant_id, func.sum(ContributionPayment.amount_cents)
            ).group_by(ContributionPayment.participant_id)
        ).all()
    )
    behind: list[Arrears] = []
    for p in participants:
        expected = expected_cents(
            scales, level=p.contribution_level, enrolled_month=p.enrolled_month
        )
        paid_cents = int(paid.get(p.id) or 0)
        if paid_cents < expected:
            behind.append(Arrears(p.public_id, p.name, p.contribution_level, expected, paid_cents))
    return behind

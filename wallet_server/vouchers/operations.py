"""Paper vouchers for participants without a smartphone (ARCHITECTURE §5): a sheet of single-use
signed QR codes of one value, each guarded by its own hold on the participant's wallet.

A voucher is an ordinary offline-capable pay code that lives longer and is printed: any till
redeems it as it redeems a phone's code, and cancelling one is cancelling that code.
"""

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from paytoken import FLAG_OFFLINE, PaymentClaims, SigningKey, issue_token
from wallet_server import clock
from wallet_server.config import TokenSettings
from wallet_server.fund import FundAccount, fund_account
from wallet_server.ledger import (
    LedgerError,
    OpenHold,
    Transfer,
    TransferPhase,
    TransferRequest,
    create_transfers,
    lock_accounts,
)
from wallet_server.participants.models import Participant, ParticipantStatus
from wallet_server.pos.models import Redemption
from wallet_server.refusals import Refusal
from wallet_server.settlement import (
    cancel_transfer_id,
    hold_expiry,
    token_hold_id,
    voucher_hold_reference,
)
from wallet_server.shops.models import Shop
from wallet_server.tokens.models import IssuedToken
from wallet_server.tokens.operations import wallet_account
from wallet_server.tokens.wallet_codes import release_token
from wallet_server.vouchers.models import Voucher, VoucherSheet

#: one printed sheet at most: four A4 pages of ten
MAX_VOUCHERS_PER_SHEET = 40


class VoucherError(Refusal):
    STATUS: ClassVar[Mapping[str, int]] = {"participant_not_active": 403}


def issue_sheet(
    session: Session,
    participant: Participant,
    *,
    value_cents: int,
    count: int,
    signer: SigningKey,
    settings: TokenSettings,
    actor: str,
    now: datetime | None = None,
) -> VoucherSheet:
    """Sign `count` vouchers of `value_cents` and hold value × count on the wallet; refused,
    with nothing written, if the participant is inactive, the request out of bounds or the
    wallet's available balance too small."""
    now = now or clock.now()
    check_sheet_request(
        session, participant, value_cents=value_cents, count=count, settings=settings
    )
    total = value_cents * count
    # Signing costs CPU: done before the wallet is locked, as for a phone's pay code.
    issued_at = int(now.timestamp())
    claims = [
        PaymentClaims.new(
            wallet=participant.public_id,
            cap_cents=value_cents,
            issued_at=issued_at,
            expires_at=issued_at + settings.voucher_seconds,
            flags=FLAG_OFFLINE,
        )
        for _ in range(count)
    ]
    texts = [issue_token(claim, signer) for claim in claims]

    clearing = fund_account(session, FundAccount.CLEARING)
    locked = lock_accounts(session, [participant.account_id, clearing.id])
    _refuse_short(locked[participant.account_id].available, total, participant)
    hold_expires = hold_expiry(claims[0].expires, settings)
    results = create_transfers(
        session,
        [
            TransferRequest(
                id=token_hold_id(claim.token_id),
                debit_account_id=participant.account_id,
                credit_account_id=clearing.id,
                amount=value_cents,
                kind="payment",
                actor=actor,
                reference=voucher_hold_reference(participant.public_id),
                phase=TransferPhase.PENDING,
                expires_at=hold_expires,
            )
            for claim in claims
        ],
        now=now,
        locked=locked,
    )
    for result in results:
        if result.error is not None:  # checked under the lock above: a bug, never a refusal
            raise result.error
    sheet = VoucherSheet(
        participant_id=participant.id,
        value_cents=value_cents,
        count=count,
        created_by=actor,
        created_at=now,
        expires_at=claims[0].expires,
    )
    session.add(sheet)
    session.add_all(
        IssuedToken(
            token_id=claim.token_id.hex(),
            participant_id=participant.id,
            account_id=participant.account_id,
            kid=signer.kid.hex(),
            hold_id=token_hold_id(claim.token_id),
            cap_cents=value_cents,
            offline=True,
            kind="voucher",
            issued_at=now,
            expires_at=claim.expires,
        )
        for claim in claims
    )
    session.flush()  # vouchers point at the sheet and at their tokens
    session.add_all(
        Voucher(sheet_id=sheet.id, number=number, token_id=claim.token_id.hex(), token_text=text)
        for number, (claim, text) in enumerate(zip(claims, texts, strict=True), start=1)
    )
    session.flush()
    return sheet


def check_sheet_request(
    session: Session,
    participant: Participant,
    *,
    value_cents: int,
    count: int,
    settings: TokenSettings,
) -> None:
    """Refuse a sheet that could not be issued now (read without locking: a preview, and
    the first of issue_sheet's two checks)."""
    if participant.status != ParticipantStatus.ACTIVE.value:
        raise VoucherError("participant_not_active")
    if not 1 <= count <= MAX_VOUCHERS_PER_SHEET:
        raise VoucherError("voucher_count_invalid", count=count)
    if not 0 < value_cents <= settings.cap_cents:
        raise VoucherError("voucher_value_invalid", value_cents=value_cents)
    _refuse_short(wallet_account(session, participant).available, value_cents * count, participant)


def _refuse_short(available: int, total: int, participant: Participant) -> None:
    if available < total:
        raise LedgerError(
            "insufficient_funds",
            account=f"wallet:{participant.public_id}",
            available=available,
            amount=total,
        )


def cancel_voucher(
    session: Session, voucher: Voucher, actor: str, *, now: datetime | None = None
) -> Voucher:
    """Release an unused voucher's money and blocklist it, so that tills refuse it from
    their next sync. A used voucher cannot be cancelled: its money went to the shop."""
    issued = session.get(IssuedToken, voucher.token_id)
    assert issued is not None  # a foreign key
    try:
        release_token(session, issued, actor=actor, reason="paper voucher cancelled", now=now)
    except Refusal as error:
        if error.code != "token_not_outstanding":
            raise
        # Judged under the wallet's lock that release_token took: no redemption is midway.
        code = "voucher_already_used" if _used(session, voucher) else "voucher_not_outstanding"
        raise VoucherError(code, number=voucher.number) from None
    return voucher


def cancel_sheet(
    session: Session, sheet: VoucherSheet, actor: str, *, now: datetime | None = None
) -> list[Voucher]:
    """Cancel every voucher of the sheet whose money is still held; return them."""
    now = now or clock.now()
    participant = session.get(Participant, sheet.participant_id)
    assert participant is not None
    clearing = fund_account(session, FundAccount.CLEARING)
    lock_accounts(session, [participant.account_id, clearing.id])
    pairs = _vouchers_with_tokens(session, [sheet.id])
    open_holds = _open_holds(session, [issued.hold_id for _, issued in pairs])
    held = [voucher for voucher, issued in pairs if issued.hold_id in open_holds]
    if not held:
        raise VoucherError("voucher_sheet_spent", sheet=sheet.id)
    for voucher in held:
        cancel_voucher(session, voucher, actor, now=now)
    return held


def _used(session: Session, voucher: Voucher) -> bool:
    found = session.scalar(
        select(Redemption.id).where(Redemption.token_id == voucher.token_id).limit(1)
    )
    return found is not None


class VoucherState(enum.StrEnum):
    OUTSTANDING = "outstanding"
    USED = "used"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


@dataclass(frozen=True)
class VoucherStatus:
    voucher: Voucher
    state: VoucherState
    #: for a used voucher: where, when (as the till captured it) and for how much
    shop_name: str | None = None
    used_at: datetime | None = None
    amount_cents: int | None = None
    #: its money is still reserved (outstanding, or expired but within the sync grace)
    held: bool = False


@dataclass(frozen=True)
class SheetStatus:
    sheet: VoucherSheet
    vouchers: list[VoucherStatus]

    def count(self, state: VoucherState) -> int:
        return sum(1 for status in self.vouchers if status.state == state)

    @property
    def held_cents(self) -> int:
        return sum(self.sheet.value_cents for status in self.vouchers if status.held)


def sheet_status(session: Session, sheet: VoucherSheet, now: datetime | None = None) -> SheetStatus:
    """Each voucher's state: outstanding, used (at which shop, when), cancelled or expired."""
    return sheets_status(session, [sheet], now)[0]


def participant_sheets(
    session: Session, participant: Participant, now: datetime | None = None
) -> list[SheetStatus]:
    """The participant's sheets, newest first, each with its vouchers' states."""
    sheets = session.scalars(
        select(VoucherSheet)
        .where(VoucherSheet.participant_id == participant.id)
        .order_by(VoucherSheet.created_at.desc(), VoucherSheet.id.desc())
    ).all()
    return sheets_status(session, sheets, now)


def sheets_status(
    session: Session, sheets: Sequence[VoucherSheet], now: datetime | None = None
) -> list[SheetStatus]:
    """The states of many sheets' vouchers in a fixed number of queries."""
    now = now or clock.now()
    pairs = _vouchers_with_tokens(session, [sheet.id for sheet in sheets])
    open_holds = _open_holds(session, [issued.hold_id for _, issued in pairs])
    token_ids = [voucher.token_id for voucher, _ in pairs]
    cancelled = set(
        session.scalars(
            select(Transfer.id).where(Transfer.id.in_([cancel_transfer_id(t) for t in token_ids]))
        )
    )
    uses = _first_uses(session, token_ids)
    by_sheet: dict[int, list[VoucherStatus]] = {sheet.id: [] for sheet in sheets}
    for voucher, issued in pairs:
        held = issued.hold_id in open_holds
        if voucher.token_id in uses:
            shop_name, used_at, amount = uses[voucher.token_id]
            status = VoucherStatus(voucher, VoucherState.USED, shop_name, used_at, amount)
        elif cancel_transfer_id(voucher.token_id) in cancelled:
            status = VoucherStatus(voucher, VoucherState.CANCELLED)
        elif held and now < issued.expires_at:
            status = VoucherStatus(voucher, VoucherState.OUTSTANDING, held=True)
        else:
            status = VoucherStatus(voucher, VoucherState.EXPIRED, held=held)
        by_sheet[voucher.sheet_id].append(status)
    return [SheetStatus(sheet, by_sheet[sheet.id]) for sheet in sheets]


def _first_uses(session: Session, token_ids: list[str]) -> dict[str, tuple[str, datetime, int]]:
    """Shop name, capture time and amount of each token's first redemption."""
    uses: dict[str, tuple[str, datetime, int]] = {}
    for token_id, shop_name, captured_at, amount in session.execute(
        select(Redemption.token_id, Shop.name, Redemption.captured_at, Redemption.amount_cents)
        .join(Shop, Shop.id == Redemption.shop_id)
        .where(Redemption.token_id.in_(token_ids))
        .order_by(Redemption.id.desc())  # the first use wins: it is written last
    ):
        if token_id is not None:
            uses[token_id] = (shop_name, captured_at, amount)
    return uses


def find_sheet(session: Session, participant: Participant, sheet_id: int) -> VoucherSheet:
    sheet = session.get(VoucherSheet, sheet_id)
    if sheet is None or sheet.participant_id != participant.id:
        raise VoucherError("voucher_not_found")
    return sheet


def find_voucher(session: Session, sheet: VoucherSheet, number: int) -> Voucher:
    voucher = session.scalar(
        select(Voucher).where(Voucher.sheet_id == sheet.id, Voucher.number == number)
    )
    if voucher is None:
        raise VoucherError("voucher_not_found")
    return voucher


def printable_vouchers(session: Session, sheet: VoucherSheet) -> list[Voucher]:
    return list(
        session.scalars(
            select(Voucher).where(Voucher.sheet_id == sheet.id).order_by(Voucher.number)
        )
    )


def _vouchers_with_tokens(
    session: Session, sheet_ids: list[int]
) -> list[tuple[Voucher, IssuedToken]]:
    if not sheet_ids:
        return []
    rows = session.execute(
        select(Voucher, IssuedToken)
        .join(IssuedToken, IssuedToken.token_id == Voucher.token_id)
        .where(Voucher.sheet_id.in_(sheet_ids))
        .order_by(Voucher.sheet_id, Voucher.number)
    )
    return [(voucher, issued) for voucher, issued in rows]


def _open_holds(session: Session, hold_ids: list[str]) -> set[str]:
    if not hold_ids:
        return set()
    return set(
        session.scalars(select(OpenHold.transfer_id).where(OpenHold.transfer_id.in_(hold_ids)))
    )

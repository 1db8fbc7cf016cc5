"""Issuing, cancelling and following a sheet of paper vouchers, with the real ledger."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from paytoken import verify_token
from tests.vouchers.conftest import SETTINGS, new_device, redeem_voucher, wallet_of
from wallet_server import clock
from wallet_server.config import TokenSettings
from wallet_server.ledger import (
    LedgerError,
    OpenHold,
    Transfer,
    sweep_expired_holds,
    verify,
)
from wallet_server.participants.models import ParticipantStatus
from wallet_server.pos.redemption import RedemptionError
from wallet_server.refusals import Refusal
from wallet_server.tokens.keystore import KeyStore
from wallet_server.tokens.models import BlocklistEntry, IssuedToken
from wallet_server.tokens.operations import issue_pay_code, published_keyset, rotate_signing_key
from wallet_server.tokens.wallet_codes import cancel_code, outstanding_codes
from wallet_server.vouchers.models import Voucher, VoucherSheet
from wallet_server.vouchers.operations import (
    VoucherError,
    VoucherState,
    cancel_sheet,
    cancel_voucher,
    issue_sheet,
    participant_sheets,
    printable_vouchers,
    sheet_status,
)


def _issue(session, person, signer, *, value=1_000, count=3, settings=SETTINGS, now=None):
    return issue_sheet(
        session,
        person,
        value_cents=value,
        count=count,
        signer=signer,
        settings=settings,
        actor="user:alice",
        now=now,
    )


def _written(session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(table))
        for table in (Transfer, OpenHold, IssuedToken, VoucherSheet, Voucher)
    )


def test_a_sheet_holds_value_times_count_each_voucher_an_offline_code(session, person, signer):
    now = clock.now().replace(microsecond=0)
    sheet = _issue(session, person, signer, value=1_500, count=4, now=now)

    wallet = wallet_of(session, person)
    assert (wallet.available, wallet.debits_pending, wallet.balance) == (4_000, 6_000, 10_000)
    assert sheet.expires_at == now + timedelta(days=62)
    vouchers = printable_vouchers(session, sheet)
    assert [v.number for v in vouchers] == [1, 2, 3, 4]
    keyset = published_keyset(session, SETTINGS)
    for voucher in vouchers:
        claims = verify_token(voucher.token_text, keyset)
        assert (claims.cap_cents, claims.offline_allowed) == (1_500, True)
        assert claims.wallet == person.public_id and claims.expires == sheet.expires_at
        issued = session.get(IssuedToken, voucher.token_id)
        assert (issued.kind, issued.cap_cents, issued.offline) == ("voucher", 1_500, True)
        hold = session.get(Transfer, issued.hold_id)
        assert (hold.phase, hold.amount) == ("pending", 1_500)
        assert hold.expires_at == sheet.expires_at + timedelta(seconds=SETTINGS.sync_grace_seconds)
    assert len({v.token_text for v in vouchers}) == 4
    assert verify(session).ok


def test_too_little_money_refuses_the_whole_sheet_and_writes_nothing(session, person, signer):
    _issue(session, person, signer, value=2_000, count=4)  # 20 € left
    before = _written(session)
    with pytest.raises(LedgerError) as refused:
        _issue(session, person, signer, value=1_000, count=3)
    assert refused.value.code == "insufficient_funds"
    assert refused.value.details["available"] == 2_000
    assert _written(session) == before
    assert wallet_of(session, person).available == 2_000


@pytest.mark.parametrize(
    ("value", "count", "code"),
    [
        (1_000, 0, "voucher_count_invalid"),
        (100, 41, "voucher_count_invalid"),
        (0, 2, "voucher_value_invalid"),
        (-500, 2, "voucher_value_invalid"),
        (SETTINGS.cap_cents + 1, 1, "voucher_value_invalid"),
    ],
)
def test_a_sheet_out_of_bounds_is_refused(session, person, signer, value, count, code):
    before = _written(session)
    with pytest.raises(VoucherError) as refused:
        _issue(session, person, signer, value=value, count=count)
    assert refused.value.code == code
    assert _written(session) == before


def test_a_suspended_participant_gets_no_vouchers(session, person, signer):
    person.status = ParticipantStatus.SUSPENDED.value
    with pytest.raises(VoucherError) as refused:
        _issue(session, person, signer)
    assert refused.value.code == "participant_not_active"


def test_vouchers_do_not_keep_the_phone_from_getting_pay_codes(session, person, signer):
    settings = TokenSettings(cap_cents=1_000, max_outstanding=3)
    _issue(session, person, signer, value=500, count=10, settings=settings)
    for _ in range(3):
        issue_pay_code(session, person, signer=signer, settings=settings, offline=True)
    listed = outstanding_codes(session, person)
    assert [code.kind for code in listed] == ["code"] * 3
    with pytest.raises(Refusal) as refused:
        issue_pay_code(session, person, signer=signer, settings=settings)
    assert refused.value.code == "too_many_tokens"  # the phone's own limit still holds
    assert wallet_of(session, person).available == 10_000 - 5_000 - 3_000


def test_a_cancelled_voucher_frees_its_money_and_is_refused_at_the_till(session, person, signer):
    sheet = _issue(session, person, signer, value=1_000, count=3)
    first = printable_vouchers(session, sheet)[0]
    cancel_voucher(session, first, "user:alice")

    assert wallet_of(session, person).available == 10_000 - 2_000
    assert session.get(OpenHold, f"token:{first.token_id}") is None
    entry = session.scalar(select(BlocklistEntry).where(BlocklistEntry.token_id == first.token_id))
    assert entry is not None and entry.created_by == "user:alice"
    with pytest.raises(RedemptionError) as refused:
        redeem_voucher(session, new_device(session), first, 500, mode="online")
    assert refused.value.code == "token_revoked"
    with pytest.raises(VoucherError) as again:
        cancel_voucher(session, first, "user:alice")
    assert again.value.code == "voucher_not_outstanding"
    states = [s.state for s in sheet_status(session, sheet).vouchers]
    assert states == [VoucherState.CANCELLED, VoucherState.OUTSTANDING, VoucherState.OUTSTANDING]
    assert verify(session).ok


def test_the_phone_cannot_cancel_a_paper_voucher(session, person, signer):
    voucher = printable_vouchers(session, _issue(session, person, signer, count=1))[0]
    with pytest.raises(Refusal) as refused:
        cancel_code(session, person, voucher.token_id)
    assert refused.value.code == "token_not_found"


def test_a_used_voucher_pays_the_shop_once_and_cannot_be_cancelled(session, person, signer):
    sheet = _issue(session, person, signer, value=1_000, count=2)
    voucher = printable_vouchers(session, sheet)[0]
    device = new_device(session, "Épicerie du Marché")
    receipt = redeem_voucher(session, device, voucher, 800)
    assert (receipt.status, receipt.mode, receipt.amount_cents) == ("accepted", "offline", 800)

    with pytest.raises(VoucherError) as refused:
        cancel_voucher(session, voucher, "user:alice")
    assert refused.value.code == "voucher_already_used"
    wallet = wallet_of(session, person)
    assert (wallet.balance, wallet.available) == (9_200, 8_200)  # the unspent 2 € came back
    used = sheet_status(session, sheet).vouchers[0]
    assert used.state == VoucherState.USED
    assert (used.shop_name, used.amount_cents, used.held) == ("Épicerie du Marché", 800, False)
    assert used.used_at == receipt.captured_at
    assert verify(session).ok


def test_cancelling_a_sheet_releases_only_what_is_still_held(session, person, signer):
    sheet = _issue(session, person, signer, value=1_000, count=4)
    first, second, *_ = printable_vouchers(session, sheet)
    redeem_voucher(session, new_device(session), first, 1_000)
    cancel_voucher(session, second, "user:alice")

    assert [v.number for v in cancel_sheet(session, sheet, "user:bob")] == [3, 4]
    assert wallet_of(session, person).available == 9_000
    status = sheet_status(session, sheet)
    assert [s.state for s in status.vouchers] == [
        VoucherState.USED,
        VoucherState.CANCELLED,
        VoucherState.CANCELLED,
        VoucherState.CANCELLED,
    ]
    assert status.held_cents == 0
    with pytest.raises(VoucherError) as refused:
        cancel_sheet(session, sheet, "user:bob")
    assert refused.value.code == "voucher_sheet_spent"
    assert verify(session).ok


def test_an_expired_voucher_stays_held_through_the_grace_then_is_released(session, person, signer):
    sheet = _issue(session, person, signer, value=1_000, count=1)
    after_expiry = sheet.expires_at + timedelta(seconds=1)
    (expired,) = sheet_status(session, sheet, now=after_expiry).vouchers
    assert (expired.state, expired.held) == (VoucherState.EXPIRED, True)
    assert sheet_status(session, sheet, now=after_expiry).held_cents == 1_000

    end_of_grace = sheet.expires_at + timedelta(seconds=SETTINGS.sync_grace_seconds)
    assert sweep_expired_holds(session, now=end_of_grace) == 1
    (released,) = sheet_status(session, sheet, now=end_of_grace).vouchers
    assert (released.state, released.held) == (VoucherState.EXPIRED, False)
    assert wallet_of(session, person).available == 10_000
    with pytest.raises(VoucherError) as refused:
        cancel_voucher(session, released.voucher, "user:alice")
    assert refused.value.code == "voucher_not_outstanding"


def test_a_retired_key_stays_published_while_its_vouchers_may_be_presented(
    session, person, signer, tmp_path
):
    voucher = printable_vouchers(session, _issue(session, person, signer, count=1))[0]
    retired_at = clock.now()
    rotate_signing_key(session, KeyStore(tmp_path / "keys"), now=retired_at)
    still = published_keyset(session, SETTINGS, now=retired_at + timedelta(days=61))
    verify_token(voucher.token_text, still, now=retired_at + timedelta(days=61))
    later = published_keyset(session, SETTINGS, now=retired_at + timedelta(days=63))
    assert signer.kid.hex() in {key["kid"] for key in still.as_json()}
    assert signer.kid.hex() not in {key["kid"] for key in later.as_json()}


def test_a_participants_sheets_come_newest_first(session, person, signer):
    now = clock.now()
    older = _issue(session, person, signer, value=500, count=2, now=now - timedelta(days=3))
    newer = _issue(session, person, signer, value=700, count=1, now=now)
    listed = participant_sheets(session, person)
    assert [s.sheet.id for s in listed] == [newer.id, older.id]
    assert [s.count(VoucherState.OUTSTANDING) for s in listed] == [1, 2]
    assert [s.held_cents for s in listed] == [700, 1_000]

"""Services told `now` date everything they record at that instant, never the real clock: a
fund replaying its past (the demo seeds a year) must read back the year it lived."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tests.factories import fund
from wallet_server.config import TokenSettings
from wallet_server.contributions.models import ContributionPayment, PaymentMethod
from wallet_server.contributions.operations import record_payment, record_subsidy
from wallet_server.ledger import Account, Transfer
from wallet_server.participants.devices import bind_device
from wallet_server.participants.models import ParticipantDevice
from wallet_server.participants.operations import Enrollment, enroll
from wallet_server.participants.status import take_phones_out_of_use
from wallet_server.pos.models import Conflict, PosDevice, Redemption, Refund
from wallet_server.pos.pairing import create_pairing_code, pair_device
from wallet_server.pos.redemption import RedemptionRequest, redeem
from wallet_server.pos.refunds import refund
from wallet_server.pos.sync import redeem_batch
from wallet_server.shops.models import ShopStatus
from wallet_server.shops.operations import add_shop, change_shop_status
from wallet_server.tokens.keystore import KeyStore
from wallet_server.tokens.models import BlocklistEntry
from wallet_server.tokens.operations import (
    current_signing_key,
    issue_pay_code,
    rotate_signing_key,
)

SETTINGS = TokenSettings()
#: far enough in the past that the real clock can never be mistaken for it
THEN = datetime(2024, 3, 14, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return THEN + timedelta(minutes=minutes)


def _signing_key(session, tmp_path):
    keystore = KeyStore(tmp_path / "keys")
    rotate_signing_key(session, keystore, now=THEN)
    return current_signing_key(session, keystore)


def _till(session, name: str) -> PosDevice:
    shop = add_shop(session, name=name, now=THEN)
    change_shop_status(session, shop, ShopStatus.APPROVED, now=THEN)
    code = create_pairing_code(session, shop, actor="test", now=THEN).code
    return pair_device(session, code, name="caisse", now=THEN).device


def test_payments_syncs_refunds_and_a_double_spend_are_dated_by_now(session, tmp_path):
    key = _signing_key(session, tmp_path)
    person = enroll(session, Enrollment(enrolled_month="2024-03"), actor="test", now=THEN)
    fund(session, session.get(Account, person.account_id), 10_000, transfer_id="fund:t")
    first, second = _till(session, "La Cagette"), _till(session, "Marché")
    online = issue_pay_code(session, person, signer=key, settings=SETTINGS, now=at(10))
    paid_id = uuid.uuid4().hex
    redeem(
        session,
        first,
        RedemptionRequest(paid_id, online.text, 2_000, at(11), "online"),
        settings=SETTINGS,
        now=at(11),
    )
    refund(
        session, first, refund_id=uuid.uuid4().hex, redemption_id=paid_id, amount_cents=500,
        now=at(20),
    )  # fmt: skip
    offline = issue_pay_code(
        session, person, signer=key, settings=SETTINGS, offline=True, now=at(30)
    )
    for device, amount, synced in ((first, 3_000, 60), (second, 4_000, 90)):
        request = RedemptionRequest(uuid.uuid4().hex, offline.text, amount, at(40), "offline")
        redeem_batch(session, device, [request], settings=SETTINGS, now=at(synced))
    session.flush()

    assert {r.created_at for r in session.scalars(select(Redemption))} == {at(11), at(60), at(90)}
    assert session.scalars(select(Refund.created_at)).one() == at(20)
    assert session.scalars(select(Conflict.created_at)).one() == at(90)
    payments = session.scalars(select(Transfer).where(Transfer.kind == "payment")).all()
    assert max(t.created_at for t in payments) == at(90)
    assert session.scalars(
        select(Transfer.created_at).where(Transfer.kind == "refund")
    ).one() == at(20)


def test_contributions_subsidies_and_a_lost_phone_are_dated_by_now(session, tmp_path):
    key = _signing_key(session, tmp_path)
    person = enroll(session, Enrollment(enrolled_month="2024-03"), actor="test", now=THEN)
    fund(session, session.get(Account, person.account_id), 10_000, transfer_id="fund:t")
    record_payment(
        session, person, amount_cents=500, method=PaymentMethod.CASH, paid_on=THEN.date(),
        actor="test", now=at(5),
    )  # fmt: skip
    record_subsidy(
        session, funder="Ville", amount_cents=90_000, received_on=THEN.date(), actor="test",
        now=at(6),
    )  # fmt: skip
    bind_device(session, person, label="phone", now=at(7))
    issue_pay_code(session, person, signer=key, settings=SETTINGS, offline=True, now=at(8))
    assert take_phones_out_of_use(session, person, now=at(9)) == (1, 1)
    session.flush()

    assert session.scalars(select(ContributionPayment.created_at)).one() == at(5)
    kinds = dict(session.execute(select(Transfer.kind, Transfer.created_at)).all())
    assert (kinds["contribution"], kinds["subsidy"], kinds["token_cancel"]) == (at(5), at(6), at(9))
    device = session.scalars(select(ParticipantDevice)).one()
    assert (device.created_at, device.revoked_at) == (at(7), at(9))
    assert session.scalars(select(BlocklistEntry.created_at)).one() == at(9)

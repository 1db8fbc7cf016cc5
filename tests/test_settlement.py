"""The ids a payment writes to the ledger are stored in every fund's database: each format is
pinned here, so that changing one fails a test instead of orphaning the ledger's history."""

from datetime import UTC, datetime, timedelta

from wallet_server import settlement
from wallet_server.config import TokenSettings

TOKEN_ID = bytes.fromhex("00112233445566778899aabbccddeeff")


def test_a_pay_codes_hold_is_token_and_its_id_in_lowercase_hex():
    assert settlement.token_hold_id(TOKEN_ID) == "token:00112233445566778899aabbccddeeff"


def test_a_vouchers_hold_is_referenced_by_its_participants_public_id():
    assert settlement.voucher_hold_reference("P-AB12-CD34") == "voucher:P-AB12-CD34"


def test_a_redemption_posts_the_hold_as_redeem_and_pays_the_shop_as_pay():
    assert settlement.redemption_transfer_id("till-7-0042") == "redeem:till-7-0042"
    assert settlement.payment_transfer_id("till-7-0042") == "pay:till-7-0042"


def test_cancelling_a_code_voids_its_hold_as_cancel_and_the_token_id_as_stored():
    assert (
        settlement.cancel_transfer_id(TOKEN_ID.hex()) == "cancel:00112233445566778899aabbccddeeff"
    )


def test_a_refund_is_refund_and_the_tills_refund_id():
    assert settlement.refund_transfer_id("r-0001") == "refund:r-0001"


def test_a_conflicts_settlement_transfers_name_the_conflict_and_the_step():
    assert settlement.conflict_transfer_id(12, "write_off") == "conflict:12:write_off"
    assert settlement.conflict_transfer_id(12, "repaid_cash") == "conflict:12:repaid_cash"
    assert settlement.conflict_transfer_id(12, "repaid") == "conflict:12:repaid"
    assert settlement.conflict_reference(12) == "conflict:12"


def test_a_hold_expires_the_sync_grace_after_its_code():
    expires = datetime(2027, 3, 28, 0, 30, tzinfo=UTC)
    three_days = TokenSettings(sync_grace_seconds=72 * 3600)
    assert settlement.hold_expiry(expires, three_days) == expires + timedelta(hours=72)
    short = TokenSettings(sync_grace_seconds=90)
    assert settlement.hold_expiry(expires, short) == datetime(2027, 3, 28, 0, 31, 30, tzinfo=UTC)

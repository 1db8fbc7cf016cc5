"""Request and response schemas; they are also the OpenAPI spec."""

from datetime import UTC, datetime

from apiflask import Schema
from apiflask.fields import (
    AwareDateTime,
    Boolean,
    Date,
    DateTime,
    Dict,
    Integer,
    List,
    Nested,
    String,
)
from apiflask.validators import Length, OneOf, Range, Regexp
from marshmallow import ValidationError

from wallet_server.months import FIRST_YEAR, LAST_YEAR, in_fund_years
from wallet_server.pos.sync import MAX_BATCH

#: the most one payment or refund may carry (100,000 €): far above any pay code's cap, far
#: below the database's integers; more is refused by the schema, before anything is read
MAX_PAYMENT_CENTS = 10_000_000
PAYMENT_CENTS = Range(min=1, max=MAX_PAYMENT_CENTS)


def in_fund_years_validator(moment: datetime) -> None:
    """A till's timestamp in year 1 or 9999 is a broken clock, and a day either side of it
    overflows: refused before anything compares or stores it."""
    if not in_fund_years(moment):
        raise ValidationError(f"year from {FIRST_YEAR} to {LAST_YEAR}")


class HealthOut(Schema):
    status = String(required=True)
    database = String(required=True)


class LoginIn(Schema):
    username = String(required=True, validate=Length(1, 80))
    password = String(required=True, validate=Length(1, 200))
    totp = String(required=True, validate=Regexp(r"^\s*\d{3}\s?\d{3}\s*$"))


class UserOut(Schema):
    id = Integer(required=True)
    username = String(required=True)
    display_name = String(required=True)
    role = String(required=True)
    shop_id = Integer(allow_none=True)


class LoginOut(Schema):
    token = String(required=True)
    expires_at = DateTime(required=True)
    user = Nested(UserOut, required=True)


ID_PATTERN = r"^[A-Za-z0-9_.:\-]{8,64}$"


class KeyOut(Schema):
    kid = String(required=True)
    public_key = String(required=True, metadata={"description": "raw Ed25519 key, base64url"})
    valid_from = String(required=True)
    valid_until = String(required=True, allow_none=True)


class KeysetOut(Schema):
    keys = List(Nested(KeyOut), required=True)
    digest = String(required=True, metadata={"description": "SHA-256 of the canonical keys"})


class BlocklistQuery(Schema):
    since = Integer(load_default=0, validate=Range(min=0, max=2**31 - 1))


class BlocklistEntryOut(Schema):
    cursor = Integer(required=True)
    token_id = String(allow_none=True)
    wallet = String(allow_none=True)
    expires_at = DateTime(
        allow_none=True,
        metadata={"description": "when the revoked code expires; none for a wallet"},
    )


class BlocklistOut(Schema):
    entries = List(Nested(BlocklistEntryOut), required=True)
    next_cursor = Integer(required=True)


class TokenIn(Schema):
    offline = Boolean(load_default=False)


class TokenOut(Schema):
    token_id = String(required=True)
    token = String(required=True)
    cap_cents = Integer(required=True)
    expires_at = DateTime(required=True)
    offline = Boolean(required=True)
    qr_svg = String(required=True)
    qr_png_base64 = String(required=True)


class WalletOut(Schema):
    public_id = String(required=True)
    available_cents = Integer(required=True)
    held_cents = Integer(required=True, metadata={"description": "reserved by unused pay codes"})
    balance_cents = Integer(required=True)
    outstanding_codes = Integer(required=True)
    next_allocation_on = Date(required=True)


class HistoryQuery(Schema):
    limit = Integer(load_default=20, validate=Range(min=1, max=100))
    before = String(load_default=None, validate=Length(1, 120))


class MovementOut(Schema):
    id = String(required=True)
    at = DateTime(required=True)
    amount_cents = Integer(required=True, metadata={"description": "negative when spent"})
    kind = String(required=True, metadata={"description": "allocation, payment, refund, ..."})
    shop_name = String(allow_none=True)
    month = String(allow_none=True)


class HistoryOut(Schema):
    movements = List(Nested(MovementOut), required=True)
    next_cursor = String(allow_none=True)


class OutstandingCodeOut(Schema):
    token_id = String(required=True)
    cap_cents = Integer(required=True)
    expires_at = DateTime(required=True)
    offline = Boolean(required=True)


class OutstandingCodesOut(Schema):
    tokens = List(Nested(OutstandingCodeOut), required=True)


class CancelledCodeOut(Schema):
    token_id = String(required=True)


class ActivateIn(Schema):
    code = String(required=True, validate=Length(4, 40))
    label = String(load_default="", validate=Length(0, 100))


class ActivateOut(Schema):
    credential = String(required=True)
    public_id = String(required=True)


class ActivationCodeOut(Schema):
    code = String(required=True)
    activation_path = String(required=True, metadata={"description": "the app's link"})
    expires_at = DateTime(required=True)


class DirectoryShopOut(Schema):
    public_id = String(required=True)
    name = String(required=True)
    address = String(required=True)
    opening_hours = String(required=True)
    categories = List(String(), required=True)


class DirectoryOut(Schema):
    shops = List(Nested(DirectoryShopOut), required=True)


class PairIn(Schema):
    code = String(required=True, validate=Length(4, 20))
    name = String(load_default="", validate=Length(0, 100))


class OfflineLimitsOut(Schema):
    max_amount_cents = Integer(required=True)
    max_count = Integer(required=True)
    max_total_cents = Integer(required=True)
    max_hours_since_sync = Integer(required=True)
    clock_skew_seconds = Integer(required=True)


class TillOut(Schema):
    device_id = Integer(required=True)
    device_name = String(required=True)
    shop_public_id = String(required=True)
    shop_name = String(required=True)
    server_time = DateTime(required=True)
    offline_limits = Nested(OfflineLimitsOut, required=True)


class PairOut(TillOut):
    credential = String(required=True)


class HeartbeatIn(Schema):
    unsynced_count = Integer(required=True, strict=True, validate=Range(min=0, max=10_000_000))
    unsynced_cents = Integer(
        required=True, strict=True, validate=Range(min=0, max=1_000_000_000_000)
    )
    synced = Boolean(load_default=False, metadata={"description": "the journal was uploaded"})


class RedemptionIn(Schema):
    redemption_id = String(required=True, validate=Regexp(ID_PATTERN))
    token = String(required=True, validate=Length(1, 400))
    amount_cents = Integer(required=True, strict=True, validate=PAYMENT_CENTS)
    captured_at = AwareDateTime(
        required=True, default_timezone=UTC, validate=in_fund_years_validator
    )
    mode = String(required=True, validate=OneOf(["online", "offline"]))


class ReceiptOut(Schema):
    receipt_number = String(required=True)
    redemption_id = String(required=True)
    amount_cents = Integer(required=True)
    status = String(required=True, metadata={"description": "accepted or conflict"})
    mode = String(required=True)
    captured_at = DateTime(required=True)


class RefundIn(Schema):
    refund_id = String(required=True, validate=Regexp(ID_PATTERN))
    redemption_id = String(required=True, validate=Regexp(ID_PATTERN))
    amount_cents = Integer(required=True, strict=True, validate=PAYMENT_CENTS)


class RefundOut(Schema):
    refund_id = String(required=True)
    redemption_id = String(required=True)
    amount_cents = Integer(required=True)
    refunded_total_cents = Integer(required=True)


class PinPaymentIn(Schema):
    redemption_id = String(required=True, validate=Regexp(ID_PATTERN))
    participant_public_id = String(required=True, validate=Length(9, 20))
    pin = String(required=True, validate=Regexp(r"^\d{4,6}$"))
    amount_cents = Integer(required=True, strict=True, validate=PAYMENT_CENTS)


class PairingCodeOut(Schema):
    code = String(required=True)
    expires_at = DateTime(required=True)


class PinIn(Schema):
    pin = String(required=True, validate=Regexp(r"^\d{4,6}$"))


class DeviceCredentialIn(Schema):
    label = String(load_default="", validate=Length(0, 100))


class DeviceCredentialOut(Schema):
    device_id = Integer(required=True)
    credential = String(required=True)


class RevokeIn(Schema):
    token_id = String(validate=Regexp(r"^[0-9a-f]{32}$"))
    wallet = String(validate=Length(9, 20))
    reason = String(load_default="", validate=Length(0, 200))


class RevokeOut(Schema):
    cursor = Integer(required=True)


class Empty(Schema):
    pass


class RedemptionBatchIn(Schema):
    redemptions = List(Nested(RedemptionIn), required=True, validate=Length(1, MAX_BATCH))


class BatchItemOut(Schema):
    redemption_id = String(required=True)
    status = String(required=True, metadata={"description": "accepted, conflict or rejected"})
    receipt = Nested(ReceiptOut, allow_none=True)
    code = String(allow_none=True)
    message = String(allow_none=True)
    messages = Dict(keys=String(), values=String(), allow_none=True)


class RedemptionBatchOut(Schema):
    results = List(Nested(BatchItemOut), required=True)

"""Imports every model so that Base.metadata is complete (Alembic, create_all in tools)."""

from wallet_server.allocations.models import Allocation, AllocationPolicy, AllocationRun
from wallet_server.audit.models import AuditEntry
from wallet_server.contributions.models import (
    ContributionPayment,
    ContributionScale,
    ContributionTier,
    Subsidy,
)
from wallet_server.ledger.model import Account, OpenHold, Transfer
from wallet_server.orm import Base
from wallet_server.participants.models import Participant, ParticipantDevice
from wallet_server.pos.models import Conflict, PairingCode, PosDevice, Redemption, Refund
from wallet_server.reimbursements.models import PayoutBatch, PayoutLine
from wallet_server.shops.models import Shop, ShopDecision
from wallet_server.tokens.models import BlocklistEntry, IssuedToken, SigningKeyRecord
from wallet_server.users.models import ApiSession, User
from wallet_server.vouchers.models import Voucher, VoucherSheet

__all__ = [
    "Account",
    "Allocation",
    "AllocationPolicy",
    "AllocationRun",
    "ApiSession",
    "AuditEntry",
    "Base",
    "BlocklistEntry",
    "Conflict",
    "ContributionPayment",
    "ContributionScale",
    "ContributionTier",
    "IssuedToken",
    "OpenHold",
    "PairingCode",
    "Participant",
    "ParticipantDevice",
    "PayoutBatch",
    "PayoutLine",
    "PosDevice",
    "Redemption",
    "Refund",
    "Shop",
    "ShopDecision",
    "SigningKeyRecord",
    "Subsidy",
    "Transfer",
    "User",
    "Voucher",
    "VoucherSheet",
]

"""Imports every model so that Base.metadata is complete (Alembic, create_all in tools)."""

from wallet_server.allocations.models import Allocation, AllocationPolicy, AllocationRun
from wallet_server.contributions.models import (
    ContributionPayment,
    ContributionScale,
    ContributionTier,
    Subsidy,
)
from wallet_server.ledger.model import Account, OpenHold, Transfer
from wallet_server.orm import Base
from wallet_server.participants.models import Participant
from wallet_server.pos.models import Conflict, PairingCode, PosDevice, Redemption, Refund
from wallet_server.shops.models import Shop
from wallet_server.tokens.models import (
    BlocklistEntry,
    IssuedToken,
    ParticipantDevice,
    SigningKeyRecord,
)
from wallet_server.users.models import ApiSession, User

__all__ = [
    "Account",
    "Allocation",
    "AllocationPolicy",
    "AllocationRun",
    "ApiSession",
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
    "PosDevice",
    "Redemption",
    "Refund",
    "Shop",
    "SigningKeyRecord",
    "Subsidy",
    "Transfer",
    "User",
]

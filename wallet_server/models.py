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
from wallet_server.shops.models import Shop
from wallet_server.users.models import ApiSession, User

__all__ = [
    "Account",
    "Allocation",
    "AllocationPolicy",
    "AllocationRun",
    "ApiSession",
    "Base",
    "ContributionPayment",
    "ContributionScale",
    "ContributionTier",
    "OpenHold",
    "Participant",
    "Shop",
    "Subsidy",
    "Transfer",
    "User",
]

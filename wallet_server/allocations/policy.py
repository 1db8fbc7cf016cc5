"""What one wallet receives under a policy: pure arithmetic on integer cents."""

from dataclasses import dataclass

from wallet_server.allocations.models import AllocationMode


@dataclass(frozen=True)
class PolicyTerms:
    amount_cents: int
    extra_member_cents: int = 0
    mode: AllocationMode = AllocationMode.ADD
    carry_over_cap_cents: int | None = None


@dataclass(frozen=True)
class WalletAllocation:
    #: returned to the reserve because it exceeds the carry-over cap
    reclaim_cents: int
    #: credited to the wallet from the reserve
    allocate_cents: int


def allocation_for(
    terms: PolicyTerms, *, household_size: int, available_cents: int
) -> WalletAllocation:
    """Apply the carry-over cap first, then `add` or `top_up_to` the household's entitlement.

    Only available money can be reclaimed: funds held by an outstanding pay code stay put.
    """
    reclaim = 0
    if terms.carry_over_cap_cents is not None and available_cents > terms.carry_over_cap_cents:
        reclaim = available_cents - terms.carry_over_cap_cents
    entitlement = terms.amount_cents + terms.extra_member_cents * max(household_size - 1, 0)
    if terms.mode == AllocationMode.TOP_UP_TO:
        allocate = max(entitlement - (available_cents - reclaim), 0)
    else:
        allocate = entitlement
    return WalletAllocation(reclaim_cents=reclaim, allocate_cents=allocate)

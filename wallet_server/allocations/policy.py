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
    #: credited to the wallet from the reserve: base + extra - counted + debt_covered
    allocate_cents: int
    #: the policy's amount, the first part of the household's entitlement
    base_cents: int
    #: the household members beyond the first, at the policy's extra amount each
    extra_members: int
    extra_cents: int
    #: top_up_to: what the wallet already holds, counted against the entitlement
    counted_cents: int
    #: top_up_to: a wallet below zero (a double spend charged to it) is brought up from there
    debt_covered_cents: int


def allocation_for(
    terms: PolicyTerms, *, household_size: int, available_cents: int
) -> WalletAllocation:
    """Apply the carry-over cap first, then `add` or `top_up_to` the household's entitlement.

    Only available money can be reclaimed: funds held by an outstanding pay code stay put.
    The parts (base, extra members, counted) are returned so that a preview can say which
    rule gave what, from this very computation.
    """
    reclaim = 0
    if terms.carry_over_cap_cents is not None and available_cents > terms.carry_over_cap_cents:
        reclaim = available_cents - terms.carry_over_cap_cents
    extra_members = max(household_size - 1, 0)
    extra = terms.extra_member_cents * extra_members
    entitlement = terms.amount_cents + extra
    counted, debt = 0, 0
    if terms.mode == AllocationMode.TOP_UP_TO:
        kept = available_cents - reclaim
        counted, debt = min(max(kept, 0), entitlement), max(-kept, 0)
    return WalletAllocation(
        reclaim_cents=reclaim,
        allocate_cents=entitlement - counted + debt,
        base_cents=terms.amount_cents,
        extra_members=extra_members,
        extra_cents=extra,
        counted_cents=counted,
        debt_covered_cents=debt,
    )

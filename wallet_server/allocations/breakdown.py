"""A month run's figures by rule, summed wallet by wallet as the run computes them.

The run (real or dry) adds every wallet's `WalletAllocation` here, so the preview's breakdown
is the run's own arithmetic, not a second formula: by construction

    allocated = base + extra members - already in wallets (top_up_to) + debts covered
"""

from dataclasses import dataclass, fields

from wallet_server.allocations.policy import WalletAllocation


@dataclass
class RunBreakdown:
    #: wallets allocated this run, each receiving the policy's amount in its entitlement
    wallets: int = 0
    base_cents: int = 0
    #: household members beyond the first, and what they add
    extra_members: int = 0
    extra_cents: int = 0
    #: top_up_to: wallets whose balance counted against the entitlement, and how much
    counted_wallets: int = 0
    counted_cents: int = 0
    #: top_up_to: wallets below zero brought back up, and the debt covered
    debt_wallets: int = 0
    debt_covered_cents: int = 0
    #: top_up_to: wallets that actually received something, and the total they received
    top_ups: int = 0
    top_up_cents: int = 0
    #: carry-over cap: wallets that returned their excess to the reserve, and how much
    reclaimed_wallets: int = 0
    reclaimed_cents: int = 0
    #: wallets left out, by reason
    already_allocated: int = 0
    suspended: int = 0
    closed: int = 0
    not_yet_enrolled: int = 0

    @property
    def allocated_cents(self) -> int:
        return self.base_cents + self.extra_cents - self.counted_cents + self.debt_covered_cents

    @property
    def left_out(self) -> int:
        return self.already_allocated + self.suspended + self.closed + self.not_yet_enrolled

    def count(self, share: WalletAllocation, *, topping_up: bool) -> None:
        self.wallets += 1
        self.base_cents += share.base_cents
        self.extra_members += share.extra_members
        self.extra_cents += share.extra_cents
        if share.counted_cents:
            self.counted_wallets += 1
            self.counted_cents += share.counted_cents
        if share.debt_covered_cents:
            self.debt_wallets += 1
            self.debt_covered_cents += share.debt_covered_cents
        if topping_up and share.allocate_cents:
            self.top_ups += 1
            self.top_up_cents += share.allocate_cents
        if share.reclaim_cents:
            self.reclaimed_wallets += 1
            self.reclaimed_cents += share.reclaim_cents

    def merge(self, other: "RunBreakdown") -> None:
        for name in (f.name for f in fields(self)):
            setattr(self, name, getattr(self, name) + getattr(other, name))

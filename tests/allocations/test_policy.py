"""The arithmetic of one wallet's allocation, without a database."""

import pytest

from wallet_server.allocations.models import AllocationMode
from wallet_server.allocations.policy import PolicyTerms, allocation_for

ADD = PolicyTerms(amount_cents=10_000)
TOP_UP = PolicyTerms(amount_cents=10_000, mode=AllocationMode.TOP_UP_TO)


def test_add_gives_the_amount_whatever_the_balance():
    assert allocation_for(ADD, household_size=1, available_cents=4_000).allocate_cents == 10_000


def test_extra_household_members_each_add_their_amount():
    terms = PolicyTerms(amount_cents=10_000, extra_member_cents=5_000)
    assert allocation_for(terms, household_size=3, available_cents=0).allocate_cents == 20_000


@pytest.mark.parametrize(
    ("available", "expected"), [(0, 10_000), (3_500, 6_500), (10_000, 0), (12_000, 0)]
)
def test_top_up_brings_the_wallet_up_to_the_amount_never_down(available, expected):
    share = allocation_for(TOP_UP, household_size=1, available_cents=available)
    assert (share.allocate_cents, share.reclaim_cents) == (expected, 0)


def test_carry_over_cap_reclaims_the_excess_before_adding():
    terms = PolicyTerms(amount_cents=10_000, carry_over_cap_cents=2_000)
    share = allocation_for(terms, household_size=1, available_cents=7_000)
    assert (share.reclaim_cents, share.allocate_cents) == (5_000, 10_000)


def test_carry_over_cap_then_top_up_counts_the_capped_balance():
    terms = PolicyTerms(
        amount_cents=10_000, mode=AllocationMode.TOP_UP_TO, carry_over_cap_cents=2_000
    )
    share = allocation_for(terms, household_size=1, available_cents=7_000)
    assert (share.reclaim_cents, share.allocate_cents) == (5_000, 8_000)


def test_balance_under_the_cap_is_left_alone():
    terms = PolicyTerms(amount_cents=10_000, carry_over_cap_cents=2_000)
    assert allocation_for(terms, household_size=1, available_cents=1_500).reclaim_cents == 0

"""The demo's households: size, contribution level and habits, drawn from the seed.

A few are given a part to play: the first participant (whose phone `caisse demo` activates)
keeps money in hand; two pay twice with one offline code; one loses a phone; some fall
behind with their contributions.
"""

import enum
import random
from dataclasses import dataclass

from wallet_server.demo.cast import (
    CAGETTE,
    DEMO_NAMES,
    FOUNDERS,
    GROCERY,
    JOINERS_BY_MONTH,
    MARKET,
)


class Habit(enum.StrEnum):
    """How a household pays its contribution."""

    BANK_TRANSFER = "bank_transfer"  # every month, on the 5th
    CASH = "cash"  # every month, at the grocery
    QUARTERLY = "quarterly"  # three months at once, in cash
    LATE = "late"  # in cash, but misses months
    STOPPED = "stopped"  # by bank transfer, then no more


#: household index → part in the story
FIRST = 0
DOUBLE_SPENDERS = (7, 12)
LOST_PHONE = 19
HABITS = {
    **dict.fromkeys((4, 9, 17, 26, 33), Habit.LATE),
    **dict.fromkeys((11, 22), Habit.STOPPED),
    **dict.fromkeys((3, 14, 28, 40), Habit.QUARTERLY),
}
#: the month (of the year, 0 = the first) from which the STOPPED households pay no more
STOPS_PAYING_IN = 7
#: where a household likes to shop: weights for the cooperative, the market, the grocery
TASTES = ((5, 3, 2), (2, 6, 2), (2, 3, 5), (3, 4, 3))
SHOP_KEYS = (CAGETTE, MARKET, GROCERY)


@dataclass(frozen=True)
class Household:
    index: int
    name: str
    size: int
    #: level on the contribution scale (1 = the smallest contribution)
    level: int
    #: the month of the year (0 = the first) from which it is enrolled
    joins: int
    #: the share of each allocation it spends, in percent
    spends_percent: int
    #: payments a month
    visits: int
    #: weights of the shops in SHOP_KEYS' order
    tastes: tuple[int, int, int]
    habit: Habit


def draw_households(rng: random.Random) -> list[Household]:
    """Every household of the year, in enrolment order."""
    joins = [0] * FOUNDERS
    for month, count in enumerate(JOINERS_BY_MONTH):
        joins += [month] * count
    households = []
    for index, name in enumerate(DEMO_NAMES):
        size = rng.choices((1, 2, 3, 4, 5, 6), weights=(30, 25, 18, 15, 8, 4))[0]
        level = rng.choices(range(1, 10), weights=(14, 18, 18, 16, 12, 8, 6, 4, 4))[0]
        spends = rng.randint(70, 100)
        visits = rng.randint(2, 3)
        tastes = rng.choice(TASTES)
        habit = HABITS.get(index) or rng.choice((Habit.BANK_TRANSFER, Habit.CASH))
        if index == FIRST:
            # keeps money in hand, so the demo's phone can always pay
            size, level, spends, visits, tastes = 2, 3, 75, 3, (3, 4, 3)
            habit = Habit.BANK_TRANSFER
        elif index in DOUBLE_SPENDERS:
            # spends all: its wallet is low when the second till syncs
            spends, visits = 100, 3
        households.append(
            Household(index, name, size, level, joins[index], spends, visits, tastes, habit)
        )
    return households

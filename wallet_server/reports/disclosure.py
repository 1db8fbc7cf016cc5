"""Statistical disclosure control for the evaluation export.

Primary suppression hides every group of fewer than `minimum` participants. Secondary
suppression stops a hidden group from being recovered by subtraction: the month's total is
known from another breakdown of the same month, so if a breakdown hid exactly one group, the
total less the shown groups would be that group; hiding the next smallest group as well
leaves only the sum of two hidden groups to be learned. A total is the sum of the shown
groups only.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from wallet_server.reports.shares import share_bp

#: the smallest group whose figures may be published
MIN_GROUP = 5


@dataclass(frozen=True)
class GroupFigures:
    participants: int
    allocated_cents: int
    spent_cents: int
    payments: int

    @property
    def share_bp(self) -> int | None:
        return share_bp(self.spent_cents, self.allocated_cents)

    def __add__(self, other: "GroupFigures") -> "GroupFigures":
        return GroupFigures(
            self.participants + other.participants,
            self.allocated_cents + other.allocated_cents,
            self.spent_cents + other.spent_cents,
            self.payments + other.payments,
        )


ZERO = GroupFigures(0, 0, 0, 0)


def protect(
    groups: Mapping[str, GroupFigures], order: Sequence[str], *, minimum: int = MIN_GROUP
) -> dict[str, GroupFigures | None]:
    """The groups of one breakdown of one month, with None for each suppressed group.

    `groups` holds the non-empty groups only; `order` lists every group name, and breaks ties
    when choosing the group to suppress second, so the same data always gives the same export.
    """
    hidden = {name for name, figures in groups.items() if figures.participants < minimum}
    if len(hidden) == 1:
        shown = [name for name in order if name in groups and name not in hidden]
        if shown:
            hidden.add(min(shown, key=lambda name: (groups[name].participants, order.index(name))))
    return {name: None if name in hidden else groups[name] for name in order if name in groups}


def shown_total(protected: Mapping[str, GroupFigures | None]) -> GroupFigures | None:
    """The sum of the shown groups, or None (suppressed) when none is shown."""
    shown = [figures for figures in protected.values() if figures is not None]
    if not shown:
        return None
    total = ZERO
    for figures in shown:
        total += figures
    return total

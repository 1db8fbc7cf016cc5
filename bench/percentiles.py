"""Percentiles of measured times, by the two rank rules the benchmarks report with.

The load benchmarks (redeem, soak) take the nearest rank; the till benchmarks (pos, till)
take the sample at the rounded position. The two can be one sample apart (p50 of 2,000
timings, say); both stay, so that no benchmark's figures move against its history.
"""

import math
from collections.abc import Sequence


def nearest_rank(values: Sequence[float], percent: float) -> float | None:
    """The smallest value with `percent` % of the values at or below it, a value some
    request really had; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]


def rounded_rank(values: Sequence[float], percent: float) -> float:
    """The value at position round(`percent` % of (n − 1)) of the sorted values, counting
    from 0."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]

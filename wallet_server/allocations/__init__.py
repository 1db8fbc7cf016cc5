"""Monthly allocations: a policy the committee sets, applied once per wallet per month."""

"""Conventioned shops: only approved shops' devices may redeem."""

"""Contributions by means: a tier scale set by the committee, and payments into the fund."""

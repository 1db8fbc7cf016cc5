"""Micro benchmarks: one operation timed in this process, on each database, with a baseline.

`allocation` times `run_allocation` and divides its throughput by a plain insert's
(`baseline`), so that the figure stays comparable across machines and moments.
"""

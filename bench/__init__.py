"""Benchmarks for Caisse Commune, run as `python -m bench NAME [--quick] [--json]`; NAME lives
in bench/FAMILY/NAME.py (micro, load, browser, soak, simulation).

They live beside the server, not in the test suite, because they measure time on real
databases at a territory's scale (100,000 households) rather than check behaviour: a test
must be fast and deterministic, a benchmark must be big and honest about noise. Each
benchmark still checks its own results, so a fast but wrong change cannot look like a win.

Benchmark NAME lives in bench/FAMILY/NAME.py, FAMILY one of micro (one operation in this
process), load (clients against gunicorn), browser (Chromium), soak and simulation. What
they all use (configuration, reports, percentiles, databases, gunicorn) sits here at the
top; what the benchmarks share with the tests (the till's network relay, a fund ready to
pay) is in the top-level package testsupport.
"""

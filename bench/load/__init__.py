"""Load benchmarks: clients against gunicorn in a real subprocess (bench.server).

`redeem` pays through the API from client threads (`clients`, the load generator, which the
soak uses too); `pos` times the Python till's offline acceptance, then its sync to gunicorn.
"""

"""A gunicorn config module (`-c python:bench.gunicorn_profile`) profiling the workers.

The benchmark's client runs in another process, so `--profile` cannot wrap the timed section
in cProfile as the in-process benchmarks do. Instead each worker profiles its API requests
(from `pre_request` to `post_request`, so /healthz and idle waits stay out) and writes
BENCH_PROFILE_DIR/BENCH_PROFILE_NAME-worker-PID.prof when it exits; `python -m pstats FILE`
reads it. gunicorn ignores the names here that are not settings or hooks.
"""

import cProfile
import os
from pathlib import Path
from typing import Any

#: requests under this prefix are profiled
PROFILED_PREFIX = "/api/"

_profile = cProfile.Profile()


def _profiled(request: Any) -> bool:
    return str(getattr(request, "path", "")).startswith(PROFILED_PREFIX)


def pre_request(worker: Any, req: Any) -> None:
    if _profiled(req):
        _profile.enable()


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    if _profiled(req):
        _profile.disable()


def worker_exit(server: Any, worker: Any) -> None:
    folder = Path(os.environ.get("BENCH_PROFILE_DIR", "."))
    name = os.environ.get("BENCH_PROFILE_NAME", "gunicorn")
    _profile.dump_stats(folder / f"{name}-worker-{os.getpid()}.prof")

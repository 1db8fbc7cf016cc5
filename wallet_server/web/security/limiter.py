"""Counting refused attempts with flask-limiter, one limiter per app, and the 429 answer.

One limiter per app rather than one per process: its storage and its on/off switch belong
to the app it was built with, so two apps in one process (the tests build one each) never
share counters or settings.

Moving window: "5 per 15 minutes" means any 15 minutes, with no burst at a window's edge.
If the storage (Redis) fails, counting goes on in memory rather than failing every login.
"""

import math
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app
from flask_limiter import Limiter, RateLimitExceeded

from wallet_server.config import RateLimitSettings
from wallet_server.web.errors import error_response
from wallet_server.web.security.rate_limits import RULES, client_address, limits_of

EXTENSION = "caisse.limiter"
#: told to a client when the limiter cannot say (it always can, short of a storage failure)
FALLBACK_RETRY_SECONDS = 60


def install_limiter(app: Flask, settings: RateLimitSettings) -> None:
    """Wrap every view marked `@rate_limited` with its limits; nothing when limits are off."""
    if not settings.enabled:
        return
    limiter = Limiter(
        key_func=client_address,
        storage_uri=settings.storage_uri,
        strategy="moving-window",
        key_prefix="caisse",
        in_memory_fallback_enabled=True,
        headers_enabled=False,  # Retry-After is ours (below); no other header is needed
    )
    limiter.init_app(app)
    app.extensions[EXTENSION] = limiter
    expressions = settings.expressions()
    for endpoint, view in list(app.view_functions.items()):
        guarded: Callable[..., Any] = view
        for name in limits_of(view):
            rule = RULES[name]
            # shared: API and console logins count against the same key; the scope is the
            # limit's name, so each limit has its own counters
            guarded = limiter.shared_limit(
                expressions[name], scope=name, key_func=rule.key, deduct_when=rule.counts
            )(guarded)
        app.view_functions[endpoint] = guarded
    app.register_error_handler(RateLimitExceeded, too_many_attempts)


def retry_after_seconds() -> int:
    """Seconds until the limit just hit lets one more attempt through."""
    limiter: Limiter | None = current_app.extensions.get(EXTENSION)
    current = limiter.current_limit if limiter is not None else None
    if current is None:
        return FALLBACK_RETRY_SECONDS
    return max(1, math.ceil(current.window.reset_time - time.time()))


def too_many_attempts(_error: RateLimitExceeded) -> Response:
    """The API's answer: the usual JSON refusal, code `rate_limited`, and Retry-After."""
    seconds = retry_after_seconds()
    return error_response(
        "rate_limited",
        429,
        details={"retry_after_seconds": seconds},
        headers={"Retry-After": str(seconds)},
    )

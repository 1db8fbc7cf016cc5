"""Behind nginx: believe X-Forwarded-For, -Proto, -Host and -Port from exactly N proxies.

Without this, every client looks like 127.0.0.1 (one rate-limit budget for the whole
world) and `request.is_secure` is false behind TLS (no Secure cookie, no HSTS). With too
large an N, a client could choose its own address by sending X-Forwarded-For itself: the
count must match the proxies really in front, usually one.
"""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def trust_proxies(app: Flask, hops: int) -> None:
    if hops < 1:
        return
    app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
        app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
    )

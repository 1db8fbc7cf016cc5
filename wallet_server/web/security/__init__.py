"""Production hardening that every response goes through (docs/SECURITY.md, "issue 7").

One module per job: `proxy` (whose X-Forwarded-* headers to believe), `cookies` (their
flags), `headers` (the security headers), `rate_limits` (what is limited, by what key) and
`limiter` (counting refused attempts, answering 429).
"""

from flask import Flask

from wallet_server.config import Settings
from wallet_server.web.security.cookies import harden_cookies
from wallet_server.web.security.headers import add_security_headers
from wallet_server.web.security.limiter import install_limiter
from wallet_server.web.security.proxy import trust_proxies


def protect(app: Flask, settings: Settings) -> None:
    """Wire everything in; called once every view is registered (the limiter wraps views)."""
    harden_cookies(app, settings)
    add_security_headers(app)
    install_limiter(app, settings.rate_limits)
    trust_proxies(app, settings.trusted_proxies)

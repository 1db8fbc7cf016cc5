"""Cookie flags: HttpOnly and SameSite=Lax always, Secure whenever the site is reached by
HTTPS, so a session cookie never travels in clear text or reaches a script.

Secure is decided per request rather than once: the demo on http://127.0.0.1 must keep its
cookie, while the same code behind nginx's TLS must mark it. CAISSE_SECURE_COOKIES forces it
either way; a public address in https:// turns it on for every request.
"""

from flask import Flask, Response, current_app, has_request_context, request
from flask.sessions import SecureCookieSessionInterface

from wallet_server.config import Settings

SAME_SITE = "Lax"


def harden_cookies(app: Flask, settings: Settings) -> None:
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE=SAME_SITE)
    app.session_interface = _SessionCookies()
    app.after_request(_harden_other_cookies)


def cookies_must_be_secure() -> bool:
    settings: Settings = current_app.extensions["caisse.settings"]
    if settings.secure_cookies is not None:
        return settings.secure_cookies
    if settings.public_url.lower().startswith("https://"):
        return True
    return has_request_context() and request.is_secure


class _SessionCookies(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with Secure decided by `cookies_must_be_secure`."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return cookies_must_be_secure()


def _harden_other_cookies(response: Response) -> Response:
    # Cookies a view sets itself (the session cookie is added later, by the interface above).
    cookies = response.headers.getlist("Set-Cookie")
    if cookies:
        secure = cookies_must_be_secure()
        response.headers.setlist("Set-Cookie", [hardened(c, secure=secure) for c in cookies])
    return response


def hardened(cookie: str, *, secure: bool) -> str:
    """A Set-Cookie value with the flags it lacks; those it states are left as they are."""
    present = {part.split("=", 1)[0].strip().lower() for part in cookie.split(";")[1:]}
    if "httponly" not in present:
        cookie += "; HttpOnly"
    if "samesite" not in present:
        cookie += f"; SameSite={SAME_SITE}"
    if secure and "secure" not in present:
        cookie += "; Secure"
    return cookie

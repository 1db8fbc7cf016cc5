"""CSRF protection for every console form: a per-login token, checked before any POST view.

The token lives in the signed session cookie; a page from another site can make the browser
send that cookie but cannot read the token to put it in the form.
"""

import secrets

from flask import abort, request, session
from markupsafe import Markup, escape

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"


def csrf_token() -> str:
    token = session.get(FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[FIELD] = token
    return token


def csrf_field() -> Markup:
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, escape(csrf_token()))


def check_csrf() -> None:
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    expected = session.get(FIELD)
    given = request.form.get(FIELD) or request.headers.get(HEADER) or ""
    if not isinstance(expected, str) or not secrets.compare_digest(expected, given):
        abort(400, description="csrf")

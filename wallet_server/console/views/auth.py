"""Logging in (password + TOTP), logging out, choosing the language."""

import math

from flask import (
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter import RateLimitExceeded
from werkzeug.wrappers import Response

from wallet_server.audit.operations import record_action
from wallet_server.console import safe_next
from wallet_server.console.access import TOKEN_KEY, current_user
from wallet_server.console.blueprint import console
from wallet_server.console.csrf import csrf_token
from wallet_server.console.i18n import LANG_KEY, LANGS, current_lang, refusal_text
from wallet_server.messages import message
from wallet_server.shops.models import Shop
from wallet_server.users.operations import AuthError, authenticate, close_session, open_session
from wallet_server.web.request import db_session, settings
from wallet_server.web.security.limiter import retry_after_seconds
from wallet_server.web.security.rate_limits import LOGIN, rate_limited, typed_username


@console.get("/login")
def login() -> str | Response:
    if current_user() is not None:
        return redirect(safe_next(request.args.get("next"), url_for("console.home")))
    return render_template("console/login.html", next=request.args.get("next", ""), error=None)


@console.post("/login")
@rate_limited(*LOGIN)
def login_submit() -> tuple[str, int] | Response:
    username = request.form.get("username", "").strip().lower()[:80]
    try:
        user = authenticate(
            db_session(),
            username=username,
            password=request.form.get("password", ""),
            totp_code=request.form.get("totp", ""),
        )
    except AuthError as error:
        # kept although the answer is a refusal: repeated failures are what an audit looks for
        # what was typed, unless it cannot be a username at all (a pasted control character)
        actor = username if username and username.isprintable() else "?"
        record_action(db_session(), actor=actor, role="", action="login", outcome="refused")
        g.commit_refusal = True
        page = render_template(
            "console/login.html",
            next=request.form.get("next", ""),
            error=refusal_text(error),
            username=username,
        )
        return page, 401
    token = open_session(db_session(), user, seconds=settings().session_seconds)
    lang = session.get(LANG_KEY)
    session.clear()  # a fresh session (and CSRF token) at each login: no fixation
    if lang:
        session[LANG_KEY] = lang
    session[TOKEN_KEY] = token
    csrf_token()
    record_action(db_session(), actor=user.username, role=user.role, action="login")
    return redirect(safe_next(request.form.get("next"), url_for("console.home")))


@console.errorhandler(RateLimitExceeded)
def too_many_logins(_error: RateLimitExceeded) -> Response:
    """The login form again, saying how long to wait, in the person's language."""
    seconds = retry_after_seconds()
    text = message("rate_limited_wait", current_lang()).format(minutes=math.ceil(seconds / 60))
    page = render_template(
        "console/login.html",
        next=request.form.get("next", ""),
        error=text,
        username=typed_username(),
    )
    response = make_response(page, 429)
    response.headers["Retry-After"] = str(seconds)
    return response


@console.post("/logout")
def logout() -> Response:
    token = session.get(TOKEN_KEY)
    user = current_user()
    if isinstance(token, str):
        close_session(db_session(), token)
    if user is not None:
        record_action(db_session(), actor=user.username, role=user.role, action="logout")
    session.clear()
    return redirect(url_for("console.login"))


@console.post("/language")
def set_language() -> Response:
    chosen = request.form.get("lang", "")
    if chosen in LANGS:
        session[LANG_KEY] = chosen
    return redirect(safe_next(request.form.get("next"), url_for("console.home")))


@console.get("/home")
def home() -> Response:
    """Where a login lands: the dashboard for the fund's staff, their shop for a manager."""
    user = current_user()
    if user is not None and user.shop_id is not None:
        shop = db_session().get(Shop, user.shop_id)
        if shop is not None and "console.shop_detail" in _endpoints():
            return redirect(url_for("console.shop_detail", shop_public_id=shop.public_id))
    if "console.dashboard" in _endpoints():
        return redirect(url_for("console.dashboard"))
    return redirect(url_for("console.participants"))


def _endpoints() -> set[str]:
    return set(current_app.view_functions)

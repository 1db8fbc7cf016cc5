"""Staff on the console: logging in (password + TOTP) and out, and the accounts (admin only):
create with a second factor, deactivate, reset the TOTP. The accounts' templates are in
`templates/console/users/`, beside this module; the login page is the console's
(`console/login.html`), shown before any section."""

import math

from flask import g, make_response, redirect, render_template, request, session, url_for
from flask_limiter import RateLimitExceeded
from werkzeug.wrappers import Response

from wallet_server.audit.operations import record_action
from wallet_server.console import safe_next
from wallet_server.console.access import (
    ADMINS,
    TOKEN_KEY,
    allow,
    audit,
    current_user,
    logged_in_user,
)
from wallet_server.console.blueprint import console
from wallet_server.console.csrf import csrf_token
from wallet_server.console.forms import FormError, form_text
from wallet_server.console.i18n import LANG_KEY, current_lang, flash_ok, refusal_text
from wallet_server.console.nav import nav_entry
from wallet_server.messages import message
from wallet_server.shops.operations import list_shops
from wallet_server.tokens.qr import qr_svg
from wallet_server.users.models import Role, User
from wallet_server.users.operations import (
    AuthError,
    NewUser,
    authenticate,
    close_session,
    create_user,
    list_users,
    open_session,
    reset_totp,
    set_active,
)
from wallet_server.web.request import db_session, settings
from wallet_server.web.security.limiter import retry_after_seconds
from wallet_server.web.security.rate_limits import LOGIN, rate_limited, typed_username
from wallet_server.whole_numbers import MAX_ID, whole_number

nav_entry("users", "console.users", roles=ADMINS, order=95)


def _user(user_id: int) -> User:
    found = db_session().get(User, user_id)
    if found is None:
        raise AuthError("user_not_found")
    return found


def _snapshot(user: User) -> dict[str, object]:
    return {"role": user.role, "active": user.active, "shop_id": user.shop_id}


@console.get("/users")
@allow(*ADMINS)
def users() -> str:
    return _page({}, None)


def _page(values: dict[str, str], error: str | None) -> str:
    session = db_session()
    return render_template(
        "console/users/list.html",
        users=list_users(session),
        shops=list_shops(session),
        roles=[role.value for role in Role],
        values=values,
        error=error,
        me=logged_in_user(),
    )


@console.post("/users")
@allow(*ADMINS)
def user_create() -> tuple[str, int] | str:
    values = request.form.to_dict()
    try:
        role = Role(request.form.get("role", ""))
    except ValueError:
        return _page(values, refusal_text(AuthError("invalid_request"))), 422
    shop_id = None
    if role == Role.SHOP_MANAGER:
        try:
            shop_id = whole_number(request.form.get("shop_id", ""), maximum=MAX_ID)
        except ValueError:
            return _page(values, refusal_text(AuthError("manager_needs_shop"))), 422
    try:
        created = create_user(
            db_session(),
            username=form_text("username", max_length=80),
            password=request.form.get("password", ""),
            role=role,
            display_name=form_text("display_name", required=False),
            shop_id=shop_id,
        )
    except AuthError as error:
        return _page(values, refusal_text(error)), 422
    except FormError:
        return _page(values, refusal_text(AuthError("invalid_username"))), 422
    audit("user.create", f"user:{created.user.username}", after=_snapshot(created.user))
    return _second_factor(created)


def _second_factor(created: NewUser) -> str:
    """Shown once: the secret is in the database but no page shows it again."""
    return render_template(
        "console/users/totp.html",
        created=created,
        qr=qr_svg(created.totp_uri),
    )


@console.post("/users/<int(max=2147483647):user_id>/active")
@allow(*ADMINS)
def user_active(user_id: int) -> Response:
    user = _user(user_id)
    before = _snapshot(user)
    set_active(db_session(), user, request.form.get("active") == "yes", by=logged_in_user())
    audit("user.active", f"user:{user.username}", before=before, after=_snapshot(user))
    flash_ok(user.username)
    return redirect(url_for("console.users"))


@console.post("/users/<int(max=2147483647):user_id>/totp")
@allow(*ADMINS)
def user_totp_reset(user_id: int) -> str:
    user = _user(user_id)
    created = reset_totp(db_session(), user)
    audit("user.totp_reset", f"user:{user.username}")
    return _second_factor(created)


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

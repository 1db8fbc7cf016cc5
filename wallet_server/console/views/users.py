"""Staff accounts (admin only): create with a second factor, deactivate, reset the TOTP."""

from flask import redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from wallet_server.console.access import ADMINS, allow, audit, logged_in_user
from wallet_server.console.blueprint import console
from wallet_server.console.forms import FormError, form_text
from wallet_server.console.i18n import flash_ok, refusal_text
from wallet_server.console.nav import nav_entry
from wallet_server.shops.operations import list_shops
from wallet_server.tokens.qr import qr_svg
from wallet_server.users.models import Role, User
from wallet_server.users.operations import (
    AuthError,
    NewUser,
    create_user,
    list_users,
    reset_totp,
    set_active,
)
from wallet_server.web.request import db_session
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

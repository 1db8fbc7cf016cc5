"""Coordinator login (password + TOTP), who is logged in, and logging out."""

from datetime import timedelta
from typing import Any, cast

from apiflask import APIBlueprint
from flask import g

from wallet_server import clock
from wallet_server.api.audit import audit_done, staff_action, typed_login_actor
from wallet_server.api.schemas import LoginIn, LoginOut, UserOut
from wallet_server.api.staff import staff_auth
from wallet_server.users.models import User
from wallet_server.users.operations import (
    authenticate,
    close_session,
    open_session,
)
from wallet_server.web.request import db_session, settings
from wallet_server.web.security.rate_limits import LOGIN, rate_limited

auth_blueprint = APIBlueprint("auth", __name__)


@auth_blueprint.post("/login")
@rate_limited(*LOGIN)
@staff_action("login", actor=typed_login_actor)
@auth_blueprint.input(LoginIn, arg_name="credentials")
@auth_blueprint.output(LoginOut)
@auth_blueprint.doc(summary="Log in with password and TOTP code", responses=[401, 429])
def login(credentials: dict[str, str]) -> dict[str, Any]:
    session = db_session()
    user = authenticate(
        session,
        username=credentials["username"],
        password=credentials["password"],
        totp_code=credentials["totp"],
    )
    seconds = settings().session_seconds
    token = open_session(session, user, seconds=seconds)
    audit_done(user=user)
    return {"token": token, "expires_at": clock.now() + timedelta(seconds=seconds), "user": user}


@auth_blueprint.get("/me")
@auth_blueprint.auth_required(staff_auth)
@auth_blueprint.output(UserOut)
def me() -> User:
    user = cast(User, staff_auth.current_user)
    return user


@auth_blueprint.post("/logout")
@auth_blueprint.auth_required(staff_auth)
@staff_action("logout")
@auth_blueprint.output({}, status_code=204)
def logout() -> str:
    close_session(db_session(), g.token)
    return ""

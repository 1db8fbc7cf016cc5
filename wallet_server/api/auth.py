"""Coordinator login (password + TOTP) and bearer-token sessions."""

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from apiflask import APIBlueprint, HTTPTokenAuth
from flask import g

from wallet_server import clock
from wallet_server.api.audit import audit_done, staff_action, typed_login_actor
from wallet_server.api.schemas import LoginIn, LoginOut, UserOut
from wallet_server.security.rate_limits import LOGIN, rate_limited
from wallet_server.users.models import Role, User
from wallet_server.users.operations import (
    AuthError,
    authenticate,
    close_session,
    open_session,
    user_for_token,
)

auth_blueprint = APIBlueprint("auth", __name__)
staff_auth = HTTPTokenAuth(
    scheme="Bearer",
    security_scheme_name="StaffToken",
    description="Token from POST /api/v1/auth/login",
)

F = TypeVar("F", bound=Callable[..., Any])


def _verify(token: str) -> User | None:
    from wallet_server.app import db_session

    try:
        user = user_for_token(db_session(), token)
    except AuthError:
        return None
    g.token = token
    return user


def _auth_error(error: Any) -> Any:
    from wallet_server.api.errors import error_response

    return error_response("authentication_required", 401)


staff_auth.verify_token(_verify)
staff_auth.error_processor(_auth_error)


def require_roles(*roles: Role) -> Callable[[F], F]:
    """Refuse with 403 unless the logged-in user has one of `roles`."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            user = cast(User, staff_auth.current_user)
            if user.role not in {role.value for role in roles}:
                raise AuthError("forbidden")
            return view(*args, **kwargs)

        return cast(F, guarded)

    return decorate


@auth_blueprint.post("/login")
@rate_limited(*LOGIN)
@staff_action("login", actor=typed_login_actor)
@auth_blueprint.input(LoginIn, arg_name="credentials")
@auth_blueprint.output(LoginOut)
@auth_blueprint.doc(summary="Log in with password and TOTP code", responses=[401, 429])
def login(credentials: dict[str, str]) -> dict[str, Any]:
    from wallet_server.app import db_session, settings

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
    from wallet_server.app import db_session

    close_session(db_session(), g.token)
    return ""

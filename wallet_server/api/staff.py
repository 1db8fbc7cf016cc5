"""Who a staff request speaks for: the bearer-token check and the role guard.

Apart from the login routes (users/routes.py) so that the audit trail, which names the staff
member, and the login, which is audited, can both use it without importing each other.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from apiflask import HTTPTokenAuth
from flask import g

from wallet_server.users.models import Role, User
from wallet_server.users.operations import AuthError, user_for_token
from wallet_server.web.errors import error_response
from wallet_server.web.request import db_session

staff_auth = HTTPTokenAuth(
    scheme="Bearer",
    security_scheme_name="StaffToken",
    description="Token from POST /api/v1/auth/login",
)

F = TypeVar("F", bound=Callable[..., Any])


def _verify(token: str) -> User | None:
    try:
        user = user_for_token(db_session(), token)
    except AuthError:
        return None
    g.token = token
    return user


def _auth_error(error: Any) -> Any:
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

"""Who may open what in the console, and the audit trail of what they did or tried.

Roles (issue 6): admin manages users and may do everything; coordinator runs the fund;
committee reads everything and records committee decisions but moves no money; a shop
manager sees only their own shop. Every refusal is answered 403 and written to the audit log.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import g, request, session

from wallet_server.audit.operations import Snapshot, record_action
from wallet_server.shops.models import Shop
from wallet_server.users.models import Role, User
from wallet_server.users.operations import AuthError, user_for_token
from wallet_server.web.request import db_session

ADMINS: tuple[Role, ...] = (Role.ADMIN,)
FUND_STAFF: tuple[Role, ...] = (Role.ADMIN, Role.COORDINATOR)
DECIDERS: tuple[Role, ...] = (Role.ADMIN, Role.COORDINATOR, Role.COMMITTEE)
READERS: tuple[Role, ...] = DECIDERS

#: the session key holding the login's bearer token (a name, not a secret)
TOKEN_KEY = "staff_token"  # noqa: S105
F = TypeVar("F", bound=Callable[..., Any])


class ConsoleForbidden(Exception):
    """Raised by a view to refuse; the console answers 403 and audits it."""

    def __init__(self, target: str = "") -> None:
        super().__init__(target)
        self.target = target


def _db() -> Any:
    return db_session()


def current_user() -> User | None:
    """The logged-in staff member, from the session token in the signed cookie."""
    if "console_user" not in g:
        token = session.get(TOKEN_KEY)
        user = None
        if isinstance(token, str):
            try:
                user = user_for_token(_db(), token)
            except AuthError:
                session.pop(TOKEN_KEY, None)
        g.console_user = user
    return cast(User | None, g.console_user)


def logged_in_user() -> User:
    user = current_user()
    if user is None:  # the blueprint sends anonymous requests to the login page first
        raise ConsoleForbidden()
    return user


def allow(*roles: Role) -> Callable[[F], F]:
    """Let only `roles` into the view; anyone else gets 403, written to the audit log."""
    allowed = frozenset(role.value for role in roles)

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if logged_in_user().role not in allowed:
                raise ConsoleForbidden(_target_of(kwargs))
            return view(*args, **kwargs)

        # read by the tests that check every console view declares who may open it
        guarded.allowed_roles = allowed  # type: ignore[attr-defined]
        return cast(F, guarded)

    return decorate


def _target_of(kwargs: dict[str, Any]) -> str:
    return ",".join(f"{key}:{value}" for key, value in sorted(kwargs.items()))


def is_fund_wide(user: User) -> bool:
    return user.role in {role.value for role in READERS}


def may(user: User, roles: tuple[Role, ...]) -> bool:
    return user.role in {role.value for role in roles}


def require_shop(shop: Shop) -> None:
    """A shop manager may only see and act on their own shop."""
    user = logged_in_user()
    if user.role == Role.SHOP_MANAGER.value and user.shop_id != shop.id:
        raise ConsoleForbidden(f"shop:{shop.public_id}")


def audit(
    action: str,
    target: str = "",
    *,
    before: Snapshot | None = None,
    after: Snapshot | None = None,
) -> None:
    user = logged_in_user()
    record_action(
        _db(),
        actor=user.username,
        role=user.role,
        action=action,
        target=target,
        before=before,
        after=after,
    )


def audit_refused(action: str, target: str = "", *, after: Snapshot | None = None) -> None:
    """A refused action, kept although the request's changes roll back (HTTP 422)."""
    db = _db()
    db.rollback()
    user = logged_in_user()
    record_action(
        db,
        actor=user.username,
        role=user.role,
        action=action,
        target=target,
        after=after,
        outcome="refused",
    )
    g.commit_refusal = True


def audit_refusal(error: ConsoleForbidden) -> None:
    """Keep a trace of the refused attempt, even though the request's changes roll back."""
    db = _db()
    db.rollback()
    user = current_user()
    record_action(
        db,
        actor=user.username if user else "anonymous",
        role=user.role if user else "",
        action=f"denied:{request.endpoint or request.path}",
        target=error.target or request.path,
        after={"method": request.method, "path": request.path},
        outcome="refused",
    )
    g.commit_refusal = True

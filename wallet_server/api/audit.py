"""The audit trail of staff actions through the API: the same entries as the console writes.

A staff endpoint names its action with `@staff_action("participant.pin_set",
"participant:{public_id}")`, right under its `auth_required` (above `require_roles` and `input`,
so that their refusals pass through it). Then every request to it leaves exactly one entry:

- done: the view adds what changed with `audit_done(before=..., after=...)` (or the entry is
  written bare), in the same transaction as the change;
- refused: a role (403), something not found (404), a domain refusal (422), a malformed
  request (400): the request's changes roll back and one entry with outcome "refused" is kept,
  as the console keeps its refusals. A refused role is written `denied:<endpoint>` like the
  console's; any other refusal carries its code.

Views put only facts in before/after: never a PIN, a password, a credential or a code.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from apiflask import HTTPError
from flask import g, request
from werkzeug.exceptions import HTTPException

from wallet_server.api.staff import staff_auth
from wallet_server.audit.operations import Snapshot, record_action
from wallet_server.refusals import Refusal
from wallet_server.users.models import User
from wallet_server.web.request import db_session
from wallet_server.web.security.rate_limits import typed_username

F = TypeVar("F", bound=Callable[..., Any])
#: the attribute an audited view carries: its action's name (read by the tests)
ATTRIBUTE = "caisse_audit_action"
#: who acted: the logged-in staff member by default
Actor = tuple[str, str]


def _staff_member() -> Actor:
    user = cast(User | None, staff_auth.current_user)
    return (user.username, user.role) if user is not None else ("anonymous", "")


def staff_action(
    action: str, target: str = "", *, actor: Callable[[], Actor] = _staff_member
) -> Callable[[F], F]:
    """Audit every request to the view: done, or refused after its changes roll back."""

    def decorate(view: F) -> F:
        @wraps(view)
        def audited(*args: Any, **kwargs: Any) -> Any:
            on = target.format_map(kwargs)  # the path's values, as typed
            g.audit_pending = (action, on)
            try:
                result = view(*args, **kwargs)
            except Exception as error:
                status, code = _refusal(error)
                if status is not None:
                    _record_refusal(action, on, actor(), status, code)
                raise
            if g.get("audit_pending") is not None:
                audit_done()
            return result

        setattr(audited, ATTRIBUTE, action)
        return cast(F, audited)

    return decorate


def audit_done(
    *,
    target: str | None = None,
    before: Snapshot | None = None,
    after: Snapshot | None = None,
    user: User | None = None,
) -> None:
    """The action of the running view, done: written in the request's own transaction."""

    action, pending_target = g.pop("audit_pending")
    actor, role = (user.username, user.role) if user is not None else _staff_member()
    record_action(
        db_session(),
        actor=actor,
        role=role,
        action=action,
        target=pending_target if target is None else target,
        before=before,
        after=after,
    )


def _refusal(error: Exception) -> tuple[int | None, str]:
    """The HTTP status and code the error handlers will answer, if it is a refusal (4xx)."""
    if isinstance(error, Refusal):
        code, status = error.code, error.status
    elif isinstance(error, HTTPError):
        code, status = "bad_request", error.status_code
    elif isinstance(error, HTTPException):
        code, status = "bad_request", error.code or 500
    else:
        return None, ""
    return (status, code) if 400 <= status < 500 else (None, code)


def _record_refusal(action: str, target: str, actor: Actor, status: int, code: str) -> None:
    session = db_session()
    session.rollback()  # nothing the refused request did is kept, only its trace
    g.pop("audit_pending", None)
    if status == 403 and code == "forbidden":  # as the console writes a refused role
        action = f"denied:{request.endpoint or request.path}"
        target = target or request.path
        after: Snapshot = {"method": request.method, "path": request.path}
    else:
        after = {"code": code, "status": status}
    username, role = actor
    record_action(
        session,
        actor=username,
        role=role,
        action=action,
        target=target,
        after=after,
        outcome="refused",
    )
    g.commit_refusal = True


def typed_login_actor() -> Actor:
    """A refused login's actor: the username typed, as the console records it."""

    username = typed_username()
    return (username if username and username.isprintable() else "?", "")

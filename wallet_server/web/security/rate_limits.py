"""What is rate limited, counted by what key, and which answers count as a refused attempt.

The numbers live in `RateLimitSettings` (config.py) and are explained in docs/SECURITY.md.
A view says which limits guard it with `@rate_limited(...)` right under its route; the
limiter (limiter.py) wraps each such view when the app is built.

Only refused attempts count (a successful login, pairing, activation or PIN payment costs
nothing), and a request answered 429 never counts: it was not an attempt.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Response, current_app, request
from sqlalchemy.orm import Session

from wallet_server.credentials import digest
from wallet_server.public_ids import normalize_public_id
from wallet_server.web.request import db_session

F = TypeVar("F", bound=Callable[..., Any])
#: the attribute a guarded view carries: the names of its limits
ATTRIBUTE = "caisse_rate_limits"
#: the app extension holding `(session, credential) -> device id | None`: the factory puts the
#: till slice's look-up there, so that this core module never imports a slice
TILL_DEVICE_LOOKUP = "caisse.till_device_for_credential"
TillDeviceLookup = Callable[[Session, str], int | None]


def client_address() -> str:
    """The client's address: the connection's, or nginx's X-Forwarded-For (see proxy.py)."""
    return request.remote_addr or "unknown"


def typed_username() -> str:
    """The username as the login will read it (JSON for the API, a form for the console)."""
    if request.is_json:
        body = request.get_json(silent=True)
        raw = body.get("username") if isinstance(body, dict) else None
    else:
        raw = request.form.get("username")
    return raw.strip().lower()[:80] if isinstance(raw, str) else ""


def _address_and_username() -> str:
    return f"{client_address()}|{typed_username()}"


def _till() -> str:
    """The till the request speaks for: its device once the credential is known, else the
    credential itself (hashed). Read from the header as the authentication reads it (any case
    of "Bearer", any spaces), never from the header's text: "bearer x" and "BEARER  x" are
    the same till, with one budget. A stolen credential's budget is the till's own."""
    auth = request.authorization
    credential = auth.token if auth is not None and auth.type == "bearer" else None
    if not credential:
        return "till:none"  # refused 401 by the authentication: never counted
    device_for: TillDeviceLookup = current_app.extensions[TILL_DEVICE_LOOKUP]
    device_id = device_for(db_session(), credential)
    if device_id is not None:
        return f"till:device:{device_id}"
    return "till:" + digest(credential)[:32]


def _participant() -> str:
    body = request.get_json(silent=True)
    raw = body.get("participant_public_id") if isinstance(body, dict) else None
    if not isinstance(raw, str):
        return "participant:?"
    try:
        return "participant:" + normalize_public_id(raw)
    except ValueError:
        return "participant:" + raw.strip().upper()[:40]


def refused(response: Response) -> bool:
    """Any refusal but 429: a wrong password, a bad code, a malformed request."""
    return 400 <= response.status_code < 500 and response.status_code != 429


def pin_refused(response: Response) -> bool:
    """What tells a PIN guesser something: wrong PIN (403), locked (423), unknown id (404).

    Not insufficient funds or a retried payment: they come after a right PIN.
    """
    return response.status_code in (403, 404, 423)


@dataclass(frozen=True)
class LimitRule:
    #: who is counted: an address, a username at an address, a till, a participant
    key: Callable[[], str]
    #: whether an answer counts against the key
    counts: Callable[[Response], bool]


#: one entry per limit of `RateLimitSettings`, by the same name
RULES: dict[str, LimitRule] = {
    "login_per_user_ip": LimitRule(_address_and_username, refused),
    "login_per_ip": LimitRule(client_address, refused),
    "pin_per_till": LimitRule(_till, pin_refused),
    "pin_per_participant": LimitRule(_participant, pin_refused),
    "activation_per_ip": LimitRule(client_address, refused),
    "pairing_per_ip": LimitRule(client_address, refused),
}

#: the limits of each guarded action; API and console logins share their counters
LOGIN = ("login_per_user_ip", "login_per_ip")
PIN_PAYMENT = ("pin_per_till", "pin_per_participant")
ACTIVATION = ("activation_per_ip",)
PAIRING = ("pairing_per_ip",)


def rate_limited(*names: str) -> Callable[[F], F]:
    """Mark a view as guarded by the named limits (put it right under the route)."""
    unknown = [name for name in names if name not in RULES]
    if unknown or not names:
        raise ValueError(f"unknown rate limit: {unknown}")

    def mark(view: F) -> F:
        setattr(view, ATTRIBUTE, names)
        return view

    return mark


def limits_of(view: Callable[..., Any]) -> tuple[str, ...]:
    names: tuple[str, ...] = getattr(view, ATTRIBUTE, ())
    return names

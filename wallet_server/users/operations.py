"""Staff accounts: argon2 passwords, TOTP second factor with replay protection, API sessions."""

import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from wallet_server import clock
from wallet_server.credentials import digest, new_credential
from wallet_server.refusals import Refusal
from wallet_server.users.models import ApiSession, Role, User

_hasher = PasswordHasher()
#: the fund's name as authenticator apps show it
TOTP_ISSUER = "Caisse Commune"
MIN_PASSWORD_LENGTH = 10
#: a code from the previous or next 30 s step is accepted, for phones whose clock drifts
TOTP_WINDOW = 1


class AuthError(Refusal):
    """Refused login or session. One code for every credential failure, so that a refusal
    never tells an attacker which of username, password or code was wrong."""

    STATUS: ClassVar[Mapping[str, int]] = {
        "invalid_credentials": 401,
        "session_expired": 401,
        "forbidden": 403,
        "username_taken": 409,
    }


@dataclass(frozen=True)
class NewUser:
    user: User
    totp_uri: str


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role,
    display_name: str = "",
    shop_id: int | None = None,
    now: datetime | None = None,
) -> NewUser:
    username = username.strip().lower()
    if not username or not username.isprintable():
        raise AuthError("invalid_username")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError("password_too_short")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AuthError("username_taken")
    secret = pyotp.random_base32()
    user = User(
        username=username,
        display_name=display_name or username,
        role=role.value,
        password_hash=_hasher.hash(password),
        totp_secret=secret,
        shop_id=shop_id,
        created_at=now or clock.now(),
    )
    session.add(user)
    session.flush()
    return NewUser(user, provisioning_uri(user))


def provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(
        name=user.username, issuer_name=TOTP_ISSUER
    )


def authenticate(
    session: Session,
    *,
    username: str,
    password: str,
    totp_code: str,
    at: float | None = None,
) -> User:
    """Check password and TOTP; each TOTP code is accepted once (replay protection)."""
    username = username.strip().lower()
    # a control character cannot be in a username (create_user's names come from forms and
    # the CLI); refusing it here also keeps PostgreSQL from seeing a NUL it cannot compare
    printable = username.isprintable()
    user = (
        session.scalar(select(User).where(User.username == username).with_for_update())
        if printable
        else None
    )
    if user is None or not user.active:
        _hasher.hash(password)  # same work either way: no timing hint that the user exists
        raise AuthError("invalid_credentials")
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise AuthError("invalid_credentials") from None
    step = _matching_step(user.totp_secret, totp_code, time.time() if at is None else at)
    if step is None or step <= user.totp_last_step:
        raise AuthError("invalid_credentials")
    user.totp_last_step = step
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    session.flush()
    return user


def _matching_step(secret: str, code: str, at: float) -> int | None:
    totp = pyotp.TOTP(secret)
    code = code.strip().replace(" ", "")
    current = int(at) // totp.interval
    for step in range(current - TOTP_WINDOW, current + TOTP_WINDOW + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def open_session(session: Session, user: User, *, seconds: int) -> str:
    """Return a new bearer token; only its hash is stored."""
    token = new_credential()
    session.add(
        ApiSession(
            token_hash=digest(token),
            user_id=user.id,
            expires_at=clock.now() + timedelta(seconds=seconds),
        )
    )
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User:
    row = session.scalar(select(ApiSession).where(ApiSession.token_hash == digest(token)))
    if row is None or row.expires_at <= clock.now():
        raise AuthError("session_expired")
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise AuthError("session_expired")
    return user


def close_session(session: Session, token: str) -> None:
    session.execute(delete(ApiSession).where(ApiSession.token_hash == digest(token)))


def set_active(session: Session, user: User, active: bool, *, by: User) -> None:
    """Deactivating ends every open session at once; an admin cannot lock themselves out."""
    if user.id == by.id and not active:
        raise AuthError("cannot_deactivate_self")
    user.active = active
    if not active:
        session.execute(delete(ApiSession).where(ApiSession.user_id == user.id))
    session.flush()


def reset_totp(session: Session, user: User) -> NewUser:
    """A new second factor (a lost phone): the old app's codes stop working at once."""
    user.totp_secret = pyotp.random_base32()
    user.totp_last_step = 0
    session.execute(delete(ApiSession).where(ApiSession.user_id == user.id))
    session.flush()
    return NewUser(user, provisioning_uri(user))


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.role, User.username)))

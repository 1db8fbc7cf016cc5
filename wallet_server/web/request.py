"""The request's database session and settings, and the one wrapper that commits or rolls back.

Routes and pages of every slice read `db_session()` and `settings()` from here: this module
imports no slice, so a slice importing it makes no cycle with the factory that registers it.
"""

from apiflask import APIFlask
from flask import Response, current_app, g, request
from sqlalchemy.orm import Session

from wallet_server.config import Settings
from wallet_server.ledger import is_retryable
from wallet_server.messages import SUPPORTED_LANGS
from wallet_server.web.errors import error_response


def db_session() -> Session:
    """The request's session, opened on first use."""
    if "db" not in g:
        g.db = current_app.extensions["caisse.sessions"]()
    session: Session = g.db
    return session


def settings() -> Settings:
    value: Settings = current_app.extensions["caisse.settings"]
    return value


def register_request_transaction(app: APIFlask) -> None:
    @app.after_request
    def commit_or_roll_back(response: Response) -> Response:
        session: Session | None = g.pop("db", None)
        if session is None:
            return response
        try:
            # A refusal may still have to keep what it recorded (a wrong PIN's count).
            if response.status_code < 400 or g.pop("commit_refusal", False):
                session.commit()
            else:
                session.rollback()
        except Exception as error:
            session.rollback()
            if not is_retryable(error):
                raise
            return error_response("busy_retry", 503, headers={"Retry-After": "1"})
        finally:
            session.close()
        if g.pop("no_store", False):
            response.headers["Cache-Control"] = "no-store"  # a pay code is money: never cache
        return response

    @app.teardown_request
    def close_on_error(_error: BaseException | None) -> None:
        session: Session | None = g.pop("db", None)
        if session is not None:
            session.rollback()
            session.close()

    @app.before_request
    def remember_language() -> None:
        g.lang = request.accept_languages.best_match(SUPPORTED_LANGS) or settings().default_lang

"""Application factory. The request wrapper here is the only place requests commit or roll back."""

from typing import Any

from apiflask import APIFlask
from flask import Response, current_app, g, request
from sqlalchemy.orm import Session
from werkzeug.routing import IntegerConverter

from wallet_server.api.errors import register_error_handlers
from wallet_server.config import Settings
from wallet_server.db import make_engine, make_session_factory
from wallet_server.ledger import is_retryable
from wallet_server.messages import SUPPORTED_LANGS
from wallet_server.whole_numbers import MAX_ID

#: the most a request may carry; a larger one is refused (413) before it is read
MAX_REQUEST_BYTES = 1024 * 1024


class RowIdConverter(IntegerConverter):
    """`<int:…>` in every route: ASCII digits up to the largest row id. A longer number would
    reach the database and overflow its integer (a server error); here it is a plain 404."""

    regex = r"[0-9]+"

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def create_app(config_override: dict[str, Any] | None = None) -> APIFlask:
    settings = Settings.from_env(config_override)
    app = APIFlask(
        __name__,
        title="Caisse Commune API",
        version="1",
        spec_path="/api/v1/openapi.json",
        docs_path=None,  # the bundled docs page loads scripts from a CDN: none of that here
    )
    app.config.update(
        SECRET_KEY=settings.secret_key,
        JSON_SORT_KEYS=False,
        VALIDATION_ERROR_STATUS_CODE=400,
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
    )
    # before any route is added: each rule picks its converter when it is registered
    app.url_map.converters["int"] = RowIdConverter
    app.extensions["caisse.settings"] = settings
    engine = make_engine(settings.database_url)
    app.extensions["caisse.engine"] = engine
    app.extensions["caisse.sessions"] = make_session_factory(engine)

    register_error_handlers(app)
    _register_request_transaction(app)

    from wallet_server.api.auth import auth_blueprint
    from wallet_server.api.coordination import coordination_blueprint
    from wallet_server.api.health import health_blueprint
    from wallet_server.api.pos import pos_blueprint
    from wallet_server.api.tokens import tokens_blueprint
    from wallet_server.api.wallet import wallet_blueprint
    from wallet_server.pwa import pwa_blueprint
    from wallet_server.till_web.serve import till_web_blueprint

    app.register_blueprint(health_blueprint)
    app.register_blueprint(auth_blueprint, url_prefix="/api/v1/auth")
    app.register_blueprint(tokens_blueprint, url_prefix="/api/v1")
    app.register_blueprint(pos_blueprint, url_prefix="/api/v1/pos")
    app.register_blueprint(coordination_blueprint, url_prefix="/api/v1")
    app.register_blueprint(wallet_blueprint, url_prefix="/api/v1")
    app.register_blueprint(pwa_blueprint, url_prefix="/app")
    app.register_blueprint(till_web_blueprint, url_prefix="/till")
    from wallet_server.console import register_console

    register_console(app)
    from wallet_server.security import protect

    # last: the limiter wraps views, so every blueprint must be registered first
    protect(app, settings)
    return app


def db_session() -> Session:
    """The request's session, opened on first use."""
    if "db" not in g:
        g.db = current_app.extensions["caisse.sessions"]()
    session: Session = g.db
    return session


def settings() -> Settings:
    value: Settings = current_app.extensions["caisse.settings"]
    return value


def _register_request_transaction(app: APIFlask) -> None:
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
            from wallet_server.api.errors import error_response

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

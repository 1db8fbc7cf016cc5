"""The application factory: the one module that knows every slice and wires it in."""

from typing import Any

from apiflask import APIFlask
from werkzeug.routing import IntegerConverter

from wallet_server.api.coordination import coordination_blueprint
from wallet_server.api.health import health_blueprint
from wallet_server.api.wallet import wallet_blueprint
from wallet_server.config import Settings
from wallet_server.console import register_console
from wallet_server.db import make_engine, make_session_factory
from wallet_server.pos.pairing import device_id_for_credential
from wallet_server.pos.routes import pos_blueprint
from wallet_server.pwa import pwa_blueprint
from wallet_server.till_web.serve import till_web_blueprint
from wallet_server.tokens.routes import tokens_blueprint
from wallet_server.users.routes import auth_blueprint
from wallet_server.web.errors import register_error_handlers
from wallet_server.web.request import register_request_transaction
from wallet_server.web.security import protect
from wallet_server.web.security.rate_limits import TILL_DEVICE_LOOKUP
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

    # the rate limiter counts a till's PIN attempts by its device, which only pos/ can read
    app.extensions[TILL_DEVICE_LOOKUP] = device_id_for_credential

    register_error_handlers(app)
    register_request_transaction(app)

    app.register_blueprint(health_blueprint)
    app.register_blueprint(auth_blueprint, url_prefix="/api/v1/auth")
    app.register_blueprint(tokens_blueprint, url_prefix="/api/v1")
    app.register_blueprint(pos_blueprint, url_prefix="/api/v1/pos")
    app.register_blueprint(coordination_blueprint, url_prefix="/api/v1")
    app.register_blueprint(wallet_blueprint, url_prefix="/api/v1")
    app.register_blueprint(pwa_blueprint, url_prefix="/app")
    app.register_blueprint(till_web_blueprint, url_prefix="/till")
    register_console(app)
    # last: the limiter wraps views, so every blueprint must be registered first
    protect(app, settings)
    return app

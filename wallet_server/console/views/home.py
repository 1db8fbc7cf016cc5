"""Choosing the language and where a login lands: the console's own, not any slice's."""

from flask import current_app, redirect, request, session, url_for
from werkzeug.wrappers import Response

from wallet_server.console import safe_next
from wallet_server.console.access import current_user
from wallet_server.console.blueprint import console
from wallet_server.console.i18n import LANG_KEY, LANGS
from wallet_server.shops.models import Shop
from wallet_server.web.request import db_session


@console.post("/language")
def set_language() -> Response:
    chosen = request.form.get("lang", "")
    if chosen in LANGS:
        session[LANG_KEY] = chosen
    return redirect(safe_next(request.form.get("next"), url_for("console.home")))


@console.get("/home")
def home() -> Response:
    """Where a login lands: the dashboard for the fund's staff, their shop for a manager."""
    user = current_user()
    if user is not None and user.shop_id is not None:
        shop = db_session().get(Shop, user.shop_id)
        if shop is not None and "console.shop_detail" in _endpoints():
            return redirect(url_for("console.shop_detail", shop_public_id=shop.public_id))
    if "console.dashboard" in _endpoints():
        return redirect(url_for("console.dashboard"))
    return redirect(url_for("console.participants"))


def _endpoints() -> set[str]:
    return set(current_app.view_functions)

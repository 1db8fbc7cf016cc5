"""The coordinator console: server-rendered pages under /console/ (see README.md here)."""

import importlib
import pkgutil
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from flask import Flask, Response, redirect, render_template, request, url_for
from jinja2 import ChoiceLoader, FileSystemLoader
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from wallet_server import clock
from wallet_server.console import views
from wallet_server.console.access import ConsoleForbidden, audit_refusal, current_user
from wallet_server.console.blueprint import console
from wallet_server.console.csrf import check_csrf, csrf_field
from wallet_server.console.forms import FormError
from wallet_server.console.i18n import (
    catalogue,
    current_lang,
    flash_error,
    init_babel,
    refusal_text,
    t,
)
from wallet_server.console.nav import entries_for
from wallet_server.db import is_unstorable_text
from wallet_server.ledger.money import format_cents
from wallet_server.messages import message
from wallet_server.refusals import Refusal

#: how the console writes a day (CLDR patterns), as it always has: day first in French
DAY_PATTERN = {"fr": "dd/MM/yyyy", "en": "yyyy-MM-dd"}
#: reachable without logging in
PUBLIC_ENDPOINTS = frozenset(
    {"console.login", "console.login_submit", "console.static", "console.set_language"}
)
#: no inline script or style anywhere in the console: what an injected tag could do is nil
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


#: the slices that hold their own console pages (`pages.py`) and templates (`templates/`)
SLICES_WITH_PAGES = (
    "wallet_server.vouchers",
    "wallet_server.shops",
    "wallet_server.reimbursements",
    "wallet_server.contributions",
    "wallet_server.allocations",
    "wallet_server.participants",
    "wallet_server.users",
    "wallet_server.audit",
    "wallet_server.reports",
    "wallet_server.pos",
)


@cache
def _load_views() -> None:
    """Import every section once: importing attaches its routes to the blueprint. A slice's
    own pages come the same way, and its templates join the console's (same names,
    `console/<section>/…`), so that a slice's folder holds its whole console section."""
    for module_info in pkgutil.iter_modules(views.__path__):
        importlib.import_module(f"{views.__name__}.{module_info.name}")
    folders = [Path(console.root_path) / "templates"]
    for slice_name in SLICES_WITH_PAGES:
        pages = importlib.import_module(f"{slice_name}.pages")
        folders.append(Path(pages.__file__ or "").parent / "templates")
    console.jinja_loader = ChoiceLoader([FileSystemLoader(folder) for folder in folders])


def register_console(app: Flask) -> None:
    _load_views()
    init_babel(app)
    app.register_blueprint(console)
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")


def local_zone() -> ZoneInfo:
    return clock.fund_zone()


@console.before_request
def require_login_and_csrf() -> BaseResponse | None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        if request.endpoint != "console.static":
            check_csrf()
        return None
    if current_user() is None:
        return redirect(url_for("console.login", next=request.full_path.rstrip("?")))
    check_csrf()
    return None


@console.after_request
def console_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if request.endpoint != "console.static":
        # pages carry names and money: never kept by a shared computer's browser cache
        response.headers["Cache-Control"] = "no-store"
    return response


@console.context_processor
def layout_values() -> dict[str, Any]:
    user = current_user()
    return {
        "t": t,
        "lang": current_lang(),
        "csrf_field": csrf_field,
        "user": user,
        "nav": entries_for(user.role) if user else [],
        "has_text": lambda key: key in catalogue(),
        # a refusal's code as the API words it (wallet_server.messages), in the page's language
        "refusal_words": lambda code: message(code, current_lang()),
    }


@console.app_template_filter("euros")
def euros(cents: int) -> str:
    return format_cents(cents, lang=current_lang())


@console.app_template_filter("day")
def day(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.astimezone(local_zone()).date()
    # the same patterns in both languages' tables, read by babel (fr: 23/11/2026, en: 2026-11-23)
    return format_date(value, DAY_PATTERN[current_lang()], locale=current_lang())


@console.app_template_filter("moment")
def moment(value: datetime | None) -> str:
    if value is None:
        return "—"
    local = value.astimezone(local_zone())
    return format_datetime(local, f"{DAY_PATTERN[current_lang()]} HH:mm", locale=current_lang())


@console.errorhandler(ConsoleForbidden)
def forbidden(error: ConsoleForbidden) -> tuple[str, int]:
    audit_refusal(error)
    return render_template("console/error.html", status=403, text=t("error.forbidden")), 403


@console.errorhandler(Refusal)
def refused(error: Refusal) -> tuple[str, int]:
    status = 404 if error.code.endswith("not_found") else 422
    return render_template("console/error.html", status=status, text=refusal_text(error)), status


@console.errorhandler(FormError)
def bad_form(error: FormError) -> tuple[str, int]:
    return render_template("console/error.html", status=422, text=form_error_text(error)), 422


@console.errorhandler(DataError)
def unstorable(error: DataError) -> tuple[str, int]:
    if not is_unstorable_text(error):
        raise error
    return render_template("console/error.html", status=400, text=t("error.bad_request")), 400


@console.errorhandler(HTTPException)
def http_error(error: HTTPException) -> tuple[str, int]:
    status = error.code or 500
    key = {
        400: "error.bad_request",
        404: "error.not_found",
        405: "error.bad_request",
        413: "error.too_large",
    }.get(status, "error.other")
    if error.description == "csrf":
        key = "error.csrf"
    return render_template("console/error.html", status=status, text=t(key)), status


def safe_next(target: str | None, fallback: str) -> str:
    """Only a path of this site: a crafted link must not bounce a coordinator elsewhere."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


def form_error_text(error: FormError) -> str:
    """ "Montant : …" with the field's label when the section named it, else its input name."""
    label = t(f"field.{error.field}") if f"field.{error.field}" in catalogue() else error.field
    return f"{label} : {t(error.text_key)}"


def form_error_flash(error: FormError) -> None:
    flash_error(form_error_text(error))

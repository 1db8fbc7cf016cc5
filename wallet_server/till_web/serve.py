"""Serves the browser till under /till/: static files, no build step.

The cashier screen (index.html, app.js, i18n.js and its words i18n/*.json, style.css, the QR
scanner) is the Python till's own (`pos_client/static`), one set of files for both tills; this
folder adds what only the browser till needs: its engine (`static/engine/`), the offline rules,
the manifest, the icon and the service worker. Its headers are part of the app, as for the
participant app (`wallet_server/pwa/`): a strict CSP (no inline script, no third party),
`no-store` on the page, revalidation on every other file (the service worker keeps the offline
copy).
"""

import mimetypes
from pathlib import Path

from apiflask import APIBlueprint
from flask import Response, abort, current_app, redirect, send_from_directory

from wallet_server.config import Settings

TILL_WEB_DIR = Path(__file__).parent / "static"
#: the cashier screen shared with the Python till, installed beside wallet_server, unless the
#: settings name another folder (CAISSE_TILL_SCREEN_DIR)
SCREEN_DIR = Path(__file__).parent.parent.parent / "pos_client" / "static"
#: the screen's files the browser till serves (nothing else of pos_client is public)
SCREEN_FILES = ("index.html", "app.js", "i18n.js", "style.css", "favicon.svg")
SCREEN_FOLDERS = ("vendor/qr-scanner/", "i18n/")
#: the QR scanner runs its decoder in a worker it makes from a blob: URL
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
    " img-src 'self' data:; manifest-src 'self'; worker-src 'self' blob:;"
    " object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
)

mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("text/javascript", ".js")

till_web_blueprint = APIBlueprint("till_web", __name__, enable_openapi=False)


@till_web_blueprint.get("")
def till_root() -> Response:
    return redirect("/till/", code=308)  # type: ignore[return-value]


@till_web_blueprint.get("/")
def index() -> Response:
    return _file("index.html")


@till_web_blueprint.get("/<path:name>")
def asset(name: str) -> Response:
    return _file(name)


def _file(name: str) -> Response:
    if name == "vector-runner.html" or name.startswith("vendor-src"):
        abort(404)
    if name in SCREEN_FILES or name.startswith(SCREEN_FOLDERS):
        settings: Settings = current_app.extensions["caisse.settings"]
        response = send_from_directory(settings.till_screen_dir or SCREEN_DIR, name, max_age=0)
    else:
        response = send_from_directory(TILL_WEB_DIR, name, max_age=0)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    # the page itself is never stored: a revoked or updated till gets the new one
    response.headers["Cache-Control"] = "no-store" if name == "index.html" else "no-cache"
    if name == "sw.js":
        response.headers["Service-Worker-Allowed"] = "/till/"
    return response

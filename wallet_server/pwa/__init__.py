"""Serves the participant app (`static/`, shipped in the package) under /app/: static files,
no build step.

Its headers are part of the app: a strict CSP (no inline script, no third party), the
service worker allowed to control /app/, and revalidation on every load, since the service
worker keeps the offline copy.
"""

import mimetypes
from pathlib import Path

from apiflask import APIBlueprint
from flask import Response, current_app, redirect, send_from_directory

from wallet_server.config import Settings

#: the app's folder, package data of the wheel, unless the settings name another
#: (CAISSE_PWA_DIR)
PWA_DIR = Path(__file__).parent / "static"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none';"
    " base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)

mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("text/javascript", ".js")

pwa_blueprint = APIBlueprint("pwa", __name__, enable_openapi=False)


@pwa_blueprint.get("")
def app_root() -> Response:
    return redirect("/app/", code=308)  # type: ignore[return-value]


@pwa_blueprint.get("/")
def index() -> Response:
    return _file("index.html")


@pwa_blueprint.get("/<path:name>")
def asset(name: str) -> Response:
    return _file(name)


def _file(name: str) -> Response:
    settings: Settings = current_app.extensions["caisse.settings"]
    response = send_from_directory(settings.pwa_dir or PWA_DIR, name, max_age=0)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-cache"
    if name == "sw.js":
        response.headers["Service-Worker-Allowed"] = "/app/"
    return response

"""Serves the participant app (`mobile_pwa/`) under /app/: static files, no build step.

Its headers are part of the app: a strict CSP (no inline script, no third party), the
service worker allowed to control /app/, and revalidation on every load, since the service
worker keeps the offline copy.
"""

import mimetypes
import os
from pathlib import Path

from apiflask import APIBlueprint
from flask import Response, redirect, send_from_directory

#: the app's folder; CAISSE_PWA_DIR overrides it for an installed (non-editable) package
PWA_DIR = Path(os.environ.get("CAISSE_PWA_DIR", Path(__file__).parent.parent / "mobile_pwa"))
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
    response = send_from_directory(PWA_DIR, name, max_age=0)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-cache"
    if name == "sw.js":
        response.headers["Service-Worker-Allowed"] = "/app/"
    return response

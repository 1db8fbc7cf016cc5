"""The console's blueprint; sections attach their views to it from `console/views/`."""

from flask import Blueprint

console = Blueprint(
    "console",
    __name__,
    url_prefix="/console",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

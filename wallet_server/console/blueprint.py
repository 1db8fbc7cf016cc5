"""The console's blueprint; sections attach their views to it from `console/views/`."""

from apiflask import APIBlueprint

#: pages, not API: kept out of the OpenAPI spec (and so out of the schemathesis fuzzing,
#: whose JSON contract they do not follow)
console = APIBlueprint(
    "console",
    __name__,
    url_prefix="/console",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
    enable_openapi=False,
)

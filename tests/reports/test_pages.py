"""The dashboard (four charts over their tables and CSVs), the evaluation export, who may open
them, and the charts drawn in a real browser under the console's CSP."""

import csv
import html
import io
import json
import re
from datetime import date

import pyotp
import pytest
from playwright.sync_api import sync_playwright

from tests.accessibility import axe_findings
from tests.console.test_core import audit_rows
from tests.console_pages import PASSWORD, new_staff
from tests.pos_client.live import LiveServer
from tests.reports.fund import SmallFund, ThreeMonths, at
from tests.system_programs import require
from wallet_server.shops.models import Shop
from wallet_server.shops.operations import add_shop
from wallet_server.users.models import Role

PERIOD = "first=2026-09&last=2026-11"
DATA_BLOCK = re.compile(r'<script type="application/json" id="dashboard-data">(.*?)</script>', re.S)


@pytest.fixture
def three_months(sessions, tmp_path) -> ThreeMonths:
    return ThreeMonths(SmallFund(sessions, tmp_path / "fund-keys"))


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_dashboard_tables_and_csvs_hold_the_hand_computed_figures(console_login, three_months):
    coordinator = console_login(Role.COORDINATOR)
    page = coordinator.get(f"/console/?{PERIOD}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for series in ("position", "shops", "allocations", "participants"):
        assert f'id="chart-{series}"' in text and f'id="table-{series}"' in text
        assert f"/console/dashboard/{series}.csv?first=2026-09&amp;last=2026-11" in text
    assert "845,00\xa0€" in text  # the reserve at the end of September
    assert "26,67\u202f%" in text  # October: 80 € spent of 300 € allocated

    position = _csv(coordinator.get(f"/console/dashboard/position.csv?{PERIOD}"))
    assert position[0][0] == "Mois" and position[0][-1] == "Réserve en fin de mois"
    assert position[1:] == [
        ["2026-09", "45,00", "1000,00", "200,00", "0,00", "0,00", "0,00", "845,00"],
        ["2026-10", "40,00", "0,00", "300,00", "0,00", "0,00", "75,00", "585,00"],
        ["2026-11", "0,00", "0,00", "300,00", "0,00", "0,00", "0,00", "285,00"],
    ]
    shops = _csv(coordinator.get(f"/console/dashboard/shops.csv?{PERIOD}"))
    assert shops == [
        ["Commerce", "2026-09", "2026-10", "2026-11", "Total"],
        ["La Cagette", "40,00", "50,00", "20,00", "110,00"],
        ["Épicerie du Port", "35,00", "30,00", "0,00", "65,00"],
    ]
    use = _csv(coordinator.get(f"/console/dashboard/allocations.csv?{PERIOD}"))
    assert use[1:] == [
        ["2026-09", "200,00", "75,00", "37,50"],
        ["2026-10", "300,00", "80,00", "26,67"],
        ["2026-11", "300,00", "20,00", "6,67"],
    ]
    people = _csv(coordinator.get(f"/console/dashboard/participants.csv?{PERIOD}"))
    assert people[1:] == [
        ["2026-09", "2", "2", "2"],
        ["2026-10", "3", "3", "2"],
        ["2026-11", "3", "3", "1"],
    ]

    # the charts read the same figures, as integers, from the page's JSON block
    charts = json.loads(html.unescape(DATA_BLOCK.search(text).group(1)))["charts"]
    assert charts["position"]["datasets"][-1]["data"] == [84_500, 58_500, 28_500]
    assert charts["allocations"]["datasets"][0]["data"] == [3_750, 2_667, 667]
    assert [d["label"] for d in charts["shops"]["datasets"]] == ["La Cagette", "Épicerie du Port"]


# Language and drawing do not depend on the database: SQLite only, to keep the suite quick.
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_dashboard_speaks_english_too(console_login, three_months):
    coordinator = console_login(Role.COMMITTEE)
    coordinator.post("/console/language", {"lang": "en", "next": "/console/"})
    text = coordinator.get(f"/console/?{PERIOD}").get_data(as_text=True)
    assert "Share of allocations spent" in text and "26.67%" in text and "€845.00" in text
    header = _csv(coordinator.get(f"/console/dashboard/participants.csv?{PERIOD}"))[0]
    assert header == ["Month", "Enrolled", "Received the allocation", "Active"]


def test_the_home_is_the_dashboard_and_a_bad_period_is_refused(console_login):
    coordinator = console_login(Role.COORDINATOR)
    assert coordinator.get("/console/home").headers["Location"] == "/console/"
    page = coordinator.get("/console/").get_data(as_text=True)
    assert 'id="nav-dashboard"' in page and 'aria-current="page"' in page
    assert coordinator.get("/console/?first=2026-11&last=2026-01").status_code == 422
    assert coordinator.get("/console/?first=2020-01&last=2026-01").status_code == 422
    assert coordinator.get("/console/?first=26-01").status_code == 422
    assert coordinator.get("/console/dashboard/secrets.csv").status_code == 404


def test_a_shop_manager_is_sent_to_their_shop_not_refused(console_login, sessions):
    with sessions() as session:
        shop: Shop = add_shop(session, name="La Cagette")
        session.commit()
        session.expunge(shop)
    manager = console_login(Role.SHOP_MANAGER, shop)
    home = manager.get("/console/")
    assert home.status_code == 302
    assert home.headers["Location"] == f"/console/shops/{shop.public_id}"
    assert manager.get(home.headers["Location"]).status_code == 200
    assert audit_rows(sessions, outcome="refused") == []
    # fund-wide figures stay closed to them
    for path in (
        "/console/dashboard/position.csv",
        "/console/evaluation",
        "/console/evaluation.csv",
    ):
        assert manager.get(path).status_code == 403


def test_evaluation_export_suppresses_small_groups_and_is_audited(
    console_login, sessions, tmp_path
):
    fund = SmallFund(sessions, tmp_path / "fund-keys")
    # households: 6 × 1, 5 × 2, 7 × 3-4, 2 × 5+; levels: 10 in 1-3, 10 in 4-6
    sizes = [1] * 6 + [2] * 5 + [3, 4] * 3 + [3] + [5, 8]
    levels = [1, 2, 3, 4, 5, 6] * 3 + [3, 6]
    people = fund.enroll(*((s, level, "2026-10") for s, level in zip(sizes, levels, strict=True)))
    fund.allocate("2026-10")
    fund.pay_by_code(people[0], fund.till("La Cagette"), 2_500, at(date(2026, 10, 7)))
    committee = console_login(Role.COMMITTEE)

    page = committee.get("/console/evaluation?first=2026-10&last=2026-10")
    assert page.status_code == 200
    assert "masqué" in page.get_data(as_text=True)
    lines = _csv(committee.get("/console/evaluation.csv?first=2026-10&last=2026-10"))
    assert lines[0] == [
        "Mois",
        "Répartition",
        "Groupe",
        "Participants",
        "Alloué (€)",
        "Dépensé (€)",
        "Part dépensée (%)",
        "Paiements",
    ]
    assert lines[1:] == [
        ["2026-10", "household_size", "1", "6", "600,00", "25,00", "4,17", "1"],
        ["2026-10", "household_size", "2", *["masqué"] * 5],
        ["2026-10", "household_size", "3-4", "7", "700,00", "0,00", "0,00", "0"],
        ["2026-10", "household_size", "5+", *["masqué"] * 5],
        ["2026-10", "household_size", "total", "13", "1300,00", "25,00", "1,92", "1"],
        ["2026-10", "contribution_level", "1-3", "10", "1000,00", "25,00", "2,50", "1"],
        ["2026-10", "contribution_level", "4-6", "10", "1000,00", "0,00", "0,00", "0"],
        ["2026-10", "contribution_level", "total", "20", "2000,00", "25,00", "1,25", "1"],
    ]
    for line in lines[1:]:
        assert line[3] == "masqué" or int(line[3]) >= 5
    (entry,) = audit_rows(sessions, action="evaluation.export")
    assert entry.actor == committee.user.username
    assert entry.after == {"first": "2026-10", "last": "2026-10", "rows": 8}


def _log_in(page, server: str, username: str, secret: str) -> None:
    page.goto(f"{server}/console/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=totp]", pyotp.TOTP(secret).now())
    page.click("button[type=submit]:not([lang])")
    page.wait_for_url(f"{server}/console/")


DRAWN = """(id) => {
  const canvas = document.getElementById(id);
  if (!canvas || canvas.width === 0 || canvas.height === 0) return false;
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  return pixels.some((value) => value !== 0);
}"""


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_dashboard_draws_its_four_charts_in_chromium_within_the_csp(
    console_app, sessions, three_months
):
    chromium = require("chromium")
    user, secret = new_staff(sessions, Role.COORDINATOR)
    live = LiveServer(console_app)
    server = f"http://127.0.0.1:{live.port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, args=["--no-sandbox", "--disable-background-networking"]
            )
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.add_init_script(
                "window.__csp = []; document.addEventListener('securitypolicyviolation',"
                " (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
            )
            page = context.new_page()
            _log_in(page, server, user.username, secret)
            # from here on (the login page's missing favicon is not the dashboard's business)
            problems: list[str] = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.goto(f"{server}/console/?{PERIOD}")
            page.wait_for_load_state("load")
            for series in ("position", "shops", "allocations", "participants"):
                assert page.is_visible(f"#chart-{series}"), series
                assert page.evaluate(DRAWN, f"chart-{series}"), series
            assert page.evaluate("window.__csp") == []
            assert problems == []

            # the same pages pass axe's serious checks (axe needs its script past the CSP)
            checked = browser.new_context(storage_state=context.storage_state(), bypass_csp=True)
            axe_page = checked.new_page()
            found = {}
            for path in (f"/console/?{PERIOD}", f"/console/evaluation?{PERIOD}"):
                axe_page.goto(server + path)
                found[path] = axe_findings(axe_page)
            assert {path: issues for path, issues in found.items() if issues} == {}
            browser.close()
    finally:
        live.stop()

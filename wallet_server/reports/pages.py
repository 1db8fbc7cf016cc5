"""The reports' console pages: the console's home, four charts of the fund, each over a table
of the same figures and its CSV; and the anonymised evaluation export for researchers. The
templates are in `templates/console/dashboard/`, beside this module."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, redirect, render_template, url_for
from werkzeug.wrappers import Response

from wallet_server import clock
from wallet_server.console.access import READERS, allow, audit, logged_in_user
from wallet_server.console.blueprint import console
from wallet_server.console.downloads import cents_for_csv, csv_download
from wallet_server.console.i18n import current_lang, t
from wallet_server.console.nav import nav_entry
from wallet_server.console.query import query_month
from wallet_server.ledger.money import format_cents
from wallet_server.reports.disclosure import MIN_GROUP
from wallet_server.reports.evaluation import TOTAL, EvaluationRow, evaluation, evaluation_table
from wallet_server.reports.fund_position import Position, fund_position
from wallet_server.reports.participation import Participation, participation
from wallet_server.reports.shares import hundredths_text
from wallet_server.reports.spending import (
    AllocationUse,
    ShopSpending,
    allocation_use,
    shop_spending,
)
from wallet_server.reports.window import ReportWindow, default_window, report_window
from wallet_server.shops.models import Shop
from wallet_server.users.models import Role
from wallet_server.web.request import db_session

nav_entry("dashboard", "console.dashboard", roles=READERS, order=0)

#: shops drawn one by one in the spending chart; the others are summed (the table has all)
CHART_SHOPS = 6
TITLES = {
    "position": "dashboard.position_title",
    "shops": "dashboard.shops_title",
    "allocations": "dashboard.use_title",
    "participants": "dashboard.participants_title",
}
INTROS = {
    "position": "dashboard.position_intro",
    "allocations": "dashboard.use_intro",
    "participants": "dashboard.participants_intro",
}


@dataclass(frozen=True)
class Figures:
    window: ReportWindow
    positions: list[Position]
    shops: list[ShopSpending]
    use: list[AllocationUse]
    people: list[Participation]


#: what a cell holds, which says how the page and the CSV write it
Kind = str  # "month", "text", "money", "count", "percent"


@dataclass(frozen=True)
class Table:
    """A chart's figures as rows; the first cell of a row names it."""

    columns: list[tuple[str, Kind]]
    rows: list[list[Any]]


def _window() -> ReportWindow:
    fallback = default_window(clock.today())
    return report_window(query_month("first", fallback.first), query_month("last", fallback.last))


def _figures(window: ReportWindow) -> Figures:
    session = db_session()
    return Figures(
        window,
        fund_position(session, window),
        shop_spending(session, window),
        allocation_use(session, window),
        participation(session, window),
    )


@console.get("/")
@allow(*READERS, Role.SHOP_MANAGER)
def dashboard() -> str | Response:
    user = logged_in_user()
    if user.role == Role.SHOP_MANAGER.value:
        return _shop_home(user.shop_id)
    figures = _figures(_window())
    return render_template(
        "console/dashboard/index.html",
        window=figures.window,
        tables={series: build(figures) for series, build in TABLES.items()},
        charts=_charts(figures),
        chart_shops=CHART_SHOPS,
        titles=TITLES,
        intros=INTROS,
        cell=_cell_text,
        month_label=month_label,
    )


def _shop_home(shop_id: int | None) -> str | Response:
    """A shop manager's home is their shop's page, never a refusal."""
    shop = db_session().get(Shop, shop_id) if shop_id is not None else None
    if shop is None:
        return render_template("console/dashboard/shop_home.html", shop=None)
    return redirect(url_for("console.shop_detail", shop_public_id=shop.public_id))


@console.get("/dashboard/<series>.csv")
@allow(*READERS)
def dashboard_csv(series: str) -> Response:
    build = TABLES.get(series)
    if build is None:
        abort(404)
    window = _window()
    table = build(_figures(window))
    return csv_download(
        f"{series}-{window.first}-{window.last}.csv",
        [label for label, _ in table.columns],
        [
            [_csv_value(value, kind) for value, (_, kind) in zip(row, table.columns, strict=True)]
            for row in table.rows
        ],
    )


@console.get("/evaluation")
@allow(*READERS)
def evaluation_page() -> str:
    window = _window()
    rows = evaluation(db_session(), window)
    return render_template(
        "console/dashboard/evaluation.html",
        window=window,
        rows=rows,
        minimum=MIN_GROUP,
        total=TOTAL,
        cell=_cell_text,
        month_label=month_label,
        group_label=group_label,
    )


@console.get("/evaluation.csv")
@allow(*READERS)
def evaluation_csv() -> Response:
    window = _window()
    rows = evaluation(db_session(), window)
    # data leaving the fund for researchers: who took which months is kept
    audit(
        "evaluation.export",
        f"months:{window.first}/{window.last}",
        after={"first": window.first, "last": window.last, "rows": len(rows)},
    )
    header = [
        t(f"evaluation.{name}")
        for name in (
            "month",
            "dimension",
            "group",
            "participants",
            "allocated",
            "spent",
            "share",
            "payments",
        )
    ]
    lines = evaluation_table(rows, suppressed=t("evaluation.suppressed"), decimal_mark=",")
    return csv_download(f"evaluation-{window.first}-{window.last}.csv", header, lines)


# --- tables: the accessible version of each chart, and its CSV ------------------------------


def _position_table(figures: Figures) -> Table:
    return Table(
        [
            (t("dashboard.month"), "month"),
            (t("dashboard.contributions"), "money"),
            (t("dashboard.subsidies"), "money"),
            (t("dashboard.allocations"), "money"),
            (t("dashboard.returned"), "money"),
            (t("dashboard.other"), "money"),
            (t("dashboard.payouts"), "money"),
            (t("dashboard.reserve_end"), "money"),
        ],
        [
            [
                p.month,
                p.contributions_cents,
                p.subsidies_cents,
                p.allocations_cents,
                p.returned_cents,
                p.other_cents,
                p.payouts_cents,
                p.reserve_end_cents,
            ]
            for p in figures.positions
        ],
    )


def _shops_table(figures: Figures) -> Table:
    months = figures.window.months
    return Table(
        [
            (t("dashboard.shop"), "text"),
            *((month, "money") for month in months),
            (t("dashboard.total"), "money"),
        ],
        [
            [shop.shop_name, *(shop.by_month[m] for m in months), shop.total_cents]
            for shop in figures.shops
        ],
    )


def _use_table(figures: Figures) -> Table:
    return Table(
        [
            (t("dashboard.month"), "month"),
            (t("dashboard.allocated"), "money"),
            (t("dashboard.spent"), "money"),
            (t("dashboard.share"), "percent"),
        ],
        [[u.month, u.allocated_cents, u.spent_cents, u.share_bp] for u in figures.use],
    )


def _people_table(figures: Figures) -> Table:
    return Table(
        [
            (t("dashboard.month"), "month"),
            (t("dashboard.enrolled"), "count"),
            (t("dashboard.allocated_people"), "count"),
            (t("dashboard.active"), "count"),
        ],
        [[p.month, p.enrolled, p.allocated, p.active] for p in figures.people],
    )


TABLES: dict[str, Callable[[Figures], Table]] = {
    "position": _position_table,
    "shops": _shops_table,
    "allocations": _use_table,
    "participants": _people_table,
}


def month_label(month: str) -> str:
    """'2026-09' → 'sept. 2026' / 'Sep 2026'."""
    return f"{t('dashboard.month_' + month[5:7])} {month[:4]}"


def group_label(row: EvaluationRow) -> str:
    if row.group == TOTAL:
        return t("evaluation.group_total")
    if row.group == "none":
        return t("evaluation.group_none")
    return row.group


def _cell_text(value: Any, kind: Kind) -> str:
    if kind == "month":
        return month_label(value) if _is_month(value) else str(value)
    if kind == "money":
        return format_cents(value, lang=current_lang())
    if kind == "percent":
        return "—" if value is None else _percent(value)
    return str(value)


def _is_month(value: object) -> bool:
    return isinstance(value, str) and len(value) == 7 and value[4] == "-"


def _percent(basis_points: int) -> str:
    if current_lang() == "en":
        return f"{hundredths_text(basis_points, '.')}%"
    return f"{hundredths_text(basis_points, ',')}\u202f%"


def _csv_value(value: Any, kind: Kind) -> object:
    if kind == "money":
        return cents_for_csv(value)
    if kind == "percent":
        return "" if value is None else hundredths_text(value, ",")
    return value


# --- charts: the same figures for dashboard.js, read from a JSON block ------------------------


def _charts(figures: Figures) -> dict[str, Any]:
    labels = [month_label(month) for month in figures.window.months]
    positions, use, people = figures.positions, figures.use, figures.people
    return {
        "lang": "en-GB" if current_lang() == "en" else "fr-FR",
        "charts": {
            "position": {
                "unit": "cents",
                "labels": labels,
                "datasets": [
                    _bars("dashboard.contributions", [p.contributions_cents for p in positions]),
                    _bars("dashboard.subsidies", [p.subsidies_cents for p in positions]),
                    _bars("dashboard.allocations", [p.allocations_cents for p in positions]),
                    _bars("dashboard.payouts", [p.payouts_cents for p in positions]),
                    _line("dashboard.reserve_end", [p.reserve_end_cents for p in positions]),
                ],
            },
            "shops": {
                "unit": "cents",
                "stacked": True,
                "labels": labels,
                "datasets": _shop_datasets(figures),
            },
            "allocations": {
                "unit": "basis_points",
                "labels": labels,
                "datasets": [_line("dashboard.share", [u.share_bp for u in use])],
            },
            "participants": {
                "unit": "count",
                "labels": labels,
                "datasets": [
                    _line("dashboard.enrolled", [p.enrolled for p in people]),
                    _bars("dashboard.allocated_people", [p.allocated for p in people]),
                    _bars("dashboard.active", [p.active for p in people]),
                ],
            },
        },
    }


def _bars(key: str, data: list[int]) -> dict[str, Any]:
    return {"type": "bar", "label": t(key), "data": data}


def _line(key: str, data: list[int | None]) -> dict[str, Any]:
    return {"type": "line", "label": t(key), "data": data}


def _shop_datasets(figures: Figures) -> list[dict[str, Any]]:
    months = figures.window.months
    drawn, rest = figures.shops[:CHART_SHOPS], figures.shops[CHART_SHOPS:]
    datasets = [
        {"type": "bar", "label": shop.shop_name, "data": [shop.by_month[m] for m in months]}
        for shop in drawn
    ]
    if rest:
        others = [sum(shop.by_month[m] for shop in rest) for m in months]
        datasets.append(_bars("dashboard.other_shops", others))
    return datasets

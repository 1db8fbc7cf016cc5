"""The reimbursements' console pages: payout batches to shops (prepare, SEPA file, mark paid,
cancel) and the shops' statements. Fund staff move money; the committee reads; a shop manager
sees only their own shop's statement. The templates are in `templates/console/reimbursements/`,
beside this module."""

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from flask import current_app, redirect, render_template, request, url_for
from schwifty import IBAN
from werkzeug.wrappers import Response

from wallet_server import clock
from wallet_server.config import FundAccountSettings
from wallet_server.console.access import (
    FUND_STAFF,
    READERS,
    allow,
    audit,
    is_fund_wide,
    logged_in_user,
    may,
    require_shop,
)
from wallet_server.console.blueprint import console
from wallet_server.console.downloads import cents_for_csv, csv_download, file_download
from wallet_server.console.forms import FormError, form_date
from wallet_server.console.i18n import current_lang, flash_ok, refusal_text, t
from wallet_server.console.nav import nav_entry
from wallet_server.console.query import query_day
from wallet_server.ledger.money import format_cents
from wallet_server.messages import message
from wallet_server.refusals import Refusal
from wallet_server.reimbursements.batches import (
    BatchLine,
    NothingDue,
    PayoutError,
    batch_lines,
    cancel_batch,
    get_batch,
    list_batches,
    mark_paid,
    prepare_batch,
    still_excluded,
)
from wallet_server.reimbursements.dues import ExcludedShop
from wallet_server.reimbursements.models import PayoutBatch, PayoutStatus
from wallet_server.reimbursements.sepa import credit_transfer_file
from wallet_server.reimbursements.settings import FundBankError, fund_bank_account
from wallet_server.reimbursements.statements import Period, fund_statements, shop_statement
from wallet_server.shops.models import Shop
from wallet_server.shops.operations import ShopError, find_shop
from wallet_server.users.models import Role, User
from wallet_server.web.request import db_session

WITH_SHOPS: tuple[Role, ...] = (*READERS, Role.SHOP_MANAGER)
SEPA_MIMETYPE = "application/xml"
PERIOD_ARGS = ("statement_start", "statement_end")

nav_entry("reimbursements", "console.reimbursements", roles=WITH_SHOPS, order=60)


def _actor(user: User) -> str:
    return f"user:{user.username}"


def _own_shop(user: User) -> Shop:
    shop = db_session().get(Shop, user.shop_id) if user.shop_id is not None else None
    if shop is None:
        raise ShopError("shop_not_found")
    return shop


def _excluded_rows(excluded: Sequence[ExcludedShop]) -> list[tuple[ExcludedShop, str]]:
    return [(shop, message(shop.reason, current_lang())) for shop in excluded]


def _batch_snapshot(batch: PayoutBatch, lines: int) -> dict[str, Any]:
    return {
        "status": batch.status,
        "period_start": batch.period_start.isoformat(),
        "period_end": batch.period_end.isoformat(),
        "execution_date": batch.execution_date.isoformat(),
        "total_cents": batch.total_cents,
        "lines": lines,
        "message_id": batch.message_id,
    }


# --- batches ---------------------------------------------------------------------------------


@console.get("/reimbursements")
@allow(*WITH_SHOPS)
def reimbursements() -> str | Response:
    user = logged_in_user()
    if not is_fund_wide(user):
        return redirect(
            url_for("console.reimbursements_statement", public_id=_own_shop(user).public_id)
        )
    return _batches_page({}, None)


def _batches_page(
    values: dict[str, str],
    error: FormError | None,
    refusal: str = "",
    excluded: Sequence[ExcludedShop] = (),
) -> str:
    today = clock.today()
    return render_template(
        "console/reimbursements/list.html",
        batches=list_batches(db_session()),
        values=values,
        error=error,
        refusal=refusal,
        excluded=_excluded_rows(excluded),
        default_period_end=(today.replace(day=1) - timedelta(days=1)).isoformat(),
        default_execution=today.isoformat(),
        may_pay=may(logged_in_user(), FUND_STAFF),
    )


@console.post("/reimbursements/batches")
@allow(*FUND_STAFF)
def reimbursements_prepare() -> tuple[str, int] | Response:
    values = request.form.to_dict()
    try:
        period_end = form_date("payout_period_end")
        execution_date = form_date("payout_execution_date")
    except FormError as error:
        return _batches_page(values, error), 422
    user = logged_in_user()
    try:
        prepared = prepare_batch(
            db_session(),
            period_end=period_end,
            execution_date=execution_date,
            actor=_actor(user),
        )
    except NothingDue as refusal:
        return _batches_page(values, None, refusal_text(refusal), refusal.excluded), 422
    except PayoutError as refusal:
        return _batches_page(values, None, refusal_text(refusal)), 422
    batch = prepared.batch
    audit(
        "payout.prepare",
        f"payout:{batch.id}",
        after=_batch_snapshot(batch, len(prepared.lines))
        | {"excluded": [f"{shop.shop_public_id}:{shop.reason}" for shop in prepared.excluded]},
    )
    flash_ok(
        t(
            "reimbursements.prepared",
            id=batch.id,
            count=len(prepared.lines),
            total=format_cents(batch.total_cents, lang=current_lang()),
        )
    )
    return redirect(url_for("console.reimbursements_batch", batch_id=batch.id))


@console.get("/reimbursements/batches/<int:batch_id>")
@allow(*READERS)
def reimbursements_batch(batch_id: int) -> str:
    return _batch_page(get_batch(db_session(), batch_id))


def _batch_page(batch: PayoutBatch, *, refusal: str = "", template: str = "batch") -> str:
    session = db_session()
    lines = batch_lines(session, batch)
    return render_template(
        f"console/reimbursements/{template}.html",
        batch=batch,
        lines=[(entry, IBAN(entry.line.iban).formatted) for entry in lines],
        total_lines=len(lines),
        excluded=_excluded_rows(still_excluded(session, batch)),
        refusal=refusal,
        prepared=batch.status == PayoutStatus.PREPARED.value,
        may_pay=may(logged_in_user(), FUND_STAFF),
    )


@console.get("/reimbursements/batches/<int:batch_id>/pay")
@allow(*FUND_STAFF)
def reimbursements_confirm(batch_id: int) -> str:
    return _batch_page(get_batch(db_session(), batch_id), template="confirm")


@console.post("/reimbursements/batches/<int:batch_id>/pay")
@allow(*FUND_STAFF)
def reimbursements_mark_paid(batch_id: int) -> tuple[str, int] | Response:
    session = db_session()
    batch = get_batch(session, batch_id)
    if request.form.get("payout_confirm") != "yes":
        page = _batch_page(batch, refusal=t("reimbursements.confirm_missing"), template="confirm")
        return page, 422
    before = _batch_snapshot(batch, len(batch_lines(session, batch)))
    user = logged_in_user()
    try:
        mark_paid(session, batch, actor=_actor(user))
    except PayoutError as refusal:  # rolled back with the request: nothing was posted
        return _batch_page(batch, refusal=refusal_text(refusal)), 422
    audit(
        "payout.mark_paid",
        f"payout:{batch.id}",
        before=before,
        after=_batch_snapshot(batch, before["lines"]) | {"paid_by": batch.paid_by or ""},
    )
    flash_ok(t("reimbursements.marked_paid", id=batch.id, count=before["lines"]))
    return redirect(url_for("console.reimbursements_batch", batch_id=batch.id))


@console.post("/reimbursements/batches/<int:batch_id>/cancel")
@allow(*FUND_STAFF)
def reimbursements_cancel(batch_id: int) -> tuple[str, int] | Response:
    session = db_session()
    batch = get_batch(session, batch_id)
    before = _batch_snapshot(batch, len(batch_lines(session, batch)))
    try:
        cancel_batch(session, batch)
    except PayoutError as refusal:
        return _batch_page(batch, refusal=refusal_text(refusal)), 422
    audit(
        "payout.cancel",
        f"payout:{batch.id}",
        before=before,
        after=_batch_snapshot(batch, before["lines"]),
    )
    flash_ok(t("reimbursements.cancelled", id=batch.id))
    return redirect(url_for("console.reimbursements_batch", batch_id=batch.id))


@console.get("/reimbursements/batches/<int:batch_id>/sepa.xml")
@allow(*FUND_STAFF)
def reimbursements_sepa(batch_id: int) -> tuple[str, int] | Response:
    session = db_session()
    batch = get_batch(session, batch_id)
    if batch.status == PayoutStatus.CANCELLED.value:  # a bank must never receive it now
        raise PayoutError("payout_batch_cancelled", batch=batch.id)
    lines = batch_lines(session, batch)
    fund_account: FundAccountSettings = current_app.extensions["caisse.settings"].fund_account
    try:
        document = credit_transfer_file(batch, lines, fund_bank_account(fund_account))
    except FundBankError as error:
        return _fund_bank_refusal(error), 422
    audit(
        "payout.export_sepa",
        f"payout:{batch.id}",
        after={"message_id": batch.message_id, "total_cents": batch.total_cents},
    )
    return file_download(f"virements-{batch.message_id}.xml", document, SEPA_MIMETYPE)


def _fund_bank_refusal(error: Refusal) -> str:
    variable = t("reimbursements.fund_variable", variable=error.details.get("variable", ""))
    return render_template(
        "console/error.html", status=422, text=f"{refusal_text(error)} {variable}"
    )


@console.get("/reimbursements/batches/<int:batch_id>/lines.csv")
@allow(*READERS)
def reimbursements_csv(batch_id: int) -> Response:
    session = db_session()
    batch = get_batch(session, batch_id)
    audit("payout.export_csv", f"payout:{batch.id}", after={"total_cents": batch.total_cents})
    return csv_download(
        f"virements-{batch.id}.csv",
        [
            t(f"reimbursements.csv_{name}")
            for name in ("shop", "shop_id", "iban", "bic", "holder", "amount_eur", "reference")
        ],
        _csv_rows(batch_lines(session, batch)),
    )


def _csv_rows(lines: Sequence[BatchLine]) -> list[tuple[str, ...]]:
    return [
        (
            entry.shop.name,
            entry.shop.public_id,
            entry.line.iban,
            entry.line.bic,
            entry.line.account_holder,
            cents_for_csv(entry.line.amount_cents),
            entry.line.end_to_end_id,
        )
        for entry in lines
    ]


# --- statements ------------------------------------------------------------------------------


def _period() -> Period:
    """From the query string; by default the current month up to today (UTC days)."""
    today = clock.today()
    return Period(
        query_day("statement_start", today.replace(day=1)), query_day("statement_end", today)
    )


@console.get("/reimbursements/statements")
@allow(*WITH_SHOPS)
def reimbursements_statements() -> str | Response:
    user = logged_in_user()
    if not is_fund_wide(user):
        values: dict[str, Any] = {
            name: request.args[name] for name in PERIOD_ARGS if name in request.args
        }
        values["public_id"] = _own_shop(user).public_id
        return redirect(url_for("console.reimbursements_statement", **values))
    period = _period()
    return render_template(
        "console/reimbursements/statements.html",
        period=period,
        statements=fund_statements(db_session(), period),
    )


@console.get("/reimbursements/statements/<public_id>")
@allow(*WITH_SHOPS)
def reimbursements_statement(public_id: str) -> str:
    shop = find_shop(db_session(), public_id)
    require_shop(shop)
    period = _period()
    return render_template(
        "console/reimbursements/statement.html",
        shop=shop,
        period=period,
        statement=shop_statement(db_session(), shop, period),
        fund_wide=is_fund_wide(logged_in_user()),
    )

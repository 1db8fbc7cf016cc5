"""The vouchers' console pages: issue a participant's sheet (after a confirmation), print it,
follow each voucher, cancel one or the rest of a sheet. Linked from the participant page; the
templates are in `templates/console/vouchers/`, beside this module."""

from datetime import date, datetime, timedelta

from flask import current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from wallet_server import clock
from wallet_server.config import TokenSettings
from wallet_server.console.access import FUND_STAFF, READERS, allow, audit, logged_in_user, may
from wallet_server.console.blueprint import console
from wallet_server.console.forms import FormError, form_cents, form_int
from wallet_server.console.i18n import current_lang, flash_ok, t
from wallet_server.ledger.money import format_cents
from wallet_server.messages import message
from wallet_server.participants.models import Participant
from wallet_server.pos.pin import find_participant
from wallet_server.refusals import Refusal
from wallet_server.tokens.keystore import KeyStore
from wallet_server.tokens.operations import current_signing_key, wallet_account
from wallet_server.tokens.qr import qr_svg
from wallet_server.vouchers.models import VoucherSheet
from wallet_server.vouchers.operations import (
    MAX_VOUCHERS_PER_SHEET,
    cancel_sheet,
    cancel_voucher,
    check_sheet_request,
    find_sheet,
    find_voucher,
    issue_sheet,
    participant_sheets,
    printable_vouchers,
    sheet_status,
)
from wallet_server.web.request import db_session

#: vouchers per printed A4 page: two columns of five
PER_PAGE = 10
#: what stops a sheet being issued: a field to correct, or a refusal
SheetRefusal = FormError | Refusal


def _tokens() -> TokenSettings:
    tokens: TokenSettings = current_app.extensions["caisse.settings"].tokens
    return tokens


def _actor() -> str:
    return f"user:{logged_in_user().username}"


def _sheet_of(public_id: str, sheet_id: int) -> tuple[Participant, VoucherSheet]:
    participant = find_participant(db_session(), public_id)
    return participant, find_sheet(db_session(), participant, sheet_id)


def last_valid_day(expires_at: datetime) -> date:
    """The last whole day of the fund's calendar a voucher is good for: what is printed,
    never too late."""
    return clock.today(expires_at) - timedelta(days=1)


@console.get("/participants/<public_id>/vouchers")
@allow(*READERS)
def participant_vouchers(public_id: str) -> str:
    return _vouchers_page(public_id, {}, None)[0]


def _vouchers_page(
    public_id: str, values: dict[str, str], error: SheetRefusal | None
) -> tuple[str, int]:
    session = db_session()
    participant = find_participant(session, public_id)
    page = render_template(
        "console/vouchers/list.html",
        participant=participant,
        account=wallet_account(session, participant),
        sheets=participant_sheets(session, participant),
        may_act=may(logged_in_user(), FUND_STAFF),
        values=values,
        form_error=error if isinstance(error, FormError) else None,
        refusal=_refusal_words(error),
        cap=_tokens().cap_cents,
        max_count=MAX_VOUCHERS_PER_SHEET,
        last_valid_day=last_valid_day,
    )
    return page, 422 if error else 200


def _refusal_words(error: SheetRefusal | None) -> str | None:
    # a form error is shown next to its field; a domain refusal above the form
    if error is None or isinstance(error, FormError):
        return None
    return message(error.code, current_lang())


@console.post("/participants/<public_id>/vouchers")
@allow(*FUND_STAFF)
def participant_vouchers_issue(public_id: str) -> tuple[str, int] | Response:
    """First a confirmation showing what will be held (nothing written), then the sheet."""
    session = db_session()
    participant = find_participant(session, public_id)
    values = {key: request.form.get(key, "") for key in ("value", "count")}
    try:
        value = form_cents("value")
        count = form_int("count", minimum=1, maximum=MAX_VOUCHERS_PER_SHEET) or 0
        check_sheet_request(
            session, participant, value_cents=value, count=count, settings=_tokens()
        )
    except (FormError, Refusal) as error:
        return _vouchers_page(public_id, values, error)
    if request.form.get("confirm") != "yes":
        account = wallet_account(session, participant)
        return render_template(
            "console/vouchers/confirm.html",
            participant=participant,
            value=value,
            count=count,
            values=values,
            available=account.available,
            until=last_valid_day(clock.now() + timedelta(seconds=_tokens().voucher_seconds)),
        ), 200
    signer = current_signing_key(
        session, KeyStore(current_app.extensions["caisse.settings"].key_dir)
    )
    sheet = issue_sheet(
        session,
        participant,
        value_cents=value,
        count=count,
        signer=signer,
        settings=_tokens(),
        actor=_actor(),
    )
    audit(
        "voucher.issue",
        f"voucher_sheet:{sheet.id}",
        after={
            "participant": participant.public_id,
            "value_cents": value,
            "count": count,
            "held_cents": value * count,
            "expires_at": sheet.expires_at.isoformat(timespec="minutes"),
        },
    )
    flash_ok(t("vouchers.issued", count=count))
    return redirect(
        url_for("console.participant_voucher_sheet", public_id=public_id, sheet_id=sheet.id)
    )


@console.get("/participants/<public_id>/vouchers/<int:sheet_id>")
@allow(*READERS)
def participant_voucher_sheet(public_id: str, sheet_id: int) -> str:
    participant, sheet = _sheet_of(public_id, sheet_id)
    return render_template(
        "console/vouchers/detail.html",
        participant=participant,
        status=sheet_status(db_session(), sheet),
        may_act=may(logged_in_user(), FUND_STAFF),
        last_valid_day=last_valid_day,
    )


@console.get("/participants/<public_id>/vouchers/<int:sheet_id>/print")
@allow(*FUND_STAFF)
def participant_voucher_print(public_id: str, sheet_id: int) -> str:
    """The printable sheet. Each voucher on it is money: every printing is audited."""
    participant, sheet = _sheet_of(public_id, sheet_id)
    vouchers = printable_vouchers(db_session(), sheet)
    audit("voucher.print", f"voucher_sheet:{sheet.id}", after={"count": len(vouchers)})
    last_day = last_valid_day(sheet.expires_at)
    return render_template(
        "console/vouchers/sheet.html",
        participant=participant,
        sheet=sheet,
        pages=[vouchers[i : i + PER_PAGE] for i in range(0, len(vouchers), PER_PAGE)],
        qr={voucher.number: qr_svg(voucher.token_text) for voucher in vouchers},
        # printed in both languages whatever the coordinator reads: the holder may read either
        value_fr=format_cents(sheet.value_cents, lang="fr"),
        value_en=format_cents(sheet.value_cents, lang="en"),
        until_fr=last_day.strftime("%d/%m/%Y"),
        until_en=last_day.isoformat(),
    )


@console.post("/participants/<public_id>/vouchers/<int:sheet_id>/<int:number>/cancel")
@allow(*FUND_STAFF)
def participant_voucher_cancel(public_id: str, sheet_id: int, number: int) -> Response:
    _, sheet = _sheet_of(public_id, sheet_id)
    voucher = find_voucher(db_session(), sheet, number)
    cancel_voucher(db_session(), voucher, _actor())
    audit(
        "voucher.cancel",
        f"voucher_sheet:{sheet.id}",
        before={"number": number, "state": "outstanding"},
        after={"number": number, "state": "cancelled", "released_cents": sheet.value_cents},
    )
    flash_ok(
        t(
            "vouchers.cancelled",
            number=number,
            amount=format_cents(sheet.value_cents, lang=current_lang()),
        )
    )
    return redirect(
        url_for("console.participant_voucher_sheet", public_id=public_id, sheet_id=sheet_id)
    )


@console.post("/participants/<public_id>/vouchers/<int:sheet_id>/cancel")
@allow(*FUND_STAFF)
def participant_voucher_sheet_cancel(public_id: str, sheet_id: int) -> Response:
    _, sheet = _sheet_of(public_id, sheet_id)
    cancelled = cancel_sheet(db_session(), sheet, _actor())
    released = sheet.value_cents * len(cancelled)
    audit(
        "voucher.cancel_sheet",
        f"voucher_sheet:{sheet.id}",
        after={"numbers": [v.number for v in cancelled], "released_cents": released},
    )
    flash_ok(
        t(
            "vouchers.cancelled_rest",
            count=len(cancelled),
            amount=format_cents(released, lang=current_lang()),
        )
    )
    return redirect(
        url_for("console.participant_voucher_sheet", public_id=public_id, sheet_id=sheet_id)
    )

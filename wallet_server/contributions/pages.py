"""The contributions' console pages: the committee's scale, households' payments, who is
behind, subsidies, and what came into the fund month by month. The templates are in
`templates/console/contributions/`, beside this module."""

import re
import uuid

from flask import redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from wallet_server import clock
from wallet_server.console.access import (
    DECIDERS,
    FUND_STAFF,
    READERS,
    allow,
    audit,
    logged_in_user,
    may,
)
from wallet_server.console.blueprint import console
from wallet_server.console.forms import FormError, form_cents, form_date, form_month, form_text
from wallet_server.console.i18n import flash_ok, t
from wallet_server.console.nav import nav_entry
from wallet_server.console.query import query_month
from wallet_server.contributions.models import PaymentMethod
from wallet_server.contributions.operations import (
    record_payment,
    record_subsidy,
    recorded_payment,
    recorded_subsidy,
    scale_decisions,
    scale_for,
    set_scale,
    who_is_behind,
)
from wallet_server.contributions.reports import contribution_history, inflows_by_month
from wallet_server.fund import FundAccount, fund_account
from wallet_server.months import next_month
from wallet_server.participants.models import Participant
from wallet_server.participants.operations import find_participants
from wallet_server.pos.pin import find_participant
from wallet_server.public_ids import normalize_public_id
from wallet_server.web.request import db_session

#: levels a scale may have; the form shows a few empty ones after the scale in force
MAX_LEVELS = 20
#: a name search showing more than this is too vague to pick from
MAX_MATCHES = 10
#: a random key put in each payment or subsidy form: sending the form twice records once
_FORM_KEY = re.compile(r"^[0-9a-f]{32}$")

nav_entry("contributions", "console.contributions", roles=READERS, order=30)


def _tiers(scale: dict[int, int]) -> list[int]:
    return [scale[level] for level in sorted(scale)]


def _form_key() -> str:
    """The form's own key, or a new one if it came without (a hand-made request)."""
    key = request.form.get("form_key", "")
    return key if _FORM_KEY.match(key) else uuid.uuid4().hex


@console.get("/contributions")
@allow(*READERS)
def contributions() -> str:
    return _index_page({}, None)


def _index_page(values: dict[str, str], error: FormError | None) -> str:
    session = db_session()
    month = clock.this_month()
    in_force = _tiers(scale_for(session, month))
    user = logged_in_user()
    return render_template(
        "console/contributions/index.html",
        month=month,
        next_month=next_month(month),
        in_force=in_force,
        decisions=scale_decisions(session),
        inflows=inflows_by_month(session),
        levels=range(1, min(max(len(in_force) + 3, 9), MAX_LEVELS) + 1),
        values=values,
        error=error,
        form_key=uuid.uuid4().hex,
        today=clock.today().isoformat(),
        may_decide=may(user, DECIDERS),
        may_record=may(user, FUND_STAFF),
    )


def _tiers_from_form() -> list[int]:
    """Amounts of levels 1, 2, … up to the last one filled; a gap in between is an error."""
    filled = [
        level for level in range(1, MAX_LEVELS + 1) if request.form.get(f"tier_{level}", "").strip()
    ]
    if not filled:
        raise FormError(field="tier_1", text_key="form.required")
    return [form_cents(f"tier_{level}") for level in range(1, filled[-1] + 1)]


@console.post("/contributions/scale")
@allow(*DECIDERS)
def contribution_scale_record() -> tuple[str, int] | Response:
    try:
        effective_month = form_month("effective_month")
        tiers = _tiers_from_form()
    except FormError as error:
        return _index_page(request.form.to_dict(), error), 422
    session = db_session()
    before = _tiers(scale_for(session, effective_month))
    scale = set_scale(
        session,
        effective_month=effective_month,
        tiers_cents=tiers,
        decided_by=f"user:{logged_in_user().username}",
    )
    audit(
        "contribution.scale",
        f"scale:{scale.id}",
        before={"effective_month": effective_month, "tiers_cents": before},
        after={"effective_month": effective_month, "tiers_cents": tiers},
    )
    flash_ok(t("contributions.scale_recorded", month=effective_month))
    return redirect(url_for("console.contributions"))


@console.post("/contributions/subsidy")
@allow(*FUND_STAFF)
def contribution_subsidy_record() -> tuple[str, int] | Response:
    try:
        funder = form_text("funder")
        amount_cents = form_cents("subsidy_amount")
        received_on = form_date("received_on")
    except FormError as error:
        return _index_page(request.form.to_dict(), error), 422
    session = db_session()
    key = _form_key()
    if recorded_subsidy(session, key) is not None:
        flash_ok(t("contributions.already_recorded"))
        return redirect(url_for("console.contributions"))
    reserve_before = fund_account(session, FundAccount.RESERVE).balance
    subsidy = record_subsidy(
        session,
        funder=funder,
        amount_cents=amount_cents,
        received_on=received_on,
        actor=f"user:{logged_in_user().username}",
        subsidy_id=key,
    )
    audit(
        "contribution.subsidy",
        f"subsidy:{subsidy.id}",
        before={"reserve_cents": reserve_before},
        after={
            "reserve_cents": fund_account(session, FundAccount.RESERVE).balance,
            "funder": subsidy.funder,
            "amount_cents": subsidy.amount_cents,
            "received_on": subsidy.received_on.isoformat(),
        },
    )
    flash_ok(t("contributions.subsidy_recorded", funder=subsidy.funder))
    return redirect(url_for("console.contributions"))


@console.get("/contributions/behind")
@allow(*READERS)
def contributions_behind() -> tuple[str, int] | str:
    try:
        month = query_month("month", clock.this_month())
    except FormError as error:
        return _index_page({"month": request.args.get("month", "")}, error), 422
    rows = who_is_behind(db_session(), as_of_month=month)
    return render_template(
        "console/contributions/behind.html",
        month=month,
        rows=rows,
        owed_cents=sum(row.owed_cents for row in rows),
    )


@console.get("/contributions/participants/<public_id>")
@allow(*READERS)
def contribution_history_page(public_id: str) -> str:
    session = db_session()
    participant = find_participant(session, public_id)
    month = clock.this_month()
    return render_template(
        "console/contributions/history.html",
        participant=participant,
        month=month,
        history=contribution_history(session, participant, as_of_month=month),
        may_record=may(logged_in_user(), FUND_STAFF),
    )


@console.get("/contributions/payment")
@allow(*FUND_STAFF)
def contribution_payment() -> str:
    return _payment_page({"participant": request.args.get("participant", "")[:100]}, None, [])


def _payment_page(
    values: dict[str, str], error: FormError | None, matches: list[Participant]
) -> str:
    return render_template(
        "console/contributions/payment.html",
        values=values,
        error=error,
        matches=matches,
        methods=[method.value for method in PaymentMethod],
        form_key=values.get("form_key") or uuid.uuid4().hex,
        today=clock.today().isoformat(),
    )


def _participants_matching(session: Session, text: str) -> list[Participant]:
    """By public id if it is one, else by name: the person at the desk may know either."""
    try:
        public_id = normalize_public_id(text)
    except ValueError:
        pass
    else:
        found = session.scalar(select(Participant).where(Participant.public_id == public_id))
        if found is not None:
            return [found]
    rows = find_participants(session, search=text, limit=MAX_MATCHES + 1)
    return [participant for participant, _account in rows]


@console.post("/contributions/payment")
@allow(*FUND_STAFF)
def contribution_payment_record() -> tuple[str, int] | Response:
    values = request.form.to_dict()
    session = db_session()
    try:
        text = form_text("participant", max_length=100)
        amount_cents = form_cents("amount")
        method = request.form.get("method", "")
        if method not in {m.value for m in PaymentMethod}:
            raise FormError(field="method", text_key="form.required")
        paid_on = form_date("paid_on")
        reference = form_text("reference", required=False, max_length=60)
    except FormError as error:
        return _payment_page(values, error, []), 422
    matches = _participants_matching(session, text)
    if len(matches) != 1:
        key = "contributions.no_match" if not matches else "contributions.choose_one"
        if len(matches) > MAX_MATCHES:
            key, matches = "contributions.too_many_matches", []
        return _payment_page(values, FormError(field="participant", text_key=key), matches), 422
    participant = matches[0]
    # a bank reference identifies the payment itself; without one, the form's key does
    payment_key = f"ref:{reference}" if reference else f"form:{_form_key()}"
    month = clock.this_month()
    before = contribution_history(session, participant, as_of_month=month)
    if recorded_payment(session, payment_key) is not None:
        flash_ok(t("contributions.already_recorded"))
        return _to_history(participant)
    payment = record_payment(
        session,
        participant,
        amount_cents=amount_cents,
        method=PaymentMethod(method),
        paid_on=paid_on,
        actor=f"user:{logged_in_user().username}",
        payment_id=payment_key,
    )
    after = contribution_history(session, participant, as_of_month=month)
    audit(
        "contribution.payment",
        f"participant:{participant.public_id}",
        before={"paid_cents": before.paid_cents, "owed_cents": before.owed_cents},
        after={
            "payment_id": payment.id,
            "amount_cents": payment.amount_cents,
            "method": payment.method,
            "paid_on": payment.paid_on.isoformat(),
            "paid_cents": after.paid_cents,
            "owed_cents": after.owed_cents,
        },
    )
    flash_ok(t("contributions.payment_recorded", public_id=participant.public_id))
    return _to_history(participant)


def _to_history(participant: Participant) -> Response:
    return redirect(url_for("console.contribution_history_page", public_id=participant.public_id))

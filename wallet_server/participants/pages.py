"""The participants' console pages: search, enroll, import a CSV, activation letters, phones,
status, PIN, history. The templates are in `templates/console/participants/`, beside this module."""

from flask import current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from wallet_server import clock
from wallet_server.api.wallet import ACTIVATION_PATH
from wallet_server.console.access import (
    FUND_STAFF,
    READERS,
    allow,
    audit,
    logged_in_user,
    may,
)
from wallet_server.console.blueprint import console
from wallet_server.console.forms import FormError, form_int, form_month, form_text
from wallet_server.console.i18n import flash_ok, refusal_text, t
from wallet_server.console.nav import nav_entry
from wallet_server.console.query import page_number
from wallet_server.ledger import Account
from wallet_server.participants.activation import create_activation_code
from wallet_server.participants.history import movements
from wallet_server.participants.models import Participant, ParticipantDevice, ParticipantStatus
from wallet_server.participants.operations import (
    MAX_HOUSEHOLD,
    Enrollment,
    enroll,
    enroll_many,
    find_participants,
    parse_participants_csv,
)
from wallet_server.participants.status import change_status, take_phones_out_of_use
from wallet_server.pos.pin import PinError, find_participant, set_pin, unlock_pin
from wallet_server.tokens.qr import qr_svg
from wallet_server.web.request import db_session

PAGE_SIZE = 50
#: a larger file is better split: the preview must stay readable and the request small
MAX_IMPORT_BYTES = 1_000_000

nav_entry("participants", "console.participants", roles=READERS, order=10)


def _participant(public_id: str) -> Participant:
    return find_participant(db_session(), public_id)


def _snapshot(participant: Participant) -> dict[str, object]:
    return {
        "status": participant.status,
        "household_size": participant.household_size,
        "contribution_level": participant.contribution_level,
        "name": participant.name or "",
        "contact": participant.contact or "",
    }


@console.get("/participants")
@allow(*READERS)
def participants() -> str:
    search = request.args.get("q", "").strip()[:100]
    status = request.args.get("status", "")
    status = status if status in {s.value for s in ParticipantStatus} else ""
    page = page_number()
    rows = find_participants(
        db_session(),
        search=search or None,
        status=status or None,
        limit=PAGE_SIZE + 1,
        offset=(page - 1) * PAGE_SIZE,
    )
    return render_template(
        "console/participants/list.html",
        rows=rows[:PAGE_SIZE],
        more=len(rows) > PAGE_SIZE,
        page=page,
        search=search,
        status=status,
        statuses=[s.value for s in ParticipantStatus],
        may_enroll=may(logged_in_user(), FUND_STAFF),
    )


@console.get("/participants/new")
@allow(*FUND_STAFF)
def participant_new() -> str:
    return _enroll_form({}, None)


def _enroll_form(values: dict[str, str], error: FormError | None) -> str:
    return render_template(
        "console/participants/new.html",
        values=values,
        error=error,
        month=clock.this_month(),
        max_household=MAX_HOUSEHOLD,
    )


@console.post("/participants/new")
@allow(*FUND_STAFF)
def participant_create() -> tuple[str, int] | Response:
    try:
        enrollment = Enrollment(
            enrolled_month=form_month("enrolled_month"),
            name=form_text("name"),
            contact=form_text("contact", required=False) or None,
            household_size=form_int("household_size", minimum=1, maximum=MAX_HOUSEHOLD) or 1,
            contribution_level=form_int(
                "contribution_level", minimum=1, maximum=99, required=False
            ),
        )
    except FormError as error:
        return _enroll_form(request.form.to_dict(), error), 422
    user = logged_in_user()
    participant = enroll(db_session(), enrollment, actor=f"user:{user.username}")
    audit(
        "participant.enroll",
        f"participant:{participant.public_id}",
        after=_snapshot(participant) | {"enrolled_month": participant.enrolled_month},
    )
    flash_ok(t("participants.enrolled", public_id=participant.public_id))
    return redirect(url_for("console.participant_detail", public_id=participant.public_id))


@console.get("/participants/import")
@allow(*FUND_STAFF)
def participant_import() -> str:
    return render_template(
        "console/participants/import.html", month=clock.this_month(), preview=None
    )


@console.post("/participants/import")
@allow(*FUND_STAFF)
def participant_import_submit() -> tuple[str, int] | Response:
    """First the preview (nothing written), then, with the same text, the enrollment."""
    month = form_month("enrolled_month")
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        raw = upload.read(MAX_IMPORT_BYTES + 1)
        if len(raw) > MAX_IMPORT_BYTES:
            raise FormError("file", "participants.import_too_big")
        text = raw.decode("utf-8-sig", errors="replace")
    else:
        text = request.form.get("csv_text", "")
    if not text.strip():
        raise FormError("file", "form.required")
    parsed = parse_participants_csv(text, enrolled_month=month)
    if request.form.get("confirm") != "yes" or parsed.errors:
        status = 422 if parsed.errors else 200
        page = render_template(
            "console/participants/import.html",
            month=month,
            preview=parsed,
            csv_text=text,
            error_texts=[refusal_text(error) for error in parsed.errors],
        )
        return page, status
    user = logged_in_user()
    created = enroll_many(db_session(), parsed.enrollments, actor=f"user:{user.username}")
    audit(
        "participant.import",
        f"participants:{len(created)}",
        after={
            "count": len(created),
            "enrolled_month": month,
            "public_ids": [p.public_id for p in created][:200],
        },
    )
    flash_ok(t("participants.imported", count=len(created)))
    return redirect(url_for("console.participants"))


@console.get("/participants/<public_id>")
@allow(*READERS)
def participant_detail(public_id: str) -> str:
    session = db_session()
    participant = _participant(public_id)
    account = session.get(Account, participant.account_id)
    phones = (
        session.query(ParticipantDevice)
        .filter_by(participant_id=participant.id)
        .order_by(ParticipantDevice.id)
    )
    history, cursor = movements(
        session, participant, limit=20, before=request.args.get("before") or None
    )
    user = logged_in_user()
    return render_template(
        "console/participants/detail.html",
        participant=participant,
        account=account,
        phones=list(phones),
        history=history,
        cursor=cursor,
        may_act=may(user, FUND_STAFF),
        show_contact=may(user, FUND_STAFF),
        has_vouchers="console.participant_vouchers" in current_app.view_functions,
    )


@console.post("/participants/<public_id>/letter")
@allow(*FUND_STAFF)
def participant_letter(public_id: str) -> str:
    """A new activation code, shown once on a printable letter; older unused codes stay valid
    until they expire, so a reprint never locks out a letter already posted."""
    participant = _participant(public_id)
    user = logged_in_user()
    created = create_activation_code(db_session(), participant, actor=f"user:{user.username}")
    base = current_app.extensions["caisse.settings"].public_url or request.host_url
    link = base.rstrip("/") + ACTIVATION_PATH.format(code=created.code)
    audit(
        "participant.activation_letter",
        f"participant:{participant.public_id}",
        after={"expires_at": created.expires_at.isoformat(timespec="minutes")},
    )
    return render_template(
        "console/participants/letter.html",
        participant=participant,
        code=created.code,
        expires_at=created.expires_at,
        link=link,
        qr=qr_svg(link),
    )


@console.post("/participants/<public_id>/phones/revoke")
@allow(*FUND_STAFF)
def participant_phones_revoke(public_id: str) -> Response:
    participant = _participant(public_id)
    phones, codes = take_phones_out_of_use(db_session(), participant)
    audit(
        "participant.phones_revoke",
        f"participant:{participant.public_id}",
        after={"phones_revoked": phones, "codes_cancelled": codes},
    )
    flash_ok(t("participants.phones_revoked", phones=phones, codes=codes))
    return redirect(url_for("console.participant_detail", public_id=public_id))


@console.post("/participants/<public_id>/status")
@allow(*FUND_STAFF)
def participant_status(public_id: str) -> Response:
    participant = _participant(public_id)
    wanted = request.form.get("status", "")
    if wanted not in {ParticipantStatus.ACTIVE.value, ParticipantStatus.SUSPENDED.value}:
        raise FormError("status", "form.required")
    before = _snapshot(participant)
    change_status(db_session(), participant, ParticipantStatus(wanted))
    audit(
        "participant.status",
        f"participant:{participant.public_id}",
        before=before,
        after=_snapshot(participant),
    )
    flash_ok(t(f"participants.now_{wanted}"))
    return redirect(url_for("console.participant_detail", public_id=public_id))


@console.post("/participants/<public_id>/pin")
@allow(*FUND_STAFF)
def participant_pin(public_id: str) -> tuple[str, int] | Response:
    participant = _participant(public_id)
    had_pin = participant.pin_hash is not None
    try:
        set_pin(participant, request.form.get("pin", "").strip())
    except PinError as error:
        return render_template("console/error.html", status=422, text=refusal_text(error)), 422
    audit(
        "participant.pin_set",
        f"participant:{participant.public_id}",
        before={"pin_set": had_pin},
        after={"pin_set": True},  # never the PIN itself
    )
    flash_ok(t("participants.pin_saved"))
    return redirect(url_for("console.participant_detail", public_id=public_id))


@console.post("/participants/<public_id>/pin/unlock")
@allow(*FUND_STAFF)
def participant_pin_unlock(public_id: str) -> Response:
    participant = _participant(public_id)
    before = {"pin_failures": participant.pin_failures}
    unlock_pin(participant)
    audit(
        "participant.pin_unlock",
        f"participant:{participant.public_id}",
        before=before,
        after={"pin_failures": participant.pin_failures},
    )
    flash_ok(t("participants.pin_unlocked"))
    return redirect(url_for("console.participant_detail", public_id=public_id))

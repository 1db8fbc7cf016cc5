"""Conflicts from offline double spends: the queue, the fund's exposure, and their settlement.

Settling moves money (write-off, repayment) or decides whose money refills the wallet
(recovery), so only the fund's staff settle; the committee reads. A GET never writes: conflicts
whose wallet is already back at zero are shown as recovered and closed by the next allocation.
"""

from flask import redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from wallet_server.console import euros
from wallet_server.console.access import FUND_STAFF, READERS, allow, audit, logged_in_user, may
from wallet_server.console.blueprint import console
from wallet_server.console.forms import FormError, form_text
from wallet_server.console.i18n import flash_error, flash_ok, refusal_text, t
from wallet_server.console.nav import nav_entry
from wallet_server.ledger import Account
from wallet_server.participants.models import Participant
from wallet_server.pos.conflicts import (
    ConflictStatus,
    conflict_figures,
    conflict_queue,
    conflict_record,
    find_conflict,
    mark_repaid,
    recover_from_next_allocation,
    write_off,
)
from wallet_server.pos.models import Conflict
from wallet_server.pos.refused_captures import (
    RefusedCaptureError,
    close_refused_capture,
    find_refused_capture,
    refused_capture_queue,
)
from wallet_server.web.request import db_session, settings

nav_entry("conflicts", "console.conflicts", roles=READERS, order=80)


@console.get("/conflicts")
@allow(*READERS)
def conflicts() -> str:
    wanted = request.args.get("status", "")
    status = ConflictStatus(wanted) if wanted in {s.value for s in ConflictStatus} else None
    session = db_session()
    return render_template(
        "console/conflicts/list.html",
        rows=conflict_queue(session, status=status),
        refused=refused_capture_queue(session),
        figures=conflict_figures(session, settings().tokens),
        status=status.value if status else "",
        statuses=[s.value for s in ConflictStatus],
        may_settle=may(logged_in_user(), FUND_STAFF),
    )


def _actor() -> str:
    return f"user:{logged_in_user().username}"


def _wallet_cents(conflict: Conflict) -> int:
    participant = db_session().get(Participant, conflict.participant_id)
    assert participant is not None
    account = db_session().get(Account, participant.account_id)
    assert account is not None
    return account.available


def _audited(action: str, conflict: Conflict, before: dict[str, object], moved: int) -> None:
    audit(
        action,
        f"conflict:{conflict.id}",
        before=before,
        after=conflict_record(conflict)
        | {"moved_cents": moved, "wallet_cents": _wallet_cents(conflict)},
    )


def _before(conflict: Conflict) -> dict[str, object]:
    return conflict_record(conflict) | {"wallet_cents": _wallet_cents(conflict)}


@console.post("/conflicts/<int(max=2147483647):conflict_id>/write-off")
@allow(*FUND_STAFF)
def conflict_write_off(conflict_id: int) -> Response:
    conflict = find_conflict(db_session(), conflict_id)
    before = _before(conflict)
    moved = write_off(db_session(), conflict, actor=_actor())
    _audited("conflict.write_off", conflict, before, moved)
    flash_ok(t("conflicts.written_off_ok", id=conflict.id, amount=euros(moved)))
    return redirect(url_for("console.conflicts"))


@console.post("/conflicts/<int(max=2147483647):conflict_id>/recover")
@allow(*FUND_STAFF)
def conflict_recover(conflict_id: int) -> Response:
    conflict = find_conflict(db_session(), conflict_id)
    before = _before(conflict)
    recover_from_next_allocation(db_session(), conflict, actor=_actor())
    _audited("conflict.recover", conflict, before, 0)
    flash_ok(t("conflicts.recovering_ok", id=conflict.id))
    return redirect(url_for("console.conflicts"))


@console.post("/conflicts/<int(max=2147483647):conflict_id>/repaid")
@allow(*FUND_STAFF)
def conflict_repaid(conflict_id: int) -> Response:
    conflict = find_conflict(db_session(), conflict_id)
    before = _before(conflict)
    moved = mark_repaid(db_session(), conflict, actor=_actor())
    _audited("conflict.repaid", conflict, before, moved)
    flash_ok(t("conflicts.repaid_ok", id=conflict.id, amount=euros(moved)))
    return redirect(url_for("console.conflicts"))


@console.post("/conflicts/refused/<int(max=2147483647):refused_id>/close")
@allow(*FUND_STAFF)
def refused_capture_close(refused_id: int) -> Response:
    """A coordinator has looked into a till's refused payment: its shop's payouts are no longer
    held back for it. The payment stays unpaid."""
    refused = find_refused_capture(db_session(), refused_id)
    before = {"status": refused.status, "code": refused.code, "amount_cents": refused.amount_cents}
    try:
        note = form_text("note", required=False)
        close_refused_capture(db_session(), refused, actor=_actor(), note=note)
    except FormError as error:
        flash_error(t(error.text_key))
        return redirect(url_for("console.conflicts"))
    except RefusedCaptureError as error:
        flash_error(refusal_text(error))
        return redirect(url_for("console.conflicts"))
    audit(
        "refused_capture.close",
        f"refused_capture:{refused.id}",
        before=before,
        after={"status": refused.status, "resolution": refused.resolution},
    )
    flash_ok(t("conflicts.refused_closed_ok", id=refused.id))
    return redirect(url_for("console.conflicts"))

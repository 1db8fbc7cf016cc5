"""The points of sale's console pages: a shop's tills (their state, pairing a new one, revoking
one, their offline limits) and the conflicts from offline double spends (the queue, the fund's
exposure, their settlement). The templates are in `templates/console/shops/` (the tills, a
section of a shop's pages) and `templates/console/conflicts/`, beside this module.

The shop's manager pairs and revokes their own tills; the offline limits bound what a double
spend can cost the fund, so only the fund's staff set them.

Settling a conflict moves money (write-off, repayment) or decides whose money refills the wallet
(recovery), so only the fund's staff settle; the committee reads. A GET never writes: conflicts
whose wallet is already back at zero are shown as recovered and closed by the next allocation.
"""

from flask import current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from wallet_server.console import euros
from wallet_server.console.access import (
    FUND_STAFF,
    READERS,
    allow,
    audit,
    audit_refused,
    logged_in_user,
    may,
)
from wallet_server.console.blueprint import console
from wallet_server.console.forms import FormError, form_cents, form_int, form_text
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
from wallet_server.pos.devices import (
    NewOfflineLimits,
    limits_record,
    set_offline_limits,
    shop_device,
)
from wallet_server.pos.devices import shop_tills as tills_of
from wallet_server.pos.models import Conflict
from wallet_server.pos.pairing import create_pairing_code, revoke_device
from wallet_server.pos.refused_captures import (
    RefusedCaptureError,
    close_refused_capture,
    find_refused_capture,
    refused_capture_queue,
)
from wallet_server.refusals import Refusal
from wallet_server.shops.models import Shop
from wallet_server.shops.pages import own_shop
from wallet_server.tokens.qr import qr_svg
from wallet_server.users.models import Role
from wallet_server.web.request import db_session, settings

TILL_VIEWERS = (*READERS, Role.SHOP_MANAGER)
TILL_KEEPERS = (*FUND_STAFF, Role.SHOP_MANAGER)
#: what a form number may hold before the service says what is wrong with it
MAX_FORM_NUMBER = 1_000_000_000


def _tills_page(shop: Shop, *, refusal: str | None = None, error: FormError | None = None) -> str:
    user = logged_in_user()
    return render_template(
        "console/shops/tills.html",
        shop=shop,
        tills=tills_of(db_session(), shop, settings().tokens),
        cap_cents=settings().tokens.cap_cents,
        may_keep=may(user, TILL_KEEPERS),
        may_set_limits=may(user, FUND_STAFF),
        max_tills=settings().tills.max_per_shop,
        refusal=refusal,
        error=error,
    )


@console.get("/shops/<shop_public_id>/tills")
@allow(*TILL_VIEWERS)
def shop_tills(shop_public_id: str) -> str:
    return _tills_page(own_shop(shop_public_id))


@console.post("/shops/<shop_public_id>/tills/pairing-code")
@allow(*TILL_KEEPERS)
def till_pairing_code(shop_public_id: str) -> tuple[str, int] | str:
    """The code is shown on this page only: it is stored hashed and cannot be shown again.

    A shop manager pairs up to the shop's maximum of active tills; beyond it, the fund's staff
    does, since each till adds to what the fund can lose offline."""
    shop = own_shop(shop_public_id)
    user = logged_in_user()
    try:
        created = create_pairing_code(
            db_session(),
            shop,
            actor=f"user:{user.username}",
            max_tills=None if may(user, FUND_STAFF) else settings().tills.max_per_shop,
        )
    except Refusal as error:
        page = _tills_page(shop, refusal=refusal_text(error))
        audit_refused("till.pairing_code", f"shop:{shop.public_id}", after={"code": error.code})
        return page, 422
    audit(
        "till.pairing_code",
        f"shop:{shop.public_id}",
        after={"expires_at": created.expires_at.isoformat(timespec="minutes")},
    )
    server = current_app.extensions["caisse.settings"].public_url or request.host_url
    return render_template(
        "console/shops/pairing_code.html",
        shop=shop,
        code=created.code,
        qr=qr_svg(created.code),
        expires_at=created.expires_at,
        server=server.rstrip("/"),
    )


@console.get("/shops/<shop_public_id>/tills/<int(max=2147483647):device_id>/revoke")
@allow(*TILL_KEEPERS)
def till_revoke_confirm(shop_public_id: str, device_id: int) -> str:
    shop = own_shop(shop_public_id)
    device = shop_device(db_session(), shop, device_id)
    return render_template("console/shops/revoke.html", shop=shop, device=device)


@console.post("/shops/<shop_public_id>/tills/<int(max=2147483647):device_id>/revoke")
@allow(*TILL_KEEPERS)
def till_revoke(shop_public_id: str, device_id: int) -> Response:
    shop = own_shop(shop_public_id)
    device = shop_device(db_session(), shop, device_id)
    before = {"revoked": device.revoked_at is not None, "unsynced_count": device.unsynced_count}
    revoke_device(db_session(), device)
    audit(
        "till.revoke",
        f"till:{device.id}",
        before=before,
        after={"revoked": True, "shop": shop.public_id},
    )
    flash_ok(t("tills.revoked_ok"))
    return redirect(url_for("console.shop_tills", shop_public_id=shop.public_id))


@console.post("/shops/<shop_public_id>/tills/<int(max=2147483647):device_id>/limits")
@allow(*FUND_STAFF)
def till_limits(shop_public_id: str, device_id: int) -> tuple[str, int] | Response:
    shop = own_shop(shop_public_id)
    device = shop_device(db_session(), shop, device_id)
    before = limits_record(device)
    try:
        limits = NewOfflineLimits(
            max_amount_cents=form_cents("max_amount", allow_zero=True),
            max_count=form_int("max_count", minimum=0, maximum=MAX_FORM_NUMBER) or 0,
            max_total_cents=form_cents("max_total", allow_zero=True),
            max_hours_since_sync=form_int("max_hours", minimum=0, maximum=MAX_FORM_NUMBER) or 0,
        )
        set_offline_limits(db_session(), device, limits, settings().tokens)
    except FormError as error:
        return _tills_page(shop, error=error), 422
    except Refusal as error:
        return _tills_page(shop, refusal=refusal_text(error)), 422
    audit("till.limits", f"till:{device.id}", before=before, after=limits_record(device))
    flash_ok(t("tills.limits_saved"))
    return redirect(url_for("console.shop_tills", shop_public_id=shop.public_id))


# The conflicts: the queue and its settlement.
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

"""A shop's tills: their state, pairing a new one, revoking one, their offline limits.

The shop's manager pairs and revokes their own tills; the offline limits bound what a double
spend can cost the fund, so only the fund's staff set them.
"""

from flask import current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

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
from wallet_server.console.forms import FormError, form_cents, form_int
from wallet_server.console.i18n import flash_ok, refusal_text, t
from wallet_server.pos.devices import (
    NewOfflineLimits,
    limits_record,
    set_offline_limits,
    shop_device,
)
from wallet_server.pos.devices import shop_tills as tills_of
from wallet_server.pos.pairing import create_pairing_code, revoke_device
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

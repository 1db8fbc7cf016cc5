"""The shops' console pages: the list, an application, committee decisions with the criteria
grid, the directory entry, bank details. A shop manager sees and edits their own shop's entry,
nothing else. The templates are in `templates/console/shops/`, beside this module."""

from flask import redirect, render_template, request, url_for
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
    require_shop,
)
from wallet_server.console.blueprint import console
from wallet_server.console.forms import FormError, form_date, form_int, form_text
from wallet_server.console.i18n import flash_ok, refusal_text, t
from wallet_server.console.nav import nav_entry
from wallet_server.ledger import Account
from wallet_server.refusals import Refusal
from wallet_server.shops.conventioning import (
    ADDRESS_LIMIT,
    CONTACT_LIMIT,
    NAME_LIMIT,
    decision_history,
    directory_entry,
    masked_iban,
    record_decision,
    update_bank_details,
    update_directory,
)
from wallet_server.shops.models import (
    CRITERIA,
    MAX_SCORE,
    MIN_SCORE,
    SHOP_TRANSITIONS,
    Shop,
    ShopStatus,
)
from wallet_server.shops.operations import add_shop, find_shop, list_shops
from wallet_server.users.models import Role
from wallet_server.web.request import db_session

SHOP_VIEWERS = (*READERS, Role.SHOP_MANAGER)
DIRECTORY_EDITORS = (*FUND_STAFF, Role.SHOP_MANAGER)
HOURS_LIMIT, COMMENT_LIMIT, NOTE_LIMIT = 500, 2000, 4000

nav_entry("shops", "console.shops", roles=SHOP_VIEWERS, order=40)


def own_shop(shop_public_id: str) -> Shop:
    """The shop of the URL, refused (403, audited) to a manager of another shop."""
    shop = find_shop(db_session(), shop_public_id)
    require_shop(shop)
    return shop


def _actor() -> str:
    return f"user:{logged_in_user().username}"


@console.get("/shops")
@allow(*SHOP_VIEWERS)
def shops() -> str | Response:
    user = logged_in_user()
    if user.role == Role.SHOP_MANAGER.value:
        shop = db_session().get(Shop, user.shop_id)
        assert shop is not None  # a manager always has a shop (database constraint)
        return redirect(url_for("console.shop_detail", shop_public_id=shop.public_id))
    status = request.args.get("status", "")
    status = status if status in {s.value for s in ShopStatus} else ""
    return render_template(
        "console/shops/list.html",
        rows=list_shops(db_session(), status=status or None),
        status=status,
        statuses=[s.value for s in ShopStatus],
        may_add=may(user, FUND_STAFF),
    )


@console.get("/shops/new")
@allow(*FUND_STAFF)
def shop_new() -> str:
    return render_template("console/shops/new.html", values={}, error=None, refusal=None)


def _save_directory(shop: Shop) -> None:
    update_directory(
        db_session(),
        shop,
        name=form_text("name", max_length=NAME_LIMIT),
        address=form_text("address", required=False, max_length=ADDRESS_LIMIT),
        opening_hours=form_text("opening_hours", required=False, max_length=HOURS_LIMIT),
        categories=request.form.get("categories", "").split(","),
        contact=form_text("contact", required=False, max_length=CONTACT_LIMIT),
    )


@console.post("/shops/new")
@allow(*FUND_STAFF)
def shop_create() -> tuple[str, int] | Response:
    try:
        shop = add_shop(db_session(), name=form_text("name", max_length=NAME_LIMIT))
        _save_directory(shop)
    except (FormError, Refusal) as error:
        return _refused_form("console/shops/new.html", error, values=request.form.to_dict())
    audit("shop.apply", f"shop:{shop.public_id}", after=directory_entry(shop))
    flash_ok(t("shops.applied_ok", public_id=shop.public_id))
    return redirect(url_for("console.shop_detail", shop_public_id=shop.public_id))


def _refused_form(template: str, error: FormError | Refusal, **values: object) -> tuple[str, int]:
    """The form again with what to correct; 422, so the request's writes roll back."""
    form_error = error if isinstance(error, FormError) else None
    refusal = refusal_text(error) if isinstance(error, Refusal) else None
    page = render_template(template, error=form_error, refusal=refusal, **values)
    return page, 422


@console.get("/shops/<shop_public_id>")
@allow(*SHOP_VIEWERS)
def shop_detail(shop_public_id: str) -> str:
    shop = own_shop(shop_public_id)
    user = logged_in_user()
    fund_staff = may(user, FUND_STAFF)
    return render_template(
        "console/shops/detail.html",
        shop=shop,
        account=db_session().get(Account, shop.account_id),
        history=decision_history(db_session(), shop),
        criteria=CRITERIA,
        iban=shop.iban if fund_staff else masked_iban(shop.iban),
        iban_masked=not fund_staff,
        may_edit_directory=may(user, DIRECTORY_EDITORS),
        may_edit_bank=fund_staff,
        may_decide=may(user, DECIDERS) and bool(SHOP_TRANSITIONS[ShopStatus(shop.status)]),
    )


@console.get("/shops/<shop_public_id>/directory")
@allow(*DIRECTORY_EDITORS)
def shop_directory(shop_public_id: str) -> str:
    shop = own_shop(shop_public_id)
    values = directory_entry(shop) | {"categories": ", ".join(shop.categories)}
    return render_template(
        "console/shops/directory.html", shop=shop, values=values, error=None, refusal=None
    )


@console.post("/shops/<shop_public_id>/directory")
@allow(*DIRECTORY_EDITORS)
def shop_directory_save(shop_public_id: str) -> tuple[str, int] | Response:
    shop = own_shop(shop_public_id)
    before = directory_entry(shop)
    try:
        _save_directory(shop)
    except (FormError, Refusal) as error:
        return _refused_form(
            "console/shops/directory.html", error, shop=shop, values=request.form.to_dict()
        )
    audit("shop.directory", f"shop:{shop.public_id}", before=before, after=directory_entry(shop))
    flash_ok(t("shops.directory_saved"))
    return redirect(url_for("console.shop_detail", shop_public_id=shop.public_id))


def _bank_record(shop: Shop) -> dict[str, object]:
    # The audit log shows who changed the account, not the account: the IBAN stays masked.
    return {
        "iban": masked_iban(shop.iban),
        "bic": shop.bic,
        "account_holder": shop.account_holder,
    }


@console.get("/shops/<shop_public_id>/bank")
@allow(*FUND_STAFF)
def shop_bank(shop_public_id: str) -> str:
    shop = own_shop(shop_public_id)
    values = {"iban": shop.iban, "bic": shop.bic, "holder": shop.account_holder}
    return render_template(
        "console/shops/bank.html", shop=shop, values=values, error=None, refusal=None
    )


@console.post("/shops/<shop_public_id>/bank")
@allow(*FUND_STAFF)
def shop_bank_save(shop_public_id: str) -> tuple[str, int] | Response:
    shop = own_shop(shop_public_id)
    before = _bank_record(shop)
    try:
        update_bank_details(
            db_session(),
            shop,
            form_text("iban", max_length=50),
            form_text("bic", required=False, max_length=20),
            form_text("holder", max_length=140),
        )
    except (FormError, Refusal) as error:
        return _refused_form(
            "console/shops/bank.html", error, shop=shop, values=request.form.to_dict()
        )
    audit("shop.bank_details", f"shop:{shop.public_id}", before=before, after=_bank_record(shop))
    flash_ok(t("shops.bank_saved"))
    return redirect(url_for("console.shop_detail", shop_public_id=shop.public_id))


def _decision_page(
    shop: Shop, values: dict[str, str], error: FormError | Refusal | None = None
) -> str:
    return render_template(
        "console/shops/decision.html",
        shop=shop,
        values=values,
        choices=[s.value for s in ShopStatus if s in SHOP_TRANSITIONS[ShopStatus(shop.status)]],
        criteria=CRITERIA,
        scores=range(MIN_SCORE, MAX_SCORE + 1),
        error=error if isinstance(error, FormError) else None,
        refusal=refusal_text(error) if isinstance(error, Refusal) else None,
    )


@console.get("/shops/<shop_public_id>/decision")
@allow(*DECIDERS)
def shop_decision(shop_public_id: str) -> str:
    shop = own_shop(shop_public_id)
    today = clock.today()
    return _decision_page(shop, {"decided_on": today.isoformat()})


@console.post("/shops/<shop_public_id>/decision")
@allow(*DECIDERS)
def shop_decision_save(shop_public_id: str) -> tuple[str, int] | Response:
    """The committee's decision: it moves the shop's status, never any money."""
    shop = own_shop(shop_public_id)
    before = {"status": shop.status}
    try:
        decision = record_decision(
            db_session(),
            shop,
            decision=request.form.get("decision", ""),
            scores={
                name: (
                    form_int(f"score_{name}", minimum=MIN_SCORE, maximum=MAX_SCORE) or 0,
                    form_text(f"comment_{name}", required=False, max_length=COMMENT_LIMIT),
                )
                for name in CRITERIA
            },
            decided_on=form_date("decided_on"),
            note=form_text("note", required=False, max_length=NOTE_LIMIT),
            actor=_actor(),
        )
    except (FormError, Refusal) as error:
        return _decision_page(shop, request.form.to_dict(), error), 422
    audit(
        "shop.decision",
        f"shop:{shop.public_id}",
        before=before,
        after={
            "status": shop.status,
            "decision_id": decision.id,
            "decided_on": decision.decided_on.isoformat(),
            **{f"{name}_score": getattr(decision, f"{name}_score") for name in CRITERIA},
        },
    )
    flash_ok(t("shops.decision_saved"))
    return redirect(url_for("console.shop_detail", shop_public_id=shop.public_id))

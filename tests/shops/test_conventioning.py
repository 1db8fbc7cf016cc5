"""Committee decisions with the criteria grid, directory entries and bank details."""

from datetime import date

import pytest

from wallet_server.reimbursements.bank import BankDetailsError
from wallet_server.shops.conventioning import (
    decision_history,
    masked_iban,
    record_decision,
    update_bank_details,
    update_directory,
)
from wallet_server.shops.models import ShopStatus
from wallet_server.shops.operations import ShopError, add_shop

GOOD = {"quality": (4, ""), "locality": (5, "producteurs à 20 km"), "accessibility": (3, "")}


def _decide(session, shop, decision, *, scores=GOOD, note="", on=date(2026, 11, 20)):
    return record_decision(
        session,
        shop,
        decision=decision,
        scores=scores,
        decided_on=on,
        note=note,
        actor="committee:alice",
    )


def test_an_application_approved_with_the_grid_makes_the_shop_approved(session):
    shop = add_shop(session, name="La Cagette")
    decision = _decide(session, shop, "approved", note="séance du 20 novembre")
    assert shop.status == ShopStatus.APPROVED and shop.approved_at is not None
    assert (decision.quality_score, decision.locality_score, decision.accessibility_score) == (
        4,
        5,
        3,
    )
    assert decision.locality_comment == "producteurs à 20 km"
    assert decision.recorded_by == "committee:alice"
    assert decision_history(session, shop) == [decision]


def test_suspension_requires_a_reason_and_changes_nothing_without_one(session):
    shop = add_shop(session, name="La Cagette")
    _decide(session, shop, "approved")
    with pytest.raises(ShopError) as refused:
        _decide(session, shop, "suspended", note="  ")
    assert refused.value.code == "suspension_reason_required"
    assert shop.status == ShopStatus.APPROVED
    assert len(decision_history(session, shop)) == 1
    _decide(session, shop, "suspended", note="refus répétés des codes", on=date(2026, 12, 1))
    _decide(session, shop, "approved", on=date(2027, 1, 5))
    history = decision_history(session, shop)
    assert [d.decision for d in history] == ["approved", "suspended", "approved"]
    assert shop.status == ShopStatus.APPROVED


@pytest.mark.parametrize(
    ("scores", "code"),
    [
        ({"quality": (4, ""), "locality": (4, "")}, "criterion_missing"),
        ({**GOOD, "price": (3, "")}, "criterion_unknown"),
        ({**GOOD, "quality": (6, "")}, "score_out_of_range"),
        ({**GOOD, "quality": (-1, "bad")}, "score_out_of_range"),
        ({**GOOD, "quality": (True, "")}, "score_out_of_range"),
        ({**GOOD, "accessibility": (2, " ")}, "low_score_needs_comment"),
    ],
)
def test_a_grid_with_a_missing_or_bad_score_is_refused(session, scores, code):
    shop = add_shop(session, name="La Cagette")
    with pytest.raises(ShopError) as refused:
        _decide(session, shop, "approved", scores=scores)
    assert refused.value.code == code
    assert shop.status == ShopStatus.APPLIED and decision_history(session, shop) == []


def test_a_low_score_with_its_reason_is_accepted(session):
    shop = add_shop(session, name="Épicerie du coin")
    scores = {**GOOD, "accessibility": (1, "marche à l'entrée, rampe promise")}
    assert _decide(session, shop, "approved", scores=scores).accessibility_score == 1


def test_decisions_follow_the_allowed_transitions_only(session):
    shop = add_shop(session, name="La Cagette")
    for decision, code in (("suspended", "invalid_transition"), ("applied", "invalid_decision")):
        with pytest.raises(ShopError) as refused:
            _decide(session, shop, decision, note="x")
        assert refused.value.code == code
    _decide(session, shop, "approved")
    with pytest.raises(ShopError) as again:
        _decide(session, shop, "approved")
    assert again.value.code == "invalid_transition"


def test_directory_update_cleans_the_entry(session):
    shop = add_shop(session, name="La Cagette")
    update_directory(
        session,
        shop,
        name="  La Cagette ",
        address="12 rue du Marché, Montpellier",
        opening_hours="mar.–sam. 9h–19h",
        categories=["épicerie", " bio ", "", "épicerie"],
        contact="04 67 00 00 00",
    )
    assert (shop.name, shop.categories, shop.contact) == (
        "La Cagette",
        ["épicerie", "bio"],
        "04 67 00 00 00",
    )
    for bad, code in (({"name": " "}, "invalid_name"), ({"address": "x" * 301}, "field_too_long")):
        fields = {
            "name": "La Cagette",
            "address": "",
            "opening_hours": "",
            "categories": [],
            "contact": "",
            **bad,
        }
        with pytest.raises(ShopError) as refused:
            update_directory(session, shop, **fields)
        assert refused.value.code == code
    assert shop.address == "12 rue du Marché, Montpellier"


def test_bank_details_are_checked_and_stored_compact(session):
    shop = add_shop(session, name="La Cagette")
    update_bank_details(session, shop, "fr76 3000 6000 0112 3456 7890 189", "", " SAS  Cagette ")
    assert (shop.iban, shop.bic, shop.account_holder) == (
        "FR7630006000011234567890189",
        "AGRIFRPPXXX",
        "SAS Cagette",
    )
    assert masked_iban(shop.iban) == "•" * 23 + "0189"


def test_a_bad_iban_is_refused_and_the_old_details_stay(session):
    shop = add_shop(session, name="La Cagette")
    update_bank_details(session, shop, "FR7630006000011234567890189", "", "SAS Cagette")
    with pytest.raises(BankDetailsError) as refused:
        update_bank_details(session, shop, "FR7630006000011234567890188", "", "SAS Cagette")
    assert refused.value.code == "iban_invalid"
    assert shop.iban == "FR7630006000011234567890189"

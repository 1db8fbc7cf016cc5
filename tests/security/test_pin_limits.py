"""PIN payments at a till: wrong PINs are limited per till (10 an hour) and per participant
(10 a day, whichever tills they come from), on top of the lockout after five in a row."""

import uuid

import pytest
from sqlalchemy import select

from tests.payments import new_till, new_wallet, staff_headers
from tests.security.conftest import client_from
from wallet_server.config import RateLimitSettings, TillSettings
from wallet_server.participants.models import Participant
from wallet_server.pos.pin import set_pin

PIN = "4821"
PER_TILL = 10
PER_PARTICIPANT = 10


def _with_pin(sessions, *, balance: int = 10_000):
    wallet = new_wallet(sessions, balance=balance)
    with sessions() as session:
        person = session.scalar(
            select(Participant).where(Participant.public_id == wallet.public_id)
        )
        set_pin(person, PIN)
        session.commit()
    return wallet


def _pay(client, till, wallet, pin: str, amount: int = 500):
    return client.post(
        "/api/v1/pos/pin-payments",
        headers={**till.headers(), "Accept-Language": "fr"},
        json={
            "redemption_id": str(uuid.uuid4()),
            "participant_public_id": wallet.public_id,
            "pin": pin,
            "amount_cents": amount,
        },
    )


def test_the_numbers_tested_here_are_the_production_defaults():
    defaults = RateLimitSettings()
    assert defaults.pin_per_till.startswith(f"{PER_TILL} per hour")
    assert defaults.pin_per_participant == f"{PER_PARTICIPANT} per day"


def test_a_till_guessing_pins_across_participants_is_stopped_and_others_are_not(app, sessions):
    client = app.test_client()
    rogue, honest = new_till(sessions, client, name="Rogue"), new_till(sessions, client)
    victims = [_with_pin(sessions) for _ in range(PER_TILL + 1)]
    # one guess per participant: no participant reaches the lockout, only the till's limit
    answers = [_pay(client, rogue, victim, "0000").json["code"] for victim in victims[:PER_TILL]]
    assert answers == ["wrong_pin"] * PER_TILL
    limited = _pay(client, rogue, victims[PER_TILL], PIN)
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) <= 3600
    assert limited.json["code"] == "rate_limited"
    assert limited.json["message"].startswith("Trop de tentatives refusées")
    assert limited.json["messages"]["en"].startswith("Too many refused attempts")
    # another till, from the same address, still takes PIN payments
    paid = _pay(client, honest, victims[PER_TILL], PIN)
    assert paid.status_code == 200 and paid.json["status"] == "accepted"


def test_unknown_participant_ids_count_and_successes_do_not(app, sessions):
    client = app.test_client()
    till = new_till(sessions, client)
    payer = _with_pin(sessions)
    for _ in range(5):  # a busy market: successes never slow a till down
        assert _pay(client, till, payer, PIN, amount=100).status_code == 200

    class Nobody:
        public_id = "P-0000-0000"

    for _ in range(PER_TILL):
        assert _pay(client, till, Nobody, PIN).status_code == 404
    assert _pay(client, till, payer, PIN).status_code == 429


def test_a_participant_is_guessed_ten_times_a_day_at_most_whatever_the_tills(app, sessions):
    client = app.test_client()
    target, other = _with_pin(sessions), _with_pin(sessions)
    first, second, third = (new_till(sessions, client, name=f"Till {n}") for n in range(3))
    # five wrong PINs lock PIN payments (the existing lockout): 403 ×4 then 423
    answers = [_pay(client, first, target, "0000").status_code for _ in range(5)]
    assert answers == [403, 403, 403, 403, 423]
    # a coordinator unlocks; the guesser goes on from another till
    staff = staff_headers(client, sessions)
    client.post(f"/api/v1/participants/{target.public_id}/pin/unlock", headers=staff)
    assert [_pay(client, second, target, "1111").status_code for _ in range(5)] == [403] * 4 + [423]
    client.post(f"/api/v1/participants/{target.public_id}/pin/unlock", headers=staff)
    # ten refusals for this participant today: even the right PIN waits, at a fresh till
    limited = _pay(client, third, target, PIN)
    assert limited.status_code == 429 and limited.json["code"] == "rate_limited"
    assert 3600 < int(limited.headers["Retry-After"]) <= 24 * 3600
    assert _pay(client, third, other, PIN).json["status"] == "accepted"


def test_the_till_limit_follows_the_till_not_its_address(app, sessions):
    client = app.test_client()
    till = new_till(sessions, client)
    victims = [_with_pin(sessions) for _ in range(PER_TILL)]
    for n, victim in enumerate(victims):
        # the till's connection moves (a 4G backup line): the count stays with the till
        moving = client_from(app, f"192.0.2.{n + 1}")
        assert _pay(moving, till, victim, "0000").status_code == 403
    assert _pay(client_from(app, "192.0.2.200"), till, victims[0], PIN).status_code == 429


def _pay_as(client, header: str, wallet, pin: str, amount: int = 500):
    return client.post(
        "/api/v1/pos/pin-payments",
        headers={"Authorization": header},
        json={
            "redemption_id": str(uuid.uuid4()),
            "participant_public_id": wallet.public_id,
            "pin": pin,
            "amount_cents": amount,
        },
    )


def test_every_spelling_of_a_tills_credential_shares_one_budget(app, sessions):
    client = app.test_client()
    till = new_till(sessions, client)
    spellings = [
        f"Bearer {till.credential}",
        f"bearer {till.credential}",
        f"BEARER  {till.credential}",
        f"Bearer {till.credential} ",
        f"bEaReR \t{till.credential}",
    ]
    victims = [_with_pin(sessions) for _ in range(PER_TILL + 1)]
    for n, victim in enumerate(victims[:PER_TILL]):
        assert _pay_as(client, spellings[n % len(spellings)], victim, "0000").status_code == 403
    for spelling in spellings:  # whichever way it is written, the till's budget is spent
        assert _pay_as(client, spelling, victims[PER_TILL], PIN).status_code == 429


def _pin_failures(sessions, wallet) -> int:
    with sessions() as session:
        return session.scalar(
            select(Participant.pin_failures).where(Participant.public_id == wallet.public_id)
        )


def test_a_wrong_amount_never_costs_or_tells_a_pin_try(app, sessions):
    client = app.test_client()
    till = new_till(sessions, client)
    target = _with_pin(sessions, balance=50_000)
    over_the_cap = TillSettings().pin_payment_max_cents + 1
    # more wrong amounts than the till's budget, each with a wrong PIN
    for amount in [0, -500, over_the_cap, 10**25, 1.5, "500", True] * 2:
        refused = _pay(client, till, target, "0000", amount=amount)
        assert refused.status_code in (400, 422), refused.json
        assert refused.json["code"] != "wrong_pin"
    assert _pin_failures(sessions, target) == 0
    # the till's budget is whole: the next wrong PIN is a wrong PIN, not a 429
    assert _pay(client, till, target, "0000").json["code"] == "wrong_pin"
    assert _pin_failures(sessions, target) == 1


def test_a_pin_payment_over_its_cap_is_refused_with_its_own_code(make_app, sessions):
    app = make_app(till_pin_payment_max_cents=2_000)
    client = app.test_client()
    till = new_till(sessions, client)
    payer = _with_pin(sessions)
    refused = _pay(client, till, payer, PIN, amount=2_001)
    assert refused.status_code == 422
    assert refused.json["code"] == "pin_payment_over_limit"
    assert refused.json["details"] == {"max_cents": 2_000}
    assert refused.json["messages"]["fr"].startswith("Ce montant dépasse le plafond")
    assert refused.json["messages"]["en"].startswith("This amount is over the limit")
    assert _pay(client, till, payer, PIN, amount=2_000).json["status"] == "accepted"


def test_the_pin_payment_cap_is_100_euros_by_default_and_set_from_the_environment(
    monkeypatch,
):
    assert TillSettings().pin_payment_max_cents == 10_000
    monkeypatch.setenv("CAISSE_PIN_PAYMENT_MAX_CENTS", "5000")
    assert TillSettings.from_env({}).pin_payment_max_cents == 5_000
    monkeypatch.setenv("CAISSE_PIN_PAYMENT_MAX_CENTS", "0")
    with pytest.raises(ValueError, match="CAISSE_PIN_PAYMENT_MAX_CENTS"):
        TillSettings.from_env({})

"""Phone activation (20 refusals an hour per address) and till pairing (10 an hour per
address): guessing codes is stopped, other addresses are not."""

from tests.payments import new_wallet, staff_headers
from tests.security.conftest import client_from
from wallet_server.config import RateLimitSettings
from wallet_server.pos.pairing import create_pairing_code
from wallet_server.shops.models import ShopStatus
from wallet_server.shops.operations import add_shop, change_shop_status

ATTACKER = "203.0.113.9"
ELSEWHERE = "198.51.100.77"
ACTIVATIONS = 20
PAIRINGS = 10


def test_the_numbers_tested_here_are_the_production_defaults():
    defaults = RateLimitSettings()
    assert defaults.activation_per_ip == f"{ACTIVATIONS} per hour"
    assert defaults.pairing_per_ip == f"{PAIRINGS} per hour"


def _activation_code(client, sessions) -> str:
    wallet = new_wallet(sessions, balance=0)
    answer = client.post(
        f"/api/v1/participants/{wallet.public_id}/activation-codes",
        headers=staff_headers(client, sessions),
    )
    assert answer.status_code == 201, answer.json
    return answer.json["code"]


def _pairing_code(sessions) -> str:
    with sessions() as session:
        shop = add_shop(session, name="La Cagette")
        change_shop_status(session, shop, ShopStatus.APPROVED)
        code = create_pairing_code(session, shop, actor="test").code
        session.commit()
        return code


def test_guessing_activation_codes_is_stopped_at_the_twenty_first(app, sessions):
    attacker = client_from(app, ATTACKER)
    guesses = [
        attacker.post("/api/v1/activate", json={"code": f"AAAA-BBBB-{n:04d}", "label": "x"})
        for n in range(ACTIVATIONS)
    ]
    assert {g.json["code"] for g in guesses} == {"invalid_activation_code"}
    real = _activation_code(app.test_client(), sessions)
    limited = attacker.post(
        "/api/v1/activate", json={"code": real, "label": "x"}, headers={"Accept-Language": "en"}
    )
    assert limited.status_code == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 3600
    assert limited.json["message"] == "Too many refused attempts: wait before trying again."
    assert (
        limited.json["messages"]["fr"]
        == "Trop de tentatives refusées : patientez avant de réessayer."
    )
    # a participant on another network activates their phone with their letter
    phone = client_from(app, ELSEWHERE).post(
        "/api/v1/activate", json={"code": real, "label": "Téléphone"}
    )
    assert phone.status_code == 201, phone.json


def test_an_enrolment_day_on_one_network_is_not_slowed_by_its_successes(app, sessions):
    staff = app.test_client()
    centre = client_from(app, ATTACKER)
    for _ in range(ACTIVATIONS + 5):
        code = _activation_code(staff, sessions)
        answer = centre.post("/api/v1/activate", json={"code": code, "label": "Téléphone"})
        assert answer.status_code == 201, answer.json


def test_guessing_pairing_codes_is_stopped_at_the_eleventh(app, sessions):
    attacker = client_from(app, ATTACKER)
    for n in range(PAIRINGS):
        guess = attacker.post("/api/v1/pos/pair", json={"code": f"ZZZZ-{n:04d}", "name": "x"})
        assert (guess.status_code, guess.json["code"]) == (422, "invalid_pairing_code")
    code = _pairing_code(sessions)
    limited = attacker.post("/api/v1/pos/pair", json={"code": code, "name": "x"})
    assert limited.status_code == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 3600
    assert limited.json["code"] == "rate_limited"
    paired = client_from(app, ELSEWHERE).post(
        "/api/v1/pos/pair", json={"code": code, "name": "Caisse 1"}
    )
    assert paired.status_code == 201, paired.json

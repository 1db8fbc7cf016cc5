"""The console end to end in Debian's Chromium, as a coordinator's first month goes: log in
with a TOTP code, enroll a participant, print their activation letter, decide and run the
month's allocation, approve a shop and pair its till (with the real `caisse-pos pair`),
and, once the participant has paid there, export the shop's payout as a SEPA file that
validates against the pain.001.001.03 schema."""

import subprocess
import sys
import uuid
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pyotp
import pytest
import xmlschema
from playwright.sync_api import expect, sync_playwright

from pos_client.tillfiles import TillFiles
from tests.console_pages import PASSWORD, new_staff
from tests.pos_client.live import LiveServer
from tests.system_programs import require
from wallet_server import clock
from wallet_server.ledger import verify
from wallet_server.users.models import Role


@pytest.fixture
def console_overrides():
    """The fund's bank account (CAISSE_FUND_NAME, _IBAN, _BIC), for the SEPA file."""
    return {
        "fund_name": "Caisse Commune de Montpellier",
        "fund_iban": "FR76 3000 4000 0312 3456 7890 143",
        "fund_bic": "BNPAFRPP",
    }


@pytest.fixture
def server(console_app):
    live = LiveServer(console_app)
    yield f"http://127.0.0.1:{live.port}"
    live.stop()


@pytest.fixture
def page():
    chromium = require("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-background-networking"]
        )
        context = browser.new_context(accept_downloads=True, locale="fr-FR")
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        yield page
        context.close()
        browser.close()
        # a CSP violation or a script error shows here; the refused IBAN's 422 is expected
        assert [e for e in errors if "status of 422" not in e] == []


def test_a_coordinators_first_month(page, server, console_app, sessions, tmp_path):
    coordinator, secret = new_staff(sessions, Role.COORDINATOR)
    today = clock.today()
    month = clock.this_month()

    # log in: password and the authenticator's current code
    page.goto(f"{server}/console/participants")
    expect(page.locator("#login-form")).to_be_visible()
    page.fill("#username", coordinator.username)
    page.fill("#password", PASSWORD)
    page.fill("#totp", pyotp.TOTP(secret).now())
    page.click("#login-submit")
    expect(page.locator("#who")).to_contain_text("Test coordinator")

    # enroll a participant
    page.click("#nav-participants")
    page.click("#enroll-link")
    page.fill("#name", "Fatou D.")
    page.fill("#household_size", "2")
    page.fill("#enrolled_month", month)
    page.click("#enroll-submit")
    public_id = page.locator("#participant-public-id").inner_text()
    assert public_id.startswith("P-")

    # print the activation letter: its QR and code, and nothing but the letter on paper
    page.click("#print-letter")
    expect(page.locator("#letter-qr svg")).to_be_visible()
    code = page.locator("#letter-code").inner_text()
    page.emulate_media(media="print")
    expect(page.locator("nav.menu")).to_be_hidden()
    expect(page.locator("#activation-letter")).to_be_visible()
    page.emulate_media(media="screen")
    api = console_app.test_client()
    activated = api.post("/api/v1/activate", json={"code": code, "label": "téléphone"})
    assert activated.status_code == 201, activated.json
    phone = {"Authorization": f"Bearer {activated.json['credential']}"}

    # the committee's allocation in force, then preview and confirm this month's run
    page.click("#nav-allocations")
    page.fill("#amount", "100")
    page.fill("#effective_month", month)
    page.click("#policy-submit")
    page.fill("#preview-month", month)
    page.click("#preview-submit")
    expect(page.locator("#preview-participants")).to_contain_text("1")
    expect(page.locator("#line-total")).to_contain_text("100,00")
    page.click("#confirm-run")
    expect(page.locator("#run-done")).to_be_visible(timeout=20_000)
    expect(page.locator("#run-total")).to_contain_text("100,00")

    # a shop applies, the grid is filled and the shop approved, its bank details recorded
    page.click("#nav-shops")
    page.click("#shop-new-link")
    page.fill("#name", "Épicerie du Faubourg")
    page.fill("#address", "3 rue du Faubourg, Montpellier")
    page.click("#shop-new-submit")
    page.click("#decide-link")
    page.check("#decision-approved")
    page.fill("#decided_on", today.isoformat())
    for criterion, score in (("quality", "4"), ("locality", "5"), ("accessibility", "3")):
        page.select_option(f"#score_{criterion}", score)
        page.fill(f"#comment_{criterion}", "Vu lors de la visite du comité.")
    page.click("#decision-submit")
    expect(page.locator("#shop-status")).to_contain_text("convention")
    page.click("#bank-link")
    page.fill("#iban", "FR76 3000 6000 0112 3456 7890 188")  # one digit wrong
    page.fill("#holder", "Épicerie du Faubourg")
    page.click("#bank-submit")
    expect(page.get_by_text("IBAN invalide")).to_be_visible()
    page.fill("#iban", "FR76 3000 6000 0112 3456 7890 189")
    page.click("#bank-submit")
    expect(page.locator("#shop-iban")).to_contain_text("0189")

    # pair a till with the code shown once, using the till's own command
    page.click("#tills-link")
    page.click("#pairing-code")
    pairing_code = page.locator("#pairing-code-value").inner_text().strip()
    till_dir = tmp_path / "till"
    paired = subprocess.run(
        [
            sys.executable,
            "-m",
            "pos_client",
            "--data-dir",
            str(till_dir),
            "pair",
            "--server",
            server,
            "--code",
            pairing_code,
            "--name",
            "Caisse 1",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert paired.returncode == 0, paired.stderr
    page.goto(page.url.rsplit("/pairing-code", 1)[0])
    expect(page.locator("#tills")).to_contain_text("Caisse 1")

    # the participant pays 12,40 € there (phone and till through the API)
    issued = api.post("/api/v1/me/tokens", json={"offline": False}, headers=phone)
    assert issued.status_code == 201, issued.json
    till = {"Authorization": f"Bearer {TillFiles(till_dir).pairing().credential}"}
    paid = api.post(
        "/api/v1/pos/redemptions",
        json={
            "redemption_id": str(uuid.uuid4()),
            "token": issued.json["token"],
            "amount_cents": 1240,
            "captured_at": datetime.now(UTC).isoformat(),
            "mode": "online",
        },
        headers=till,
    )
    assert paid.status_code in (200, 201), paid.json

    # the payout batch, exported as a SEPA credit transfer file the bank will take
    page.click("#nav-reimbursements")
    page.fill("#payout_period_end", today.isoformat())
    page.fill("#payout_execution_date", today.isoformat())
    page.click("#prepare-submit")
    expect(page.locator("#batch-total")).to_contain_text("12,40")
    with page.expect_download() as download_info:
        page.click("#download-sepa")
    sepa = Path(download_info.value.path()).read_bytes()
    schema_file = resources.files("sepaxml") / "schemas" / "pain.001.001.03.xsd"
    with resources.as_file(schema_file) as schema_path:
        xmlschema.XMLSchema(str(schema_path)).validate(sepa.decode())
    assert b"FR7630006000011234567890189" in sepa
    assert b"<CtrlSum>12.40</CtrlSum>" in sepa

    with sessions() as session:
        assert verify(session).ok

"""Paper vouchers in the console: issue after a confirmation, print a sheet whose QR codes
decode to the vouchers, cancel one or the rest, and who may do what."""

import io
import re

import resvg_py
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from tests.console.test_core import audit_rows
from tests.factories import fund
from tests.factories import participant as new_participant
from tests.vouchers.conftest import new_device, redeem_voucher
from wallet_server.ledger import Account, verify
from wallet_server.participants.models import Participant
from wallet_server.shops.operations import add_shop
from wallet_server.tokens.keystore import KeyStore
from wallet_server.tokens.operations import current_signing_key
from wallet_server.users.models import Role
from wallet_server.vouchers.models import Voucher, VoucherSheet
from wallet_server.vouchers.operations import issue_sheet, printable_vouchers

NAME = "Odette V."
SVG = re.compile(r'<div class="voucher-qr"[^>]*>(<svg.*?</svg>)</div>', re.S)


def _person(sessions, balance: int = 10_000) -> Participant:
    with sessions() as session:
        person = new_participant(session)
        person.name = NAME
        fund(session, session.get(Account, person.account_id), balance, transfer_id="fund:p")
        session.commit()
        session.expunge(person)
        return person


def _available(sessions, person: Participant) -> int:
    with sessions() as session:
        return session.get(Account, person.account_id).available


def _sheet(sessions, console_app, person, *, value=1_000, count=3) -> tuple[int, list[Voucher]]:
    settings = console_app.extensions["caisse.settings"]
    with sessions() as session:
        sheet = issue_sheet(
            session,
            session.get(Participant, person.id),
            value_cents=value,
            count=count,
            signer=current_signing_key(session, KeyStore(settings.key_dir)),
            settings=settings.tokens,
            actor="user:test",
        )
        vouchers = printable_vouchers(session, sheet)
        session.commit()
        for voucher in vouchers:
            session.expunge(voucher)
        return sheet.id, vouchers


def _sheets(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(VoucherSheet))


def test_issue_after_confirmation_then_print_qrs_that_decode_to_each_voucher(
    console_login, sessions
):
    person = _person(sessions)
    coordinator = console_login(Role.COORDINATOR)
    base = f"/console/participants/{person.public_id}/vouchers"
    assert coordinator.get(base).status_code == 200

    preview = coordinator.post(base, {"value": "12,50", "count": "4"})
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert 'id="voucher-total">50,00' in page and "voucher-confirm" in page
    assert _sheets(sessions) == 0 and _available(sessions, person) == 10_000  # nothing yet

    issued = coordinator.post(base, {"value": "12,50", "count": "4", "confirm": "yes"})
    assert issued.status_code == 302
    assert _available(sessions, person) == 10_000 - 5_000
    (entry,) = audit_rows(sessions, action="voucher.issue")
    assert entry.after["held_cents"] == 5_000 and entry.after["participant"] == person.public_id
    detail = coordinator.get(issued.headers["Location"]).get_data(as_text=True)
    assert detail.count("badge-voucher-outstanding") == 4

    with sessions() as session:
        sheet = session.scalar(select(VoucherSheet))
        texts = [v.token_text for v in printable_vouchers(session, sheet)]
    printed = coordinator.get(f"{base}/{sheet.id}/print")
    assert printed.status_code == 200
    html = printed.get_data(as_text=True)
    svgs = SVG.findall(html)
    assert len(svgs) == 4
    for svg, text in zip(svgs, texts, strict=True):
        png = resvg_py.svg_to_bytes(svg_string=svg, background="white", zoom=4)
        (decoded,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(bytes(png))))
        assert decoded.text == text
    vouchers_part = html[html.index('<ol class="voucher-grid">') :]
    assert NAME in html[: html.index('<ol class="voucher-grid">')]  # on the header only
    assert NAME not in vouchers_part and person.public_id not in vouchers_part
    assert "12,50" in vouchers_part and "4/4" in vouchers_part
    assert "Il ne sert qu'une fois" in vouchers_part and "only once" in vouchers_part
    assert "style=" not in html and "<script>" not in html
    assert len(audit_rows(sessions, action="voucher.print")) == 1


def test_a_long_sheet_is_printed_ten_vouchers_to_a_page(console_app, console_login, sessions):
    person = _person(sessions, balance=20_000)
    sheet_id, _ = _sheet(sessions, console_app, person, value=500, count=23)
    coordinator = console_login(Role.COORDINATOR)
    html = coordinator.get(
        f"/console/participants/{person.public_id}/vouchers/{sheet_id}/print"
    ).get_data(as_text=True)
    pages = html.split('<section class="voucher-page">')[1:]
    assert [page.count('class="voucher"') for page in pages] == [10, 10, 3]


def test_too_little_money_or_bad_fields_are_refused_and_nothing_is_written(console_login, sessions):
    person = _person(sessions)
    coordinator = console_login(Role.COORDINATOR)
    base = f"/console/participants/{person.public_id}/vouchers"
    short = coordinator.post(base, {"value": "10", "count": "11", "confirm": "yes"})
    assert short.status_code == 422
    assert "Solde insuffisant" in short.get_data(as_text=True)
    for fields in ({"value": "dix", "count": "2"}, {"value": "10", "count": "41"}):
        refused = coordinator.post(base, fields | {"confirm": "yes"})
        assert refused.status_code == 422
        assert 'class="field-error"' in refused.get_data(as_text=True)
    too_big = coordinator.post(base, {"value": "250", "count": "1", "confirm": "yes"})
    assert too_big.status_code == 422
    assert _sheets(sessions) == 0 and _available(sessions, person) == 10_000
    assert audit_rows(sessions, action="voucher.issue") == []


def test_cancel_one_voucher_then_the_rest_but_never_a_used_one(
    console_app, console_login, sessions
):
    person = _person(sessions)
    sheet_id, vouchers = _sheet(sessions, console_app, person, value=1_000, count=4)
    with sessions() as session:
        redeem_voucher(session, new_device(session), vouchers[0], 700)
        session.commit()
    coordinator = console_login(Role.COORDINATOR)
    base = f"/console/participants/{person.public_id}/vouchers/{sheet_id}"

    used = coordinator.post(f"{base}/1/cancel")
    assert used.status_code == 422 and "déjà servi" in used.get_data(as_text=True)
    assert coordinator.post(f"{base}/2/cancel").status_code == 302
    assert _available(sessions, person) == 10_000 - 700 - 2_000
    (one,) = audit_rows(sessions, action="voucher.cancel")
    assert one.after == {"number": 2, "state": "cancelled", "released_cents": 1_000}

    assert coordinator.post(f"{base}/cancel").status_code == 302
    assert _available(sessions, person) == 10_000 - 700
    (rest,) = audit_rows(sessions, action="voucher.cancel_sheet")
    assert rest.after == {"numbers": [3, 4], "released_cents": 2_000}
    again = coordinator.post(f"{base}/cancel")
    assert again.status_code == 422
    page = coordinator.get(base).get_data(as_text=True)
    assert page.count("badge-voucher-cancelled") == 3 and "badge-voucher-used" in page
    assert "La Cagette" in page
    assert coordinator.post(f"{base}/9/cancel").status_code == 404
    with sessions() as session:
        assert verify(session).ok


def test_committee_reads_vouchers_but_cannot_issue_print_or_cancel(
    console_app, console_login, sessions
):
    person = _person(sessions)
    sheet_id, _ = _sheet(sessions, console_app, person, count=2)
    base = f"/console/participants/{person.public_id}/vouchers"
    committee = console_login(Role.COMMITTEE)
    listing = committee.get(base)
    assert listing.status_code == 200 and 'id="voucher-form"' not in listing.get_data(as_text=True)
    detail = committee.get(f"{base}/{sheet_id}").get_data(as_text=True)
    assert "badge-voucher-outstanding" in detail and "cancel-1" not in detail
    assert committee.post(base, {"value": "5", "count": "1", "confirm": "yes"}).status_code == 403
    assert committee.get(f"{base}/{sheet_id}/print").status_code == 403
    assert committee.post(f"{base}/{sheet_id}/1/cancel").status_code == 403
    assert committee.post(f"{base}/{sheet_id}/cancel").status_code == 403
    with sessions() as session:
        shop = add_shop(session, name="Le Fournil")
        session.commit()
        session.expunge(shop)
    assert console_login(Role.SHOP_MANAGER, shop).get(base).status_code == 403
    assert _available(sessions, person) == 10_000 - 2_000
    assert len(audit_rows(sessions, outcome="refused")) == 5
    assert audit_rows(sessions, action="voucher.print") == []

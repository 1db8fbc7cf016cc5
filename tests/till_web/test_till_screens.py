"""The browser till's screens in French, English and Arabic (right to left) at the three sizes
of the shops' devices (a 360×640 phone, an 800×1280 tablet in portrait, 1280×800 in landscape):
no serious or critical WCAG 2.2 AA finding from axe, and no sideways scrolling on the phone, even
with text at 200 %."""

import pytest
from playwright.sync_api import expect

from tests.accessibility import axe_findings
from tests.payments import new_wallet
from tests.pos_client.conftest import pay_code
from tests.till_web.browser_till import PAGE_ONLY, pair, pay, till_url
from tests.till_web.conftest import watched_page

PHONE = {"width": 360, "height": 640}
SIZES = (PHONE, {"width": 800, "height": 1280}, {"width": 1280, "height": 800})


def findings_at_every_size(page) -> dict[str, list[str]]:
    found = {}
    for size in SIZES:
        page.set_viewport_size(size)
        page.wait_for_timeout(100)  # a layout pass
        found[f"{size['width']}x{size['height']}"] = axe_findings(page)
    return {size: problems for size, problems in found.items() if problems}


def sideways_overflow(page) -> dict[str, tuple[int, list[str]]]:
    """How far the screen scrolls sideways on the phone, at normal and at doubled text."""
    page.set_viewport_size(PHONE)
    found = {}
    for text in ("100%", "200%"):
        page.evaluate(f"document.documentElement.style.fontSize = '{text}'")
        page.wait_for_timeout(100)
        excess = page.evaluate("document.documentElement.scrollWidth") - PHONE["width"]
        if excess > 0:
            found[text] = (excess, page.evaluate(STICKING_OUT))
    page.evaluate("document.documentElement.style.fontSize = ''")
    return found


#: what sticks out sideways (a table may scroll within its own frame)
STICKING_OUT = """() => [...document.querySelectorAll("body *")]
  .filter((e) => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0
    && getComputedStyle(e).overflowX === "visible" && !e.closest(".table-scroll"))
  .map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className}`)"""


@PAGE_ONLY
@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_every_screen_is_accessible_and_fits_each_device(browser, server, sessions, client, lang):
    # axe is injected as a script: only this test's context lets it past the till's CSP
    context = browser.new_context(viewport=PHONE, bypass_csp=True, has_touch=True)
    page = watched_page(context)
    page.goto(till_url(server))
    expect(page.locator("#pair-form")).to_be_visible()
    if lang != "fr":
        page.select_option("#setup-lang", lang)  # the choice is there before the till is paired
    expect(page.locator("html")).to_have_attribute("lang", lang)
    problems = {"pairing": findings_at_every_size(page)}
    overflow = {"pairing": sideways_overflow(page)}

    def look(screen: str) -> None:
        problems[screen] = findings_at_every_size(page)
        overflow[screen] = sideways_overflow(page)

    pair(page, server, sessions)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    for digit in "1250":
        page.click(f'button[data-key="{digit}"]')
    look("pay")
    page.click("#pin-open")
    look("pin")
    page.click("#pin-cancel")
    pay(page, pay_code(client, new_wallet(sessions, balance=10_000)), "")
    expect(page.locator("#result")).to_have_attribute("data-result", "accepted", timeout=15_000)
    look("accepted")
    page.click("#new-payment")
    pay(page, "CC1:NOT-A-CODE", "500")
    expect(page.locator("#result")).to_have_attribute("data-result", "refused", timeout=15_000)
    look("refused")
    page.click("#new-payment")
    page.click("#nav-recent")
    expect(page.locator(".refund-button").first).to_be_enabled(timeout=15_000)
    look("recent")
    page.locator(".refund-button").first.click()
    expect(page.locator("#refund-dialog")).to_be_visible()
    look("refund")
    page.click("#refund-cancel")
    page.click("#nav-report")
    expect(page.locator("#report-body tr").first).to_be_visible(timeout=15_000)
    look("report")
    context.close()
    assert {screen: found for screen, found in problems.items() if found} == {}
    assert {screen: found for screen, found in overflow.items() if found} == {}

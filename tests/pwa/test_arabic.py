"""The participant app in Arabic, right to left, on a 360×640 phone: the choice made in the
settings survives a reload, every screen mirrors and fits at 200 % text, axe finds nothing
serious, and an amount reads "100,00 €" in that order."""

from playwright.sync_api import expect

from tests.accessibility import axe_findings
from tests.pwa.conftest import PIN, activate, activation_path
from tests.right_to_left import seen, sticking_out

SCREENS = ["home", "history", "pay", "shops", "settings"]
PHONE = {"width": 360, "height": 640}


def _direction(page, lang: str, direction: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("html")).to_have_attribute("dir", direction)


def test_arabic_is_chosen_in_settings_kept_on_reload_and_reads_right_to_left(
    browser, server, client, sessions, wallet, till
):
    # axe is injected as a script: only this test's context lets it past the app's CSP
    context = browser.new_context(viewport=PHONE, bypass_csp=True, has_touch=True)
    page = context.new_page()
    activate(page, server, activation_path(client, sessions, wallet.public_id))
    _direction(page, "fr", "ltr")
    page.click('a[href="#/settings"]')
    page.select_option("#lang-select", "ar")
    _direction(page, "ar", "rtl")
    expect(page.locator("#lang-title")).to_have_text("اللغة")
    page.click('a[href="#/home"]')

    page.reload()  # locked again: the PIN screen already speaks Arabic
    expect(page.locator("#pin-input")).to_be_visible()
    _direction(page, "ar", "rtl")
    problems = {"pin": axe_findings(page)}
    page.fill("#pin-input", PIN)
    page.click("#pin-submit")
    expect(page.locator("#balance")).to_contain_text("100,00")
    _direction(page, "ar", "rtl")
    assert seen(page, "#balance") == "100,00€"  # not "€100,00": isolated left to right

    overflow = {}
    for size in ("100%", "200%"):
        page.evaluate(f"document.documentElement.style.fontSize = '{size}'")
        for screen in SCREENS:
            page.click(f'a[href="#/{screen}"]')
            page.wait_for_timeout(400)
            if size == "100%":
                problems[screen] = axe_findings(page)
            width = page.evaluate("document.documentElement.scrollWidth")
            outside = sticking_out(page, PHONE["width"])
            if width > PHONE["width"] or outside:
                overflow[f"{screen} {size}"] = (width, outside)
    expect(page.locator("#lang-select")).to_have_value("ar")
    context.close()
    assert {screen: found for screen, found in problems.items() if found} == {}
    assert overflow == {}


def test_the_activation_screen_in_arabic_is_right_to_left_and_accessible(
    browser, server, client, sessions, wallet
):
    context = browser.new_context(viewport=PHONE, bypass_csp=True, has_touch=True)
    page = context.new_page()
    page.goto(server + activation_path(client, sessions, wallet.public_id))
    page.evaluate("localStorage.setItem('caisse-commune.app.lang', 'ar')")  # as settings do
    page.reload()
    expect(page.locator("#pin-new")).to_be_visible()
    _direction(page, "ar", "rtl")
    found = axe_findings(page)
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    page.wait_for_timeout(200)
    width = page.evaluate("document.documentElement.scrollWidth")
    outside = sticking_out(page, PHONE["width"])
    context.close()
    assert found == []
    assert (width, outside) == (PHONE["width"], [])

"""The browser till in Arabic on a 360×640 phone: chosen before pairing, kept on reload (and
changed back from the cashier's screen), right to left, the typed amount reading "12,50 €".
Every screen's accessibility and fit at 200 % text in Arabic: test_till_screens.py."""

from playwright.sync_api import expect

from tests.right_to_left import seen
from tests.till_web.browser_till import PAGE_ONLY, pair, till_url
from tests.till_web.conftest import watched_page

PHONE = {"width": 360, "height": 640}


def _direction(page, lang: str, direction: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("html")).to_have_attribute("dir", direction)


@PAGE_ONLY
def test_arabic_is_kept_across_reloads_and_amounts_read_left_to_right(browser, server, sessions):
    context = browser.new_context(viewport=PHONE, has_touch=True)
    page = watched_page(context)
    page.goto(till_url(server))
    expect(page.locator("#pair-form")).to_be_visible()
    _direction(page, "fr", "ltr")
    page.select_option("#setup-lang", "ar")
    _direction(page, "ar", "rtl")
    expect(page.locator("#setup-lang")).to_have_value("ar")

    pair(page, server, sessions)  # a new load of /till/: the choice holds
    _direction(page, "ar", "rtl")
    expect(page.locator("#lang")).to_have_value("ar")
    expect(page.locator("#nav-pay")).to_have_text("استلام دفعة")
    for digit in "1250":
        page.click(f'button[data-key="{digit}"]')
    expect(page.locator("#amount")).to_contain_text("12,50")
    assert seen(page, "#amount") == "12,50€"  # not "€12,50"

    page.reload()
    expect(page.locator("#shop-name")).to_have_text("La Cagette", timeout=15_000)
    _direction(page, "ar", "rtl")
    page.select_option("#lang", "fr")  # the cashier's screen changes it back
    _direction(page, "fr", "ltr")
    page.reload()
    expect(page.locator("#shop-name")).to_have_text("La Cagette", timeout=15_000)
    _direction(page, "fr", "ltr")
    expect(page.locator("#nav-pay")).to_have_text("Encaisser")
    context.close()

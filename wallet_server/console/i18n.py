"""French and English for the console: who reads which, and the words themselves.

The words live in `locale/<lang>/LC_MESSAGES/console.po`, each key (`"login.title"`) the
msgctxt of its message, the French its msgid; `scripts/catalogues.py compile` makes the
`console.mo` files Flask-Babel and `t()` read. `current_lang` is Flask-Babel's locale selector,
so `_()`, `pgettext()` and babel's formats in a template speak the language `t()` speaks.
"""

from functools import cache

from flask import Flask, current_app, flash, g, request, session
from flask_babel import Babel

from wallet_server.messages import TRANSLATIONS, message, translations, wording
from wallet_server.refusals import Refusal

LANGS = ("fr", "en")
LANG_KEY = "lang"


@cache
def catalogue() -> dict[str, tuple[str, str]]:
    """Every console text: key → (French, English)."""
    return {
        key: (french, wording("console", key, "en") or french)
        for key, french in translations("console", "fr").items()
    }


def init_babel(app: Flask) -> None:
    """Flask-Babel on the console's catalogue, choosing the language as the console does."""
    Babel(
        app,
        default_locale="fr",
        default_domain="console",
        default_translation_directories=str(TRANSLATIONS),
        locale_selector=current_lang,
    )


def current_lang() -> str:
    chosen = session.get(LANG_KEY)
    if chosen in LANGS:
        return str(chosen)
    cached = g.get("console_lang")
    if cached is None:
        default = current_app.extensions["caisse.settings"].default_lang
        cached = request.accept_languages.best_match(LANGS) or default
        g.console_lang = cached
    return str(cached)


def _strict() -> bool:
    strict_texts: bool = current_app.extensions["caisse.settings"].strict_texts
    return current_app.testing or current_app.debug or strict_texts


def t(key: str, **values: object) -> str:
    text = wording("console", key, current_lang())
    if text is None:
        if _strict():
            raise KeyError(f"console text missing: {key!r}")
        return key
    return text.format(**values) if values else text


def refusal_text(error: Refusal) -> str:
    return message(error.code, current_lang())


def flash_ok(text: str) -> None:
    flash(text, "ok")


def flash_error(text: str) -> None:
    flash(text, "error")

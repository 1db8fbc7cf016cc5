"""French and English for the console: who reads which, and the words themselves.

Texts live in `console/text/<section>.py` as `TEXT = {key: (french, english)}`; every module
there is read once, so a section adds its words without editing a shared list.
"""

import importlib
import pkgutil
from functools import cache

from flask import current_app, flash, g, request, session

from wallet_server.errors import DomainError
from wallet_server.messages import message

LANGS = ("fr", "en")
LANG_KEY = "lang"


@cache
def catalogue() -> dict[str, tuple[str, str]]:
    from wallet_server.console import text

    merged: dict[str, tuple[str, str]] = {}
    for module_info in pkgutil.iter_modules(text.__path__):
        module = importlib.import_module(f"{text.__name__}.{module_info.name}")
        for key, pair in getattr(module, "TEXT", {}).items():
            if key in merged:
                raise RuntimeError(f"console text {key!r} defined twice ({module_info.name})")
            merged[key] = pair
    return merged


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
    pair = catalogue().get(key)
    if pair is None:
        if _strict():
            raise KeyError(f"console text missing: {key!r}")
        return key
    text = pair[1] if current_lang() == "en" else pair[0]
    return text.format(**values) if values else text


def refusal_text(error: DomainError) -> str:
    return message(error.code, current_lang())


def flash_ok(text: str) -> None:
    flash(text, "ok")


def flash_error(text: str) -> None:
    flash(text, "error")

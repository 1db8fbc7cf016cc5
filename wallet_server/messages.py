"""The translation layer for refusals: stable code → French, English and Arabic wording.

French first: it is the working language of the funds; English and Arabic (a first draft awaiting
review by native speakers) for those who read them better.
The words live in `locale/<lang>/LC_MESSAGES/messages.po` (the code is each message's msgctxt,
the French its msgid), compiled by `scripts/catalogues.py compile` into `translations/` here,
which ships with the package and which Flask-Babel reads too.
"""

from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import NamedTuple

from babel.messages.mofile import read_mo

SUPPORTED_LANGS = ("fr", "en", "ar")
#: the compiled catalogues, `<lang>/LC_MESSAGES/<domain>.mo`
TRANSLATIONS = Path(__file__).parent / "translations"


class Message(NamedTuple):
    fr: str
    en: str
    ar: str = ""


@cache
def translations(domain: str, lang: str) -> dict[str, str]:
    """msgctxt → text of one compiled catalogue; read once. Untranslated messages are absent."""
    with (TRANSLATIONS / lang / "LC_MESSAGES" / f"{domain}.mo").open("rb") as compiled:
        entries = read_mo(compiled)
    return {
        str(entry.context): str(entry.string) for entry in entries if entry.id and entry.context
    }


def wording(domain: str, key: str, lang: str) -> str | None:
    """The text for `key` in `lang`, the French when `lang` lacks it, None when neither has it."""
    if lang != "fr" and lang in SUPPORTED_LANGS:
        text = translations(domain, lang).get(key)
        if text:
            return text
    return translations(domain, "fr").get(key)


class _Messages(Mapping[str, Message]):
    """Every refusal code with its wording in each language, as the catalogue has them."""

    def __getitem__(self, code: str) -> Message:
        french = translations("messages", "fr")[code]
        return Message(
            french,
            wording("messages", code, "en") or french,
            wording("messages", code, "ar") or french,
        )

    def __iter__(self) -> Iterator[str]:
        return iter(translations("messages", "fr"))

    def __len__(self) -> int:
        return len(translations("messages", "fr"))


MESSAGES: Mapping[str, Message] = _Messages()


def message(code: str, lang: str = "fr") -> str:
    return wording("messages", code, lang) or code


def messages_for(code: str) -> dict[str, str]:
    """Every wording, for a client that shows the one its user chose."""
    entry = MESSAGES.get(code)
    if entry is None:
        return dict.fromkeys(SUPPORTED_LANGS, code)
    return {"fr": entry.fr, "en": entry.en, "ar": entry.ar}


def bilingual(code: str) -> str:
    """Both languages on one line, for terminals whose reader we do not know."""
    entry = MESSAGES.get(code)
    return f"{entry.fr} / {entry.en}" if entry else code

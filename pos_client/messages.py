"""What the till says to the cashier, in French, English and Arabic (a draft), for the
refusals it decides itself (offline) and for its own states. The server's refusals arrive
already worded."""

import json
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import NamedTuple


class Message(NamedTuple):
    fr: str
    en: str
    ar: str = ""

    def as_json(self) -> dict[str, str]:
        return {"fr": self.fr, "en": self.en, "ar": self.ar or self.fr}


#: the compiled catalogue both tills read (`scripts/catalogues.py compile` makes it from
#: locale/<lang>/LC_MESSAGES/till.po, where these are the messages with msgctxt "message.<code>")
WORDS = Path(__file__).parent / "static" / "i18n"


@cache
def _said(lang: str) -> dict[str, str]:
    said: dict[str, str] = json.loads((WORDS / f"{lang}.json").read_text("utf-8"))["messages"]
    return said


class _Messages(Mapping[str, Message]):
    """Every code the till words itself, with its wording in each language."""

    def __getitem__(self, code: str) -> Message:
        french = _said("fr")[code]
        return Message(french, _said("en").get(code) or french, _said("ar").get(code) or french)

    def __iter__(self) -> Iterator[str]:
        return iter(_said("fr"))

    def __len__(self) -> int:
        return len(_said("fr"))


MESSAGES: Mapping[str, Message] = _Messages()


def message(code: str) -> Message:
    """The till's words for `code`; the server's error words for a code it does not know."""
    return MESSAGES.get(code, MESSAGES["server_error"])

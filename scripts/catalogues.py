"""The translation catalogues (locale/*.po): compile them into what each program reads, and check.

    python scripts/catalogues.py compile   # after editing a .po file; the outputs are committed
    python scripts/catalogues.py check     # `make lint`: a message the code uses and a catalogue
                                           # lacks, or a compiled file older than its .po, fails

Each domain is one audience; a message's stable code (or key) is its msgctxt, its msgid the
French text, the working language of the funds. What each domain compiles into:

    messages     the server's refusals  -> wallet_server/translations/<lang>/LC_MESSAGES/messages.mo
    console      the coordinator console -> wallet_server/translations/<lang>/LC_MESSAGES/console.mo
    till         both tills' screen, and (msgctxt "message.<code>") what the till itself says
                 -> pos_client/static/i18n/<lang>.json  {"words": {...}, "messages": {...}}
    participant  the participant app   -> wallet_server/pwa/static/i18n/<lang>.json  {key: text}

The .mo files are for Flask-Babel and Python; the JSON files for the browser (and pos_client,
which has no babel). A message left untranslated in a language falls back to the French.

A language in REVIEW_PENDING is a first draft: every one of its entries carries gettext's
"fuzzy" flag, which Poedit shows as "Needs work" and Weblate as "Needing edit", so that a
reviewer finds them, and clears it by validating an entry. Compilers drop fuzzy entries by
default; this script keeps them for those languages only (and `check` refuses a fuzzy entry in
any other language, which would silently fall back to French in the .mo).
"""

import io
import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from paytoken import TokenError
from wallet_server.ledger import LedgerError

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("fr", "en", "ar")
DOMAINS = ("messages", "console", "till", "participant")
#: the coordinator console stays in French and English (coordinators' screens)
DOMAIN_LANGS = {domain: ("fr", "en") if domain == "console" else LANGS for domain in DOMAINS}
#: drafts awaiting review by native speakers: every entry is fuzzy, and compiled all the same
REVIEW_PENDING = ("ar",)
#: the till's own outcomes and refusals (pos_client/messages.py, the browser till's engine)
TILL_MESSAGE = "message."


def read_catalogue(root: Path, domain: str, lang: str | None) -> Catalog:
    """`locale/<lang>/LC_MESSAGES/<domain>.po`, or the template `locale/<domain>.pot`."""
    path = (
        root / "locale" / f"{domain}.pot"
        if lang is None
        else root / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"
    )
    with path.open("rb") as source:
        return read_po(source, locale=lang, domain=domain)


def words(catalogue: Catalog) -> dict[str, str]:
    """msgctxt -> the text to show: the translation, else the French source."""
    return {
        str(entry.context): str(entry.string or entry.id)
        for entry in catalogue
        if entry.id and entry.context
    }


# ---- compile ---------------------------------------------------------------------------------


def _mo(catalogue: Catalog, lang: str) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalogue, use_fuzzy=lang in REVIEW_PENDING)
    return out.getvalue()


def _json(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode()


def compiled(root: Path) -> Iterator[tuple[Path, bytes]]:
    """Every compiled file with the bytes it must hold."""
    for lang in LANGS:
        for domain in ("messages", "console"):
            if lang not in DOMAIN_LANGS[domain]:
                continue
            target = root / "wallet_server" / "translations" / lang / "LC_MESSAGES"
            yield target / f"{domain}.mo", _mo(read_catalogue(root, domain, lang), lang)
        till = words(read_catalogue(root, "till", lang))
        screen = {key: text for key, text in till.items() if not key.startswith(TILL_MESSAGE)}
        said = {
            key.removeprefix(TILL_MESSAGE): text
            for key, text in till.items()
            if key.startswith(TILL_MESSAGE)
        }
        yield (
            root / "pos_client" / "static" / "i18n" / f"{lang}.json",
            _json({"words": screen, "messages": said}),
        )
        participant = words(read_catalogue(root, "participant", lang))
        yield (
            root / "wallet_server" / "pwa" / "static" / "i18n" / f"{lang}.json",
            _json(participant),
        )


def compile_all(root: Path) -> list[Path]:
    written = []
    for path, content in compiled(root):
        if not path.exists() or path.read_bytes() != content:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            written.append(path)
    return written


# ---- what the code uses ----------------------------------------------------------------------

#: a refusal raised with its code, as tests/test_messages.py reads them
RAISED = re.compile(r'(?<!Assertion)(?<!Form)(?:Error|Pin)\(\s*"([a-z_]+)"')
#: message("code", ...) / refusal_words("code") in Python or a template
MESSAGE_CALL = re.compile(r'\b(?:message|messages_for|bilingual|refusal_words)\(\s*"([a-z_]+)"')
#: the console's t("key") (Python and templates); a key built at run time is not seen
CONSOLE_KEY = re.compile(r'\bt\(\s*"([a-z0-9_.]*[a-z0-9])"(?!\s*[~+])')
#: the till's own words in Python and JS
TILL_CALL = re.compile(r'\b(?:message|_refused|tillMessage)\(\s*"([a-z_]+)"')
#: a JS t(key, ...) call (the quoted keys of its first argument, a ternary's too, must exist)
#: and plural(n, oneKey, manyKey)
JS_CALL = re.compile(r"\b(t|plural)\(([^()]*)\)")
JS_KEY = re.compile(r'"([a-z][a-z0-9_]*)"')
#: a literal compared with, in a ternary's condition: not a key
JS_COMPARED = re.compile(r'[!=]==?\s*"[^"]*"')
HTML_KEY = re.compile(r'data-i18n(?:-aria-label)?="([a-z0-9_]+)"')


def _found(pattern: re.Pattern[str], files: Iterable[Path]) -> set[str]:
    return {key for path in files for key in pattern.findall(path.read_text())}


def _js_keys(files: Iterable[Path]) -> set[str]:
    keys: set[str] = set()
    for path in files:
        text = path.read_text()
        for function, arguments in JS_CALL.findall(text):
            keys_part = arguments if function == "plural" else arguments.split(",")[0]
            keys |= set(JS_KEY.findall(JS_COMPARED.sub("", keys_part)))
        keys |= set(HTML_KEY.findall(text))
    return keys


def _no_vendor(paths: Iterable[Path]) -> list[Path]:
    return [path for path in paths if "vendor" not in path.parts]


def used(root: Path) -> dict[str, set[str]]:
    """The keys the code asks each domain for (those it spells out, not those it computes)."""
    server = [*root.glob("wallet_server/**/*.py"), *root.glob("paytoken/*.py")]
    # the console's own templates and pages, and those a slice holds (section 2 of ARCHITECTURE)
    templates = [
        *root.glob("wallet_server/console/templates/**/*.html"),
        *root.glob("wallet_server/*/templates/console/*/*.html"),
    ]
    codes = _found(RAISED, server) | _found(MESSAGE_CALL, [*server, *templates])
    codes |= set(LedgerError.CODES) | set(TokenError.CODES)
    pages = [*root.glob("wallet_server/console/**/*.py"), *root.glob("wallet_server/*/pages.py")]
    console = _found(CONSOLE_KEY, [*pages, *templates])
    till_js = _no_vendor(
        [
            *root.glob("pos_client/static/*.js"),
            *root.glob("pos_client/static/*.html"),
            *root.glob("wallet_server/till_web/static/**/*.js"),
        ]
    )
    till_said = _found(TILL_CALL, [*root.glob("pos_client/*.py"), *till_js])
    till = _js_keys(till_js) | {TILL_MESSAGE + code for code in till_said}
    participant = _js_keys(
        [
            *root.glob("wallet_server/pwa/static/**/*.js"),
            *root.glob("wallet_server/pwa/static/*.html"),
        ]
    )
    return {"messages": codes, "console": console, "till": till, "participant": participant}


# ---- check -----------------------------------------------------------------------------------


def _unfinished(catalogue: Catalog, lang: str, place: str) -> list[str]:
    """Entries left untranslated (outside French), or fuzzy outside a draft language."""
    found = []
    for entry in catalogue:
        if not entry.id:
            continue
        if lang != "fr" and not entry.string:
            found.append(f"{place}: {entry.context!r} is not translated")
        if lang not in REVIEW_PENDING and entry.fuzzy:
            found.append(f"{place}: {entry.context!r} is fuzzy (needs review)")
    return found


def problems(root: Path) -> list[str]:
    """What is wrong with the catalogues, one line each; empty when all is well."""
    found: list[str] = []
    needed = used(root)
    for domain in DOMAINS:
        template = {str(entry.context) for entry in read_catalogue(root, domain, None) if entry.id}
        for key in sorted(needed[domain] - template):
            found.append(f"locale/{domain}.pot: no message {key!r}, which the code uses")
        for lang in DOMAIN_LANGS[domain]:
            catalogue = read_catalogue(root, domain, lang)
            present = {str(entry.context) for entry in catalogue if entry.id}
            place = f"locale/{lang}/LC_MESSAGES/{domain}.po"
            for key in sorted((template | needed[domain]) - present):
                found.append(f"{place}: no message {key!r}")
            for key in sorted(present - template):
                found.append(f"{place}: {key!r} is not in locale/{domain}.pot")
            found += _unfinished(catalogue, lang, place)
    for path, content in compiled(root):
        if not path.exists() or path.read_bytes() != content:
            found.append(
                f"{path.relative_to(root)} is out of date: run python scripts/catalogues.py compile"
            )
    return found


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command == "compile":
        for path in compile_all(ROOT):
            print(f"wrote {path.relative_to(ROOT)}")
        return 0
    if command == "check":
        found = problems(ROOT)
        for line in found:
            print(line, file=sys.stderr)
        return 1 if found else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""`scripts/catalogues.py check` (in `make lint`): a message the code uses and a catalogue lacks,
or a compiled file older than its .po, fails."""

import importlib.util
import shutil
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from wallet_server.messages import message, messages_for

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("catalogues", ROOT / "scripts" / "catalogues.py")
assert _spec and _spec.loader
catalogues = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(catalogues)


def _copy_of_the_repo(tmp_path: Path) -> Path:
    """locale/ and the compiled files copied (to be spoiled), the code linked."""
    for name in ("wallet_server", "paytoken", "pos_client"):
        (tmp_path / name).symlink_to(ROOT / name)
    shutil.copytree(ROOT / "locale", tmp_path / "locale")
    return tmp_path


def _edit(path: Path, change) -> None:
    with path.open("rb") as source:
        catalogue = read_po(source)
    change(catalogue)
    with path.open("wb") as target:
        write_po(target, catalogue, width=100)


def test_the_catalogues_hold_every_message_the_code_uses_and_are_compiled():
    assert catalogues.problems(ROOT) == []


def test_a_language_lacking_one_message_fails(tmp_path):
    root = _copy_of_the_repo(tmp_path)
    english = root / "locale" / "en" / "LC_MESSAGES" / "messages.po"
    _edit(english, lambda catalogue: catalogue.delete("Solde insuffisant.", "insufficient_funds"))
    assert "locale/en/LC_MESSAGES/messages.po: no message 'insufficient_funds'" in (
        catalogues.problems(root)
    )


def test_a_code_no_catalogue_words_fails(tmp_path):
    root = _copy_of_the_repo(tmp_path)
    for path in (root / "locale").rglob("till.po*"):
        _edit(path, lambda words: words.delete("Paiement accepté.", "message.accepted_online"))
    found = catalogues.problems(root)
    assert "locale/till.pot: no message 'message.accepted_online', which the code uses" in found
    assert "locale/fr/LC_MESSAGES/till.po: no message 'message.accepted_online'" in found


def test_an_untranslated_message_fails(tmp_path):
    root = _copy_of_the_repo(tmp_path)
    english = root / "locale" / "en" / "LC_MESSAGES" / "console.po"
    _edit(english, lambda words: setattr(words.get("Connexion", "login.title"), "string", ""))
    assert "locale/en/LC_MESSAGES/console.po: 'login.title' is not translated" in (
        catalogues.problems(root)
    )


def test_every_entry_of_a_draft_language_is_marked_for_review():
    """Arabic is a first draft: every entry fuzzy ("Needs work" in Poedit) until a native
    speaker has read it; whoever finishes the review takes "ar" out of REVIEW_PENDING."""
    assert "ar" in catalogues.REVIEW_PENDING
    for lang in catalogues.REVIEW_PENDING:
        for domain in catalogues.DOMAINS:
            if lang not in catalogues.DOMAIN_LANGS[domain]:
                continue
            unmarked = [
                str(entry.context)
                for entry in catalogues.read_catalogue(ROOT, domain, lang)
                if entry.id and not entry.fuzzy
            ]
            assert unmarked == [], f"locale/{lang}/LC_MESSAGES/{domain}.po"


#: the fund's name, the same in every language
NAMES = {"app_name", "page_title"}


def test_arabic_has_every_message_french_has_and_the_apps_show_it():
    for domain in ("messages", "till", "participant"):
        french = catalogues.words(catalogues.read_catalogue(ROOT, domain, "fr"))
        arabic = catalogues.words(catalogues.read_catalogue(ROOT, domain, "ar"))
        assert set(arabic) == set(french), domain
        assert [key for key in french if arabic[key] == french[key] and key not in NAMES] == []
    # fuzzy, yet compiled: the server and the apps speak the draft rather than fall back

    assert message("insufficient_funds", "ar") == "الرصيد غير كافٍ."
    assert set(messages_for("wrong_pin")) == {"fr", "en", "ar"}
    assert "ar" not in catalogues.DOMAIN_LANGS["console"]  # the console stays French and English


def test_a_fuzzy_entry_outside_a_draft_language_fails(tmp_path):
    """Elsewhere a fuzzy entry would silently be French in the .mo: check says so."""
    root = _copy_of_the_repo(tmp_path)
    english = root / "locale" / "en" / "LC_MESSAGES" / "messages.po"

    def flag(catalogue) -> None:
        catalogue.get("Solde insuffisant.", "insufficient_funds").flags.add("fuzzy")

    _edit(english, flag)
    assert any("'insufficient_funds' is fuzzy" in line for line in catalogues.problems(root))

"""`scripts/catalogues.py check` (in `make lint`): a message the code uses and a catalogue lacks,
or a compiled file older than its .po, fails."""

import importlib.util
import shutil
from pathlib import Path

from babel.messages.pofile import read_po, write_po

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

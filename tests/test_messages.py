"""Every refusal code the code base can raise has French and English wording."""

import re
from pathlib import Path

from paytoken import TokenError
from wallet_server.ledger import LedgerError
from wallet_server.messages import MESSAGES

ROOT = Path(__file__).resolve().parents[1]
RAISED = re.compile(r'(?<!Assertion)(?<!Form)(?:Error|Pin)\(\s*"([a-z_]+)"')


def _raised_codes() -> set[str]:
    codes: set[str] = set()
    for source in (*ROOT.glob("wallet_server/**/*.py"), *ROOT.glob("paytoken/*.py")):
        codes |= set(RAISED.findall(source.read_text()))
    return codes


def test_every_code_has_french_and_english_messages():
    codes = _raised_codes() | LedgerError.CODES | TokenError.CODES
    assert len(codes) > 60
    missing = sorted(code for code in codes if code not in MESSAGES)
    assert missing == []
    for code in codes:
        assert MESSAGES[code].fr.strip() and MESSAGES[code].en.strip()
        assert MESSAGES[code].fr != MESSAGES[code].en, code

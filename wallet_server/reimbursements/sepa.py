"""The SEPA credit transfer file (pain.001.001.03) a bank executes to pay a batch.

Built with sepaxml, which takes amounts as integer cents and checks the file against the
schema it ships. Names and references are reduced to the SEPA character set: banks reject
anything else even where the schema would accept it.
"""

import re
from collections.abc import Sequence
from typing import Any

from sepaxml import SepaTransfer
from sepaxml.validation import ValidationError
from text_unidecode import unidecode

from wallet_server.refusals import Refusal
from wallet_server.reimbursements.batches import BatchLine
from wallet_server.reimbursements.models import PayoutBatch
from wallet_server.reimbursements.settings import FundBankAccount

SCHEMA = "pain.001.001.03"
#: the Latin subset every SEPA bank accepts (EPC guidelines, "SEPA character set")
_NOT_SEPA = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")
NAME_LENGTH = 70
REMITTANCE_LENGTH = 140


class SepaFileError(Refusal):
    pass


def sepa_text(text: str, limit: int) -> str:
    """Transliterate to ASCII, drop what SEPA refuses, collapse spaces, cut at `limit`."""
    plain = _NOT_SEPA.sub(" ", unidecode(text))
    return " ".join(plain.split())[:limit].rstrip()


def remittance_text(batch: PayoutBatch, shop_public_id: str) -> str:
    return sepa_text(
        f"Caisse Commune {shop_public_id} du {batch.period_start:%d/%m/%Y}"
        f" au {batch.period_end:%d/%m/%Y}",
        REMITTANCE_LENGTH,
    )


class _BatchTransfer(SepaTransfer):  # type: ignore[misc]
    """sepaxml draws a random MsgId; ours is the batch's, recorded and unique."""

    def __init__(self, config: dict[str, Any], message_id: str) -> None:
        self._message_id = message_id
        super().__init__(config, schema=SCHEMA, clean=False)

    def _create_header(self) -> None:
        self.msg_id = self._message_id
        super()._create_header()


def credit_transfer_file(
    batch: PayoutBatch, lines: Sequence[BatchLine], debtor: FundBankAccount
) -> bytes:
    """The batch as one pain.001.001.03 document, validated against the schema."""
    config: dict[str, Any] = {
        "name": sepa_text(debtor.name, NAME_LENGTH),
        "IBAN": debtor.iban,
        "batch": True,
        "currency": "EUR",
    }
    if debtor.bic:
        config["BIC"] = debtor.bic
    document = _BatchTransfer(config, batch.message_id)
    for entry in lines:
        payment: dict[str, Any] = {
            "name": sepa_text(entry.line.account_holder, NAME_LENGTH),
            "IBAN": entry.line.iban,
            "amount": entry.line.amount_cents,
            "execution_date": batch.execution_date,
            "description": remittance_text(batch, entry.shop.public_id),
            "endtoend_id": entry.line.end_to_end_id,
        }
        if entry.line.bic:
            payment["BIC"] = entry.line.bic
        document.add_payment(payment)
    try:
        exported: bytes = document.export(validate=True)
    except ValidationError as error:
        raise SepaFileError("sepa_file_invalid", batch=batch.id, reason=str(error)) from None
    return exported

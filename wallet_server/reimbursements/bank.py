"""Bank details a payout can be sent to: IBAN and BIC checked with schwifty, never guessed."""

from dataclasses import dataclass

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from wallet_server.refusals import Refusal

#: SEPA allows 70 characters for a creditor's name
MAX_HOLDER_LENGTH = 70


class BankDetailsError(Refusal):
    pass


@dataclass(frozen=True)
class BankDetails:
    #: compact form, e.g. FR7630006000011234567890189
    iban: str
    #: 8 or 11 characters, or "" when the bank is not known from the IBAN and none was given
    bic: str
    holder: str

    @property
    def iban_formatted(self) -> str:
        return IBAN(self.iban).formatted


def checked_bank_details(iban: str, bic: str, holder: str) -> BankDetails:
    """Normalise and check; refuse with a code that says which field is wrong and why."""
    holder = " ".join(holder.split())
    if not holder:
        raise BankDetailsError("bank_holder_missing")
    if len(holder) > MAX_HOLDER_LENGTH:
        raise BankDetailsError("bank_holder_too_long", limit=MAX_HOLDER_LENGTH)
    try:
        parsed = IBAN(iban)
    except SchwiftyException as error:
        raise BankDetailsError("iban_invalid", iban=iban.strip(), reason=str(error)) from None
    if not parsed.in_sepa_zone:
        raise BankDetailsError("iban_outside_sepa", iban=parsed.compact)
    bic_text = ""
    if bic.strip():
        try:
            bic_text = BIC(bic).compact
        except SchwiftyException as error:
            raise BankDetailsError("bic_invalid", bic=bic.strip(), reason=str(error)) from None
    elif parsed.bic is not None:
        bic_text = parsed.bic.compact
    return BankDetails(iban=parsed.compact, bic=bic_text, holder=holder)

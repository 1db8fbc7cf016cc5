"""The fund's own bank account, the debtor of every payout file, checked when a file is built.

Its settings (`config.FundAccountSettings`, from CAISSE_FUND_NAME, CAISSE_FUND_IBAN and
CAISSE_FUND_BIC) are checked here rather than at start-up: a fund that never pays by SEPA file
needs none of them, and a missing or wrong one is then reported to the admin by name.
"""

from dataclasses import dataclass

from wallet_server.config import FundAccountSettings
from wallet_server.refusals import Refusal
from wallet_server.reimbursements.bank import BankDetails, BankDetailsError, checked_bank_details

NAME_VARIABLE = FundAccountSettings.VARIABLES["name"]
IBAN_VARIABLE = FundAccountSettings.VARIABLES["iban"]
BIC_VARIABLE = FundAccountSettings.VARIABLES["bic"]
_ALL_VARIABLES = (NAME_VARIABLE, IBAN_VARIABLE, BIC_VARIABLE)

#: which variable to correct for each refusal of checked_bank_details
_VARIABLE_OF_REFUSAL = {
    "bank_holder_missing": NAME_VARIABLE,
    "bank_holder_too_long": NAME_VARIABLE,
    "iban_invalid": IBAN_VARIABLE,
    "iban_outside_sepa": IBAN_VARIABLE,
    "bic_invalid": BIC_VARIABLE,
}


class FundBankError(Refusal):
    pass


@dataclass(frozen=True)
class FundBankAccount:
    #: the debtor's name in the file, as the fund's bank knows it
    name: str
    iban: str
    #: "" when not set and not derivable from the IBAN: SEPA lets the bank find it
    bic: str


def fund_bank_account(settings: FundAccountSettings) -> FundBankAccount:
    """The fund's account from its settings, checked.

    Name and IBAN are required; the BIC is optional (SEPA transfers are IBAN-only since 2016)
    and derived from the IBAN when schwifty knows the bank.
    """
    for value, variable in ((settings.name, NAME_VARIABLE), (settings.iban, IBAN_VARIABLE)):
        if not value.strip():
            raise FundBankError("fund_bank_missing", variable=variable)
    try:
        details: BankDetails = checked_bank_details(settings.iban, settings.bic, settings.name)
    except BankDetailsError as error:
        variable = _VARIABLE_OF_REFUSAL.get(error.code, ", ".join(_ALL_VARIABLES))
        raise FundBankError("fund_bank_invalid", variable=variable, reason=error.code) from None
    return FundBankAccount(name=details.holder, iban=details.iban, bic=details.bic)

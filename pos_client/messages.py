"""What the till says to the cashier, in French and English, for the refusals it decides
itself (offline) and for its own states. The server's refusals arrive already worded."""

from typing import NamedTuple


class Message(NamedTuple):
    fr: str
    en: str

    def as_json(self) -> dict[str, str]:
        return {"fr": self.fr, "en": self.en}


MESSAGES: dict[str, Message] = {
    # outcomes
    "accepted_online": Message("Paiement accepté.", "Payment accepted."),
    "accepted_offline": Message(
        "Accepté hors ligne : il sera envoyé au serveur dès le retour de la connexion.",
        "Accepted offline: it will be sent to the server when the connection returns.",
    ),
    "refund_accepted": Message("Remboursement effectué.", "Refund done."),
    "refund_queued": Message(
        "Remboursement enregistré : il sera envoyé au retour de la connexion.",
        "Refund recorded: it will be sent when the connection returns.",
    ),
    "conflict_paid": Message(
        "Payé au commerce, mais ce code avait déjà servi ailleurs : la coordination est prévenue.",
        "Paid to the shop, but this code had been used elsewhere: the coordinators are told.",
    ),
    # the till's own refusals
    "offline_too_long": Message(
        "Hors ligne depuis trop longtemps : reconnectez la caisse pour accepter des paiements.",
        "Offline for too long: reconnect the till to accept payments.",
    ),
    "offline_limit": Message(
        "Limite hors ligne atteinte : ce paiement attendra le retour de la connexion.",
        "Offline limit reached: this payment must wait for the connection.",
    ),
    "token_online_only": Message(
        "Ce code ne peut pas servir hors ligne : demandez un code « hors ligne ».",
        "This code cannot be used offline: ask for an offline code.",
    ),
    "token_already_used": Message(
        "Ce code a déjà servi à cette caisse.", "This code was already used at this till."
    ),
    "amount_exceeds_cap": Message(
        "Le montant dépasse ce que ce code peut payer.",
        "The amount exceeds what this code can pay.",
    ),
    "amount_missing": Message("Saisissez d'abord le montant.", "Enter the amount first."),
    "pin_needs_connection": Message(
        "Pas de connexion : le paiement par code PIN est impossible. Le participant n'a rien payé.",
        "No connection: PIN payment is not possible. The participant was not charged.",
    ),
    "not_paid_no_connection": Message(
        "Pas de connexion et paiement hors ligne impossible : rien n'a été payé.",
        "No connection and offline payment not possible: nothing was paid.",
    ),
    "refund_too_large": Message(
        "Le remboursement dépasse ce qui reste de ce paiement.",
        "The refund exceeds what is left of this payment.",
    ),
    "payment_not_found": Message(
        "Paiement introuvable à cette caisse.", "Payment not found at this till."
    ),
    "payment_not_refundable": Message(
        "Ce paiement a été refusé : il n'y a rien à rembourser.",
        "This payment was refused: there is nothing to refund.",
    ),
    "auto_refunded": Message(
        "Le serveur avait reçu ce paiement refusé à la caisse : il a été remboursé.",
        "The server had received this payment the till refused: it was refunded.",
    ),
    "not_received": Message(
        "Le serveur n'a jamais reçu ce paiement : rien n'a été payé.",
        "The server never received this payment: nothing was paid.",
    ),
    "server_error": Message(
        "Le serveur a répondu par une erreur inattendue.", "The server answered with an error."
    ),
    # the pay code itself (paytoken's codes)
    "too_large": Message("Ce n'est pas un code de paiement.", "This is not a pay code."),
    "bad_prefix": Message("Ce n'est pas un code de paiement.", "This is not a pay code."),
    "malformed": Message("Code illisible : scannez-le encore.", "Unreadable code: scan it again."),
    "unsupported_algorithm": Message("Code non reconnu.", "Code not recognised."),
    "unsupported_version": Message(
        "Code d'une version inconnue : mettez la caisse à jour.",
        "Code from an unknown version: update the till.",
    ),
    "unknown_key": Message(
        "Code signé par une clé inconnue de cette caisse.",
        "Code signed by a key this till does not know.",
    ),
    "key_not_valid": Message(
        "Code signé par une clé qui n'est plus valable.", "Code signed by a key no longer valid."
    ),
    "bad_signature": Message(
        "Code falsifié ou abîmé : refusé.", "Forged or damaged code: refused."
    ),
    "token_expired": Message(
        "Ce code a expiré : demandez un nouveau code.", "This code has expired: ask for a new one."
    ),
    "token_not_yet_valid": Message(
        "Ce code n'est pas encore valable : vérifiez l'heure de la caisse.",
        "This code is not valid yet: check the till's clock.",
    ),
    "token_revoked": Message("Ce code de paiement a été annulé.", "This pay code was revoked."),
    "wallet_blocked": Message(
        "Ce porte-monnaie est bloqué : orientez la personne vers la coordination.",
        "This wallet is blocked: refer the person to the coordinators.",
    ),
}


def message(code: str) -> Message:
    return MESSAGES.get(code, MESSAGES["server_error"])

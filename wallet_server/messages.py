"""The translation layer for refusals: stable code → French and English wording.

French first: it is the working language of the funds; English for those who read it better.
"""

from typing import NamedTuple

SUPPORTED_LANGS = ("fr", "en")


class Message(NamedTuple):
    fr: str
    en: str


MESSAGES: dict[str, Message] = {
    # ledger
    "insufficient_funds": Message("Solde insuffisant.", "Insufficient balance."),
    "hold_expired": Message("La réservation a expiré.", "The hold has expired."),
    "hold_already_resolved": Message(
        "Cette réservation a déjà été utilisée ou annulée.",
        "This hold has already been used or released.",
    ),
    "hold_not_found": Message("Réservation introuvable.", "Hold not found."),
    "idempotency_conflict": Message(
        "Cet identifiant d'opération a déjà servi pour une autre opération.",
        "This operation id was already used for a different operation.",
    ),
    "account_not_found": Message("Compte introuvable.", "Account not found."),
    "account_exists": Message("Ce compte existe déjà.", "This account already exists."),
    "same_account": Message(
        "Le compte débité et le compte crédité doivent être différents.",
        "The debit and credit accounts must differ.",
    ),
    "invalid_amount": Message(
        "Montant invalide : un nombre positif en euros, par exemple 12,40.",
        "Invalid amount: a positive number of euros, for example 12.40.",
    ),
    "post_exceeds_hold": Message(
        "Le montant dépasse la somme réservée.", "The amount exceeds what was held."
    ),
    "invalid_expiry": Message("Date d'expiration invalide.", "Invalid expiry time."),
    "invalid_request": Message("Requête invalide.", "Invalid request."),
    # auth
    "invalid_credentials": Message(
        "Identifiant, mot de passe ou code à usage unique incorrect.",
        "Wrong username, password or one-time code.",
    ),
    "session_expired": Message(
        "Votre session a expiré ; reconnectez-vous.", "Your session has expired; log in again."
    ),
    "authentication_required": Message("Connexion requise.", "Login required."),
    "forbidden": Message("Action non autorisée pour votre rôle.", "Not allowed for your role."),
    "password_too_short": Message(
        "Le mot de passe doit faire au moins 10 caractères.",
        "The password must be at least 10 characters long.",
    ),
    "username_taken": Message("Cet identifiant est déjà pris.", "This username is taken."),
    "invalid_username": Message("Identifiant invalide.", "Invalid username."),
    # participants
    "invalid_month": Message("Mois invalide (AAAA-MM).", "Invalid month (YYYY-MM)."),
    "invalid_household_size": Message(
        "Taille du foyer invalide (1 à 20).", "Invalid household size (1 to 20)."
    ),
    "invalid_contribution_level": Message(
        "Niveau de cotisation invalide.", "Invalid contribution level."
    ),
    "missing_column": Message("Colonne manquante dans le fichier.", "Column missing in the file."),
    "participant_not_found": Message("Participant introuvable.", "Participant not found."),
    # shops
    "invalid_name": Message("Le nom est obligatoire.", "The name is required."),
    "invalid_transition": Message(
        "Ce changement de statut n'est pas permis.", "This status change is not allowed."
    ),
    "shop_not_found": Message("Commerce introuvable.", "Shop not found."),
    # allocations and contributions
    "no_policy": Message(
        "Aucune règle d'allocation n'est en vigueur pour ce mois.",
        "No allocation policy is in force for this month.",
    ),
    "transfer_refused": Message(
        "Une écriture a été refusée ; rien n'a été enregistré pour ce lot.",
        "A transfer was refused; nothing was recorded for this batch.",
    ),
    "invalid_funder": Message("Le financeur est obligatoire.", "The funder is required."),
    # pay codes (paytoken)
    "too_large": Message(
        "Code trop long : ce n'est pas un code de paiement.",
        "Code too long: this is not a pay code.",
    ),
    "bad_prefix": Message(
        "Ce n'est pas un code de paiement de la caisse.", "This is not a pay code of the fund."
    ),
    "malformed": Message("Code de paiement illisible ou abîmé.", "Unreadable or damaged pay code."),
    "unsupported_algorithm": Message(
        "Code de paiement d'un format inconnu.", "Pay code in an unknown format."
    ),
    "unsupported_version": Message(
        "Version de code de paiement inconnue.", "Unknown pay code version."
    ),
    "unknown_key": Message(
        "Code signé par une clé inconnue : refusé.", "Code signed by an unknown key: refused."
    ),
    "key_not_valid": Message(
        "Code signé par une clé hors de sa période de validité.",
        "Code signed by a key outside its validity.",
    ),
    "bad_signature": Message(
        "Signature invalide : ce code a été modifié.", "Invalid signature: this code was altered."
    ),
    "token_expired": Message(
        "Ce code de paiement a expiré ; demandez-en un nouveau.",
        "This pay code has expired; ask for a new one.",
    ),
    "token_not_yet_valid": Message(
        "Ce code n'est pas encore valable (horloge décalée ?).",
        "This code is not valid yet (clock wrong?).",
    ),
    "token_revoked": Message("Ce code de paiement a été annulé.", "This pay code was revoked."),
    "wallet_blocked": Message(
        "Ce porte-monnaie est bloqué ; contactez la caisse.",
        "This wallet is blocked; contact the fund.",
    ),
    # issuing and redeeming
    "too_many_tokens": Message(
        "Trop de codes de paiement en cours ; utilisez-en un ou attendez qu'il expire.",
        "Too many pay codes outstanding; use one or wait for it to expire.",
    ),
    "participant_not_active": Message(
        "Ce compte participant n'est pas actif.", "This participant account is not active."
    ),
    "no_signing_key": Message(
        "Aucune clé de signature : lancez « caisse keys rotate ».",
        'No signing key: run "caisse keys rotate".',
    ),
    "signing_key_missing": Message(
        "Clé de signature introuvable dans le dossier des clés.",
        "Signing key missing from the key directory.",
    ),
    "signing_key_exposed": Message(
        "Clé de signature lisible par d'autres utilisateurs : refusée (chmod 600).",
        "Signing key readable by other users: refused (chmod 600).",
    ),
    "invalid_pairing_code": Message(
        "Code d'appairage inconnu, déjà utilisé ou expiré.",
        "Pairing code unknown, already used or expired.",
    ),
    "device_not_recognized": Message(
        "Appareil non reconnu ou révoqué.", "Device not recognised or revoked."
    ),
    "device_not_found": Message("Appareil introuvable.", "Device not found."),
    "shop_not_approved": Message(
        "Ce commerce n'est pas conventionné actuellement.", "This shop is not currently approved."
    ),
    "amount_exceeds_cap": Message(
        "Le montant dépasse ce que ce code peut payer.",
        "The amount exceeds what this code can pay.",
    ),
    "unknown_token": Message(
        "Code de paiement inconnu de la caisse.", "Pay code unknown to the fund."
    ),
    "token_already_used": Message(
        "Ce code de paiement a déjà servi.", "This pay code has already been used."
    ),
    "token_online_only": Message(
        "Ce code ne peut servir qu'en ligne.", "This code can only be used online."
    ),
    "captured_in_future": Message(
        "Heure de paiement dans le futur : vérifiez l'horloge.",
        "Payment time in the future: check the clock.",
    ),
    "redemption_not_found": Message(
        "Paiement introuvable pour ce commerce.", "Payment not found for this shop."
    ),
    "refund_exceeds_payment": Message(
        "Le remboursement dépasse le paiement.", "The refund exceeds the payment."
    ),
    "wrong_pin": Message("Code PIN incorrect.", "Wrong PIN."),
    "pin_locked": Message(
        "Paiement par PIN bloqué après trop d'erreurs ; contactez la caisse.",
        "PIN payment locked after too many errors; contact the fund.",
    ),
    "pin_not_set": Message(
        "Aucun code PIN n'est défini pour ce participant.", "No PIN is set for this participant."
    ),
    "invalid_pin_format": Message(
        "Le code PIN doit avoir 4 à 6 chiffres.", "The PIN must have 4 to 6 digits."
    ),
    # generic
    "bad_request": Message("Requête invalide.", "Invalid request."),
    "invalid_activation_code": Message(
        "Code d'activation inconnu, déjà utilisé ou expiré : demandez-en un nouveau à la"
        " coordination.",
        "Activation code unknown, already used or expired: ask the coordinators for a new one.",
    ),
    "token_not_found": Message("Code de paiement introuvable.", "Pay code not found."),
    "token_not_outstanding": Message(
        "Ce code de paiement a déjà servi ou a été annulé.",
        "This pay code was already used or cancelled.",
    ),
    "not_found": Message("Introuvable.", "Not found."),
    "busy_retry": Message(
        "Serveur occupé, réessayez dans un instant.", "Server busy, try again in a moment."
    ),
    "internal_error": Message(
        "Erreur interne ; rien n'a été modifié.", "Internal error; nothing was changed."
    ),
    # bank details (payouts to shops)
    "bank_holder_missing": Message(
        "Indiquez le titulaire du compte bancaire.", "Give the bank account holder's name."
    ),
    "bank_holder_too_long": Message(
        "Le nom du titulaire ne peut dépasser 70 caractères.",
        "The account holder's name cannot exceed 70 characters.",
    ),
    "iban_invalid": Message(
        "IBAN invalide : vérifiez chaque caractère (exemple : FR76 3000 6000 0112 3456 7890 189).",
        "Invalid IBAN: check every character (example: FR76 3000 6000 0112 3456 7890 189).",
    ),
    "iban_outside_sepa": Message(
        "Cet IBAN n'est pas dans la zone SEPA : un virement SEPA ne peut pas y aller.",
        "This IBAN is outside the SEPA area: a SEPA transfer cannot reach it.",
    ),
    "bic_invalid": Message(
        "BIC invalide : 8 ou 11 lettres et chiffres (exemple : AGRIFRPP).",
        "Invalid BIC: 8 or 11 letters and digits (example: AGRIFRPP).",
    ),
    # console sections add their refusals below, one block per section
}


def message(code: str, lang: str = "fr") -> str:
    entry = MESSAGES.get(code)
    if entry is None:
        return code
    return entry.en if lang == "en" else entry.fr


def messages_for(code: str) -> dict[str, str]:
    """Both wordings, for a client that shows the one its user chose."""
    entry = MESSAGES.get(code)
    return {"fr": entry.fr, "en": entry.en} if entry else {"fr": code, "en": code}


def bilingual(code: str) -> str:
    """Both languages on one line, for terminals whose reader we do not know."""
    entry = MESSAGES.get(code)
    return f"{entry.fr} / {entry.en}" if entry else code

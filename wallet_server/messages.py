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
    # generic
    "bad_request": Message("Requête invalide.", "Invalid request."),
    "not_found": Message("Introuvable.", "Not found."),
    "busy_retry": Message(
        "Serveur occupé, réessayez dans un instant.", "Server busy, try again in a moment."
    ),
    "internal_error": Message(
        "Erreur interne ; rien n'a été modifié.", "Internal error; nothing was changed."
    ),
}


def message(code: str, lang: str = "fr") -> str:
    entry = MESSAGES.get(code)
    if entry is None:
        return code
    return entry.en if lang == "en" else entry.fr


def bilingual(code: str) -> str:
    """Both languages on one line, for terminals whose reader we do not know."""
    entry = MESSAGES.get(code)
    return f"{entry.fr} / {entry.en}" if entry else code

"""Words of the staff accounts and audit log pages."""

TEXT: dict[str, tuple[str, str]] = {
    "nav.users": ("Comptes", "Accounts"),
    "nav.audit": ("Journal d'audit", "Audit log"),
    "users.title": ("Comptes de l'équipe", "Staff accounts"),
    "users.username": ("Identifiant", "Username"),
    "users.display_name": ("Nom affiché", "Display name"),
    "users.role": ("Rôle", "Role"),
    "users.shop": ("Commerce (compte « commerce » seulement)", "Shop (shop manager only)"),
    "users.shop_hint": (
        "Un compte « commerce » ne voit que ce commerce.",
        "A shop manager account sees only this shop.",
    ),
    "users.password": (
        "Mot de passe (10 caractères au moins)",
        "Password (10 characters at least)",
    ),
    "users.create": ("Créer le compte", "Create the account"),
    "users.active": ("actif", "active"),
    "users.inactive": ("désactivé", "deactivated"),
    "users.deactivate": ("Désactiver", "Deactivate"),
    "users.reactivate": ("Réactiver", "Reactivate"),
    "users.totp_reset": ("Nouveau second facteur", "New second factor"),
    "users.totp_reset_confirm": (
        "L'ancienne application ne donnera plus de codes valides. Continuer ?",
        "The old app's codes will stop working. Continue?",
    ),
    "users.totp_title": ("Second facteur", "Second factor"),
    "users.totp_once": (
        "À scanner maintenant avec l'application d'authentification de la personne : cette page"
        " ne sera plus montrée.",
        "Scan this now with the person's authenticator app: this page will not be shown again.",
    ),
    "users.totp_secret": ("Ou tapez ce secret :", "Or type this secret:"),
    "audit.title": ("Journal d'audit", "Audit log"),
    "audit.help": (
        "Chaque action de l'équipe, faite ou refusée : qui, quoi, sur quoi, quand, avant et après.",
        "Every staff action, done or refused: who, what, on what, when, before and after.",
    ),
    "audit.actor": ("Qui", "Who"),
    "audit.action": ("Action", "Action"),
    "audit.action_hint": (
        "Le début suffit : « payout » trouve toutes les actions sur les virements.",
        "The beginning is enough: “payout” finds every payout action.",
    ),
    "audit.target": ("Sur", "On"),
    "audit.outcome": ("Résultat", "Outcome"),
    "audit.all": ("tous", "all"),
    "audit.done": ("fait", "done"),
    "audit.refused": ("refusé", "refused"),
    "audit.since": ("Depuis le", "From"),
    "audit.until": ("Jusqu'au", "Until"),
    "audit.change": ("Changement", "Change"),
}

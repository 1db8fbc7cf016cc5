"""Words of the console's frame: login, menu, errors, forms."""

TEXT: dict[str, tuple[str, str]] = {
    "app.name": ("Caisse Commune — coordination", "Caisse Commune — coordination"),
    "app.skip": ("Aller au contenu", "Skip to content"),
    "login.title": ("Connexion", "Log in"),
    "login.username": ("Identifiant", "Username"),
    "login.password": ("Mot de passe", "Password"),
    "login.totp": ("Code à 6 chiffres de votre application", "6-digit code from your app"),
    "login.totp_help": (
        "Ouvrez votre application d'authentification (par exemple FreeOTP ou Aegis) et tapez "
        "le code affiché pour « Caisse Commune ».",
        "Open your authenticator app (for example FreeOTP or Aegis) and type the code shown "
        "for “Caisse Commune”.",
    ),
    "login.submit": ("Se connecter", "Log in"),
    "logout": ("Se déconnecter", "Log out"),
    "lang.switch": ("English", "Français"),
    "lang.label": ("Langue", "Language"),
    "nav.label": ("Menu principal", "Main menu"),
    "role.admin": ("administration", "administrator"),
    "role.coordinator": ("coordination", "coordinator"),
    "role.committee": ("comité citoyen", "citizens' committee"),
    "role.shop_manager": ("commerce", "shop manager"),
    "error.title": ("Erreur", "Error"),
    "error.forbidden": (
        "Votre rôle ne permet pas cette page ou cette action. La tentative est enregistrée.",
        "Your role does not allow this page or action. The attempt has been recorded.",
    ),
    "error.not_found": ("Page introuvable.", "Page not found."),
    "error.bad_request": ("Requête invalide.", "Invalid request."),
    "error.too_large": (
        "Envoi trop volumineux (1 Mio au plus) ; rien n'a été modifié.",
        "Too much was sent (1 MiB at most); nothing was changed.",
    ),
    "error.csrf": (
        "Le formulaire a expiré. Revenez en arrière, rechargez la page et recommencez.",
        "The form has expired. Go back, reload the page and try again.",
    ),
    "error.other": (
        "Une erreur est survenue ; rien n'a été modifié.",
        "Something went wrong; nothing was changed.",
    ),
    "error.back": ("Revenir en arrière", "Go back"),
    "form.required": ("à remplir", "required"),
    "form.too_long": ("trop long", "too long"),
    "form.bad_characters": (
        "contient un caractère invisible ; retapez le texte",
        "contains an invisible character; type the text again",
    ),
    "form.bad_amount": (
        "montant invalide : un nombre positif d'euros avec au plus 2 décimales, par exemple 12,40",
        "invalid amount: a positive number of euros with at most 2 decimals, for example 12.40",
    ),
    "form.bad_number": ("nombre invalide ou hors limites", "invalid or out-of-range number"),
    "form.bad_date": (
        "date invalide (AAAA-MM-JJ, de 2000 à 2999)",
        "invalid date (YYYY-MM-DD, from 2000 to 2999)",
    ),
    "form.bad_month": (
        "mois invalide (AAAA-MM, de 2000 à 2999)",
        "invalid month (YYYY-MM, from 2000 to 2999)",
    ),
    "form.errors": (
        "Corrigez ce qui est signalé ci-dessous.",
        "Please correct what is marked below.",
    ),
    "common.search": ("Rechercher", "Search"),
    "common.save": ("Enregistrer", "Save"),
    "common.cancel": ("Annuler", "Cancel"),
    "common.confirm": ("Confirmer", "Confirm"),
    "common.download_csv": ("Télécharger (CSV)", "Download (CSV)"),
    "common.none": ("Aucun élément.", "Nothing here."),
    "common.yes": ("oui", "yes"),
    "common.no": ("non", "no"),
    "common.date": ("Date", "Date"),
    "common.amount": ("Montant", "Amount"),
    "common.status": ("Statut", "Status"),
    "common.actions": ("Actions", "Actions"),
    "common.print": ("Imprimer", "Print"),
    "common.previous": ("Précédents", "Previous"),
    "common.next": ("Suivants", "Next"),
}

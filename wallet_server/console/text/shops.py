"""Words of the shops pages: list, application, committee decisions, directory, bank details,
tills."""

TEXT: dict[str, tuple[str, str]] = {
    "nav.shops": ("Commerces", "Shops"),
    "shops.title": ("Commerces", "Shops"),
    "shops.all": ("tous", "all"),
    "shops.status_applied": ("candidature", "applied"),
    "shops.status_approved": ("conventionné", "approved"),
    "shops.status_suspended": ("suspendu", "suspended"),
    "shops.filter": ("Afficher", "Show"),
    "shops.new": ("Enregistrer une candidature", "Record an application"),
    "shops.new_hint": (
        "Le commerce ne pourra encaisser qu'après la décision du comité citoyen.",
        "The shop can take payments only after the citizens' committee decides.",
    ),
    "shops.applied_ok": (
        "Candidature enregistrée : {public_id}.",
        "Application recorded: {public_id}.",
    ),
    "shops.public_id": ("Identifiant", "Id"),
    "shops.name": ("Nom", "Name"),
    "shops.address": ("Adresse", "Address"),
    "shops.opening_hours": ("Horaires", "Opening hours"),
    "shops.opening_hours_hint": (
        "Tels que les participants les liront, par exemple « mar.–sam. 9h–19h ».",
        "As participants will read them, for example “Tue–Sat 9am–7pm”.",
    ),
    "shops.categories": ("Catégories", "Categories"),
    "shops.categories_hint": (
        "Séparées par des virgules, par exemple « épicerie, bio, producteur ».",
        "Separated by commas, for example “grocery, organic, producer”.",
    ),
    "shops.contact": ("Contact", "Contact"),
    "shops.contact_hint": (
        "Téléphone ou courriel de la personne à joindre au commerce.",
        "Phone or e-mail of the person to reach at the shop.",
    ),
    "shops.since": ("Conventionné depuis", "Approved since"),
    "shops.applied_on": ("Candidature du", "Applied on"),
    "shops.balance": ("À rembourser au commerce", "Owed to the shop"),
    "shops.directory": ("Fiche de l'annuaire", "Directory entry"),
    "shops.directory_edit": ("Modifier la fiche", "Edit the entry"),
    "shops.directory_saved": ("Fiche enregistrée.", "Entry saved."),
    "shops.bank": ("Coordonnées bancaires", "Bank details"),
    "shops.bank_edit": ("Modifier les coordonnées bancaires", "Change the bank details"),
    "shops.bank_hint": (
        "Les remboursements en euros partent vers ce compte par virement SEPA. L'IBAN et le"
        " BIC sont vérifiés avant d'être enregistrés ; le BIC peut rester vide s'il se déduit"
        " de l'IBAN.",
        "Reimbursements in euros go to this account by SEPA transfer. The IBAN and BIC are"
        " checked before they are saved; the BIC may stay empty when the IBAN tells it.",
    ),
    "shops.bank_saved": ("Coordonnées bancaires enregistrées.", "Bank details saved."),
    "shops.bank_none": ("Aucune coordonnée bancaire.", "No bank details."),
    "shops.iban": ("IBAN", "IBAN"),
    "shops.bic": ("BIC", "BIC"),
    "shops.holder": ("Titulaire du compte", "Account holder"),
    "shops.iban_masked_hint": (
        "Seuls les 4 derniers caractères sont affichés.",
        "Only the last 4 characters are shown.",
    ),
    "shops.decide": ("Enregistrer une décision du comité", "Record a committee decision"),
    "shops.decision": ("Décision", "Decision"),
    "shops.decision_approved": ("conventionner", "approve"),
    "shops.decision_suspended": ("suspendre", "suspend"),
    "shops.decided_approved": ("conventionné", "approved"),
    "shops.decided_suspended": ("suspendu", "suspended"),
    "shops.decision_none": (
        "Aucune décision possible depuis ce statut.",
        "No decision possible from this status.",
    ),
    "shops.decided_on": ("Date de la séance", "Date of the meeting"),
    "shops.grid": ("Grille des critères", "Criteria grid"),
    "shops.grid_hint": (
        "Une note de 0 à 5 par critère. Une note de 2 ou moins doit être expliquée.",
        "A score from 0 to 5 for each criterion. A score of 2 or less must be explained.",
    ),
    "shops.criterion_quality": ("Qualité", "Quality"),
    "shops.criterion_locality": ("Proximité", "Locality"),
    "shops.criterion_accessibility": ("Accessibilité", "Accessibility"),
    "shops.criterion": ("Critère", "Criterion"),
    "shops.score": ("Note (0 à 5)", "Score (0 to 5)"),
    "shops.comment": ("Commentaire", "Comment"),
    "shops.note": ("Motif et remarques", "Reason and remarks"),
    "shops.note_hint": (
        "Obligatoire pour une suspension : le commerce doit savoir pourquoi.",
        "Required for a suspension: the shop must know why.",
    ),
    "shops.decision_saved": ("Décision enregistrée.", "Decision recorded."),
    "shops.history": ("Décisions du comité", "Committee decisions"),
    "shops.recorded_by": ("Saisie par", "Recorded by"),
    "shops.tills": ("Caisses", "Tills"),
    "shops.tills_link": ("Voir les caisses", "See the tills"),
    # tills
    "tills.title": ("Caisses de {shop}", "Tills of {shop}"),
    "tills.back": ("Retour à la fiche du commerce", "Back to the shop"),
    "tills.none": ("Aucune caisse appairée.", "No till paired."),
    "tills.name": ("Caisse", "Till"),
    "tills.paired_at": ("Appairée le", "Paired on"),
    "tills.last_seen": ("Dernier contact", "Last contact"),
    "tills.last_sync": ("Dernière synchronisation", "Last sync"),
    "tills.unsynced": ("En attente d'envoi", "Waiting to be sent"),
    "tills.unsynced_value": ("{count} paiement(s), {amount}", "{count} payment(s), {amount}"),
    "tills.state_active": ("active", "active"),
    "tills.state_revoked": ("révoquée", "revoked"),
    "tills.state_silent": ("silencieuse", "silent"),
    "tills.silent_hint": (
        "Une caisse silencieuse ne s'est pas synchronisée depuis plus longtemps que sa limite"
        " hors ligne : elle refuse les paiements hors ligne et ses paiements en attente"
        " risquent d'arriver tard. Vérifiez sa connexion.",
        "A silent till has not synced for longer than its offline limit: it refuses offline"
        " payments and its waiting payments may arrive late. Check its connection.",
    ),
    "tills.limits": ("Limites hors ligne", "Offline limits"),
    "tills.limits_hint": (
        "Elles bornent ce que la caisse peut accepter sans réseau ; la caisse les reçoit à sa"
        " prochaine synchronisation. Plafond d'un code de paiement : {cap}.",
        "They bound what the till may accept without network; the till receives them at its"
        " next sync. A pay code's cap: {cap}.",
    ),
    "tills.max_amount": ("Montant par paiement (€)", "Amount per payment (€)"),
    "tills.max_count": ("Nombre de paiements", "Number of payments"),
    "tills.max_total": ("Total (€)", "Total (€)"),
    "tills.max_hours": ("Heures sans synchronisation", "Hours without sync"),
    "tills.limits_value": (
        "{amount} par paiement, {count} paiements, {total} au total, {hours} h",
        "{amount} per payment, {count} payments, {total} in all, {hours} h",
    ),
    "tills.limits_save": ("Enregistrer les limites", "Save the limits"),
    "tills.limits_saved": (
        "Limites enregistrées : la caisse les recevra à sa prochaine synchronisation.",
        "Limits saved: the till receives them at its next sync.",
    ),
    "tills.pair": ("Appairer une nouvelle caisse", "Pair a new till"),
    "tills.pair_hint": (
        "Crée un code à usage unique, valable 15 minutes, à taper sur la nouvelle caisse.",
        "Creates a one-time code, valid 15 minutes, to type on the new till.",
    ),
    "tills.max_hint": (
        "Un commerce peut appairer lui-même jusqu'à {max} caisses actives ; au-delà, la"
        " coordination le fait.",
        "A shop can pair up to {max} active tills itself; beyond that, the coordinators do.",
    ),
    "tills.code_title": ("Code d'appairage", "Pairing code"),
    "tills.code_once": (
        "Ce code ne sera plus affiché : notez-le ou appairez la caisse maintenant.",
        "This code will not be shown again: write it down or pair the till now.",
    ),
    "tills.code_expires": ("Valable jusqu'au {when}.", "Valid until {when}."),
    "tills.code_qr_label": (
        "Le code d'appairage en QR code, à scanner avec la caisse",
        "The pairing code as a QR code, to scan with the till",
    ),
    "tills.code_browser_steps": (
        "Sur une tablette ou un téléphone (navigateur)",
        "On a tablet or a phone (browser)",
    ),
    "tills.code_browser_open": (
        "Ouvrez cette adresse dans le navigateur (Chrome, Firefox, Safari) :",
        "Open this address in the browser (Chrome, Firefox, Safari):",
    ),
    "tills.code_browser_pair": (
        "Tapez le code ci-dessus, ou touchez « Scanner le code » et montrez ce QR code à la"
        " caméra. Puis touchez « Associer ».",
        "Type the code above, or tap “Scan the code” and show this QR code to the camera."
        " Then tap “Pair”.",
    ),
    "tills.code_browser_install": (
        "Ajoutez la caisse à l'écran d'accueil : elle s'ouvre alors même sans connexion.",
        "Add the till to the home screen: it then opens even without a connection.",
    ),
    "tills.code_steps": (
        "Sur un ordinateur (logiciel caisse-pos)",
        "On a computer (caisse-pos software)",
    ),
    "tills.code_step_install": (
        "Ouvrez un terminal sur la tablette ou l'ordinateur de caisse (logiciel caisse-pos"
        " installé).",
        "Open a terminal on the till's tablet or computer (with the caisse-pos software"
        " installed).",
    ),
    "tills.code_step_pair": ("Tapez cette commande :", "Type this command:"),
    "tills.code_step_run": (
        "Puis lancez l'écran de caisse avec « caisse-pos run » : la caisse affiche le nom du"
        " commerce une fois appairée.",
        "Then start the cashier screen with “caisse-pos run”: the till shows the shop's name"
        " once paired.",
    ),
    "tills.code_step_expired": (
        "Code expiré ou refusé ? Créez-en un nouveau depuis cette page.",
        "Code expired or refused? Create a new one from this page.",
    ),
    "tills.revoke": ("Révoquer", "Revoke"),
    "tills.revoke_title": ("Révoquer la caisse « {name} » ?", "Revoke the till “{name}”?"),
    "tills.revoke_explain": (
        "À faire si la caisse est perdue, volée ou remplacée. Elle ne pourra plus encaisser"
        " ni se synchroniser : les paiements hors ligne qu'elle n'a pas encore envoyés ne"
        " pourront plus l'être. En attente sur cette caisse : {pending}.",
        "Do it when the till is lost, stolen or replaced. It will no longer take payments nor"
        " sync: offline payments it has not sent yet can no longer be sent. Waiting on this"
        " till: {pending}.",
    ),
    "tills.revoke_confirm": ("Oui, révoquer cette caisse", "Yes, revoke this till"),
    "tills.revoked_ok": ("Caisse révoquée.", "Till revoked."),
    "tills.unnamed": ("caisse n° {id}", "till no. {id}"),
}

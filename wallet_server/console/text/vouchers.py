"""Words of the paper vouchers pages (the vouchers themselves are printed in both languages)."""

TEXT: dict[str, tuple[str, str]] = {
    "vouchers.title": ("Bons papier de {name}", "Paper vouchers of {name}"),
    "vouchers.intro": (
        "Pour payer sans téléphone : chaque bon est un code de paiement à usage unique, imprimé."
        " Sa valeur est réservée sur le porte-monnaie jusqu'à son utilisation ou son annulation.",
        "To pay without a phone: each voucher is a single-use pay code, printed. Its value is"
        " held on the wallet until it is used or cancelled.",
    ),
    "vouchers.back": ("Retour à la fiche du participant", "Back to the participant"),
    "vouchers.back_to_sheets": ("Retour aux planches", "Back to the sheets"),
    "vouchers.available": ("Disponible", "Available"),
    "vouchers.held": ("Réservé par des bons", "Held by vouchers"),
    "vouchers.issue": ("Préparer une planche de bons", "Prepare a sheet of vouchers"),
    "vouchers.value": ("Valeur d'un bon (€)", "Value of one voucher (€)"),
    "vouchers.value_hint": (
        "Au plus {cap} par bon. Le commerce peut encaisser moins : le reste revient au"
        " porte-monnaie.",
        "At most {cap} per voucher. The shop may charge less: the rest goes back to the wallet.",
    ),
    "vouchers.count": ("Nombre de bons (1 à {max})", "Number of vouchers (1 to {max})"),
    "vouchers.preview": ("Vérifier avant d'émettre", "Check before issuing"),
    "vouchers.confirm_title": ("Confirmer la planche de bons", "Confirm the sheet of vouchers"),
    "vouchers.confirm_text": (
        "{count} bon(s) de {value} pour {name}.",
        "{count} voucher(s) of {value} for {name}.",
    ),
    "vouchers.total_held": ("Total réservé", "Total held"),
    "vouchers.available_after": ("Disponible ensuite", "Available afterwards"),
    "vouchers.valid_until": ("Valables jusqu'au", "Valid until"),
    "vouchers.confirm": ("Émettre et imprimer", "Issue and print"),
    "vouchers.issued": (
        "{count} bon(s) émis : imprimez la planche et remettez-la en main propre.",
        "{count} voucher(s) issued: print the sheet and hand it over in person.",
    ),
    "vouchers.sheets": ("Planches émises", "Sheets issued"),
    "vouchers.sheet": ("Planche n° {id}", "Sheet no. {id}"),
    "vouchers.sheet_column": ("Planche", "Sheet"),
    "vouchers.created": ("Émise le", "Issued on"),
    "vouchers.created_by": ("Par", "By"),
    "vouchers.each": ("Valeur", "Value"),
    "vouchers.number": ("Bons", "Vouchers"),
    "vouchers.state_counts": (
        "En cours / utilisés / annulés / expirés",
        "Outstanding / used / cancelled / expired",
    ),
    "vouchers.open": ("Voir", "View"),
    "vouchers.voucher": ("Bon", "Voucher"),
    "vouchers.state": ("État", "State"),
    "vouchers.state_outstanding": ("en cours", "outstanding"),
    "vouchers.state_used": ("utilisé", "used"),
    "vouchers.state_cancelled": ("annulé", "cancelled"),
    "vouchers.state_expired": ("expiré", "expired"),
    "vouchers.used_at": (
        "chez {shop} le {when}, {amount}",
        "at {shop} on {when}, {amount}",
    ),
    "vouchers.still_held": (
        "encore réservé (un paiement hors ligne peut arriver)",
        "still held (an offline payment may still arrive)",
    ),
    "vouchers.cancel": ("Annuler ce bon", "Cancel this voucher"),
    "vouchers.cancel_confirm": (
        "Annuler ce bon ? Les caisses le refuseront et son montant redevient disponible.",
        "Cancel this voucher? Tills will refuse it and its amount becomes available again.",
    ),
    "vouchers.cancel_rest": ("Annuler tous les bons restants", "Cancel every remaining voucher"),
    "vouchers.cancel_rest_hint": (
        "Pour une planche perdue ou rendue : les bons déjà utilisés restent payés.",
        "For a lost or returned sheet: vouchers already used stay paid.",
    ),
    "vouchers.cancel_rest_confirm": (
        "Annuler tous les bons restants de cette planche ?",
        "Cancel every remaining voucher of this sheet?",
    ),
    "vouchers.cancelled": (
        "Bon n° {number} annulé : {amount} de nouveau disponible(s).",
        "Voucher no. {number} cancelled: {amount} available again.",
    ),
    "vouchers.cancelled_rest": (
        "{count} bon(s) annulé(s) : {amount} de nouveau disponible(s).",
        "{count} voucher(s) cancelled: {amount} available again.",
    ),
    "vouchers.print": ("Imprimer la planche", "Print the sheet"),
    "vouchers.print_hint": (
        "Chaque bon imprimé vaut de l'argent : ne laissez pas traîner de copie.",
        "Each printed voucher is worth money: do not leave copies lying around.",
    ),
    "vouchers.sheet_for": ("Planche de bons pour", "Sheet of vouchers for"),
    "vouchers.sheet_summary": (
        "{count} bon(s) de {value}, soit {total}. Émise le {created}.",
        "{count} voucher(s) of {value}, {total} in all. Issued on {created}.",
    ),
    "vouchers.sheet_cut": (
        "Découpez les bons le long des pointillés : ils ne portent aucun nom.",
        "Cut the vouchers along the dotted lines: they carry no name.",
    ),
    "vouchers.qr_label": ("Code QR du bon {number}", "QR code of voucher {number}"),
}

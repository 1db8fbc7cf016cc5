"""Words of the reimbursements pages: payout batches, SEPA files, shop statements."""

TEXT: dict[str, tuple[str, str]] = {
    "reimbursements.held_title": (
        "Retenu sur les versements : {amount}",
        "Held back from payouts: {amount}",
    ),
    "reimbursements.held_intro": (
        "Tant que la coordination n'a pas examiné ces paiements, leur montant n'est pas versé"
        " au commerce (page Conflits).",
        "Until the coordinators have looked into these payments, their amount is not paid to"
        " the shop (Conflicts page).",
    ),
    "reimbursements.held_taken": ("Pris le", "Taken on"),
    "reimbursements.held_why": ("Pourquoi", "Why"),
    "reimbursements.held_conflict": ("conflit", "conflict"),
    "reimbursements.held_refused_capture": ("paiement refusé", "refused payment"),
    "nav.reimbursements": ("Remboursements", "Reimbursements"),
    "reimbursements.title": ("Remboursements des commerces", "Shop reimbursements"),
    "reimbursements.help": (
        "Un lot rembourse en euros, par virement SEPA, ce que chaque commerce a encaissé"
        " jusqu'à la fin de la période, moins ses remboursements aux participants et ce qui"
        " lui a déjà été versé.",
        "A batch pays each shop in euros, by SEPA transfer, what it accepted up to the end of"
        " the period, less its refunds to participants and what it was already paid.",
    ),
    "reimbursements.statements_link": ("Relevés des commerces", "Shop statements"),
    "reimbursements.prepare": ("Préparer un lot", "Prepare a batch"),
    "reimbursements.prepare_hint": (
        "Rien n'est versé à cette étape : le lot donne le fichier SEPA à remettre à la banque."
        " Marquez-le payé une fois le virement exécuté.",
        "Nothing is paid at this step: the batch gives the SEPA file to hand to the bank."
        " Mark it paid once the bank has executed the transfer.",
    ),
    "reimbursements.period_end": ("Fin de période (incluse)", "End of period (included)"),
    "reimbursements.execution_date": ("Date d'exécution du virement", "Transfer execution date"),
    "reimbursements.prepared": (
        "Lot n° {id} préparé : {count} commerce(s), {total}.",
        "Batch no. {id} prepared: {count} shop(s), {total}.",
    ),
    "reimbursements.batches": ("Lots de virements", "Payout batches"),
    "reimbursements.batch": ("Lot", "Batch"),
    "reimbursements.batch_title": ("Lot de virements n° {id}", "Payout batch no. {id}"),
    "reimbursements.period": ("Période", "Period"),
    "reimbursements.period_value": ("du {start} au {end}", "{start} to {end}"),
    "reimbursements.total": ("Total", "Total"),
    "reimbursements.shops_count": ("Commerces", "Shops"),
    "reimbursements.message_id": ("Référence du fichier", "File reference"),
    "reimbursements.created": ("Préparé", "Prepared"),
    "reimbursements.paid": ("Payé", "Paid"),
    "reimbursements.by": ("{when} par {who}", "{when} by {who}"),
    "reimbursements.status_prepared": ("préparé", "prepared"),
    "reimbursements.status_paid": ("payé", "paid"),
    "reimbursements.status_cancelled": ("annulé", "cancelled"),
    "reimbursements.lines": ("Virements du lot", "Transfers in the batch"),
    "reimbursements.shop": ("Commerce", "Shop"),
    "reimbursements.iban": ("IBAN", "IBAN"),
    "reimbursements.bic": ("BIC", "BIC"),
    "reimbursements.holder": ("Titulaire du compte", "Account holder"),
    "reimbursements.reference": ("Référence du virement", "Transfer reference"),
    "reimbursements.excluded": (
        "Commerces à rembourser mais absents du lot",
        "Shops owed money but left out of the batch",
    ),
    "reimbursements.excluded_hint": (
        "Leurs coordonnées bancaires manquent ou sont invalides : corrigez-les sur la fiche du"
        " commerce, puis préparez un nouveau lot. Rien ne leur est retiré : leur solde reste dû.",
        "Their bank details are missing or invalid: correct them on the shop's page, then"
        " prepare a new batch. Nothing is taken from them: their balance stays owed.",
    ),
    "reimbursements.owed": ("Montant dû", "Amount owed"),
    "reimbursements.reason": ("Raison", "Reason"),
    "reimbursements.download_sepa": (
        "Télécharger le fichier SEPA (XML pain.001)",
        "Download the SEPA file (XML pain.001)",
    ),
    "reimbursements.fund_variable": (
        "Variable d'environnement à corriger : {variable}.",
        "Environment variable to correct: {variable}.",
    ),
    "reimbursements.mark_paid": ("Marquer payé…", "Mark paid…"),
    "reimbursements.confirm_title": (
        "Confirmer le paiement du lot n° {id}",
        "Confirm payment of batch no. {id}",
    ),
    "reimbursements.confirm_text": (
        "Confirmez seulement si la banque a exécuté le virement de {total} vers {count}"
        " commerce(s). Le solde de chaque commerce diminuera du montant versé ; cela ne peut"
        " pas être annulé.",
        "Confirm only if the bank has executed the transfer of {total} to {count} shop(s)."
        " Each shop's balance will drop by the amount paid; this cannot be undone.",
    ),
    "reimbursements.confirm_check": (
        "La banque a exécuté ce virement.",
        "The bank has executed this transfer.",
    ),
    "reimbursements.confirm_paid": ("Confirmer : lot payé", "Confirm: batch paid"),
    "reimbursements.confirm_missing": (
        "Cochez la case pour confirmer que la banque a exécuté le virement.",
        "Tick the box to confirm that the bank has executed the transfer.",
    ),
    "reimbursements.marked_paid": (
        "Lot n° {id} marqué payé : {count} virement(s) enregistré(s).",
        "Batch no. {id} marked paid: {count} transfer(s) recorded.",
    ),
    "reimbursements.cancel": ("Annuler ce lot", "Cancel this batch"),
    "reimbursements.cancel_hint": (
        "Annuler libère les montants du lot : ils iront dans le prochain lot préparé.",
        "Cancelling frees the batch's amounts: they go into the next batch prepared.",
    ),
    "reimbursements.cancelled": ("Lot n° {id} annulé.", "Batch no. {id} cancelled."),
    "reimbursements.back": ("Retour aux lots", "Back to batches"),
    "reimbursements.statements": ("Relevés des commerces", "Shop statements"),
    "reimbursements.statement_title": ("Relevé de {shop}", "Statement of {shop}"),
    "reimbursements.statement_help": (
        "Jours entiers en temps universel (UTC), début et fin inclus.",
        "Whole days in universal time (UTC), start and end included.",
    ),
    "reimbursements.start": ("Du", "From"),
    "reimbursements.end": ("Au (inclus)", "To (included)"),
    "reimbursements.show": ("Afficher", "Show"),
    "reimbursements.opening": ("Solde d'ouverture", "Opening balance"),
    "reimbursements.payments": ("Paiements reçus", "Payments received"),
    "reimbursements.refunds": ("Remboursements aux participants", "Refunds to participants"),
    "reimbursements.payouts": ("Virements reçus du fonds", "Payouts from the fund"),
    "reimbursements.other": ("Autres mouvements", "Other movements"),
    "reimbursements.closing": ("Solde de clôture (dû)", "Closing balance (owed)"),
    "reimbursements.count_total": ("{count} · {total}", "{count} · {total}"),
    "reimbursements.fund_total": ("Total du fonds", "Fund total"),
    "reimbursements.movements": ("Mouvements de la période", "Movements of the period"),
    "reimbursements.movement": ("Mouvement", "Movement"),
    "reimbursements.kind_payment": ("paiement", "payment"),
    "reimbursements.kind_refund": ("remboursement", "refund"),
    "reimbursements.kind_payout": ("virement du fonds", "payout"),
    "reimbursements.nothing_due": (
        "Aucun commerce n'est à rembourser pour cette période.",
        "No shop is owed money for this period.",
    ),
    "field.payout_period_end": ("Fin de période", "End of period"),
    "field.payout_execution_date": ("Date d'exécution", "Execution date"),
    "field.statement_start": ("Début de période", "Start of period"),
    "field.statement_end": ("Fin de période", "End of period"),
    "field.payout_confirm": ("Confirmation", "Confirmation"),
    "reimbursements.csv_shop": ("Commerce", "Shop"),
    "reimbursements.csv_shop_id": ("Identifiant du commerce", "Shop id"),
    "reimbursements.csv_iban": ("IBAN", "IBAN"),
    "reimbursements.csv_bic": ("BIC", "BIC"),
    "reimbursements.csv_holder": ("Titulaire", "Holder"),
    "reimbursements.csv_amount_eur": ("Montant (EUR)", "Amount (EUR)"),
    "reimbursements.csv_reference": ("Référence", "Reference"),
}

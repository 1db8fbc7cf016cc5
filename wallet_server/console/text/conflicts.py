"""Words of the conflicts page: the queue, the exposure figures and the three settlements."""

TEXT: dict[str, tuple[str, str]] = {
    "conflicts.refused_title": (
        "Caisses hors de leurs limites : paiements refusés",
        "Tills outside their limits: refused payments",
    ),
    "conflicts.refused_intro": (
        "Des paiements hors ligne qu'une caisse honnête n'aurait pas pu accepter : au-delà des"
        " limites que le serveur lui avait données, datés hors de sa période hors ligne, un code"
        " qu'elle savait annulé ou déjà payé à ce commerce. Ils ne sont pas payés ; tant qu'ils"
        " sont ouverts, leur montant est retenu sur les versements au commerce.",
        "Offline payments an honest till could not have accepted: beyond the limits the server"
        " gave it, dated outside its offline stretch, a code it knew was revoked or already"
        " paid at this shop. They are not paid; while they are open, their amount is held back"
        " from the shop's payouts.",
    ),
    "conflicts.refused_captured": ("Pris le (selon la caisse)", "Taken on (the till says)"),
    "conflicts.refused_till": ("Caisse", "Till"),
    "conflicts.refused_open": ("À examiner", "To look into"),
    "conflicts.refused_note": ("Ce que vous avez constaté", "What you found"),
    "conflicts.refused_close": ("Clore", "Close"),
    "conflicts.refused_closed_by": ("Close par {who} le {when}", "Closed by {who} on {when}"),
    "conflicts.refused_closed_ok": (
        "Paiement refusé n° {id} clos : les versements au commerce ne le retiennent plus.",
        "Refused payment no. {id} closed: the shop's payouts no longer hold it back.",
    ),
    "conflicts.refused_none": ("Aucun paiement refusé.", "No refused payment."),
    "nav.conflicts": ("Conflits", "Conflicts"),
    "conflicts.title": ("Conflits de paiement hors ligne", "Offline payment conflicts"),
    "conflicts.intro": (
        "Un conflit naît quand un code de paiement accepté hors ligne avait déjà servi ailleurs"
        " (ou que sa réservation avait expiré). Le commerce est payé quand même ; le"
        " porte-monnaie du participant est débité, au besoin en dessous de zéro.",
        "A conflict arises when a pay code accepted offline had already been used elsewhere"
        " (or its hold had lapsed). The shop is paid anyway; the participant's wallet is"
        " charged, below zero if need be.",
    ),
    "conflicts.exposure": ("Exposition maximale hors ligne", "Worst-case offline exposure"),
    "conflicts.exposure_hint": (
        "Ce que toutes les caisses actives pourraient encore accepter hors ligne avant leur"
        " prochaine synchronisation, d'après leurs limites.",
        "What all active tills could still accept offline before their next sync, from"
        " their limits.",
    ),
    "conflicts.loss": ("Pertes absorbées par la caisse", "Losses absorbed by the fund"),
    "conflicts.open_figure": ("Conflits ouverts", "Open conflicts"),
    "conflicts.open_shortfall": (
        "découvert des porte-monnaie concernés : {amount}",
        "shortfall of the wallets concerned: {amount}",
    ),
    "conflicts.recovering_figure": (
        "En attente de la prochaine allocation",
        "Waiting for the next allocation",
    ),
    "conflicts.filter": ("Afficher", "Show"),
    "conflicts.all": ("tous", "all"),
    "conflicts.status_open": ("ouvert", "open"),
    "conflicts.status_recovering": ("récupération en cours", "recovering"),
    "conflicts.status_resolved": ("réglé", "settled"),
    "conflicts.reason_double_spend": ("code utilisé deux fois", "code used twice"),
    "conflicts.reason_hold_released": ("réservation expirée", "hold lapsed"),
    "conflicts.resolution_written_off": ("pris en charge par la caisse", "written off"),
    "conflicts.resolution_recovered": (
        "récupéré sur l'allocation suivante",
        "recovered from the next allocation",
    ),
    "conflicts.resolution_repaid": ("remboursé en espèces", "repaid in cash"),
    "conflicts.recovered_pending": (
        "récupéré à la prochaine allocation (porte-monnaie revenu à zéro ou plus)",
        "recovered at next allocation (wallet back at zero or above)",
    ),
    "conflicts.number": ("N°", "No."),
    "conflicts.date": ("Paiement du", "Payment of"),
    "conflicts.participant": ("Participant", "Participant"),
    "conflicts.shop": ("Commerce", "Shop"),
    "conflicts.reason": ("Cause", "Cause"),
    "conflicts.wallet": ("Porte-monnaie", "Wallet"),
    "conflicts.owed": ("Découvert dû à ce conflit", "Shortfall from this conflict"),
    "conflicts.settled": ("Règlement", "Settlement"),
    "conflicts.settled_by": (
        "{resolution}, par {who} le {when}",
        "{resolution}, by {who} on {when}",
    ),
    "conflicts.settled_amount": ("montant : {amount}", "amount: {amount}"),
    "conflicts.recovery_chosen_by": ("choisi par {who}", "chosen by {who}"),
    "conflicts.none": ("Aucun conflit.", "No conflicts."),
    "conflicts.write_off": ("Prendre en charge ({amount})", "Write off ({amount})"),
    "conflicts.write_off_nothing": (
        "Clore sans mouvement (rien n'est dû)",
        "Close with no movement (nothing is owed)",
    ),
    "conflicts.recover": ("Récupérer sur l'allocation suivante", "Recover from next allocation"),
    "conflicts.repaid": (
        "Remboursé en espèces ({amount})",
        "Repaid in cash ({amount})",
    ),
    "conflicts.actions_hint": (
        "Prendre en charge : la caisse absorbe la perte et le porte-monnaie revient à zéro."
        " Récupérer : la prochaine allocation comble le découvert. Remboursé : le"
        " participant a rendu les euros ; ils entrent dans la réserve et le porte-monnaie"
        " revient à zéro.",
        "Write off: the fund absorbs the loss and the wallet comes back to zero. Recover: the"
        " next allocation fills the shortfall. Repaid: the participant handed the euros back;"
        " they enter the reserve and the wallet comes back to zero.",
    ),
    "conflicts.written_off_ok": (
        "Conflit n° {id} pris en charge : {amount}.",
        "Conflict no. {id} written off: {amount}.",
    ),
    "conflicts.recovering_ok": (
        "Conflit n° {id} : récupération sur la prochaine allocation.",
        "Conflict no. {id}: recovery from the next allocation.",
    ),
    "conflicts.repaid_ok": (
        "Conflit n° {id} remboursé : {amount} entrés dans la réserve.",
        "Conflict no. {id} repaid: {amount} into the reserve.",
    ),
}

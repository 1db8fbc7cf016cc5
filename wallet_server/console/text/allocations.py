"""Words of the allocations pages: policy decisions, previews and runs."""

TEXT: dict[str, tuple[str, str]] = {
    "nav.allocations": ("Allocations", "Allocations"),
    "allocations.title": ("Allocations mensuelles", "Monthly allocations"),
    "allocations.in_force": ("Règle en vigueur en {month}", "Policy in force in {month}"),
    "allocations.no_policy": (
        "Aucune règle d'allocation n'a encore été décidée.",
        "No allocation policy has been decided yet.",
    ),
    "allocations.month": ("Mois", "Month"),
    "allocations.preview_title": (
        "Préparer l'allocation d'un mois",
        "Prepare a month's allocation",
    ),
    "allocations.preview": ("Voir l'aperçu", "Show the preview"),
    "allocations.preview_hint": (
        "L'aperçu calcule ce que l'allocation ferait maintenant, règle par règle ; rien n'est "
        "écrit. La coordination peut ensuite la confirmer.",
        "The preview computes what the allocation would do now, rule by rule; nothing is "
        "written. Coordinators can then confirm it.",
    ),
    "allocations.decide_title": (
        "Enregistrer une décision du comité",
        "Record a committee decision",
    ),
    "allocations.effective_month": ("À partir du mois", "From month"),
    "allocations.amount": ("Montant par participant (€)", "Amount per participant (€)"),
    "allocations.amount_short": ("Par participant", "Per participant"),
    "allocations.amount_hint": (
        "Décidé par le comité, par exemple 100 ou 95,50.",
        "Decided by the committee, for example 100 or 95.50.",
    ),
    "allocations.extra_member": (
        "Montant par personne du foyer en plus de la première (€)",
        "Amount per household member beyond the first (€)",
    ),
    "allocations.extra_member_short": ("Par personne en plus", "Per extra member"),
    "allocations.extra_member_hint": ("0 si aucun.", "0 if none."),
    "allocations.mode": ("Mode", "Mode"),
    "allocations.mode_add": (
        "ajouter : chaque porte-monnaie reçoit le montant",
        "add: every wallet receives the amount",
    ),
    "allocations.mode_top_up_to": (
        "compléter jusqu'à : chaque porte-monnaie est remonté au montant, jamais au-delà",
        "top up to: every wallet is brought up to the amount, never beyond",
    ),
    "allocations.carry_over_cap": (
        "Plafond de report (€, facultatif)",
        "Carry-over cap (€, optional)",
    ),
    "allocations.carry_over_cap_short": ("Plafond de report", "Carry-over cap"),
    "allocations.carry_over_cap_hint": (
        "Ce qu'un porte-monnaie garde d'un mois sur l'autre ; l'excédent revient à la réserve. "
        "Vide : pas de plafond.",
        "What a wallet keeps from one month to the next; the excess returns to the reserve. "
        "Empty: no cap.",
    ),
    "allocations.no_cap": ("aucun", "none"),
    "allocations.note": ("Note (référence de la décision)", "Note (reference of the decision)"),
    "allocations.decide": ("Enregistrer la décision", "Record the decision"),
    "allocations.decided_by": ("Enregistrée par", "Recorded by"),
    "allocations.policy_recorded": (
        "Décision enregistrée ; elle s'applique à partir de {month}.",
        "Decision recorded; it applies from {month}.",
    ),
    "allocations.decisions": ("Décisions du comité", "Committee decisions"),
    "allocations.runs": ("Allocations lancées", "Allocation runs"),
    "allocations.run": ("N°", "No."),
    "allocations.status_running": ("en cours", "running"),
    "allocations.status_completed": ("terminée", "completed"),
    "allocations.status_failed": ("interrompue", "failed"),
    "allocations.allocated": ("Porte-monnaie alloués", "Wallets allocated"),
    "allocations.already": ("Déjà alloués ce mois", "Already allocated this month"),
    "allocations.total": ("Total alloué", "Total allocated"),
    "allocations.started_by": ("Lancée par", "Started by"),
    "allocations.started_at": ("Début", "Started"),
    "allocations.finished_at": ("Fin", "Finished"),
    "allocations.preview_of": ("Aperçu de l'allocation de {month}", "Preview of {month}"),
    "allocations.preview_nothing_written": (
        "Aperçu : rien n'est écrit tant que l'allocation n'est pas confirmée.",
        "Preview: nothing is written until the allocation is confirmed.",
    ),
    "allocations.already_allocated": (
        "Ce mois a déjà été alloué à {count} porte-monnaie. Une nouvelle allocation de {month} "
        "ne leur donnera rien de plus : chacun ne reçoit le mois qu'une fois.",
        "This month was already allocated to {count} wallet(s). Running {month} again gives "
        "them nothing more: each wallet receives a month only once.",
    ),
    "allocations.run_in_progress": (
        "Une allocation de ce mois est en cours :",
        "An allocation of this month is running:",
    ),
    "allocations.policy_used": ("Règle appliquée", "Policy applied"),
    "allocations.in_short": ("En bref", "In short"),
    "allocations.eligible": ("Participants actifs", "Active participants"),
    "allocations.to_allocate": ("Porte-monnaie à allouer", "Wallets to allocate"),
    "allocations.reclaimed": ("Repris (plafond de report)", "Reclaimed (carry-over cap)"),
    "allocations.net_from_reserve": ("Sortie nette de la réserve", "Net out of the reserve"),
    "allocations.breakdown": ("Détail du total, règle par règle", "The total, rule by rule"),
    "allocations.rule": ("Règle", "Rule"),
    "allocations.count": ("Nombre", "Count"),
    "allocations.unit": ("Montant unitaire", "Unit amount"),
    "allocations.rule_base": (
        "Montant de base × porte-monnaie",
        "Base amount × wallets",
    ),
    "allocations.rule_extra": (
        "Personnes du foyer en plus × montant par personne",
        "Extra household members × amount per member",
    ),
    "allocations.rule_counted": (
        "Déjà sur les porte-monnaie (déduit, mode « compléter »)",
        "Already in the wallets (deducted, top-up mode)",
    ),
    "allocations.rule_debt": (
        "Porte-monnaie négatifs remis à niveau",
        "Wallets below zero brought back up",
    ),
    "allocations.other_lines": (
        "Compléments, reprises et porte-monnaie laissés de côté",
        "Top-ups, reclaims and wallets left out",
    ),
    "allocations.rule_top_ups": (
        "Porte-monnaie complétés",
        "Wallets topped up",
    ),
    "allocations.rule_reclaimed": (
        "Excédent au-delà du plafond de report, rendu à la réserve",
        "Excess over the carry-over cap, returned to the reserve",
    ),
    "allocations.skip_already": (
        "Laissés de côté : déjà alloués ce mois",
        "Left out: already allocated this month",
    ),
    "allocations.skip_suspended": ("Laissés de côté : suspendus", "Left out: suspended"),
    "allocations.skip_closed": ("Laissés de côté : clos", "Left out: closed"),
    "allocations.skip_not_enrolled": (
        "Laissés de côté : pas encore inscrits pour ce mois",
        "Left out: not yet enrolled for this month",
    ),
    "allocations.confirm_title": ("Confirmer", "Confirm"),
    "allocations.confirm_hint": (
        "L'allocation se fait par lots ; la page suivante montre l'avancement. Relancer un mois "
        "déjà alloué ne donne rien deux fois.",
        "The allocation runs in batches; the next page shows its progress. Running a month "
        "that was already allocated gives nothing twice.",
    ),
    "allocations.confirm": (
        "Confirmer et lancer l'allocation de {month}",
        "Confirm and run the allocation of {month}",
    ),
    "allocations.back": ("Retour aux allocations", "Back to allocations"),
    "allocations.run_title": ("Allocation n° {id} — {month}", "Allocation run {id} — {month}"),
    "allocations.progress": (
        "{done} / {total} participants traités",
        "{done} / {total} participants done",
    ),
    "allocations.running_hint": (
        "Cette page se met à jour toute seule. Si le nombre ne bouge plus pendant plusieurs "
        "minutes, le serveur qui faisait l'allocation s'est peut-être arrêté : ce qui est fait "
        "est acquis, et relancer le mois termine le reste sans rien donner deux fois.",
        "This page updates itself. If the figure stops moving for several minutes, the server "
        "running the allocation may have stopped: what is done stays done, and running the "
        "month again completes the rest without giving anything twice.",
    ),
    "allocations.completed": (
        "Allocation de {month} terminée : {allocated} porte-monnaie crédités.",
        "Allocation of {month} completed: {allocated} wallet(s) credited.",
    ),
    "allocations.failed": (
        "L'allocation s'est interrompue sur une erreur. Les lots terminés sont acquis ; "
        "relancez le mois pour compléter le reste.",
        "The allocation stopped on an error. Completed batches stay done; run the month again "
        "to complete the rest.",
    ),
    "allocations.already_allocated_run": (
        "{count} porte-monnaie avaient déjà reçu ce mois : ils n'ont rien reçu de plus.",
        "{count} wallet(s) had already received this month: they received nothing more.",
    ),
}

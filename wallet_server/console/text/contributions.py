"""Words of the contributions pages: scale, payments, who is behind, subsidies, inflows."""

TEXT: dict[str, tuple[str, str]] = {
    "nav.contributions": ("Cotisations", "Contributions"),
    "contributions.title": ("Cotisations et entrées d'argent", "Contributions and inflows"),
    "contributions.record_payment": ("Enregistrer une cotisation", "Record a contribution"),
    "contributions.behind_title": ("Qui est en retard ?", "Who is behind?"),
    "contributions.up_to_month": ("Jusqu'au mois", "Up to month"),
    "contributions.show_behind": ("Afficher", "Show"),
    "contributions.scale_in_force": ("Barème en vigueur en {month}", "Scale in force in {month}"),
    "contributions.level": ("Niveau", "Level"),
    "contributions.level_n": ("Niveau {level} (€ par mois)", "Level {level} (€ a month)"),
    "contributions.monthly": ("Par mois", "Monthly"),
    "contributions.decide_title": (
        "Enregistrer un nouveau barème décidé par le comité",
        "Record a new scale decided by the committee",
    ),
    "contributions.effective_month": ("À partir du mois", "From month"),
    "contributions.tiers": ("Montants par niveau", "Amounts by level"),
    "contributions.tiers_hint": (
        "Un montant en euros par niveau, du plus petit (niveau 1) au plus grand, par exemple "
        "5 ou 2,50. Laissez vides les niveaux en trop.",
        "One amount in euros per level, from the smallest (level 1) up, for example 5 or "
        "2.50. Leave the extra levels empty.",
    ),
    "contributions.decide": ("Enregistrer le barème", "Record the scale"),
    "contributions.decisions": ("Décisions sur le barème", "Decisions on the scale"),
    "contributions.decided_by": ("Enregistrée par", "Recorded by"),
    "contributions.default_scale": (
        "Aucune décision encore : le barème par défaut s'applique.",
        "No decision yet: the default scale applies.",
    ),
    "contributions.scale_recorded": (
        "Barème enregistré ; il s'applique à partir de {month}.",
        "Scale recorded; it applies from {month}.",
    ),
    "contributions.subsidy_title": ("Enregistrer une subvention", "Record a subsidy"),
    "contributions.funder": ("Financeur", "Funder"),
    "contributions.funder_hint": (
        "Par exemple : Ville de Lyon, Département du Rhône, une fondation.",
        "For example: the city, the département, a foundation.",
    ),
    "contributions.amount": ("Montant (€)", "Amount (€)"),
    "contributions.received_on": ("Reçue le", "Received on"),
    "contributions.record_subsidy": ("Enregistrer la subvention", "Record the subsidy"),
    "contributions.subsidy_recorded": (
        "Subvention de {funder} enregistrée.",
        "Subsidy from {funder} recorded.",
    ),
    "contributions.already_recorded": (
        "Ce formulaire avait déjà été enregistré : rien n'a été compté deux fois.",
        "This form had already been recorded: nothing was counted twice.",
    ),
    "contributions.inflows": ("Entrées d'argent par mois", "Inflows by month"),
    "contributions.month": ("Mois", "Month"),
    "contributions.payments_count": ("Cotisations reçues", "Contributions received"),
    "contributions.contributions": ("Montant des cotisations", "Contributions amount"),
    "contributions.subsidies": ("Subventions, par financeur", "Subsidies, by funder"),
    "contributions.total": ("Total", "Total"),
    "contributions.behind_of": ("Cotisations en retard à fin {month}", "Behind at end of {month}"),
    "contributions.behind_hint": (
        "Participants actifs dont les cotisations versées sont inférieures à ce que leur niveau "
        "demande depuis leur inscription.",
        "Active participants who have paid less than their level asks since they enrolled.",
    ),
    "contributions.behind_summary": (
        "{count} foyer(s) en retard, {owed} au total.",
        "{count} household(s) behind, {owed} in all.",
    ),
    "contributions.nobody_behind": ("Personne n'est en retard.", "Nobody is behind."),
    "contributions.public_id": ("Identifiant", "Id"),
    "contributions.name": ("Nom", "Name"),
    "contributions.expected": ("Demandé", "Asked"),
    "contributions.expected_to": ("Demandé jusqu'à {month}", "Asked up to {month}"),
    "contributions.paid": ("Versé", "Paid"),
    "contributions.owed": ("Reste dû", "Owed"),
    "contributions.back": ("Retour aux cotisations", "Back to contributions"),
    "contributions.history_of": ("Cotisations de {public_id}", "Contributions of {public_id}"),
    "contributions.enrolled_month": ("Premier mois", "First month"),
    "contributions.payments": ("Versements", "Payments"),
    "contributions.paid_on": ("Payée le", "Paid on"),
    "contributions.method": ("Moyen de paiement", "Payment method"),
    "contributions.method_cash": ("espèces", "cash"),
    "contributions.method_bank_transfer": ("virement", "bank transfer"),
    "contributions.recorded_by": ("Enregistrée par", "Recorded by"),
    "contributions.to_participant": ("Fiche du participant", "Participant's page"),
    "contributions.participant": ("Participant (identifiant ou nom)", "Participant (id or name)"),
    "contributions.participant_hint": (
        "L'identifiant, par exemple P-7KX2-M9QD, ou une partie du nom.",
        "The id, for example P-7KX2-M9QD, or part of the name.",
    ),
    "contributions.choose_participant": ("Choisissez le participant", "Choose the participant"),
    "contributions.reference": (
        "Référence du virement (facultatif)",
        "Bank transfer reference (optional)",
    ),
    "contributions.reference_hint": (
        "Une même référence n'est comptée qu'une fois, même saisie deux fois.",
        "A reference is counted once, even if typed in twice.",
    ),
    "contributions.record": ("Enregistrer la cotisation", "Record the contribution"),
    "contributions.payment_recorded": (
        "Cotisation de {public_id} enregistrée.",
        "Contribution of {public_id} recorded.",
    ),
    "contributions.no_match": (
        "aucun participant ne correspond",
        "no participant matches",
    ),
    "contributions.choose_one": (
        "plusieurs participants correspondent : choisissez-en un",
        "several participants match: choose one",
    ),
    "contributions.too_many_matches": (
        "trop de participants correspondent : précisez le nom ou donnez l'identifiant",
        "too many participants match: give more of the name, or the id",
    ),
}

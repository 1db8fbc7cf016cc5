"""Words of the dashboard (four charts and their tables) and of the evaluation export."""

TEXT: dict[str, tuple[str, str]] = {
    "nav.dashboard": ("Tableau de bord", "Dashboard"),
    "dashboard.title": ("Tableau de bord", "Dashboard"),
    "dashboard.period": ("Période : {first} – {last}", "Period: {first} – {last}"),
    "dashboard.first": ("Premier mois", "First month"),
    "dashboard.last": ("Dernier mois", "Last month"),
    "dashboard.show": ("Afficher", "Show"),
    "dashboard.period_hint": (
        "Mois civils (UTC), au format AAAA-MM ; 60 mois au plus. Par défaut, les 12 derniers.",
        "Calendar months (UTC), as YYYY-MM; 60 months at most. By default, the last 12.",
    ),
    "dashboard.contents": ("Sur cette page", "On this page"),
    "dashboard.month": ("Mois", "Month"),
    "dashboard.total": ("Total", "Total"),
    "dashboard.chart_label": (
        "Graphique : {title}. Les mêmes chiffres figurent dans le tableau qui suit.",
        "Chart: {title}. The same figures are in the table that follows.",
    ),
    "dashboard.download": ("Télécharger ce tableau (CSV)", "Download this table (CSV)"),
    "dashboard.position_title": ("Position de la caisse", "Fund position"),
    "dashboard.position_intro": (
        "Les cotisations et subventions comptent dans le mois où elles ont été reçues, les "
        "allocations dans le mois pour lequel elles sont versées, les remboursements aux "
        "commerces dans le mois où ils ont été payés. La réserve en fin de mois part du solde "
        "actuel du compte de réserve, duquel on retire les mouvements des mois suivants.",
        "Contributions and subsidies count in the month they were received, allocations in "
        "the month they are for, reimbursements to shops in the month they were paid. The "
        "reserve at month end starts from the reserve account's balance today, less the "
        "movements of the later months.",
    ),
    "dashboard.contributions": ("Cotisations reçues", "Contributions in"),
    "dashboard.subsidies": ("Subventions reçues", "Subsidies in"),
    "dashboard.allocations": ("Allocations versées", "Allocations out"),
    "dashboard.returned": (
        "Retour à la réserve (plafond de report)",
        "Back to the reserve (carry-over cap)",
    ),
    "dashboard.other": ("Autres mouvements de la réserve", "Other reserve movements"),
    "dashboard.payouts": ("Remboursements aux commerces", "Reimbursements to shops"),
    "dashboard.reserve_end": ("Réserve en fin de mois", "Reserve at month end"),
    "dashboard.shops_title": ("Dépenses par commerce", "Spending per shop"),
    "dashboard.shops_intro": (
        "Achats des participants, remboursements déduits (dans le mois de l'achat). Le "
        "graphique montre les {count} commerces où l'on a le plus dépensé ; le tableau les "
        "montre tous.",
        "Participants' purchases less refunds (in the month of the purchase). The chart shows "
        "the {count} shops with the most spending; the table shows them all.",
    ),
    "dashboard.shop": ("Commerce", "Shop"),
    "dashboard.other_shops": ("Autres commerces", "Other shops"),
    "dashboard.no_spending": (
        "Aucun achat sur cette période.",
        "No purchase in this period.",
    ),
    "dashboard.use_title": ("Part des allocations dépensée", "Share of allocations spent"),
    "dashboard.use_intro": (
        "Ce qui a été dépensé dans le mois, rapporté à l'allocation versée pour ce mois. Un "
        "mois peut dépasser 100 % quand les participants dépensent ce qu'ils avaient gardé.",
        "What was spent in the month, over the allocation paid for that month. A month may "
        "exceed 100% when participants spend what they had kept.",
    ),
    "dashboard.allocated": ("Alloué pour le mois", "Allocated for the month"),
    "dashboard.spent": ("Dépensé dans le mois", "Spent in the month"),
    "dashboard.share": ("Part dépensée", "Share spent"),
    "dashboard.participants_title": ("Participants", "Participants"),
    "dashboard.participants_intro": (
        "Inscrits : inscrits ce mois-là ou avant (un départ n'est pas daté, il n'est donc pas "
        "déduit). Actifs : ont payé au moins une fois dans le mois.",
        "Enrolled: enrolled that month or before (leaving is not dated, so it is not "
        "deducted). Active: paid at least once in the month.",
    ),
    "dashboard.enrolled": ("Inscrits", "Enrolled"),
    "dashboard.allocated_people": ("Ont reçu l'allocation", "Received the allocation"),
    "dashboard.active": ("Actifs", "Active"),
    "dashboard.evaluation_link": (
        "Export anonymisé pour l'évaluation",
        "Anonymised export for the evaluation",
    ),
    "dashboard.shop_home": ("Votre commerce", "Your shop"),
    "dashboard.shop_home_text": (
        "Le tableau de bord de la caisse est réservé à la coordination et au comité. "
        "Retrouvez les paiements et relevés de votre commerce sur sa page.",
        "The fund's dashboard is for coordinators and the committee. Your shop's payments "
        "and statements are on its page.",
    ),
    "dashboard.shop_home_link": ("Ouvrir la page de {name}", "Open the page of {name}"),
    "dashboard.month_01": ("janv.", "Jan"),
    "dashboard.month_02": ("févr.", "Feb"),
    "dashboard.month_03": ("mars", "Mar"),
    "dashboard.month_04": ("avr.", "Apr"),
    "dashboard.month_05": ("mai", "May"),
    "dashboard.month_06": ("juin", "Jun"),
    "dashboard.month_07": ("juil.", "Jul"),
    "dashboard.month_08": ("août", "Aug"),
    "dashboard.month_09": ("sept.", "Sep"),
    "dashboard.month_10": ("oct.", "Oct"),
    "dashboard.month_11": ("nov.", "Nov"),
    "dashboard.month_12": ("déc.", "Dec"),
    "evaluation.title": (
        "Export anonymisé pour l'évaluation",
        "Anonymised export for the evaluation",
    ),
    "evaluation.intro": (
        "Chiffres agrégés par mois et par groupe, pour l'équipe de recherche qui évalue la "
        "caisse. Un participant compte dans un mois s'il a reçu l'allocation de ce mois ou "
        "s'il a payé dans ce mois.",
        "Figures aggregated by month and group, for the research team evaluating the fund. "
        "A participant counts in a month if they received that month's allocation or paid "
        "in that month.",
    ),
    "evaluation.rule_groups": (
        "Deux répartitions, publiées séparément : taille du foyer (1, 2, 3-4, 5+) et niveau "
        "de cotisation (1-3, 4-6, 7+, non renseigné). Taille et niveau sont ceux d'aujourd'hui.",
        "Two breakdowns, published separately: household size (1, 2, 3-4, 5+) and "
        "contribution level (1-3, 4-6, 7+, not recorded). Size and level are today's.",
    ),
    "evaluation.rule_small": (
        "Un groupe de moins de {minimum} participants est masqué : ses chiffres sont remplacés "
        "par « {marker} ».",
        "A group of fewer than {minimum} participants is suppressed: its figures are replaced "
        "by “{marker}”.",
    ),
    "evaluation.rule_secondary": (
        "Si un seul groupe d'un mois et d'une répartition est masqué, le plus petit des autres "
        "l'est aussi, pour qu'on ne puisse pas le retrouver par soustraction. Le total ne "
        "compte que les groupes affichés.",
        "If only one group of a month and breakdown is suppressed, the smallest of the others "
        "is too, so that it cannot be found by subtraction. The total counts the shown "
        "groups only.",
    ),
    "evaluation.rule_personal": (
        "Aucun nom, identifiant, contact ni date précise : seulement des mois, des groupes et "
        "des sommes. Un groupe sans participant n'apparaît pas. Chaque téléchargement est "
        "inscrit au journal.",
        "No name, identifier, contact or exact date: only months, groups and sums. A group "
        "with no participant does not appear. Each download is written to the audit log.",
    ),
    "evaluation.download": ("Télécharger l'export (CSV)", "Download the export (CSV)"),
    "evaluation.preview": ("Aperçu de l'export", "Preview of the export"),
    "evaluation.empty": (
        "Personne n'a reçu d'allocation ni payé sur cette période.",
        "Nobody received an allocation or paid in this period.",
    ),
    "evaluation.back": ("Retour au tableau de bord", "Back to the dashboard"),
    "evaluation.month": ("Mois", "Month"),
    "evaluation.dimension": ("Répartition", "Breakdown"),
    "evaluation.group": ("Groupe", "Group"),
    "evaluation.participants": ("Participants", "Participants"),
    "evaluation.allocated": ("Alloué (€)", "Allocated (€)"),
    "evaluation.spent": ("Dépensé (€)", "Spent (€)"),
    "evaluation.share": ("Part dépensée (%)", "Share spent (%)"),
    "evaluation.payments": ("Paiements", "Payments"),
    "evaluation.suppressed": ("masqué", "suppressed"),
    "evaluation.dimension_household_size": ("Taille du foyer", "Household size"),
    "evaluation.dimension_contribution_level": ("Niveau de cotisation", "Contribution level"),
    "evaluation.group_none": ("non renseigné", "not recorded"),
    "evaluation.group_total": ("Total des groupes affichés", "Total of the shown groups"),
}

"""Who is in the demo fund: its staff, its three shops and their tills, its households' names,
its two funders. Fixed data; what they do over the year is drawn in `wallet_server.demo.plan`.
"""

from dataclasses import dataclass

from wallet_server.users.models import Role

DEMO_ADMIN = "admin"
#: one account per role, to see the console as each of them (same password as the admin)
DEMO_STAFF = (
    ("coordination", Role.COORDINATOR, "Coordination (démo)"),
    ("comite", Role.COMMITTEE, "Comité citoyen (démo)"),
    ("cagette", Role.SHOP_MANAGER, "La Cagette (démo)"),
)
#: who the demo's operations are recorded as: the staff above, and the fund's own timer
COORDINATOR = "user:coordination"
COMMITTEE = "user:comite"


@dataclass(frozen=True)
class Opening:
    """When a shop is open on one weekday (0 = Monday), in the fund's local hours, and how
    busy that day is compared with the others (a weight)."""

    weekday: int
    opens: int
    closes: int
    busy: int


@dataclass(frozen=True)
class DemoShop:
    key: str
    name: str
    address: str
    hours_text: str
    categories: tuple[str, ...]
    #: a sample IBAN (valid checksum, not a real account)
    iban: str
    #: the till names; the first till of the first shop is the one `caisse demo` serves
    tills: tuple[str, ...]
    openings: tuple[Opening, ...]
    #: the committee's grid: quality, locality, accessibility, each (score, comment)
    scores: tuple[tuple[int, str], tuple[int, str], tuple[int, str]]
    #: when an offline till sends its journal, on each open day (local hour, minute); none
    #: for a till that is online
    syncs: tuple[tuple[int, int], ...] = ()
    #: the most one payment may be when the till is offline (the server's default limit,
    #: raised for the market stall, which is offline every market day)
    offline_max_cents: int = 5_000


CAGETTE, MARKET, GROCERY = "cagette", "market", "grocery"

DEMO_SHOPS = (
    DemoShop(
        key=CAGETTE,
        name="La Cagette",
        address="2 rue Georges Méliès, Montpellier",
        hours_text="lun.–sam. 9h–20h",
        categories=("épicerie coopérative", "bio"),
        iban="FR7630006000011234567890189",
        tills=("Caisse 1 (démo)", "Caisse 2"),
        # busiest on Friday evenings and Saturdays, as a cooperative grocery is
        openings=tuple(Opening(day, 9, 20, busy) for day, busy in enumerate((3, 4, 4, 4, 6, 8))),
        scores=((5, "produits bio et locaux"), (4, ""), (4, "")),
    ),
    DemoShop(
        key=MARKET,
        name="Marché paysan des Arceaux",
        address="Boulevard des Arceaux, Montpellier",
        hours_text="mar. et sam. 7h–13h",
        categories=("marché", "producteurs"),
        iban="FR1420041010050500013M02606",
        tills=("Stand du marché",),
        openings=(Opening(1, 7, 13, 4), Opening(5, 7, 13, 7)),
        scores=((5, "vente directe"), (5, "producteurs à moins de 50 km"), (3, "")),
        # no network under the plane trees: the stall syncs before setting up (an honest
        # till takes nothing offline 72 hours after its last sync) and once the market is over
        syncs=((6, 45), (13, 30)),
        offline_max_cents=8_000,
    ),
    DemoShop(
        key=GROCERY,
        name="Épicerie solidaire du Petit Bard",
        address="Rue des Araucarias, Montpellier",
        hours_text="mar.–ven. 10h–18h",
        categories=("épicerie sociale",),
        iban="FR7612548029981234567890161",
        tills=("Caisse",),
        openings=tuple(Opening(day, 10, 18, 5) for day in (1, 2, 3, 4)),
        scores=((4, ""), (5, "au cœur du quartier"), (5, "accessible en fauteuil")),
        # a basement shop with no line of its own: the tablet syncs from upstairs before
        # opening (the weekend is longer than a till may stay offline) and at closing
        syncs=((9, 45), (18, 15)),
    ),
)

#: the funders' names, and what each gives and when (month of the year, 0 = the first)
METROPOLE = "Métropole de Montpellier (démo)"
DEPARTEMENT = "Département de l'Hérault (démo)"
SUBSIDIES = (
    (METROPOLE, 0, 1_000_000),
    (DEPARTEMENT, 0, 750_000),
    (METROPOLE, 3, 1_000_000),
    (METROPOLE, 6, 1_000_000),
    (DEPARTEMENT, 6, 750_000),
    (METROPOLE, 9, 1_000_000),
)

#: the 30 founding households first, then the 18 who join during the year
DEMO_NAMES = (
    "Aïcha B.",
    "Bernard L.",
    "Chantal M.",
    "Driss K.",
    "Élodie R.",
    "Fatou D.",
    "Gérard P.",
    "Hélène V.",
    "Ibrahim S.",
    "Jeanne T.",
    "Karim A.",
    "Louise F.",
    "Mamadou C.",
    "Nadia H.",
    "Olivier G.",
    "Paulette N.",
    "Quentin B.",
    "Rachida M.",
    "Sébastien L.",
    "Thi Lan N.",
    "Ursule D.",
    "Valérie P.",
    "Wassim E.",
    "Xavier R.",
    "Yasmina O.",
    "Zoé K.",
    "Ahmed Z.",
    "Brigitte J.",
    "Cédric W.",
    "Djamila Y.",
    "Emma V.",
    "Farid B.",
    "Ginette L.",
    "Hugo M.",
    "Inès C.",
    "Jamal R.",
    "Kadiatou S.",
    "Lucien D.",
    "Mériem A.",
    "Noël P.",
    "Océane T.",
    "Pierre-Yves H.",
    "Rose M.",
    "Samir K.",
    "Tatiana V.",
    "Virginie G.",
    "Youssef N.",
    "Zineb F.",
)
FOUNDERS = 30
#: how many households join in each month of the year after the first (they enrol during
#: the month before, at a welcome meeting, and receive their first allocation on the 1st)
JOINERS_BY_MONTH = (0, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 0)

"""A small, believable demo fund: what `caisse demo` seeds."""

import random
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet_server import clock
from wallet_server.allocations.operations import run_allocation
from wallet_server.contributions.models import DEFAULT_TIERS_CENTS, PaymentMethod
from wallet_server.contributions.operations import record_payment, record_subsidy
from wallet_server.errors import DomainError
from wallet_server.ledger import run_in_transaction
from wallet_server.participants.devices import bind_device
from wallet_server.participants.models import Participant
from wallet_server.participants.operations import Enrollment, enroll_many
from wallet_server.pos.pairing import create_pairing_code, pair_device
from wallet_server.reimbursements.bank import checked_bank_details
from wallet_server.shops.models import Shop, ShopStatus
from wallet_server.shops.operations import add_shop, change_shop_status
from wallet_server.users.models import Role
from wallet_server.users.operations import NewUser, create_user

DEMO_ADMIN = "admin"
#: one account per role, to see the console as each of them (same password as the admin)
DEMO_STAFF = (
    ("coordination", Role.COORDINATOR, "Coordination (démo)"),
    ("comite", Role.COMMITTEE, "Comité citoyen (démo)"),
    ("cagette", Role.SHOP_MANAGER, "La Cagette (démo)"),
)
#: name, address, hours, categories, and a sample IBAN (valid checksum, not a real account)
DEMO_SHOPS = (
    (
        "La Cagette",
        "2 rue Georges Méliès, Montpellier",
        "lun.–sam. 9h–20h",
        ["épicerie coopérative", "bio"],
        "FR7630006000011234567890189",
    ),
    (
        "Marché paysan des Arceaux",
        "Boulevard des Arceaux, Montpellier",
        "mar. et sam. 7h–13h",
        ["marché", "producteurs"],
        "FR1420041010050500013M02606",
    ),
    (
        "Épicerie solidaire du Petit Bard",
        "Rue des Araucarias, Montpellier",
        "mar.–ven. 10h–18h",
        ["épicerie sociale"],
        "FR7612548029981234567890161",
    ),
)
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
)


@dataclass(frozen=True)
class SeededDemo:
    admin: NewUser
    staff: tuple[NewUser, ...]
    shops: int
    participants: int
    month: str
    #: a participant's phone credential and a paired till's, to try paying with curl
    participant_public_id: str
    participant_credential: str
    till_credential: str


def seed_demo(session_factory: Callable[[], Session], *, password: str, month: str) -> SeededDemo:
    """Seed in one transaction, then run the month's allocation as a coordinator would."""
    rng = random.Random(2026)  # the same demo every time, apart from ids and secrets

    def seed(session: Session) -> tuple[NewUser, tuple[NewUser, ...], str, str, str]:
        admin = create_user(
            session,
            username=DEMO_ADMIN,
            password=password,
            role=Role.ADMIN,
            display_name="Admin (démo)",
        )
        shops = []
        for name, address, hours, categories, iban in DEMO_SHOPS:
            shop = add_shop(
                session, name=name, address=address, opening_hours=hours, categories=categories
            )
            bank = checked_bank_details(iban, "", name)
            shop.iban, shop.bic, shop.account_holder = bank.iban, bank.bic, bank.holder
            shops.append(change_shop_status(session, shop, ShopStatus.APPROVED))
        staff = tuple(
            create_user(
                session,
                username=username,
                password=password,
                role=role,
                display_name=display,
                shop_id=shops[0].id if role == Role.SHOP_MANAGER else None,
            )
            for username, role, display in DEMO_STAFF
        )
        code = create_pairing_code(session, shops[0], actor="demo").code
        till = pair_device(session, code, name="Caisse 1 (démo)").credential
        participants = enroll_many(
            session,
            [
                Enrollment(
                    enrolled_month=month,
                    name=name,
                    household_size=rng.choice((1, 1, 2, 3, 4)),
                    contribution_level=rng.randint(1, len(DEFAULT_TIERS_CENTS)),
                )
                for name in DEMO_NAMES
            ],
            actor="demo",
        )
        today = clock.today()
        for participant in participants[:24]:  # a few are behind, as in real life
            assert participant.contribution_level is not None
            record_payment(
                session,
                participant,
                amount_cents=DEFAULT_TIERS_CENTS[participant.contribution_level - 1],
                method=rng.choice(list(PaymentMethod)),
                paid_on=today,
                actor="demo",
            )
        record_subsidy(
            session, funder="Métropole (démo)", amount_cents=300000, received_on=today, actor="demo"
        )
        phone = bind_device(session, participants[0], label="téléphone (démo)").credential
        return admin, staff, participants[0].public_id, phone, till

    admin, staff, public_id, phone, till = run_in_transaction(session_factory, seed)
    run_allocation(session_factory, month=month, actor="demo")
    return SeededDemo(
        admin=admin,
        staff=staff,
        shops=len(DEMO_SHOPS),
        participants=len(DEMO_NAMES),
        month=month,
        participant_public_id=public_id,
        participant_credential=phone,
        till_credential=till,
    )


def first_shop(session: Session) -> Shop:
    """The demo's first shop (La Cagette): the one whose till the demo runs."""
    shop = session.scalar(select(Shop).order_by(Shop.id).limit(1))
    if shop is None:
        raise DomainError("shop_not_found")
    return shop


def first_participant(session: Session) -> Participant:
    """The demo's first participant: the one whose phone the demo activates."""
    participant = session.scalar(select(Participant).order_by(Participant.id).limit(1))
    if participant is None:
        raise DomainError("participant_not_found")
    return participant

"""The simulated fund: shops with one pairing code per till, participants with a phone each.

Seeded in the database directly, through the services coordinators use; everything after
that (pay codes, payments, syncs) goes through the real server. A tenth of the participants
are "fraudsters": barely funded, they show the same pay code at a second till whose line is
down, which is the double spend the offline guarantee must absorb.
"""

import json
import random
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from testsupport.fund import add_signing_key, approved_shop, fund_wallets, pairing_codes
from wallet_server.contributions.operations import record_subsidy
from wallet_server.fund import ensure_fund_accounts
from wallet_server.participants.devices import bind_device
from wallet_server.participants.operations import Enrollment, enroll_many

ACTOR = "simulate"
TOKENS_PATH = "/api/v1/me/tokens"
#: the most one pay code may pay here (the server is started with this cap): small codes
#: keep the many wallets' holds small
TOKEN_CAP_CENTS = 2_000
TILLS_PER_SHOP = 3
FRAUDSTER_SHARE = 10
#: participants who pay at the rogue tills (who, not what, is rogue there), per rogue till
CUSTOMERS_PER_ROGUE = 10
#: what each of them holds: far more than the rogues can make them spend
CUSTOMER_CENTS = 200 * TOKEN_CAP_CENTS


@dataclass(frozen=True)
class PayCode:
    text: str
    token_id: str
    cap_cents: int


@dataclass
class Phone:
    """A participant's phone: its credential and the pay codes it holds, unused."""

    credential: str
    fraudster: bool
    codes: list[PayCode] = field(default_factory=list)

    def issue(self, server_url: str) -> PayCode | None:
        """A new offline pay code from the server, or None if it refuses or is down."""
        request = urllib.request.Request(
            server_url + TOKENS_PATH,
            data=json.dumps({"offline": True}).encode(),
            headers={
                "Authorization": f"Bearer {self.credential}",
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # nosec B310
                issued = json.load(response)
        except (OSError, ValueError):
            return None  # refused (funds, too many codes) or unreachable: no code this time
        return PayCode(issued["token"], issued["token_id"], int(issued["cap_cents"]))


@dataclass(frozen=True)
class Fund:
    phones: list[Phone]
    pairing_codes: list[str]
    #: the rogue tills' pairing codes, by shop: the tills of one shop collude
    rogue_pairing_codes: list[list[str]] = field(default_factory=list)
    #: the rogue tills' customers: phones apart, so that honest participants are untouched
    customers: list[Phone] = field(default_factory=list)


def rogue_shop_sizes(rogues: int) -> list[int]:
    """Rogue tills by shop: threes and twos (colluding), a lone one only if alone."""
    sizes = []
    while rogues > 0:
        size = 3 if rogues >= 3 and rogues != 4 else min(rogues, 2)
        sizes.append(size)
        rogues -= size
    return sizes


def seed_fund(
    session: Session,
    key_dir: Path,
    *,
    tills: int,
    participants: int,
    cents_each: int,
    rogues: int = 0,
) -> Fund:
    ensure_fund_accounts(session)
    add_signing_key(session, key_dir)
    codes: list[str] = []
    for index in range(-(-tills // TILLS_PER_SHOP)):
        shop = approved_shop(session, f"Commerce simulé {index}")
        codes += pairing_codes(session, shop, min(TILLS_PER_SHOP, tills - len(codes)), actor=ACTOR)
    rogue_codes = [
        pairing_codes(session, approved_shop(session, f"Commerce voyou {index}"), size, actor=ACTOR)
        for index, size in enumerate(rogue_shop_sizes(rogues))
    ]
    customers = CUSTOMERS_PER_ROGUE * rogues
    people = enroll_many(
        session,
        [Enrollment(enrolled_month="2026-01", name=f"Simulé {i}") for i in range(participants)]
        + [Enrollment(enrolled_month="2026-01", name=f"Client {i}") for i in range(customers)],
        actor=ACTOR,
    )
    fraudsters = {index for index in range(participants) if index % FRAUDSTER_SHARE == 0}
    # a fraudster holds three codes' worth: enough to start, soon below zero if they cheat
    amounts = [
        3 * TOKEN_CAP_CENTS if index in fraudsters else cents_each for index in range(participants)
    ] + [CUSTOMER_CENTS] * customers
    record_subsidy(
        session,
        funder="simulation",
        amount_cents=sum(amounts),
        received_on=date(2026, 1, 1),
        actor=ACTOR,
        subsidy_id="simulate",
    )
    fund_wallets(session, people, amounts, actor=ACTOR)
    phones = [
        Phone(bind_device(session, person, label="sim").credential, index in fraudsters)
        for index, person in enumerate(people)
    ]
    return Fund(phones[:participants], codes, rogue_codes, phones[participants:])


def cents_each(payments: int, participants: int) -> int:
    """Enough for an honest participant's share of the run, with room for open codes."""
    mean_payment = TOKEN_CAP_CENTS // 2
    return (payments * mean_payment * 2) // participants + 4 * TOKEN_CAP_CENTS


def pick_amount(rng: random.Random, code: PayCode) -> int:
    """Whole cents from 1 to the code's cap: a basket rarely empties the code."""
    return rng.randint(1, code.cap_cents)

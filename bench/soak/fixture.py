"""The soak's fund, seeded through the services a coordinator's actions go through.

Many participants (the allocation has real work to do while the load runs), of whom a few
have a bound phone and pay; approved shops with pairing codes for the tills, which pair
through the API once gunicorn is up; a signing key; the policy in force and a subsidy that
backs exactly the month the run allocates half-way.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bench.databases import analyze
from testsupport.fund import add_signing_key, approved_shop, funded_participants
from wallet_server import migrations
from wallet_server.allocations.operations import set_policy
from wallet_server.contributions.operations import record_subsidy
from wallet_server.db import SessionFactory
from wallet_server.ledger import run_in_transaction
from wallet_server.participants.devices import bind_device
from wallet_server.pos.pairing import create_pairing_code

ACTOR = "bench"
ENROLLED_MONTH = "2026-01"
#: the new month the run allocates while the load goes on
ALLOCATED_MONTH = "2026-02"
ALLOCATION_CENTS = 10_000
#: two allocation chunks of 1,000: the run locks wallets the tills are paying from
PARTICIPANTS = 2_000
#: enough that no wallet runs dry in five minutes of full-cap payments
FUNDING_CENTS = 20_000_000
SHOPS = 3
ONLINE_TILLS = 4
OFFLINE_TILLS = 2
#: wallets each till takes payments from; a client's wallets are its own, so two clients
#: never hold pay codes of one wallet (its outstanding-code limit is per wallet)
WALLETS_PER_TILL = 20
PHONES = (ONLINE_TILLS + OFFLINE_TILLS) * WALLETS_PER_TILL


@dataclass(frozen=True)
class SoakFixture:
    """Bearer credentials of the phones and one-time pairing codes of the tills."""

    phones: list[str]
    online_pairing_codes: list[str]
    offline_pairing_codes: list[str]

    def phones_of(self, till_index: int) -> list[str]:
        """Till `till_index`'s own wallets (online tills first, then offline ones)."""
        start = till_index * WALLETS_PER_TILL
        return self.phones[start : start + WALLETS_PER_TILL]


def _seed(session: Session, key_dir: Path) -> SoakFixture:
    people = funded_participants(
        session, PARTICIPANTS, FUNDING_CENTS, actor=ACTOR, month=ENROLLED_MONTH
    )
    phones = [bind_device(session, person, label="bench").credential for person in people[:PHONES]]
    set_policy(
        session,
        effective_month=ENROLLED_MONTH,
        amount_cents=ALLOCATION_CENTS,
        decided_by=ACTOR,
        note="soak benchmark",
    )
    record_subsidy(
        session,
        funder="benchmark",
        amount_cents=PARTICIPANTS * ALLOCATION_CENTS,
        received_on=date(2026, 2, 1),
        actor=ACTOR,
        subsidy_id="bench-allocation",
    )
    shops = [approved_shop(session, f"Soak shop {index}") for index in range(SHOPS)]
    codes = [
        create_pairing_code(session, shops[index % SHOPS], actor=ACTOR).code
        for index in range(ONLINE_TILLS + OFFLINE_TILLS)
    ]
    add_signing_key(session, key_dir)
    return SoakFixture(
        phones=phones,
        online_pairing_codes=codes[:ONLINE_TILLS],
        offline_pairing_codes=codes[ONLINE_TILLS:],
    )


def set_up(url: str, engine: Engine, sessions: SessionFactory, key_dir: Path) -> SoakFixture:
    migrations.upgrade(url)
    fixture = run_in_transaction(sessions, lambda session: _seed(session, key_dir))
    analyze(engine)
    return fixture

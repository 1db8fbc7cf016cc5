"""A real fund to back up (the demo, then payments through the API), and empty databases of
the same kind to restore into: a new SQLite file, or a new PostgreSQL database."""

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from tests.backup.helpers import caisse, row_counts, tables_in
from tests.payments import new_signing_key, payment_app
from tests.system_programs import require
from wallet_server.db import make_engine, make_session_factory


@pytest.fixture(autouse=True)
def _postgresql_tools(request: pytest.FixtureRequest) -> None:
    """On PostgreSQL, `caisse backup` and `caisse restore` run pg_dump and pg_restore."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and callspec.params.get("db_url") == "postgresql":
        require("pg_dump", "pg_restore")


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _admin(statement: str) -> None:
    admin = make_engine(
        os.environ["TEST_DATABASE_URL"], poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(statement))
    admin.dispose()


@pytest.fixture
def new_database(db_url: str, tmp_path: Path) -> Iterator[Callable[..., str]]:
    """Empty databases of db_url's kind: SQLite, a file path not yet created; PostgreSQL, a
    database made for the test, pinned to the same schema name as db_url (not yet created
    in it unless `with_schema`)."""
    created: list[str] = []

    def make(label: str = "restore", *, with_schema: bool = False) -> str:
        if is_sqlite(db_url):
            return f"sqlite:///{tmp_path / label / 'caisse.sqlite3'}"
        name = f"caisse_{label}_{os.getpid()}"
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        _admin(f"CREATE DATABASE {name}")
        created.append(name)
        url = make_url(db_url).set(database=name).render_as_string(hide_password=False)
        if with_schema:
            engine = make_engine(url, poolclass=NullPool)
            with engine.begin() as connection:
                options = make_url(url).query["options"]
                assert isinstance(options, str)
                schema = options.split("=", 1)[1]
                connection.execute(text(f"CREATE SCHEMA {schema}"))
            engine.dispose()
        return url

    yield make
    for name in created:
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def assert_untouched(url: str) -> None:
    """Nothing was created in the empty database `url`."""
    if is_sqlite(url):
        database = make_url(url).database
        assert database is not None and not Path(database).exists()
        return

    assert tables_in(url) == []


def read_credentials(instance: Path) -> dict[str, str]:
    values = {}
    for line in (instance / "demo-credentials.txt").read_text().splitlines():
        key, _, value = line.partition(": ")
        values.setdefault(key, value.strip())
    return values


@dataclass
class Fund:
    """A demo fund with activity: what was paid, and what a till and a phone can still do."""

    url: str
    instance: Path
    participant: str
    phone_headers: dict[str, str]
    till_headers: dict[str, str]
    #: a pay code issued before the backup, not yet used
    outstanding_code: str
    #: rows per table as the demo seeded them, before the payments above
    seeded_rows: dict[str, int]


def pay_code(client, phone_headers, *, offline: bool = False) -> str:
    issued = client.post("/api/v1/me/tokens", json={"offline": offline}, headers=phone_headers)
    assert issued.status_code == 201, issued.json
    return issued.json["token"]


def redemption(token: str, amount: int, mode: str = "online") -> dict[str, object]:
    return {
        "redemption_id": str(uuid.uuid4()),
        "token": token,
        "amount_cents": amount,
        "captured_at": datetime.now(UTC).isoformat(),
        "mode": mode,
    }


def redeem(client, till_headers, token: str, amount: int) -> dict[str, object]:
    body = redemption(token, amount)
    receipt = client.post("/api/v1/pos/redemptions", json=body, headers=till_headers)
    assert receipt.status_code == 200, receipt.json
    assert receipt.json["status"] == "accepted"
    return body


@pytest.fixture
def demo_fund(db_url: str, tmp_path: Path) -> Iterator[Fund]:
    """`caisse demo --seed-only`, then payments: online, refunded, offline synced, a key
    rotation, and a pay code left outstanding (a hold still open at backup time)."""
    instance = tmp_path / "source"
    caisse(db_url, instance, "demo", "--seed-only")
    seeded_rows = row_counts(db_url)
    credentials = read_credentials(instance)
    phone = {"Authorization": f"Bearer {credentials['participant_credential']}"}
    till = {"Authorization": f"Bearer {credentials['till_credential']}"}
    app = payment_app(db_url, instance)
    client = app.test_client()

    redeem(client, till, pay_code(client, phone), 1_240)
    refunded = redeem(client, till, pay_code(client, phone), 3_000)
    refund = client.post(
        "/api/v1/pos/refunds",
        headers=till,
        json={
            "refund_id": str(uuid.uuid4()),
            "redemption_id": refunded["redemption_id"],
            "amount_cents": 1_000,
        },
    )
    assert refund.status_code == 200, refund.json
    offline = redemption(pay_code(client, phone, offline=True), 2_500, mode="offline")
    synced = client.post(
        "/api/v1/pos/redemptions/batch", json={"redemptions": [offline]}, headers=till
    )
    assert synced.status_code == 200 and synced.json["results"][0]["status"] == "accepted"
    new_signing_key(make_session_factory(app.extensions["caisse.engine"]), instance)
    outstanding = pay_code(client, phone)
    app.extensions["caisse.engine"].dispose()
    yield Fund(
        url=db_url,
        instance=instance,
        participant=credentials["participant"],
        phone_headers=phone,
        till_headers=till,
        outstanding_code=outstanding,
        seeded_rows=seeded_rows,
    )

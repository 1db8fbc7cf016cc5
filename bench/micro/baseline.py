"""The yardstick: how fast this database, right now, takes plain rows through executemany.

The machines that run benchmarks are small and shared, so an absolute time says as much about
the neighbours as about our code. Dividing the allocation's throughput by the throughput of
inserting as many rows of a transfer's width, in the same run and on the same database, gives
a ratio that stays comparable across machines and moments.
"""

import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Column, Engine, MetaData, String, Table

from wallet_server.orm import UTCDateTime

#: rows per transaction, as `run_allocation` commits chunks of that many participants
CHUNK = 1000

_metadata = MetaData()  # not the application's: Alembic must never see this table

SCRATCH = Table(
    "bench_baseline",
    _metadata,
    Column("id", String(80), primary_key=True),
    Column("phase", String(8), nullable=False),
    Column("debit_account_id", BigInteger, nullable=False),
    Column("credit_account_id", BigInteger, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("reference", String(200), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("overdraft", Boolean, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)


def _rows(count: int) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    return [
        {
            "id": f"alloc:2026-12:{index + 100}",
            "phase": "single",
            "debit_account_id": 1,
            "credit_account_id": index + 100,
            "amount": 10_000,
            "kind": "allocation",
            "reference": "run:1",
            "actor": "bench",
            "overdraft": False,
            "created_at": now,
        }
        for index in range(count)
    ]


def insert_seconds(engine: Engine, count: int, chunk: int = CHUNK) -> float:
    """Seconds to insert `count` rows into a scratch table, `chunk` per transaction.

    Rows are built before the clock starts: the figure is the database's and the driver's.
    """
    SCRATCH.drop(engine, checkfirst=True)
    SCRATCH.create(engine)
    rows = _rows(count)
    try:
        start = time.perf_counter()
        for offset in range(0, count, chunk):
            with engine.begin() as connection:
                connection.execute(SCRATCH.insert(), rows[offset : offset + chunk])
        return time.perf_counter() - start
    finally:
        SCRATCH.drop(engine)

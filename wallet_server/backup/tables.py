"""Which tables are ours, and whether a database already holds a fund in them."""

from sqlalchemy import Connection, Select, inspect, literal_column, select, table

from wallet_server.backup.figures import ALEMBIC_TABLE
from wallet_server.models import Base  # every model, so that the metadata is complete


def fund_table_names() -> set[str]:
    return {*Base.metadata.tables, ALEMBIC_TABLE}


def first_table_with_rows(connection: Connection) -> str | None:
    """The first of our tables (visible on the connection's search path) holding a row."""
    present = set(inspect(connection).get_table_names()) & fund_table_names()
    for name in sorted(present):
        first: Select[tuple[int]] = select(literal_column("1")).select_from(table(name)).limit(1)
        if connection.execute(first).first() is not None:
            return name
    return None

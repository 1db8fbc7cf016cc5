"""The fund's calendar month ('YYYY-MM') of a date or timestamp column, in SQL.

Each database spells it its own way; grouping in SQL keeps the work next to the rows.
"""

from datetime import date, datetime

from sqlalchemy import ColumnElement, SQLColumnExpression, String, func
from sqlalchemy.orm import Session

from wallet_server import clock


def month_of_timestamp(
    session: Session, column: SQLColumnExpression[datetime]
) -> ColumnElement[str]:
    """The month of a UTC instant on the fund's calendar: 23:30 UTC on 31 January is already
    February in Paris."""
    if _dialect(session) == "postgresql":
        # timezone(zone, timestamptz) gives the wall-clock time in that zone, whatever the
        # session's own TimeZone setting is.
        zone = clock.fund_zone().key
        return func.to_char(func.timezone(zone, column), "YYYY-MM", type_=String)
    # SQLite has no time zones: db.py registers this function on every connection.
    return func.caisse_local_month(column, type_=String)


def month_of_date(session: Session, column: SQLColumnExpression[date]) -> ColumnElement[str]:
    if _dialect(session) == "postgresql":
        return func.to_char(column, "YYYY-MM", type_=String)
    return func.strftime("%Y-%m", column, type_=String)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name

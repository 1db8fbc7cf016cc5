"""The calendar month (UTC, 'YYYY-MM') of a date or timestamp column, in SQL.

Each database spells it its own way; grouping in SQL keeps the work next to the rows.
"""

from datetime import date, datetime

from sqlalchemy import ColumnElement, SQLColumnExpression, String, func
from sqlalchemy.orm import Session


def month_of_timestamp(
    session: Session, column: SQLColumnExpression[datetime]
) -> ColumnElement[str]:
    if _dialect(session) == "postgresql":
        # timestamptz renders in the session's zone: shift to UTC before taking the month.
        return func.to_char(func.timezone("UTC", column), "YYYY-MM", type_=String)
    # SQLite keeps UTC timestamps as naive ISO text (see UTCDateTime)
    return func.strftime("%Y-%m", column, type_=String)


def month_of_date(session: Session, column: SQLColumnExpression[date]) -> ColumnElement[str]:
    if _dialect(session) == "postgresql":
        return func.to_char(column, "YYYY-MM", type_=String)
    return func.strftime("%Y-%m", column, type_=String)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name

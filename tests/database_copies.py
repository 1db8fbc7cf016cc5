"""A seeded database copied into a test's own, so that a slow seeding (the demo's year: 10 s
on SQLite, 20 s on PostgreSQL) is paid once per module instead of once per test."""

import shutil

from sqlalchemy import Integer, text
from sqlalchemy.engine import make_url

from wallet_server import migrations
from wallet_server.db import make_engine
from wallet_server.models import Base


def new_postgres_schema(server_url: str, schema: str) -> str:
    """A new, migrated schema of the tests' PostgreSQL database; its URL (search_path)."""
    admin = make_engine(server_url)
    try:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    finally:
        admin.dispose()
    url = make_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"})
    url_text = url.render_as_string(hide_password=False)
    migrations.upgrade(url_text)
    return url_text


def drop_postgres_schema(server_url: str, schema: str) -> None:
    admin = make_engine(server_url)
    try:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    finally:
        admin.dispose()


def copy_database(source_url: str, target_url: str) -> None:
    """Make the (empty, migrated) database at `target_url` hold what `source_url` holds.

    SQLite: the file is copied. PostgreSQL: both are schemas of one database (the tests'
    search_path); the target's tables are emptied, filled from the source's in foreign-key
    order, and each id sequence set past the rows copied, so that new rows get fresh ids.
    """
    if make_url(source_url).get_backend_name() == "sqlite":
        source, target = make_url(source_url).database, make_url(target_url).database
        assert source and target
        shutil.copyfile(source, target)
        return
    source_schema, target_schema = _schema(source_url), _schema(target_url)
    tables = [table.name for table in Base.metadata.sorted_tables]
    engine = make_engine(target_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            for table in tables:
                connection.execute(
                    text(
                        f"INSERT INTO {target_schema}.{table} SELECT * FROM {source_schema}.{table}"
                    )
                )
                if _has_integer_id(table):
                    connection.execute(
                        text(
                            "SELECT setval(pg_get_serial_sequence(:table, 'id'),"
                            f" COALESCE((SELECT max(id) FROM {target_schema}.{table}), 0) + 1,"
                            " false) WHERE pg_get_serial_sequence(:table, 'id') IS NOT NULL"
                        ),
                        {"table": f"{target_schema}.{table}"},
                    )
    finally:
        engine.dispose()


def _has_integer_id(table: str) -> bool:
    columns = Base.metadata.tables[table].columns
    return "id" in columns and isinstance(columns["id"].type, Integer)


def _schema(url: str) -> str:
    options = make_url(url).query.get("options", "")
    assert isinstance(options, str) and options.startswith("-csearch_path="), url
    return options.removeprefix("-csearch_path=")

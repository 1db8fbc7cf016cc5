"""SQLAlchemy URLs as pg_dump and pg_restore take them: no driver, no password, no schema."""

import pytest
from sqlalchemy.engine import make_url

from wallet_server.backup import BackupError
from wallet_server.backup.postgres import libpq_target, pinned_schema


def test_the_driver_password_and_search_path_leave_the_uri_and_the_rest_stays():
    url = make_url(
        "postgresql+psycopg://caisse:p%40ss%2Fword@db.example:5433/fonds"
        "?options=-csearch_path%3Dtest_42&sslmode=require"
    )
    target = libpq_target(url)
    assert target.uri == "postgresql://caisse@db.example:5433/fonds?sslmode=require"
    assert target.password == "p@ss/word"
    assert target.environment()["PGPASSWORD"] == "p@ss/word"
    assert "p@ss" not in target.uri
    assert pinned_schema(url) == "test_42"


def test_other_server_options_are_kept_and_a_url_without_schema_dumps_the_database():
    url = make_url(
        "postgresql+psycopg://postgres@127.0.0.1/test?options=-c%20search_path%3DFonds%20-c%20work_mem%3D64MB"
    )
    assert pinned_schema(url) == "fonds"
    assert (
        libpq_target(url).uri == "postgresql://postgres@127.0.0.1/test?options=-c%20work_mem%3D64MB"
    )
    plain = make_url("postgresql+psycopg://postgres@[::1]:5432/test")
    assert pinned_schema(plain) is None
    assert libpq_target(plain).uri == "postgresql://postgres@[::1]:5432/test"
    assert libpq_target(plain).password is None


def test_a_search_path_of_several_schemas_is_refused():
    url = make_url("postgresql+psycopg://postgres@h/test?options=-csearch_path%3Da,public")
    with pytest.raises(BackupError) as refused:
        pinned_schema(url)
    assert refused.value.code == "backup_schema_unsupported"

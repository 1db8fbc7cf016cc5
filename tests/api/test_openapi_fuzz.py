"""Schemathesis fuzzes every operation of the OpenAPI spec, with valid credentials:
no answer may be a 500 or break the schema it documents, and bad input changes no money."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.payments import new_signing_key, new_till, new_wallet, payment_app
from wallet_server.ledger import verify
from wallet_server.users.models import Role
from wallet_server.users.operations import create_user, open_session

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    status_code_conformance,
]


@pytest.fixture
def fuzz_world(db_url, tmp_path, sessions):
    app = payment_app(db_url, tmp_path)
    new_signing_key(sessions, tmp_path)
    client = app.test_client()
    wallet = new_wallet(sessions, balance=50_000)
    till = new_till(sessions, client)
    with sessions() as session:
        admin = create_user(
            session, username="fuzz-admin", password="long enough secret", role=Role.ADMIN
        ).user
        staff_token = open_session(session, admin, seconds=3600)
        session.commit()
    credentials = {
        "pos": till.headers(),
        "me": wallet.headers(),
        "staff": {"Authorization": f"Bearer {staff_token}"},
    }
    yield app, credentials
    with sessions() as session:
        assert verify(session).ok
    app.extensions["caisse.engine"].dispose()


def _headers_for(path: str, credentials) -> dict[str, str]:
    if path.startswith("/api/v1/pos/") and not path.startswith("/api/v1/pos/devices"):
        return credentials["pos"]
    if path.startswith("/api/v1/me"):
        return credentials["me"]
    return credentials["staff"]


def test_api_never_fails_or_breaks_its_schema(fuzz_world):
    # Driven by hand rather than schemathesis' pytest plugin, so each backend's database
    # fixture is set up once for every operation.
    app, credentials = fuzz_world
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        if operation.path == "/api/v1/auth/logout":
            continue  # would end the session the other operations are fuzzed with
        _fuzz(operation, _headers_for(operation.path, credentials))


def _fuzz(operation, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    fuzz()

import pyotp
import pytest

from wallet_server.users.models import Role
from wallet_server.users.operations import create_user
from wallet_server.web.app import create_app

PASSWORD = "correct horse battery"


@pytest.fixture
def app(db_url, tmp_path):
    app = create_app({"database_url": db_url, "instance_dir": tmp_path, "secret_key": "test"})
    yield app
    app.extensions["caisse.engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def coordinator(sessions):
    with sessions() as session:
        created = create_user(session, username="ana", password=PASSWORD, role=Role.COORDINATOR)
        session.commit()
        return created.user


def totp_now(user) -> str:
    return pyotp.TOTP(user.totp_secret).now()

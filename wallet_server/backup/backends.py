"""The database a URL names, as the backup sees it (`database.Database`): SQLite or PostgreSQL.

Apart from the interface so that each backend can import the interface's types.
"""

from sqlalchemy.engine import make_url

from wallet_server.backup.database import Database
from wallet_server.backup.errors import BackupError
from wallet_server.backup.postgres import PostgresDatabase
from wallet_server.backup.sqlite import SqliteDatabase


def database_for(url: str) -> Database:
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        return SqliteDatabase(url)
    if backend == "postgresql":
        return PostgresDatabase(url)
    raise BackupError("backup_kind_unsupported", kind=backend)

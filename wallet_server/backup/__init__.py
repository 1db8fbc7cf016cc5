"""Backups of a whole fund: the database, the private signing keys and a manifest that lets a
restore prove nothing was lost. No Flask here: the `caisse backup` / `caisse restore` commands
are thin wrappers around `take.take_backup`, `archive.read_archive` and `restore.restore_backup`.
"""

from wallet_server.backup.errors import BackupError

__all__ = ["BackupError"]

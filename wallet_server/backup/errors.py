"""The refusals of backup and restore: stable codes, worded in wallet_server.messages."""

from wallet_server.errors import DomainError


class BackupError(DomainError):
    pass

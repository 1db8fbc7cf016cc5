"""The refusals of backup and restore: stable codes, worded in wallet_server.messages."""

from wallet_server.refusals import Refusal


class BackupError(Refusal):
    pass

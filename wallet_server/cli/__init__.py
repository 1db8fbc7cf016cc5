"""The `caisse` command: set up, enroll, allocate, verify and serve."""

from wallet_server.cli.main import main

__all__ = ["main"]

"""The `caisse` command: set up, enroll, allocate, verify and serve."""

from wallet_server.cli.base import main

__all__ = ["main"]

"""The console's fixtures (tests/console_pages.py), for the staff accounts' pages."""

from tests.console_pages import console_app, console_login, console_overrides

__all__ = ["console_app", "console_login", "console_overrides"]

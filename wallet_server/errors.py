"""Base of every domain refusal outside the ledger: a stable code and details."""

from typing import Any


class DomainError(Exception):
    def __init__(self, code: str, **details: Any) -> None:
        self.code = code
        self.details = details
        super().__init__(f"{code}: {details}" if details else code)

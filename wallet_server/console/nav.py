"""The console's menu: each section declares its entry, the layout shows those the role may open."""

from dataclasses import dataclass

from wallet_server.users.models import Role


@dataclass(frozen=True)
class NavEntry:
    key: str
    endpoint: str
    roles: frozenset[str]
    order: int


_ENTRIES: dict[str, NavEntry] = {}


def nav_entry(key: str, endpoint: str, *, roles: tuple[Role, ...], order: int) -> None:
    _ENTRIES[key] = NavEntry(key, endpoint, frozenset(role.value for role in roles), order)


def entries_for(role: str) -> list[NavEntry]:
    return sorted(
        (entry for entry in _ENTRIES.values() if role in entry.roles),
        key=lambda entry: (entry.order, entry.key),
    )

"""The key directory in and out of an archive: private files, never overwritten."""

import os
from pathlib import Path, PurePosixPath

from wallet_server.backup.archive import Member
from wallet_server.backup.errors import BackupError
from wallet_server.backup.manifest import KEYS_PREFIX


def copy_keys(key_dir: Path, into: Path) -> list[Member]:
    """Copy every file of `key_dir` into `into`, as archive members `keys/…`.

    Taken after the database snapshot: a key is written to disk before the transaction that
    records it commits, so every key the snapshot knows is already here.
    """
    if not key_dir.is_dir():
        return []
    members = []
    for path in sorted(key_dir.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(key_dir).as_posix()
        copy = into / relative
        _write_private(copy, path.read_bytes())
        members.append(Member(f"{KEYS_PREFIX}{relative}", copy))
    return members


def _destination(key_dir: Path, member: str) -> Path:
    return key_dir.joinpath(*PurePosixPath(member.removeprefix(KEYS_PREFIX)).parts)


def refuse_key_conflicts(key_dir: Path, extracted: Path, members: list[str]) -> None:
    """Refuse if the key directory holds a different file under a name the archive uses."""
    for member in members:
        existing = _destination(key_dir, member)
        if existing.exists() and existing.read_bytes() != (extracted / member).read_bytes():
            raise BackupError("restore_key_conflict", path=str(existing))


def restore_keys(key_dir: Path, extracted: Path, members: list[str]) -> int:
    """Write the archive's key files (dir 0700, files 0600); return how many were new."""
    key_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    key_dir.chmod(0o700)
    written = 0
    for member in members:
        target = _destination(key_dir, member)
        if target.exists():  # the very same bytes: refuse_key_conflicts saw to it
            continue
        _write_private(target, (extracted / member).read_bytes())
        written += 1
    return written


def _write_private(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())

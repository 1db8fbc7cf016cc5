"""The archive file: a gzip'd tar whose first member is the manifest.

Written atomically (a private temporary file, fsync, rename) with mode 0600, since it holds
the private signing keys. Read in one streaming pass that checks every member against the
manifest before anything is kept.
"""

import gzip
import hashlib
import io
import os
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from wallet_server.backup.errors import BackupError
from wallet_server.backup.manifest import MANIFEST_NAME, MAX_MANIFEST_BYTES, Manifest

_CHUNK = 1 << 20
#: the dump is often already compressed (pg_dump's custom format): a middle level is enough
_COMPRESSLEVEL = 6


@dataclass(frozen=True)
class Member:
    """One file to archive: its name in the archive and where its bytes are."""

    name: str
    path: Path

    def sha256(self) -> str:
        digest = hashlib.sha256()
        with self.path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
        return digest.hexdigest()


def write_archive(destination: Path, manifest: Manifest, members: list[Member]) -> int:
    """Write the archive to `destination` (which must not exist); return its size in bytes."""
    if destination.exists():
        raise BackupError("backup_output_exists", path=str(destination))
    mtime = int(manifest.created_at.timestamp())
    descriptor, temporary = tempfile.mkstemp(
        prefix=".caisse-backup-", suffix=".part", dir=destination.parent
    )
    try:  # the archive appears whole under its name, or not at all
        with os.fdopen(descriptor, "wb") as raw:
            with tarfile.open(
                fileobj=raw, mode="w:gz", compresslevel=_COMPRESSLEVEL, format=tarfile.PAX_FORMAT
            ) as tar:
                manifest_bytes = manifest.to_json()
                tar.addfile(
                    _entry(MANIFEST_NAME, len(manifest_bytes), mtime), io.BytesIO(manifest_bytes)
                )
                for member in members:
                    with member.path.open("rb") as handle:
                        size = os.fstat(handle.fileno()).st_size
                        tar.addfile(_entry(member.name, size, mtime), handle)
            raw.flush()
            os.fsync(raw.fileno())
        if destination.exists():
            raise BackupError("backup_output_exists", path=str(destination))
        os.rename(temporary, destination)
    except BaseException as error:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        if isinstance(error, OSError):  # a full disk, a folder we may not write in
            reason = str(error)
            raise BackupError("backup_write_failed", path=str(destination), reason=reason) from None
        raise
    _fsync_directory(destination.parent)
    return destination.stat().st_size


def _entry(name: str, size: int, mtime: int) -> tarfile.TarInfo:
    # No owner names nor local permissions in the archive: a restore sets its own.
    entry = tarfile.TarInfo(name)
    entry.size, entry.mtime, entry.mode = size, mtime, 0o600
    entry.uid = entry.gid = 0
    entry.uname = entry.gname = ""
    return entry


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


#: what a damaged or foreign file raises while it is decompressed and untarred
_UNREADABLE = (tarfile.TarError, OSError, EOFError, zlib.error)


def read_archive(archive: Path, into: Path | None = None) -> Manifest:
    """Check every member of `archive` against its manifest and return the manifest.

    With `into`, the members are also written under that folder, and kept only if the whole
    archive checks out; a refusal (BackupError) leaves nothing behind.
    """
    try:
        handle = archive.open("rb")
    except OSError as error:
        raise _unreadable(error) from None
    written: list[Path] = []
    try:
        with handle, gzip.GzipFile(fileobj=handle, mode="rb") as raw, _untar(raw) as tar:
            entries = _entries(tar)
            manifest = _read_manifest(tar, next(entries, None))
            seen: set[str] = set()
            for entry in entries:
                if entry.name not in manifest.members or entry.name in seen or not entry.isreg():
                    raise BackupError("backup_members_mismatch", member=entry.name)
                seen.add(entry.name)
                target = None if into is None else into / entry.name
                if target is not None:
                    written.append(target)
                if _copy_and_hash(tar, entry, target) != manifest.members[entry.name]:
                    raise BackupError("backup_checksum_mismatch", member=entry.name)
            # Read to the end so that gzip checks its own CRC and length trailer too.
            while _read(raw):
                pass
        missing = sorted(set(manifest.members) - seen)
        if missing:
            raise BackupError("backup_members_mismatch", missing=", ".join(missing))
        return manifest
    except BaseException:
        for path in written:
            with suppress(FileNotFoundError):
                path.unlink()
        raise


def _unreadable(error: BaseException) -> BackupError:
    return BackupError("backup_archive_unreadable", reason=str(error)[:200] or type(error).__name__)


@contextmanager
def _untar(raw: gzip.GzipFile) -> Iterator[tarfile.TarFile]:
    try:
        tar = tarfile.open(fileobj=raw, mode="r|")  # noqa: SIM115 (closed just below)
    except _UNREADABLE as error:
        raise _unreadable(error) from None
    with tar:
        yield tar


def _entries(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    members = iter(tar)
    while True:
        try:
            entry = next(members)
        except StopIteration:
            return
        except _UNREADABLE as error:
            raise _unreadable(error) from None
        yield entry


def _read(content: IO[bytes] | gzip.GzipFile) -> bytes:
    try:
        return content.read(_CHUNK)
    except _UNREADABLE as error:
        raise _unreadable(error) from None


def _read_manifest(tar: tarfile.TarFile, first: tarfile.TarInfo | None) -> Manifest:
    if first is None or first.name != MANIFEST_NAME or not first.isreg():
        raise BackupError("backup_manifest_invalid", reason="manifest.json is not first")
    if first.size > MAX_MANIFEST_BYTES:
        raise BackupError("backup_manifest_invalid", reason="manifest.json is too large")
    content = tar.extractfile(first)
    assert content is not None
    raw = b""
    while chunk := _read(content):
        raw += chunk
    return Manifest.from_json(raw)


def _copy_and_hash(tar: tarfile.TarFile, entry: tarfile.TarInfo, target: Path | None) -> str:
    content = tar.extractfile(entry)
    assert content is not None
    digest = hashlib.sha256()
    if target is None:
        while chunk := _read(content):
            digest.update(chunk)
        return digest.hexdigest()
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        while chunk := _read(content):
            digest.update(chunk)
            handle.write(chunk)
    return digest.hexdigest()

"""A manifest read back is checked field by field: money stays integer cents, member names
stay inside the archive's own folders."""

import json
from datetime import UTC, datetime

import pytest

from wallet_server.backup import BackupError
from wallet_server.backup.figures import LedgerFigures
from wallet_server.backup.manifest import DatabaseInfo, Manifest

DIGEST = "ab" * 32


def _manifest() -> Manifest:
    return Manifest(
        created_at=datetime(2026, 11, 23, 12, 0, tzinfo=UTC),
        database=DatabaseInfo("postgresql", "bab7da950cad", "test_1"),
        ledger=LedgerFigures(
            ok=True,
            accounts=39,
            transfers=61,
            total_balance_cents=0,
            balance_by_kind_cents={"fund": -300_000, "wallet": 300_000},
            total_posted_cents=785_100,
            total_pending_cents=4_260,
            accounts_sha256=DIGEST,
        ),
        members={"database.pgdump": DIGEST, "keys/0011223344556677.pem": DIGEST},
    )


def test_a_manifest_reads_back_as_written():
    manifest = _manifest()
    assert Manifest.from_json(manifest.to_json()) == manifest
    assert json.loads(manifest.to_json())["created_at"] == "2026-11-23T12:00:00Z"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda d: d["ledger"].update(total_posted_cents=7851.0), "backup_manifest_invalid"),
        (lambda d: d["ledger"].update(accounts=True), "backup_manifest_invalid"),
        (
            lambda d: d["members"].update({"keys/../../etc/cron.d/x": DIGEST}),
            "backup_manifest_invalid",
        ),
        (lambda d: d["members"].update({"/etc/passwd": DIGEST}), "backup_manifest_invalid"),
        (lambda d: d["members"].update({"notes.txt": DIGEST}), "backup_manifest_invalid"),
        (lambda d: d["members"].pop("database.pgdump"), "backup_manifest_invalid"),
        (lambda d: d["database"].update(kind="mysql"), "backup_manifest_invalid"),
        (lambda d: d.update(format_version=2), "backup_format_unsupported"),
    ],
)
def test_a_forged_or_foreign_manifest_is_refused(change, code):
    document = json.loads(_manifest().to_json())
    change(document)
    with pytest.raises(BackupError) as refused:
        Manifest.from_json(json.dumps(document).encode())
    assert refused.value.code == code


def test_figures_that_differ_are_named():
    before = _manifest().ledger
    after = LedgerFigures(**{**before.as_dict(), "transfers": 60})
    assert before.differences(after) == [("transfers", 61, 60)]

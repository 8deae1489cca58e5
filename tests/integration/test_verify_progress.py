"""`log verify` and `vault verify` tell their progress bars how far they are (issue 20:
"progress bars on a terminal for long work"): counts that rise to a total, not a
pulse. The bar itself, drawn only on a terminal, is test_operator_cli.py's."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from secure_records.admin import Administration
from secure_records.admin.row_sealing import verify_vault
from secure_records.cli import log as log_cli
from secure_records.cli import vault as vault_cli
from secure_records.core.progress import Progress
from secure_records.core.records import NoteKind
from secure_records.session import Session
from tests.conftest import canary_row
from tests.integration.test_disposal_cli import import_rows
from tests.support.in_process import Cli


def rising_to_a_total(told: list[tuple[int, int]]) -> int:
    """The total every count was told against, once they rose to it without falling."""
    assert told, "no count was told"
    totals = {total for _, total in told}
    assert len(totals) == 1, totals
    (total,) = totals
    done = [d for d, _ in told]
    assert done == sorted(done) and done[0] == 0 and done[-1] == total, told
    return total


@pytest.fixture
def busy(home: Path, tmp_path: Path) -> Path:
    rows = [canary_row(f"R-{n:04d}", ["alice"]) for n in range(1, 6)]
    import_rows(home, tmp_path, rows)
    with Administration.open(home) as admin:
        admin.log_checkpoint()
    return home


def test_vault_verify_counts_each_entry_twice_and_each_row_once(busy: Path) -> None:
    told: list[tuple[int, int]] = []
    with Administration.open(busy) as admin:
        report = verify_vault(admin, lambda done, total: told.append((done, total)))
    assert report.intact, report.lines()
    # The log's MACs walked, every sealed row checked, the entries read back.
    assert rising_to_a_total(told) == 2 * report.log.entries + report.rows.good
    assert report.rows.good > 5 and report.log.entries > 1


@pytest.mark.parametrize("with_checkpoint", [False, True])
def test_log_verify_counts_the_entries_walked(busy: Path, with_checkpoint: bool) -> None:
    told: list[tuple[int, int]] = []
    with Administration.open(busy) as admin:
        checkpoint = admin.log_checkpoint() if with_checkpoint else None
        verdict = admin.verify_log(checkpoint, lambda done, total: told.append((done, total)))
    assert verdict.intact
    assert rising_to_a_total(told) == verdict.entries


@pytest.mark.parametrize(
    ("module", "args"), [(vault_cli, ("vault", "verify")), (log_cli, ("log", "verify"))]
)
def test_the_command_line_bars_are_given_the_counts(
    cli: Cli, busy: Path, monkeypatch: pytest.MonkeyPatch, module: object, args: tuple[str, ...]
) -> None:
    told: list[tuple[int, int]] = []

    @contextmanager
    def recording_bar(what: str) -> Iterator[Progress]:
        yield lambda done, total: told.append((done, total))

    monkeypatch.setattr(module, "progress_bar", recording_bar)
    assert cli(*args, home=busy).code == 0
    assert rising_to_a_total(told) > 0


def test_a_note_committed_while_vault_verify_reads_is_not_taken_for_tampering(
    busy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another session (another host, on PostgreSQL) adds a note once `vault verify`
    has read the records and their entries but not yet the ledger: the check reads one
    snapshot, so it sees all of the note or none of it."""
    added: list[str] = []

    with Administration.open(busy) as admin:
        store = admin.vault.store
        read = store.row_batches

        def midway(table: str, columns: Sequence[str]) -> Iterator[list[tuple[Any, ...]]]:
            if table == "assignments" and not added:
                with Session.open("alice", busy) as alice:
                    alice.records.add_note("R-0001", NoteKind.FACT, "mid-check", date.today())
                added.append(table)
            return read(table, columns)

        monkeypatch.setattr(store, "row_batches", midway)
        report = verify_vault(admin)
    assert added, "the note was never added mid-check"
    assert report.intact, report.lines()
    with Administration.open(busy) as admin:
        assert verify_vault(admin).intact  # and afterwards, with the note

"""Rows that say who may see or do what are sealed: edited, deleted or replayed in the
file by someone without the keyring, they are refused as they are read, the refusal
is logged, and `vault verify` names them (issue 15, items 1, 2, 5 and 6)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from secure_records.admin import Administration
from secure_records.admin.administration import default_policy_dir
from secure_records.admin.row_sealing import verify_vault
from secure_records.core.errors import AccessRefused, IntegrityError, SecureRecordsError
from secure_records.core.log_actions import LogAction
from secure_records.core.records import ConsentCapacity, NoteKind
from secure_records.session import Session
from secure_records.vault.door import open_vault
from secure_records.vault.home import resolve_home
from secure_records.vault.policy_files import read_policy_texts
from secure_records.vault.row_seals import LEDGER_META, TABLES
from secure_records.vault.sqlite.sealed_rows import SealedRows
from secure_records.vault.vault import Vault
from tests.conftest import STAFF, canaries, canary_row, write_jsonl
from tests.support.in_process import Cli, no_traceback
from tests.support.raw_db import behind_the_back as raw

TODAY = date(2026, 11, 2)


def sql(home: Path, statement: str, *params: object) -> None:
    with raw(home) as db:
        db.execute(statement, params)


def seal_refusals(home: Path) -> list[tuple[str, str, str]]:
    """(who, table, row) of every seal_broken entry in the log."""
    with Administration.open(home, any_policy=True) as admin:
        return [
            (e.actor, str(e.details["table"]), str(e.details["row"]))
            for e in admin.vault.log.entries(personal=False)
            if e.action == LogAction.SEAL_BROKEN
        ]


def verify_lines(home: Path) -> tuple[bool, list[str]]:
    with Administration.open(home, any_policy=True) as admin:
        report = verify_vault(admin)
    return report.intact, report.lines()


def named(lines: list[str], place: str) -> bool:
    return any(place in line for line in lines)


# The attacks of issue 15, as written


def test_a_role_raised_in_sqlite_opens_no_session_and_is_logged(populated: Path) -> None:
    sql(populated, "UPDATE staff SET role = 'safeguarding_lead' WHERE name = 'alice'")

    with pytest.raises(IntegrityError) as caught:
        Session.open("alice", populated)

    assert "staff row alice does not match its seal" in str(caught.value)
    assert ("alice", "staff", "alice") in seal_refusals(populated)
    intact, lines = verify_lines(populated)
    assert not intact and named(lines, "first bad row: staff row alice")


def test_a_deleted_note_and_consent_withdrawal_are_caught_when_the_record_opens(
    populated: Path,
) -> None:
    with Session.open("alice", populated) as alice:
        alice.records.add_note("R-0001", NoteKind.FACT, "Visited; all well", TODAY)
        alice.records.record_consent(
            "R-0001",
            "Parent",
            "Sharing with school",
            TODAY,
            TODAY,
            capacity=ConsentCapacity.PARENT,
            withdrawn_reason="Changed her mind",
        )
    sql(populated, "DELETE FROM record_entries WHERE record_id = 'R-0001' AND kind = 'notes'")
    sql(populated, "DELETE FROM record_entries WHERE record_id = 'R-0001' AND seq = 1")

    with Session.open("alice", populated) as alice, pytest.raises(IntegrityError) as caught:
        alice.records.open_record("R-0001")

    said = str(caught.value)
    assert "records row R-0001 does not add up" in said
    for value in canaries(canary_row("R-0001", ["alice"])).values():
        assert value not in said
    assert ("alice", "records", "R-0001") in seal_refusals(populated)
    intact, lines = verify_lines(populated)
    assert not intact and named(lines, "first incomplete record: record R-0001")
    with Session.open("alice", populated) as alice:  # the others open as before
        assert alice.records.open_record("R-0002").id == "R-0002"


def test_a_forged_disposal_row_is_named_by_vault_verify(populated: Path, cli: Cli) -> None:
    sql(
        populated,
        "INSERT INTO disposals (id, record_id, category, rule, due, status, proposed_by, "
        "proposed_at, approved_by, approved_at) VALUES ('X-forged', 'R-0001', 'child', "
        "'children', '2020-03-31', 'approved', 'it', '2026-11-01', 'lead', '2026-11-02')",
    )

    result = cli("vault", "verify", home=populated)

    no_traceback(result)
    assert result.code == 1
    assert "rows: " in result.err and "1 without a seal" in result.err
    assert "first row without a seal: disposals row X-forged" in result.err
    assert "R-0001" in str(Session.open("lead", populated).records.open_record("R-0001").id)


# what verify says about a healthy vault, after every kind of legitimate change


def test_every_legitimate_change_leaves_the_vault_verified(populated: Path, cli: Cli) -> None:
    with Administration.open(populated) as admin:
        admin.set_pin("bilal", "482913")
        admin.unassign("R-0002", "alice")
        admin.assign("R-0002", "bilal")
        admin.disable_staff("auditor")
    with Session.open("alice", populated) as alice:
        alice.records.add_note("R-0001", NoteKind.OPINION, "Seems settled", TODAY)
        alice.records.record_consent(
            "R-0001", "Parent", "School", TODAY, capacity=ConsentCapacity.PARENT
        )
    with Session.open("lead", populated) as lead:
        lead.oversight.restrict_record("R-0003", "A relative of the child works here", 30)
        lead.oversight.grant_access("R-0003", "bilal", 7, "Needs it for the case review meeting")
        lead.oversight.lift_restriction("R-0003", "The relative has left the charity")
        lead.retention.set_legal_hold("R-0002", "Statutory inquiry into the case")
        lead.retention.set_legal_hold("R-0002", "The inquiry has now concluded", hold=False)

    result = cli("vault", "verify", home=populated)

    no_traceback(result)
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert lines[0].startswith("log: intact: ")
    assert lines[1].startswith("rows: ") and lines[1].endswith(" sealed, 0 bad, 0 without a seal")
    assert lines[2] == "records: 3 complete, 0 incomplete"
    assert lines[3] == f"caseloads: {len(STAFF)} add up, 0 do not"
    assert lines[4] == f"ledger: {len(TABLES)} tables add up, 0 do not"
    assert lines[5].endswith("0 missing or older")
    assert lines[6] == "policy: sealed"


# rows replayed from an older copy of the vault


def saved(home: Path, table: str, where: str) -> list[dict[str, object]]:
    """Rows of `table` as they are now, to be put back later (an older copy's)."""
    with raw(home) as db:
        rows = db.execute(f"SELECT * FROM {table} WHERE {where}").fetchall()  # noqa: S608
        names = [c[0] for c in db.execute(f"SELECT * FROM {table} LIMIT 0").description]  # noqa: S608
    # PostgreSQL's rowid is its own (SQLite's `SELECT *` leaves it out): a new one.
    return [{n: v for n, v in zip(names, row, strict=True) if n != "rowid"} for row in rows]


def replay(home: Path, older: list[dict[str, object]], table: str, where: str) -> None:
    """Put back rows of `table` as they were in an older copy of the vault: one row over
    the one still there (PostgreSQL holds to foreign keys), else all of them anew."""
    with raw(home) as db:
        now = db.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]  # noqa: S608
        if now == len(older) == 1:
            sets = ", ".join(f"{name} = ?" for name in older[0])
            put = f"UPDATE {table} SET {sets} WHERE {where}"  # noqa: S608
            db.execute(put, tuple(older[0].values()))
            return
        db.execute(f"DELETE FROM {table} WHERE {where}")  # noqa: S608
        for row in older:
            places = ", ".join("?" for _ in row)
            add = f"INSERT INTO {table} ({', '.join(row)}) VALUES ({places})"  # noqa: S608
            db.execute(add, tuple(row.values()))


def test_an_assignment_replayed_after_it_was_removed_shows_nothing(populated: Path) -> None:
    older = saved(populated, "assignments", "record_id = 'R-0002'")
    with Administration.open(populated) as admin:
        admin.unassign("R-0002", "alice")
    replay(populated, older, "assignments", "record_id = 'R-0002'")

    with Session.open("alice", populated) as alice, pytest.raises(IntegrityError) as caught:
        alice.records.matching()

    assert "staff row alice does not add up to the records assigned to them" in str(caught.value)
    intact, lines = verify_lines(populated)
    assert not intact and named(lines, "record R-0002")
    assert named(lines, "first caseload that does not add up: staff row alice")


def test_a_disabled_person_replayed_as_enabled_opens_no_session(populated: Path) -> None:
    older = saved(populated, "staff", "name = 'bilal'")
    with Administration.open(populated) as admin:
        admin.disable_staff("bilal")
    replay(populated, older, "staff", "name = 'bilal'")

    with pytest.raises(IntegrityError) as caught:
        Session.open("bilal", populated)

    assert "staff table does not add up to its ledger" in str(caught.value)
    intact, lines = verify_lines(populated)
    assert not intact
    assert named(lines, "staff row bilal is older than the log")


def test_a_deleted_restriction_opens_the_record_to_nobody(populated: Path) -> None:
    with Session.open("lead", populated) as lead:
        lead.oversight.restrict_record("R-0001", "A relative of the child works here", 30)
    sql(populated, "DELETE FROM restrictions WHERE record_id = 'R-0001'")

    with Session.open("alice", populated) as alice:
        with pytest.raises(IntegrityError) as caught:
            alice.records.matching()
        # Her caseload's record, or the restrictions as a whole (or, on PostgreSQL, whose
        # foreign keys take the restriction's grants with it, the grants): named.
        said = str(caught.value)
        tables = ("restrictions table", "grants table")
        assert "records row R-0001 does not add up" in said or any(t in said for t in tables)
        with pytest.raises((IntegrityError, AccessRefused)):
            alice.records.open_record("R-0001")


def test_a_ledger_edited_in_sqlite_stops_every_change_and_is_named(populated: Path) -> None:
    sql(populated, "UPDATE meta SET value = replace(value, '0', '1') WHERE key = ?", LEDGER_META)

    with Administration.open(populated) as admin, pytest.raises(IntegrityError) as caught:
        admin.add_staff("zara", "caseworker")

    assert "meta row row_ledger does not match its seal" in str(caught.value)
    with raw(populated) as db:
        assert db.execute("SELECT count(*) FROM staff WHERE name = 'zara'").fetchone()[0] == 0
    intact, lines = verify_lines(populated)
    assert not intact and named(lines, "ledger: the ledger does not match its own seal")


# a vault from before rows were sealed


def strip_seals(home: Path) -> None:
    """The vault as an older release left it once migrated: no row sealed, no ledger,
    and a log that says nothing of row seals."""
    with raw(home) as db:
        for table in TABLES:
            db.execute(f"UPDATE {table} SET seal = NULL")  # noqa: S608
        db.execute("UPDATE records SET history = NULL")
        for table in ("staff", "disposals", "phone_requests"):
            db.execute(f"UPDATE {table} SET sealed_at = NULL")  # noqa: S608
        db.execute("DELETE FROM meta WHERE key = ?", (LEDGER_META,))


@pytest.fixture
def older_vault(tmp_path: Path, memory_keyring: object) -> Path:
    """Made as the release before row seals made its vaults: its creation logged with
    no word of row seals."""
    paths = resolve_home(tmp_path / "vault")
    admin = Administration(Vault.create(paths, read_policy_texts(default_policy_dir())))
    with admin:
        admin.log(LogAction.VAULT_CREATED, policies="(older release)")
        for name, role in STAFF:
            admin.add_staff(name, role)
        rows = [canary_row("R-0001", ["alice"]), canary_row("R-0002", ["bilal"])]
        admin.import_file(write_jsonl(tmp_path / "records.jsonl", rows))
    strip_seals(paths.home)
    return paths.home


def test_an_older_vault_refuses_sessions_until_sealed_once(older_vault: Path, cli: Cli) -> None:
    for _ in range(2):  # the same after the first refusal was logged (a transaction)
        with pytest.raises(IntegrityError) as caught:
            Session.open("alice", older_vault)
        assert "has no seal (it was written before rows were sealed)" in str(caught.value)
        assert "secure-records vault seal" in str(caught.value)

    checked = cli("vault", "verify", home=older_vault)
    assert checked.code == 1 and "without a seal" in checked.err
    sealed = cli("vault", "seal", home=older_vault)

    no_traceback(sealed)
    assert sealed.code == 0, sealed
    assert "rows from before rows were sealed are sealed now" in sealed.out
    assert cli("vault", "verify", home=older_vault).code == 0
    with Session.open("alice", older_vault) as alice:
        assert alice.records.open_record("R-0001").id == "R-0001"
    with Administration.open(older_vault) as admin:
        actions = [e.action for e in admin.vault.log.entries(personal=False)]
    assert actions.count(LogAction.ROWS_SEALED) == 1
    again = cli("vault", "seal", home=older_vault)
    assert again.code != 0 and "already sealed" in again.err


def test_vault_seal_never_launders_a_row_put_in_by_hand(populated: Path, cli: Cli) -> None:
    sql(populated, "UPDATE staff SET role = 'safeguarding_lead', seal = NULL WHERE name = 'alice'")
    with pytest.raises(IntegrityError) as caught:
        Session.open("alice", populated)
    assert "staff row alice has no seal, though this vault's rows are" in str(caught.value)

    result = cli("vault", "seal", home=populated)

    no_traceback(result)
    assert result.code != 0
    assert "rows have been sealed since log entry 1" in result.err
    with pytest.raises(SecureRecordsError):
        Session.open("alice", populated)


def test_a_reader_for_search_checks_seals_too(populated: Path) -> None:
    vault = open_vault(populated)
    reader = vault.reader()
    try:
        sql(populated, "UPDATE records SET match_index = ? WHERE id = 'R-0003'", b"\x00")
        with pytest.raises(IntegrityError):
            list(reader.listing_rows(None))
    finally:
        reader.close()
        vault.close()


def test_key_rotation_leaves_every_seal_as_it_was(populated: Path) -> None:
    with raw(populated) as db:
        before = [tuple(r) for r in db.execute("SELECT name, seal FROM staff ORDER BY name")]
    with Administration.open(populated) as admin:
        admin.rotate_key()

    with raw(populated) as db:
        assert [
            tuple(r) for r in db.execute("SELECT name, seal FROM staff ORDER BY name")
        ] == before
    intact, lines = verify_lines(populated)
    assert intact, lines
    with Session.open("alice", populated) as alice:
        assert alice.records.open_record("R-0001").id == "R-0001"


def test_a_seal_refusal_is_flagged_in_the_access_review(populated: Path) -> None:
    sql(populated, "UPDATE staff SET role = 'safeguarding_lead' WHERE name = 'alice'")
    with pytest.raises(IntegrityError):
        Session.open("alice", populated)

    with Session.open("auditor", populated) as auditor:
        _, flags = auditor.oversight.access_review()

    assert [(f.staff, f.what) for f in flags] == [
        ("alice", "refused: the vault's staff row alice did not match its seal")
    ]


def test_a_note_added_by_someone_else_mid_read_is_not_tampering(
    populated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another session commits a note between the read of the record's row and the
    read of what hangs off it: one snapshot, so the history still adds up."""
    added: list[str] = []
    original = SealedRows.children

    def children_after_a_note(self: SealedRows, record_id: str) -> object:
        if not added:
            added.append(record_id)
            with Session.open("lead", populated) as lead:
                lead.records.add_note(record_id, NoteKind.FACT, "Phoned the school", TODAY)
        return original(self, record_id)

    monkeypatch.setattr(SealedRows, "children", children_after_a_note)
    with Session.open("alice", populated) as alice:
        view = alice.records.open_record("R-0001")

    assert added == ["R-0001"] and view.id == "R-0001"
    assert seal_refusals(populated) == []

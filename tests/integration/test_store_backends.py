"""The store interface on both backends: every table's rows come back as written,
sealed rows edited behind the store's back are refused, a failed change leaves
nothing, and writers in several processes append to one head in one order.

PostgreSQL runs on a real throwaway cluster (tests/support/postgres.py), skipped
only where its binaries are absent."""

from __future__ import annotations

import multiprocessing
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import psycopg
import pytest

from secure_records.core.access_requests import AccessRequestStatus
from secure_records.core.concerns import ConcernKind, ConcernStatus
from secure_records.core.errors import IntegrityError, VaultError
from secure_records.core.outputs import OutputKind
from secure_records.core.statuses import DisposalStatus, SharingStatus
from secure_records.core.telephone import Status
from secure_records.vault import rows
from secure_records.vault.postgres.dialect import translate
from secure_records.vault.postgres.store import PostgresStore
from secure_records.vault.row_seals import RowSeals
from secure_records.vault.sqlite.store import SqliteStore
from secure_records.vault.store import Store
from tests.support.postgres import Cluster

# Picks its backend itself.
pytestmark = pytest.mark.not_on_postgres

VAULT_ID = "vault-under-test"
KEY = bytes(range(32))
AT = "2026-12-05T10:00:00+00:00"


def seals() -> RowSeals:
    return RowSeals(VAULT_ID, KEY)


def open_store(where: str) -> Store:
    """The same vault opened again, as another process (or host) opens it."""
    store: Store
    if where.endswith(".db"):
        store = SqliteStore.connect(Path(where))
    else:
        store = PostgresStore.connect(where)
    store.use_row_seals(seals())
    return store


def raw(where: str, sql: str, *params: object) -> None:
    """One statement behind the store's back: someone with the database's password."""
    if where.endswith(".db"):
        with closing(sqlite3.connect(where, isolation_level=None)) as db:
            db.execute(sql, params)
    else:
        with psycopg.connect(where, autocommit=True) as pg:
            pg.execute(translate(sql), params)


@pytest.fixture(params=["sqlite", "postgres"])
def where(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new vault's database, as a path or a connection string."""
    meta = {"vault_id": VAULT_ID, "kek_version": "1", "created_at": AT}
    made: Store
    if request.param == "sqlite":
        location = str(tmp_path / "vault.db")
        made = SqliteStore.create(Path(location), meta)
    else:
        cluster: Cluster = request.getfixturevalue("postgres_cluster")
        name = cluster.new_database()
        location = cluster.conninfo(name)
        made = PostgresStore.create(location, meta)
        request.addfinalizer(lambda: cluster.drop_database(name))
    made.use_row_seals(seals())
    with made.transaction():
        made.mark_rows_sealed()
        for name_, role in (("alice", "caseworker"), ("lead", "safeguarding_lead")):
            made.add_staff(name_, role, AT)
    made.close()
    yield location


@pytest.fixture
def store(where: str) -> Iterator[Store]:
    opened = open_store(where)
    try:
        yield opened
    finally:
        opened.close()


def new_record(rid: str, *staff: str) -> rows.NewRecordRows:
    key = rows.RecordKeyRow(rid, f"k-{rid}", 1, b"wrapped-" + rid.encode())
    entries = [("note", 0, b"n0"), ("note", 1, b"n1"), ("consent", 0, b"c0")]
    return rows.NewRecordRows(key, b"idx-" + rid.encode(), b"fields", entries, staff)


def test_settings_and_the_log_head_come_back_as_written(store: Store) -> None:
    assert store.meta("vault_id") == VAULT_ID
    assert store.log_head() is None  # no entry yet (PostgreSQL's lock row is not one)
    head = rows.LogHead(3, 1200, b"\x00mac", b"seal\xff")
    with store.transaction():
        store.put_vault_key("match", b"\x01\x02")
        store.put_log_head(head)
        store.put_kek_version(rows.KekVersionRow(1, AT, None, b"rec"))
        store.put_recovery_lock(rows.RecoveryLockRow(AT, "scrypt:n=2", b"salt", b"root"))
    assert store.vault_key("match") == b"\x01\x02"
    assert store.log_head() == head
    assert store.kek_versions() == [rows.KekVersionRow(1, AT, None, b"rec")]
    assert store.recovery_lock() == rows.RecoveryLockRow(AT, "scrypt:n=2", b"salt", b"root")


def test_staff_rows_keep_their_flags_and_counts(store: Store) -> None:
    with store.transaction():
        store.set_staff_disabled("alice", True)
        store.set_staff_pin("lead", "hash")
        store.set_staff_pin_failures("lead", 2, "2026-12-05T11:00:00+00:00")
    alice, lead = store.all_staff()
    assert (alice.name, alice.disabled, lead.name) == ("alice", True, "lead")
    assert (lead.pin_hash, lead.pin_failures, lead.locked_until) == (
        "hash",
        2,
        "2026-12-05T11:00:00+00:00",
    )
    assert store.staff("nobody") is None


def test_records_their_entries_and_caseloads(store: Store) -> None:
    with store.transaction():
        assert store.add_records([new_record("R-1", "alice"), new_record("R-2")], AT) == 2
        assert store.assign("R-2", "alice")
        assert not store.assign("R-2", "alice")  # already: nothing changed
        store.add_entry("R-1", "note", store.next_entry_seq("R-1", "note"), b"n2")
        store.replace_entry("R-1", "note", 0, b"n0 again")
        store.replace_fields("R-2", b"fields 2", b"idx-new")
    assert store.record_ids() == ["R-1", "R-2"] and store.record_count() == 2
    assert store.ids_assigned_to("alice") == ["R-1", "R-2"]
    assert store.ids_matching(b"idx-new") == ["R-2"]
    found = store.record_rows("R-1", ["note"])
    assert found is not None
    assert [(e.seq, e.sealed) for e in found.entries] == [(0, b"n0 again"), (1, b"n1"), (2, b"n2")]
    assert found.key.wrapped_key == b"wrapped-R-1" and found.assigned_to == {"alice"}
    assert [(k.record_id, f) for k, f in store.listing_rows(None)] == [
        ("R-1", b"fields"),
        ("R-2", b"fields 2"),
    ]
    with store.transaction():
        assert store.unassign("R-2", "alice")
        store.delete_record("R-1")
    assert store.ids_assigned_to("alice") == [] and store.record_ids() == ["R-2"]


def test_decisions_requests_and_disposals_by_status_in_order(store: Store) -> None:
    with store.transaction():
        store.add_records([new_record("R-1")], AT)
        # Taken later but stamped earlier: the order taken is the order listed.
        for n, status in enumerate([SharingStatus.DECIDED, SharingStatus.AWAITING_MANAGER] * 2):
            at = f"2026-01-{30 - n:02d}T00:00:00+00:00"
            store.add_decision(rows.DecisionRow(f"D-{n}", "R-1", status, "lead", at), b"d")
            phone = Status.AWAITING_CALLBACK if n % 2 else Status.VERIFIED
            store.add_phone_request(rows.PhoneRequestRow(f"P-{n}", None, phone, "rec", at), b"p")
            row = rows.DisposalRow(
                f"X-{n}", "R-1", "adult", "r", "2020", DisposalStatus.PROPOSED, "it", at
            )
            store.add_disposal(row)
        assert store.set_decision_status(
            "D-1", SharingStatus.CONFIRMED, SharingStatus.AWAITING_MANAGER
        )
        assert not store.set_decision_status(
            "D-1", SharingStatus.REJECTED, SharingStatus.AWAITING_MANAGER
        )
        assert store.review_disposal("X-0", DisposalStatus.REJECTED, "lead", AT, "2027-01-01")
    assert [d.id for d in store.decisions([SharingStatus.DECIDED, SharingStatus.CONFIRMED])] == [
        "D-0",
        "D-1",
        "D-2",
    ]
    assert [p.id for p in store.phone_requests([Status.AWAITING_CALLBACK])] == ["P-3", "P-1"]
    assert [d.id for d in store.disposals([DisposalStatus.PROPOSED])] == ["X-3", "X-2", "X-1"]
    assert store.kept_until() == {"R-1": "2027-01-01"}


def test_holds_restrictions_outputs_requests_and_concerns(store: Store) -> None:
    with store.transaction():
        store.add_records([new_record("R-1"), new_record("R-2")], AT)
        store.set_hold(rows.HoldRow("R-1", "lead", AT), b"why")
        store.restrict("R-2", "lead", AT)
        store.grant("R-2", "alice", "2027-01-01", "lead", AT)
        store.add_output(rows.OutputRow("O-1", OutputKind.ACCESS_REVIEW, None, "lead", AT), b"o")
        store.add_release(rows.ReleaseRow("L-1", "O-1", OutputKind.ACCESS_REVIEW, "lead", AT), b"l")
        store.add_access_request(
            rows.AccessRequestRow(
                "A-1", "R-2", AccessRequestStatus.OPEN, "2026-12-01", "2027-01-01", 0, "lead", AT
            ),
            b"a",
        )
        store.add_concern(
            rows.ConcernRow(
                "C-1", ConcernKind.BREACH, ConcernStatus.OPEN, True, "2026-12-04", "alice", AT
            ),
            b"c",
        )
    assert store.held_ids() == {"R-1"} and store.restricted_ids() == {"R-2"}
    assert store.granted_ids("alice", AT) == {"R-2"}
    assert [o.id for o in store.outputs([OutputKind.ACCESS_REVIEW])] == ["O-1"]
    assert [(r.id, s) for r, s in store.releases()] == [("L-1", b"l")]
    assert [r.id for r in store.access_requests()] == ["A-1"]
    (concern,) = store.concerns()
    assert concern.personal_data is True and concern.kind is ConcernKind.BREACH
    with pytest.raises(VaultError), store.transaction():
        store.delete_record("R-1")  # held: the database itself refuses
    assert store.record_exists("R-1")


def test_a_role_raised_behind_the_stores_back_is_refused(store: Store, where: str) -> None:
    raw(where, "UPDATE staff SET role = ? WHERE name = ?", "safeguarding_lead", "alice")
    with pytest.raises(IntegrityError, match="alice"):
        store.staff("alice")


def test_a_row_deleted_after_the_table_added_up_is_noticed(store: Store, where: str) -> None:
    assert store.staff("alice") is not None  # added up, and remembered as such
    raw(where, "DELETE FROM staff WHERE name = ?", "lead")
    with pytest.raises(IntegrityError, match="staff"):
        store.staff("alice")


def test_a_failed_change_leaves_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.set_meta("half", "done")
        raise RuntimeError("stop")
    with pytest.raises(VaultError, match="nothing was changed"), store.transaction():
        store.set_meta("half", "done")
        store.add_staff("alice", "it", AT)  # already there: the database refuses
    assert not store.in_transaction
    with pytest.raises(VaultError):
        store.meta("half")


WRITERS, EACH, READS = 4, 25, 40


def append(where: str, writer: int) -> None:
    """One process: read the head, write the next one and a sealed note on the same
    record, EACH times, each in one change."""
    store = open_store(where)
    try:
        for n in range(EACH):
            with store.transaction():
                head = store.log_head()
                seq = 0 if head is None else head.seq + 1
                store.put_log_head(rows.LogHead(seq, seq, f"{writer}".encode(), b""))
                store.set_meta(f"entry-{seq}", f"{writer}-{n}")
                note = store.next_entry_seq("R-1", "note")
                store.add_entry("R-1", "note", note, f"{writer}-{n}".encode())
    finally:
        store.close()


def read(where: str) -> None:
    """Meanwhile, the record opened again and again: each time from one snapshot, so
    a note added in between is never taken for tampering."""
    store = open_store(where)
    try:
        for _ in range(READS):
            assert store.record_rows("R-1", ["note"]) is not None
            assert store.staff("alice") is not None
    finally:
        store.close()


@pytest.mark.slow
def test_writers_in_several_processes_append_in_one_order(store: Store, where: str) -> None:
    with store.transaction():
        store.add_records([new_record("R-1", "alice")], AT)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=append, args=(where, w)) for w in range(WRITERS)]
    workers += [context.Process(target=read, args=(where,)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0] * len(workers)
    head = store.log_head()
    assert head is not None and head.seq == WRITERS * EACH - 1  # no write lost
    written = sorted(store.meta(f"entry-{seq}") for seq in range(WRITERS * EACH))
    assert written == sorted(f"{w}-{n}" for w in range(WRITERS) for n in range(EACH))
    found = store.record_rows("R-1", ["note"])
    assert found is not None
    assert [e.seq for e in found.entries] == list(range(2 + WRITERS * EACH))


def test_a_connection_lost_mid_session_is_one_sentence(postgres_cluster: Cluster) -> None:
    name = postgres_cluster.new_database()
    where = postgres_cluster.conninfo(name)
    try:
        store = PostgresStore.create(where, {"vault_id": VAULT_ID})
        store.use_row_seals(seals())
        with psycopg.connect(where, autocommit=True) as other:
            # As a failover or a server restart does to every session.
            other.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
        with pytest.raises(VaultError, match="connection to the vault's database was lost"):
            store.staff("alice")
        with pytest.raises(VaultError, match="lost"), store.transaction():
            store.set_meta("never", "written")
        store.close()
    finally:
        postgres_cluster.drop_database(name)

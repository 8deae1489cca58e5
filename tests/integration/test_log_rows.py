"""The audit log on PostgreSQL: entries are rows of the vault's database, appended in
the transaction that holds the head's lock, with the file's bytes and chain, so that
log verify, checkpoints and restores read them as they read the file, and processes
on several hosts append to one chain.

Each test builds an AuditLog over a bare PostgresStore (tests/support/postgres.py)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from secure_records.core.log_actions import LogAction
from secure_records.vault.log import RESTORES_META, AuditLog, LogError
from secure_records.vault.postgres.store import PostgresStore

VAULT_ID = "vault-under-test"
ROOT = bytes(range(32))
META = {"vault_id": VAULT_ID, "kek_version": "1", "created_at": "2026-12-05T10:00:00+00:00"}
NO_FILE = Path("/nonexistent/audit.log")  # PostgreSQL's log is rows: never opened


def audit_log(store: PostgresStore) -> AuditLog:
    return AuditLog(store.log_at(NO_FILE), store, VAULT_ID, ROOT, lambda _: None)


def add(log: AuditLog, store: PostgresStore, count: int, actor: str = "alice") -> None:
    for n in range(count):
        with store.transaction():
            log.append(actor, "caseworker", LogAction.RECORD_OPENED, f"R-{n}", {"n": n})


def raw(where: str, sql: str, *params: object) -> None:
    """Behind the vault's back: someone with the database's password."""
    with psycopg.connect(where, autocommit=True) as pg:
        pg.execute(sql, params)


def row_count(where: str) -> int:
    with psycopg.connect(where) as pg:
        found = pg.execute("SELECT count(*) FROM log_entries").fetchone()
    return int(found[0]) if found else 0


@pytest.fixture
def where(postgres_database: str) -> str:
    store = PostgresStore.create(postgres_database, META)
    try:
        with store.transaction():
            AuditLog.create(store.log_at(NO_FILE), store, VAULT_ID, ROOT)
    finally:
        store.close()
    return postgres_database


@pytest.fixture
def store(where: str) -> Iterator[PostgresStore]:
    opened = PostgresStore.connect(where)
    try:
        yield opened
    finally:
        opened.close()


def test_entries_are_rows_that_chain_and_verify(where: str, store: PostgresStore) -> None:
    log = audit_log(store)
    assert log.verify().intact and log.verify().entries == 0
    add(log, store, 5)
    assert not NO_FILE.exists()
    assert row_count(where) == 5
    verdict = log.verify()
    assert verdict.intact and verdict.entries == 5
    assert [e.details["n"] for e in log.entries()] == [0, 1, 2, 3, 4]
    log.check_tail()
    head = log.head()
    assert (head.seq, head.size) == (5, len(store.log_at(NO_FILE).read()))


def test_a_rolled_back_action_leaves_no_row_and_the_head_where_it_was(
    where: str, store: PostgresStore
) -> None:
    log = audit_log(store)
    add(log, store, 2)
    before = log.head()
    with pytest.raises(RuntimeError), store.transaction():
        seq, size = log.append("alice", "caseworker", LogAction.RECORD_OPENED, "R-9")
        assert (seq, size) == (3, before.size)
        raise RuntimeError("the action failed")
    assert row_count(where) == 2
    assert log.head() == before
    add(log, store, 1)
    assert log.verify().intact and log.verify().entries == 3


def test_an_entry_is_never_added_outside_a_transaction(where: str, store: PostgresStore) -> None:
    log = audit_log(store)
    with pytest.raises(LogError, match="only with the action it records"):
        log.append("alice", "caseworker", LogAction.RECORD_OPENED)  # it would commit alone
    assert row_count(where) == 0 and log.head().seq == 0


EDIT = "UPDATE log_entries SET line = overlay(line PLACING 'X'::bytea FROM 20) WHERE seq = 3"
SWAP = (
    "UPDATE log_entries a SET line = b.line FROM log_entries b "
    "WHERE (a.seq, b.seq) IN ((2, 3), (3, 2))"
)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (EDIT, "entry 3: modified"),
        ("DELETE FROM log_entries WHERE seq = 3", "entry 3: missing (gap: entry 3 is gone)"),
        ("DELETE FROM log_entries WHERE seq = 5", "truncated (head says 5 entries, log has 4)"),
        (SWAP, "entry 2: out of order"),
    ],
    ids=["edited", "middle deleted", "last deleted", "swapped"],
)
def test_rows_changed_behind_the_vaults_back_break_the_chain(
    where: str, store: PostgresStore, change: str, said: str
) -> None:
    log = audit_log(store)
    add(log, store, 5)
    raw(where, change)
    verdict = log.verify()
    assert not verdict.intact
    assert str(verdict.problem).startswith(said)


def test_a_cut_log_is_not_written_to(where: str, store: PostgresStore) -> None:
    log = audit_log(store)
    add(log, store, 3)
    raw(where, "DELETE FROM log_entries WHERE seq = 3")
    with pytest.raises(LogError, match="shorter than its sealed head says"):
        log.check_tail()
    with pytest.raises(LogError, match="truncated"), store.transaction():
        log.append("alice", "caseworker", LogAction.RECORD_OPENED)
    assert row_count(where) == 2  # nothing written over the gap


def test_a_row_added_beyond_the_head_is_refused_and_named(where: str, store: PostgresStore) -> None:
    log = audit_log(store)
    add(log, store, 2)
    head = log.head()
    raw(
        where,
        "INSERT INTO log_entries SELECT 3, %s, line FROM log_entries WHERE seq = 1",
        head.size,
    )
    log.check_tail()  # only the committed lines are its business
    with pytest.raises(LogError, match="never committed"), store.transaction():
        log.append("alice", "caseworker", LogAction.RECORD_OPENED)
    verdict = log.verify()
    assert not verdict.intact
    assert "appended after the sealed head" in str(verdict.problem)


def test_recent_reads_back_to_a_time_and_on_from_where_it_stopped(store: PostgresStore) -> None:
    log = audit_log(store)
    add(log, store, 300)  # more than one look back (256 rows) from the end
    times = [e.time for e in log.entries()]
    found, end = log.recent(times[9])
    assert [e.seq for e in found] == list(range(10, 301))
    assert end == log.head().size
    found, _ = log.recent(times[297])
    assert [e.seq for e in found] == [298, 299, 300]
    add(log, store, 2, actor="lead")
    found, later = log.recent(times[0], start=end)
    assert [(e.seq, e.actor) for e in found] == [(301, "lead"), (302, "lead")]
    assert later == log.head().size


def test_a_checkpoint_is_extended_and_a_wrong_one_is_refused(store: PostgresStore) -> None:
    log = audit_log(store)
    add(log, store, 3)
    checkpoint = log.checkpoint()
    add(log, store, 2)
    assert log.verify(checkpoint).intact
    seq_mac = checkpoint.rsplit(" ", 2)
    forged = f"{seq_mac[0]} {int(seq_mac[1]) + 9} {seq_mac[2]}"
    assert not log.verify(forged).intact


def test_a_restore_entry_is_noted_by_verify(store: PostgresStore) -> None:
    log = audit_log(store)
    add(log, store, 2)
    details = {"backup_seq": 1, "taken_at": "2026-12-01T09:00:00+00:00", "backup": "B-1"}
    with store.transaction():
        seq, _ = log.append("operator", "operator", LogAction.RESTORED, None, details)
        store.set_meta(RESTORES_META, str(seq))
    [note] = log.verify().notes
    assert note.startswith("restored at entry 3") and "backup B-1" in note


EACH = 30


def append_from_another_host(where: str, actor: str) -> None:
    store = PostgresStore.connect(where)
    try:
        add(audit_log(store), store, EACH, actor)
    finally:
        store.close()


@pytest.mark.slow
def test_two_processes_appending_at_once_make_one_chain(where: str, store: PostgresStore) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=append_from_another_host, args=(where, actor))
        for actor in ("alice", "lead")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0, 0]
    log = audit_log(store)
    verdict = log.verify()
    assert verdict.intact and verdict.entries == 2 * EACH  # none lost, one chain
    actors = [e.actor for e in log.entries()]
    assert actors.count("alice") == actors.count("lead") == EACH
    assert [e.seq for e in log.entries()] == list(range(1, 2 * EACH + 1))

"""The vault on disk: private files, ciphertext only, keys that behave."""

from __future__ import annotations

import base64
import hashlib
import sqlite3
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail, null

from secure_records.admin import Administration
from secure_records.core.errors import IntegrityError, VaultError
from secure_records.session import Session
from secure_records.vault.connection import Connection
from secure_records.vault.envelope import pack_sealed, unpack_sealed
from secure_records.vault.kek import SERVICE, TIMEOUT_ENV
from secure_records.vault.memory_keyring import MemoryKeyring
from secure_records.vault.tables import VaultTables
from tests.conftest import canaries, canary_row, write_jsonl
from tests.support.file_keyring import FileKeyring
from tests.support.insider import insider, resealed
from tests.support.open_keyring import OpenKeyring
from tests.support.raw_db import behind_the_back, every_value, on_postgres, stored


def files_under(home: Path) -> list[Path]:
    return sorted(p for p in home.rglob("*") if p.is_file())


def fingerprint(home: Path) -> dict[str, str]:
    found = {
        str(p.relative_to(home)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in files_under(home)
    }
    if on_postgres(home):  # the vault's rows are the server's, not files in the home
        found["(database)"] = hashlib.sha256(every_value(home)).hexdigest()
    return found


def vault_id(home: Path) -> str:
    with raw(home) as db:
        return str(db.execute("SELECT value FROM meta WHERE key = 'vault_id'").fetchone()[0])


@contextmanager
def raw(home: Path) -> Iterator[Any]:
    """The vault's database around the app, as someone who can write its rows has it."""
    with behind_the_back(home, autocommit=True) as db:
        yield db


def test_vault_directory_and_files_are_private(populated: Path) -> None:
    with Session.open("lead", populated) as session:
        session.records.open_record("R-0001")
        # While a session is open the WAL and shared-memory files exist too.
        for path in [populated, *populated.rglob("*")]:
            mode = stat.S_IMODE(path.stat().st_mode)
            expected = 0o700 if path.is_dir() else 0o600
            assert mode == expected, f"{path} is {oct(mode)}"


@pytest.mark.not_on_postgres  # SQLite's own journal and page settings
def test_sqlite_runs_in_wal_mode_with_secure_delete(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with raw(home) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # secure_delete is a setting of each connection: look at the ones the vault opens.
    opened: list[sqlite3.Connection] = []
    real_connect = sqlite3.connect

    def recording(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        db: sqlite3.Connection = real_connect(*args, **kwargs)
        opened.append(db)
        return db

    monkeypatch.setattr(sqlite3, "connect", recording)
    with Session.open("lead", home):
        assert opened
        assert all(db.execute("PRAGMA secure_delete").fetchone()[0] == 1 for db in opened)


def test_no_record_plaintext_is_ever_written_to_disk(home: Path, tmp_path: Path) -> None:
    rows = [canary_row(f"R-{n:04d}", ["alice"]) for n in range(1, 21)]
    planted = [value for row in rows for value in canaries(row).values()]
    with Administration.open(home) as admin:
        admin.import_file(write_jsonl(tmp_path / "in.jsonl", rows))
        # Not yet checkpointed: the WAL holds the import.
        with Session.open("lead", home) as session:
            for n in (1, 7, 20):
                session.records.reveal(f"R-{n:04d}", "health", "checking the vault for a test run")
            during = stored(home)
    (tmp_path / "in.jsonl").unlink()
    if not on_postgres(home):
        with raw(home) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    after = stored(home)
    assert b"vault.db" not in during  # sanity: we read contents, not names
    for value in planted:
        for blob in (during, after):
            assert value.encode() not in blob, f"{value} found on disk"
    assert len(after) > 0


def sealed_fields(db: Connection, record_id: str) -> dict[str, bytes]:
    (packed,) = db.execute(
        "SELECT sealed_fields FROM records WHERE id = ?", (record_id,)
    ).fetchone()
    return unpack_sealed(packed, record_id)


def put_sealed_fields(db: Connection, record_id: str, fields: dict[str, bytes]) -> None:
    db.execute(
        "UPDATE records SET sealed_fields = ? WHERE id = ?",
        (pack_sealed(fields.items()), record_id),
    )


def move_name_from_r1_to_r2(db: Connection) -> None:
    stolen = sealed_fields(db, "R-0001")["name"]
    target = sealed_fields(db, "R-0002")
    target["name"] = stolen
    put_sealed_fields(db, "R-0002", target)


def test_a_ciphertext_moved_to_another_record_in_sqlite_is_refused_by_its_seal(
    populated: Path,
) -> None:
    with raw(populated) as db:
        move_name_from_r1_to_r2(db)
    with Session.open("lead", populated) as session, pytest.raises(IntegrityError) as caught:
        session.records.open_record("R-0002")
    message = str(caught.value)
    assert message.startswith("The vault's records row R-0002 does not match its seal")
    assert "Canaryname" not in message and "\n" not in message


# With the vault's keys, the row is sealed again after the edit: what still refuses
# the ciphertext is its own AEAD check, which binds record, field and vault.


def test_a_ciphertext_moved_to_another_record_fails_instead_of_decrypting(
    populated: Path,
) -> None:
    with insider(populated) as store, resealed(store, "records", {"id": "R-0002"}) as db:
        move_name_from_r1_to_r2(db)
    with Session.open("lead", populated) as session, pytest.raises(IntegrityError) as caught:
        session.records.open_record("R-0002")
    assert "field name of R-0002 failed its integrity check" in str(caught.value)
    assert "Canaryname" not in str(caught.value)


def test_a_ciphertext_moved_to_another_field_fails(populated: Path) -> None:
    with insider(populated) as store, resealed(store, "records", {"id": "R-0001"}) as db:
        fields = sealed_fields(db, "R-0001")
        fields["address"] = fields["health"]
        put_sealed_fields(db, "R-0001", fields)
    with Session.open("lead", populated) as session, pytest.raises(IntegrityError) as caught:
        session.records.open_record("R-0001")
    assert "field address of R-0001 failed its integrity check" in str(caught.value)


def test_damaged_packed_fields_are_named(populated: Path) -> None:
    with insider(populated) as store, resealed(store, "records", {"id": "R-0001"}) as db:
        db.execute("UPDATE records SET sealed_fields = ? WHERE id = 'R-0001'", (b"\x00\x09",))
    with Session.open("lead", populated) as session, pytest.raises(IntegrityError) as caught:
        session.records.open_record("R-0001")
    assert str(caught.value) == "the fields of record R-0001 are damaged and cannot be read"


def test_packed_fields_damaged_in_sqlite_are_refused_by_their_seal(populated: Path) -> None:
    with raw(populated) as db:
        db.execute("UPDATE records SET sealed_fields = ? WHERE id = 'R-0001'", (b"\x00\x09",))
    with Session.open("lead", populated) as session, pytest.raises(IntegrityError) as caught:
        session.records.open_record("R-0001")
    assert str(caught.value).startswith("The vault's records row R-0001 does not match its seal")


def test_swapped_wrapped_keys_fail(populated: Path) -> None:
    with raw(populated) as db:
        one, two = (
            db.execute("SELECT wrapped_key FROM records WHERE id = ?", (rid,)).fetchone()[0]
            for rid in ("R-0001", "R-0002")
        )
        db.execute("UPDATE records SET wrapped_key = ? WHERE id = 'R-0001'", (two,))
        db.execute("UPDATE records SET wrapped_key = ? WHERE id = 'R-0002'", (one,))
    with Session.open("lead", populated) as session, pytest.raises(IntegrityError) as caught:
        session.records.open_record("R-0001")
    assert "data key of record R-0001" in str(caught.value)


def test_a_missing_key_is_one_sentence_and_changes_nothing(
    populated: Path, memory_keyring: OpenKeyring
) -> None:
    before = fingerprint(populated)
    keyring.delete_password(SERVICE, f"{vault_id(populated)}:kek:v1")
    with pytest.raises(VaultError) as caught:
        Session.open("lead", populated)
    message = str(caught.value)
    assert "is not in the keyring" in message and message.count(".") == 1
    assert fingerprint(populated) == before


def test_a_wrong_key_is_told_apart_from_a_missing_one(populated: Path) -> None:
    other = base64.b64encode(bytes(32)).decode()
    keyring.set_password(SERVICE, f"{vault_id(populated)}:kek:v1", other)
    with pytest.raises(VaultError) as caught:
        Session.open("lead", populated)
    assert "does not open vault" in str(caught.value)


@pytest.mark.parametrize(
    ("backend", "why"),
    [
        (fail.Keyring(), "no keyring backend is available"),
        (null.Keyring(), "stores nothing"),
        (FileKeyring(), "keeps secrets in plain text"),
        (MemoryKeyring(), "forgets every key"),
    ],
)
def test_insecure_keyrings_are_refused_unless_allowed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    backend: keyring.backend.KeyringBackend,
    why: str,
) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    monkeypatch.delenv("SECURE_RECORDS_ALLOW_INSECURE_KEYRING", raising=False)
    try:
        with pytest.raises(VaultError) as caught:
            Administration.init(tmp_path / "vault")
    finally:
        keyring.set_keyring(previous)
    assert why in str(caught.value)
    assert "PYTHON_KEYRING_BACKEND" in str(caught.value)
    assert not (tmp_path / "vault").exists()


class SlowKeyring(OpenKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        time.sleep(5)
        return super().get_password(service, username)


def test_a_keyring_that_hangs_times_out(
    home: Path, memory_keyring: OpenKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = SlowKeyring()
    slow.entries = dict(memory_keyring.entries)
    keyring.set_keyring(slow)
    monkeypatch.setenv(TIMEOUT_ENV, "0.3")
    started = time.monotonic()
    with pytest.raises(VaultError) as caught:
        Session.open("lead", home)
    assert "did not answer within 0.3 s" in str(caught.value)
    assert time.monotonic() - started < 4


def test_init_refuses_an_existing_vault(populated: Path) -> None:
    before = fingerprint(populated)
    with pytest.raises(VaultError) as caught:
        Administration.init(populated)
    assert "refuses to touch an existing vault" in str(caught.value)
    assert fingerprint(populated) == before


@pytest.mark.not_on_postgres  # SQLite's file: PostgreSQL's storage is the server's
def test_a_damaged_database_is_named(home: Path) -> None:
    (home / "vault.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(VaultError) as caught:
        Session.open("lead", home)
    assert "is not a readable vault database" in str(caught.value)


def test_key_rotation_rewraps_every_key_and_keeps_the_old_one_until_retired(
    populated: Path, memory_keyring: OpenKeyring
) -> None:
    vid = vault_id(populated)
    with raw(populated) as db:
        wrapped_before = dict(db.execute("SELECT id, wrapped_key FROM records"))
    with Administration.open(populated) as admin:
        assert admin.rotate_key() == 2
    with raw(populated) as db:
        wrapped_after = dict(db.execute("SELECT id, wrapped_key FROM records"))
    assert all(wrapped_after[rid] != wrapped_before[rid] for rid in wrapped_before)
    # Kept for backups taken under it, until `key retire` (tests/integration/test_recovery.py).
    assert (SERVICE, f"{vid}:kek:v1") in memory_keyring.entries
    assert (SERVICE, f"{vid}:kek:v2") in memory_keyring.entries
    with Session.open("lead", populated) as session:
        view = session.records.open_record("R-0003")
    name = view.field("name")
    assert name is not None and name.text == "Canaryname R-0003"


def test_an_interrupted_rotation_leaves_a_vault_that_opens(
    populated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"n": 0}
    real = VaultTables.set_wrapped_key  # either backend's

    def crash_on_second(self: VaultTables, record_id: str, wrapped: bytes) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # as if the process were stopped mid-rotation
        real(self, record_id, wrapped)

    monkeypatch.setattr(VaultTables, "set_wrapped_key", crash_on_second)
    with Administration.open(populated) as admin, pytest.raises(KeyboardInterrupt):
        admin.rotate_key()
    monkeypatch.setattr(VaultTables, "set_wrapped_key", real)
    with Session.open("lead", populated) as session:
        assert [s.id for s in session.records.matching()] == ["R-0001", "R-0002", "R-0003"]
        session.records.open_record("R-0001")
    with Administration.open(populated) as admin:
        assert admin.rotate_key() == 2


def test_a_second_rotation_from_a_stale_process_is_refused(populated: Path) -> None:
    first = Administration.open(populated)
    second = Administration.open(populated)
    try:
        assert first.rotate_key() == 2
        with pytest.raises(VaultError) as caught:
            second.rotate_key()
        assert "rotated by another process" in str(caught.value)
        with pytest.raises(VaultError):
            second.assign("R-0003", "alice")  # nothing sealed or changed with the old key
    finally:
        first.close()
        second.close()
    with Session.open("lead", populated) as session:
        assert session.records.open_record("R-0001").id == "R-0001"

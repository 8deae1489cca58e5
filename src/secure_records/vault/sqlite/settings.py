"""Vault-wide rows: meta values, the vault's own wrapped keys, the log's sealed head,
and the versions of the key-encryption key with their recovery wrapping."""

from __future__ import annotations

from pathlib import Path

from secure_records.core.errors import VaultError
from secure_records.vault.connection import Connection
from secure_records.vault.rows import KekVersionRow, LogHead, RecoveryLockRow


class VaultSettings:
    def __init__(self, db: Connection, path: Path) -> None:
        self._db = db
        self._path = path

    def meta(self, key: str) -> str:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise VaultError(f"{self._path} has no {key!r}; it is not a complete vault.")
        return str(row["value"])

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def vault_key(self, name: str) -> bytes:
        row = self._db.execute("SELECT wrapped FROM vault_keys WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise VaultError(f"{self._path} has no {name} key; it is not a complete vault.")
        return bytes(row["wrapped"])

    def vault_keys(self) -> list[tuple[str, bytes]]:
        rows = self._db.execute("SELECT name, wrapped FROM vault_keys")
        return [(row["name"], bytes(row["wrapped"])) for row in rows]

    def put_vault_key(self, name: str, wrapped: bytes) -> None:
        self._db.execute(
            "INSERT INTO vault_keys (name, wrapped) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET wrapped = excluded.wrapped",
            (name, wrapped),
        )

    def log_head(self) -> LogHead | None:
        row = self._db.execute("SELECT seq, size, mac, seal FROM log_head WHERE id = 1").fetchone()
        return None if row is None else LogHead(**row)

    def put_log_head(self, head: LogHead) -> None:
        self._db.execute(
            "INSERT INTO log_head (id, seq, size, mac, seal) VALUES (1, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, size = excluded.size, "
            "mac = excluded.mac, seal = excluded.seal",
            (head.seq, head.size, head.mac, head.seal),
        )

    def kek_versions(self) -> list[KekVersionRow]:
        rows = self._db.execute(
            "SELECT version, created_at, retired_at, recovery FROM kek_versions ORDER BY version"
        )
        return [
            KekVersionRow(
                int(row["version"]),
                str(row["created_at"]),
                row["retired_at"],
                None if row["recovery"] is None else bytes(row["recovery"]),
            )
            for row in rows
        ]

    def put_kek_version(self, row: KekVersionRow) -> None:
        self._db.execute(
            "INSERT INTO kek_versions (version, created_at, retired_at, recovery) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (version) DO UPDATE SET "
            "created_at = excluded.created_at, retired_at = excluded.retired_at, "
            "recovery = excluded.recovery",
            (row.version, row.created_at, row.retired_at, row.recovery),
        )

    def recovery_lock(self) -> RecoveryLockRow | None:
        row = self._db.execute(
            "SELECT created_at, kdf, salt, wrapped_root FROM recovery_code WHERE id = 1"
        ).fetchone()
        if row is None:
            return None
        return RecoveryLockRow(
            str(row["created_at"]), str(row["kdf"]), bytes(row["salt"]), bytes(row["wrapped_root"])
        )

    def put_recovery_lock(self, lock: RecoveryLockRow) -> None:
        self._db.execute(
            "INSERT INTO recovery_code (id, created_at, kdf, salt, wrapped_root) "
            "VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "created_at = excluded.created_at, kdf = excluded.kdf, salt = excluded.salt, "
            "wrapped_root = excluded.wrapped_root",
            (lock.created_at, lock.kdf, lock.salt, lock.wrapped_root),
        )

"""The log's lines as rows of a PostgreSQL vault's own database: one row per entry,
`start` its byte offset in the log as a file would hold it, so that the head's `size`
is still the committed length and the chain and its checks are the file's, byte for
byte (`log_verify`).

A row is inserted inside the transaction that already holds the head's row locked
(`PostgresStore.transaction`) and moves the head: the action, its entry and the head
commit together or not at all, and writers on every host append to one chain. A
rolled-back transaction takes its row with it, so nothing is ever cut back by hand.
"""

from __future__ import annotations

from secure_records.vault.log_lines import LogError, written_before
from secure_records.vault.postgres.dialect import PgConnection
from secure_records.vault.sqlite.stored_rows import BATCH_ROWS

_LAST = "SELECT seq, start + length(line) AS stop FROM log_entries ORDER BY seq DESC LIMIT 1"
_BACK = "SELECT seq, line FROM log_entries WHERE start < ? AND seq < ? ORDER BY seq DESC LIMIT ?"
_TOP = 2**62  # above any seq: the first look back starts at the end


class LogRows:
    def __init__(self, db: PgConnection, where: str) -> None:
        self._db = db
        self.where = f"in {where}"

    def create(self) -> None:
        # The table is laid out with the vault's schema, empty.
        pass

    def tail(self, end: int) -> bytes:
        found = self._db.execute(
            "SELECT start, line FROM log_entries WHERE start < ? ORDER BY seq DESC LIMIT 2", (end,)
        ).fetchall()
        if (found[0]["start"] + len(found[0]["line"]) if found else 0) < end:
            raise LogError(
                f"The log {self.where} is shorter than its sealed head says (truncated); "
                "run 'secure-records log verify'."
            )
        return b"".join(bytes(row["line"]) for row in reversed(found))

    def append(self, end: int, line: bytes) -> None:
        if not self._db.in_transaction:
            # Alone it would commit apart from the head it must move with.
            raise LogError("An entry can be added to the log only with the action it records.")
        last = self._db.execute(_LAST).fetchone()
        seq, stop = (0, 0) if last is None else (int(last["seq"]), int(last["stop"]))
        if stop < end:
            raise LogError(
                f"The log {self.where} is shorter than its sealed head says; it has been "
                "truncated. Run 'secure-records log verify'."
            )
        if stop > end:
            raise LogError(
                f"The log {self.where} holds entries its sealed head never committed (added "
                "behind the vault's back); nothing was recorded. Run 'secure-records log verify'."
            )
        self._db.execute(
            "INSERT INTO log_entries (seq, start, line) VALUES (?, ?, ?)", (seq + 1, end, line)
        )

    def cut_back(self, size: int) -> None:
        # The transaction's rollback has already taken the row out.
        pass

    def read(self) -> bytes:
        sql = "SELECT line FROM log_entries ORDER BY seq"
        return b"".join(line for batch in self._db.batches(sql, BATCH_ROWS) for (line,) in batch)

    def read_from(self, start: int, end: int) -> bytes:
        found = self._db.execute(
            "SELECT line FROM log_entries WHERE start >= ? AND start < ? ORDER BY seq", (start, end)
        )
        return b"".join(bytes(row["line"]) for row in found)

    def read_back_to(self, end: int, since: str) -> bytes:
        lines: list[bytes] = []
        below, wanted = _TOP, 256
        while True:
            found = self._db.execute(_BACK, (end, below, wanted)).fetchall()
            for row in found:
                lines.append(bytes(row["line"]))
                if written_before(lines[-1], since):
                    return b"".join(reversed(lines))
            if len(found) < wanted:
                return b"".join(reversed(lines))
            below, wanted = int(found[-1]["seq"]), wanted * 4

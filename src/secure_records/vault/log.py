"""The encrypted, tamper-evident log of every access and decision.

One line per entry, in an append-only file beside a SQLite vault or as rows of the
vault's PostgreSQL database (`vault.log_lines`: the store chooses):

    {"seq":N,"time":"...","vault":"...","g":"<b64>","p":"<b64>"|null,"k":"<id>"|null}<TAB><MAC>

- `g`: who, in which role, did what, to which record, with details that describe
  nobody: AES-GCM under the log's encryption key.
- `p`: details that name or describe a person (a reveal's reason, a note's kind):
  AES-GCM under that record's own data key (`k` names it), so that disposing of the
  record makes them unreadable while the chain still verifies.
- MAC: HMAC-SHA256 over the previous entry's MAC and this line's body, so that
  changing, removing or reordering any entry breaks every MAC after it.

The sealed head (sequence number, last MAC, committed length, and an HMAC over them)
lives in the vault database, apart from the log, and is updated in the same
transaction as the action the entry records: the action and its entry commit
together or not at all. Whatever lies in the file beyond the head's length was never
committed (a crash mid-append) and is cut off by the next append; a log shorter than
its head has been truncated.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from secure_records.core.errors import VaultError
from secure_records.core.log_actions import LogAction
from secure_records.core.progress import Progress, no_progress
from secure_records.vault.envelope import PadHmac, seal, unseal
from secure_records.vault.log_chain import Chain, b64, parse_line, unb64
from secure_records.vault.log_lines import LogError, LogLines
from secure_records.vault.log_verify import (
    CHECKPOINT_PREFIX,
    Restore,
    Verdict,
    read_checkpoint,
    verify,
)
from secure_records.vault.rows import LogHead
from secure_records.vault.store import Store

__all__ = ["DISPOSED", "AuditLog", "LogEntry", "LogError", "Verdict"]

DISPOSED = "[disposed]"
# `k` of a personal part sealed under the vault's own key: it belongs to no record.
OWN_KEY_ID = "vault"
# Meta: the entries that say the vault was restored (a hint: each is opened and checked).
RESTORES_META = "restores"


def _derive(root: bytes, label: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label.encode()).derive(root)


@dataclass(frozen=True)
class LogEntry:
    """One entry, decrypted as far as the keys still allow."""

    seq: int
    time: str
    actor: str
    role: str
    action: str
    record_id: str | None
    details: dict[str, Any]
    personal: dict[str, Any] | str | None  # DISPOSED once the record's key is destroyed


def _entry(
    doc: dict[str, Any], general: dict[str, Any], personal: dict[str, Any] | str | None
) -> LogEntry:
    return LogEntry(
        int(doc["seq"]),
        doc["time"],
        general["actor"],
        general["role"],
        general["action"],
        general["record"],
        general["details"],
        personal,
    )


class AuditLog:
    def __init__(
        self,
        lines: LogLines,
        store: Store,
        vault_id: str,
        root_key: bytes,
        record_key: Callable[[str], tuple[str, AESGCM] | None],
        own_key: Callable[[], AESGCM] | None = None,
    ) -> None:
        """`record_key(record_id)` gives the record's (key id, data key), or None once
        the record has been disposed of; `own_key()` the vault's key for a personal
        part that belongs to no record (what was typed about a concern)."""
        self.lines = lines
        self.where = lines.where  # for messages
        self._store = store
        self._vault_id = vault_id
        self._aead = AESGCM(_derive(root_key, "secure-records log encryption v1"))
        self._chain = Chain(_derive(root_key, "secure-records log chain v1"), vault_id)
        self._head_mac = PadHmac(_derive(root_key, "secure-records log head v1"))
        self._record_key = record_key
        self._own_key = own_key
        self.genesis = self._chain.genesis

    # the head

    def _seal(self, seq: int, size: int, mac: bytes) -> bytes:
        return self._head_mac.digest(f"{self._vault_id}|{seq}|{size}|".encode(), mac)

    def head(self) -> LogHead:
        head = self._store.log_head()
        if head is None:
            raise LogError(f"The log's sealed head is missing from {self._store.path}.")
        if not hmac.compare_digest(head.seal, self._seal(head.seq, head.size, head.mac)):
            raise LogError(f"The log's sealed head in {self._store.path} has been altered.")
        return head

    @staticmethod
    def create(lines: LogLines, store: Store, vault_id: str, root_key: bytes) -> None:
        """An empty log and its head; call inside the vault's creating transaction."""
        lines.create()
        log = AuditLog(lines, store, vault_id, root_key, lambda _: None)
        store.put_log_head(LogHead(0, 0, log.genesis, log._seal(0, 0, log.genesis)))

    def check_tail(self) -> None:
        """A quick look before a session starts: the log exists, is at least as long as
        its head, and its last committed entry chains to the head. (`verify` checks
        every entry.)"""
        head = self.head()
        chunk = self.lines.tail(head.size)
        if head.seq == 0:
            return
        lines = chunk.split(b"\n")[:-1]
        body, mac = parse_line(lines[-1] if lines else b"")
        if head.seq == 1:
            prev_mac: bytes | None = self.genesis
        else:
            prev_mac = parse_line(lines[-2])[1] if len(lines) >= 2 else None
        links = prev_mac is not None and self._chain.links(mac, prev_mac, body)
        if not (links and mac is not None and hmac.compare_digest(mac, head.mac)):
            raise LogError(
                f"The log {self.where} is damaged: its last entry does not match its sealed "
                "head; run 'secure-records log verify'."
            )

    # appending

    def append(
        self,
        actor: str,
        role: str,
        action: LogAction,
        record_id: str | None = None,
        details: dict[str, Any] | None = None,
        personal: dict[str, Any] | None = None,
    ) -> tuple[int, int]:
        """Write one entry durably and move the head, inside the caller's transaction.

        Returns (sequence number, the file length before it) so that the caller can
        cut the entry off again if its transaction rolls back.
        """
        head = self.head()
        seq = head.seq + 1
        general = {
            "actor": actor,
            "role": role,
            "action": action,
            "record": record_id,
            "details": details or {},
        }
        sealed_general = seal(self._aead, json.dumps(general).encode(), self._ad(seq))
        sealed_personal: str | None = None
        key_id: str | None = None
        if personal is not None:
            key_id, record_aead = self._personal_key(record_id)
            sealed_personal = b64(
                seal(record_aead, json.dumps(personal).encode(), self._personal_ad(seq, record_id))
            )
        body = json.dumps(
            {
                "seq": seq,
                "time": datetime.now(UTC).isoformat(timespec="microseconds"),
                "vault": self._vault_id,
                "g": b64(sealed_general),
                "p": sealed_personal,
                "k": key_id,
            },
            separators=(",", ":"),
        ).encode()
        mac, line = self._chain.line(head.mac, body)
        self.lines.append(head.size, line)
        new_size = head.size + len(line)
        self._store.put_log_head(LogHead(seq, new_size, mac, self._seal(seq, new_size, mac)))
        return seq, head.size

    def cut_back(self, size: int) -> None:
        """Remove an entry whose transaction rolled back (best effort: the next append
        would cut it off anyway)."""
        self.lines.cut_back(size)

    def _ad(self, seq: int) -> bytes:
        return f"log|{self._vault_id}|{seq}".encode()

    def _personal_key(self, record_id: str | None) -> tuple[str, AESGCM]:
        if record_id is None:
            if self._own_key is None:
                raise LogError("A personal detail in the log must belong to a record.")
            return OWN_KEY_ID, self._own_key()
        found = self._record_key(record_id)
        if found is None:
            raise LogError(f"Record {record_id} has no data key to protect its log details.")
        return found

    def _personal_ad(self, seq: int, record_id: str | None) -> bytes:
        return f"log-personal|{self._vault_id}|{seq}|{record_id or OWN_KEY_ID}".encode()

    # reading

    def entries(self, *, personal: bool = True) -> Iterator[LogEntry]:
        """Every committed entry, decrypted. Verify first: this trusts the chain.
        `personal=False` leaves each entry's personal part sealed (None): most of the
        cost, and not needed by a check that reads only who did what."""
        head = self.head()
        data = self.lines.read()[: head.size]
        for raw_line in data.splitlines():
            doc = json.loads(parse_line(raw_line)[0])
            seq = int(doc["seq"])
            general = json.loads(
                unseal(self._aead, unb64(doc["g"]), self._ad(seq), f"log entry {seq}")
            )
            opened: dict[str, Any] | str | None = None
            if personal and doc.get("p") is not None:
                opened = self._open_personal(seq, general["record"], doc["k"], doc["p"])
            yield _entry(doc, general, opened)

    def recent(
        self, since: str, start: int | None = None, *, personal: bool = False
    ) -> tuple[list[LogEntry], int]:
        """Committed entries written at or after `since` (an ISO time in UTC), without
        their personal parts unless asked, and the length read up to. Pass that back as `start` to
        read only what was written since; without it, the log is read back from its
        head only as far as `since`, so the cost is the window's entries, not the log's."""
        head = self.head()
        if start is not None and start <= head.size:
            data = self.lines.read_from(start, head.size)
        else:
            data = self.lines.read_back_to(head.size, since)
        found: list[LogEntry] = []
        for raw_line in data.splitlines():
            doc = json.loads(parse_line(raw_line)[0])
            if doc["time"] < since:
                continue
            seq = int(doc["seq"])
            general = json.loads(
                unseal(self._aead, unb64(doc["g"]), self._ad(seq), f"log entry {seq}")
            )
            opened: dict[str, Any] | str | None = None
            if personal and doc.get("p") is not None:
                opened = self._open_personal(seq, general["record"], doc["k"], doc["p"])
            found.append(_entry(doc, general, opened))
        return found, head.size

    def _open_personal(
        self, seq: int, record_id: str | None, key_id: str, sealed: str
    ) -> dict[str, Any] | str:
        own = record_id is None and key_id == OWN_KEY_ID and self._own_key is not None
        found = self._personal_key(None) if own else self._record_key(record_id or "")
        if found is None or found[0] != key_id:
            return DISPOSED
        plain = unseal(
            found[1], unb64(sealed), self._personal_ad(seq, record_id), f"log entry {seq}"
        )
        result: dict[str, Any] = json.loads(plain)
        return result

    # verifying

    def verify(self, checkpoint: str | None = None, progress: Progress = no_progress) -> Verdict:
        """The chain from the genesis MAC to the sealed head (log_verify.py); `progress`
        is told the entries walked."""
        head = self.head()
        data = self.lines.read()
        if len(data) > head.size:
            # A writer may be between its append and its commit: wait for it, and read
            # head and file together while no one can write.
            with self._store.transaction():
                head = self.head()
                data = self.lines.read()
        verdict = verify(data, head, self._vault_id, self._chain, checkpoint, progress)
        if checkpoint is None or verdict.intact:
            restores = self.restores(data, head) if verdict.intact else []
            return replace(verdict, notes=[r.note() for r in restores])
        # The checkpoint is not in this log: a restore from a backup older than the
        # checkpoint explains it, if the log itself is whole.
        wanted = read_checkpoint(checkpoint, self._vault_id)
        plain = verify(data, head, self._vault_id, self._chain, None)
        if not plain.intact or isinstance(wanted, str):
            return verdict
        explained = [r for r in self.restores(data, head) if r.backup_seq < wanted[0]]
        if not explained:
            return verdict
        said = explained[-1].before(wanted[0])
        return replace(plain, intact=False, problem=said, checkpoint_before_restore=True)

    def restores(self, data: bytes, head: LogHead) -> list[Restore]:
        """The entries saying this vault was restored from a backup: the vault's meta
        says where they are, and each is opened (it cannot be forged) and checked."""
        try:
            listed = self._store.meta(RESTORES_META)
        except VaultError:
            return []
        lines = data[: head.size].split(b"\n")
        found = []
        for text in listed.split(","):
            seq = int(text) if text.isdigit() else 0
            if not 0 < seq < len(lines):
                continue
            doc = json.loads(parse_line(lines[seq - 1])[0])
            general = json.loads(unseal(self._aead, unb64(doc["g"]), self._ad(seq), f"entry {seq}"))
            details = general["details"]
            if doc["seq"] == seq and general["action"] == LogAction.RESTORED:
                backup_seq, taken_at = int(details["backup_seq"]), details["taken_at"]
                found.append(Restore(seq, doc["time"], backup_seq, taken_at, details["backup"]))
        return found

    def checkpoint(self) -> str:
        head = self.head()
        return f"{CHECKPOINT_PREFIX} {self._vault_id} {head.seq} {b64(head.mac)}"

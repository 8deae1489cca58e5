"""The encrypted, tamper-evident log of every access and decision.

One line per entry in an append-only file:

    {"seq":N,"time":"...","vault":"...","g":"<b64>","p":"<b64>"|null,"k":"<id>"|null}<TAB><MAC>

- `g`: who, in which role, did what, to which record, with details that describe
  nobody: AES-GCM under the log's encryption key.
- `p`: details that name or describe a person (a reveal's reason, a note's kind):
  AES-GCM under that record's own data key (`k` names it), so that disposing of the
  record makes them unreadable while the chain still verifies.
- MAC: HMAC-SHA256 over the previous entry's MAC and this line's body, so that
  changing, removing or reordering any entry breaks every MAC after it.

The sealed head (sequence number, last MAC, committed length, and an HMAC over them)
lives in the vault database, apart from the log, and is updated in the same SQLite
transaction as the action the entry records: the action and its entry commit
together or not at all. Whatever lies in the file beyond the head's length was never
committed (a crash mid-append) and is cut off by the next append; a log shorter than
its head has been truncated.
"""

from __future__ import annotations

import base64
import binascii
import errno
import hashlib
import hmac
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from secure_records.core.errors import VaultError
from secure_records.vault.envelope import PadHmac, seal, unseal
from secure_records.vault.store import LogHead, Store

DISPOSED = "[disposed]"
CHECKPOINT_PREFIX = "secure-records-checkpoint v1"


class LogError(VaultError):
    """The log cannot be written or read; the action it would record does not happen."""


def _derive(root: bytes, label: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label.encode()).derive(root)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    """Strict: the one canonical encoding only. A flip in the spare bits of a last
    base64 digit decodes to the same bytes, and would otherwise pass unnoticed."""
    raw = base64.b64decode(text, validate=True)
    if base64.b64encode(raw).decode() != text:
        raise binascii.Error("not the canonical encoding")
    return raw


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


@dataclass(frozen=True)
class Verdict:
    """What `log verify` found."""

    intact: bool
    entries: int
    first_time: str | None = None
    last_time: str | None = None
    problem: str | None = None  # the first bad entry and what is wrong
    crash_tail: bool = False  # only a torn or uncommitted final write: not tampering
    notes: list[str] = field(default_factory=list)

    def sentence(self) -> str:
        if self.intact:
            span = f", {self.first_time} to {self.last_time}" if self.entries else ""
            return f"intact: {self.entries} entries{span}"
        return str(self.problem)


class AuditLog:
    def __init__(
        self,
        path: Path,
        store: Store,
        vault_id: str,
        root_key: bytes,
        record_key: Callable[[str], tuple[str, AESGCM] | None],
    ) -> None:
        """`record_key(record_id)` gives the record's (key id, data key), or None once
        the record has been disposed of."""
        self.path = path
        self._store = store
        self._vault_id = vault_id
        self._aead = AESGCM(_derive(root_key, "secure-records log encryption v1"))
        self._mac_key = _derive(root_key, "secure-records log chain v1")
        self._chain = PadHmac(self._mac_key)
        self._head_mac = PadHmac(_derive(root_key, "secure-records log head v1"))
        self._record_key = record_key
        self.genesis = self._chain.digest(f"genesis|{vault_id}".encode())

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
    def create(path: Path, store: Store, vault_id: str, root_key: bytes) -> None:
        """An empty log and its head; call inside the vault's creating transaction."""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.fsync(fd)
        os.close(fd)
        log = AuditLog(path, store, vault_id, root_key, lambda _: None)
        store.put_log_head(LogHead(0, 0, log.genesis, log._seal(0, 0, log.genesis)))

    def check_tail(self) -> None:
        """A quick look before a session starts: the log exists, is at least as long as
        its head, and its last committed entry chains to the head. (`verify` checks
        every entry.)"""
        head = self.head()
        try:
            with open(self.path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size < head.size:
                    raise LogError(
                        f"The log {self.path} is shorter than its sealed head says (truncated); "
                        "run 'secure-records log verify'."
                    )
                # The last two whole lines; entries can be long, so widen until found.
                window = 65536
                while True:
                    start = max(0, head.size - window)
                    handle.seek(start)
                    chunk = handle.read(head.size - start)
                    if start == 0 or chunk.count(b"\n") >= 3:
                        break
                    window *= 4
        except FileNotFoundError:
            raise LogError(f"The log {self.path} is missing; nothing can be recorded.") from None
        except OSError as exc:
            raise LogError(f"The log {self.path} cannot be read ({exc.strerror}).") from None
        if head.seq == 0:
            return
        lines = chunk.split(b"\n")[:-1]
        last = lines[-1] if lines else b""
        previous = lines[-2] if len(lines) >= 2 else None
        body, _, mac_text = last.rpartition(b"\t")
        try:
            mac = _unb64(mac_text.decode())
            prev_mac = (
                self.genesis
                if head.seq == 1
                else _unb64(previous.rpartition(b"\t")[2].decode())
                if previous
                else b""
            )
        except (ValueError, UnicodeDecodeError, binascii.Error):
            mac, prev_mac = b"", b""
        expected = hmac.new(self._mac_key, prev_mac + body, hashlib.sha256).digest()
        if not (hmac.compare_digest(mac, head.mac) and hmac.compare_digest(mac, expected)):
            raise LogError(
                f"The log {self.path} is damaged: its last entry does not match its sealed "
                "head; run 'secure-records log verify'."
            )

    # appending

    def append(
        self,
        actor: str,
        role: str,
        action: str,
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
            if record_id is None:
                raise LogError("A personal detail in the log must belong to a record.")
            found = self._record_key(record_id)
            if found is None:
                raise LogError(f"Record {record_id} has no data key to protect its log details.")
            key_id, record_aead = found
            sealed_personal = _b64(
                seal(record_aead, json.dumps(personal).encode(), self._personal_ad(seq, record_id))
            )
        body = json.dumps(
            {
                "seq": seq,
                "time": datetime.now(UTC).isoformat(timespec="microseconds"),
                "vault": self._vault_id,
                "g": _b64(sealed_general),
                "p": sealed_personal,
                "k": key_id,
            },
            separators=(",", ":"),
        ).encode()
        mac = self._chain.digest(head.mac, body)
        line = body + b"\t" + _b64(mac).encode() + b"\n"
        try:
            fd = os.open(self.path, os.O_RDWR)
        except FileNotFoundError:
            raise LogError(f"The log {self.path} is missing; nothing can be recorded.") from None
        except OSError as exc:
            raise LogError(f"The log {self.path} cannot be opened ({exc.strerror}).") from None
        try:
            size = os.fstat(fd).st_size
            if size < head.size:
                raise LogError(
                    f"The log {self.path} is shorter than its sealed head says; it has been "
                    "truncated. Run 'secure-records log verify'."
                )
            if size > head.size:
                tail = os.pread(fd, size - head.size, head.size)
                if not _one_crashed_write(tail):
                    raise LogError(
                        f"The log {self.path} holds entries the vault database never committed: "
                        "the database is older than the log (restored from a backup?). Nothing "
                        "was recorded; run 'secure-records log verify'."
                    )
                # Never committed: a crash between writing and committing. Cut it off.
                os.ftruncate(fd, head.size)
            written = 0
            while written < len(line):
                done = os.pwrite(fd, line[written:], head.size + written)
                if done <= 0:
                    raise OSError(errno.EIO, "the write made no progress")
                written += done
            os.fsync(fd)
        except OSError as exc:
            raise LogError(f"The log {self.path} cannot be written ({exc.strerror}).") from None
        finally:
            os.close(fd)
        new_size = head.size + len(line)
        self._store.put_log_head(LogHead(seq, new_size, mac, self._seal(seq, new_size, mac)))
        return seq, head.size

    def cut_back(self, size: int) -> None:
        """Remove an entry whose transaction rolled back (best effort: the next append
        would cut it off anyway)."""
        try:
            with open(self.path, "r+b") as handle:
                if os.fstat(handle.fileno()).st_size > size:
                    handle.truncate(size)
        except OSError:
            pass

    def _ad(self, seq: int) -> bytes:
        return f"log|{self._vault_id}|{seq}".encode()

    def _personal_ad(self, seq: int, record_id: str) -> bytes:
        return f"log-personal|{self._vault_id}|{seq}|{record_id}".encode()

    # reading

    def _lines(self) -> bytes:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            raise LogError(f"The log {self.path} is missing.") from None
        except OSError as exc:
            raise LogError(f"The log {self.path} cannot be read ({exc.strerror}).") from None

    def entries(self) -> Iterator[LogEntry]:
        """Every committed entry, decrypted. Verify first: this trusts the chain."""
        head = self.head()
        data = self._lines()[: head.size]
        for raw_line in data.splitlines():
            body, _, _ = raw_line.rpartition(b"\t")
            doc = json.loads(body)
            seq = int(doc["seq"])
            general = json.loads(
                unseal(self._aead, _unb64(doc["g"]), self._ad(seq), f"log entry {seq}")
            )
            personal: dict[str, Any] | str | None = None
            if doc.get("p") is not None:
                personal = self._open_personal(seq, general["record"], doc["k"], doc["p"])
            yield LogEntry(
                seq,
                doc["time"],
                general["actor"],
                general["role"],
                general["action"],
                general["record"],
                general["details"],
                personal,
            )

    def _open_personal(
        self, seq: int, record_id: str, key_id: str, sealed: str
    ) -> dict[str, Any] | str:
        found = self._record_key(record_id)
        if found is None or found[0] != key_id:
            return DISPOSED
        plain = unseal(
            found[1], _unb64(sealed), self._personal_ad(seq, record_id), f"log entry {seq}"
        )
        result: dict[str, Any] = json.loads(plain)
        return result

    # verifying

    def verify(self, checkpoint: str | None = None) -> Verdict:
        head = self.head()
        data = self._lines()
        if len(data) > head.size:
            # A writer may be between its append and its commit: wait for it, and read
            # head and file together while no one can write.
            with self._store.transaction():
                head = self.head()
                data = self._lines()
        return _verify(
            data,
            head,
            self._vault_id,
            self._mac_key,
            self.genesis,
            checkpoint,
        )

    def checkpoint(self) -> str:
        head = self.head()
        return f"{CHECKPOINT_PREFIX} {self._vault_id} {head.seq} {_b64(head.mac)}"


def _one_crashed_write(tail: bytes) -> bool:
    """Bytes beyond the head that one append cut short by a crash could leave: at most
    one line, whole or torn. Under the write lock no more can be uncommitted."""
    return b"\n" not in tail[:-1]


def _next_entry(line: bytes, seq: int, vault_id: str, mac_key: bytes, prev_mac: bytes) -> bool:
    """Is this line the entry this log would have written next?"""
    body, tab, mac_text = line.rpartition(b"\t")
    try:
        doc = json.loads(body) if tab else None
        mac = _unb64(mac_text.decode())
    except (ValueError, UnicodeDecodeError, binascii.Error):
        return False
    return (
        isinstance(doc, dict)
        and doc.get("seq") == seq
        and doc.get("vault") == vault_id
        and hmac.compare_digest(mac, hmac.new(mac_key, prev_mac + body, hashlib.sha256).digest())
    )


def _problem(seq_at: int, what: str) -> str:
    return f"entry {seq_at}: {what}"


def _verify(
    data: bytes,
    head: LogHead,
    vault_id: str,
    mac_key: bytes,
    genesis: bytes,
    checkpoint: str | None,
) -> Verdict:
    """Walk the chain; only if it breaks, look closer to name what is wrong.

    An unbroken chain from the genesis MAC to the sealed head proves every entry is
    the one written, in its place: a deleted, moved or altered entry breaks the MAC
    of the next. So the fast pass needs no parsing beyond the line's last tab.
    """
    if checkpoint is None and len(data) == head.size and data.endswith(b"\n"):
        chain = PadHmac(mac_key)
        prev = genesis
        lines = data[:-1].split(b"\n")
        for line in lines:
            body, _, mac_text = line.rpartition(b"\t")
            try:
                mac = binascii.a2b_base64(mac_text, strict_mode=True)
            except binascii.Error:
                break
            if binascii.b2a_base64(mac, newline=False) != mac_text:
                break  # decodes, but is not what was written: the slow pass names it
            if not hmac.compare_digest(mac, chain.digest(prev, body)):
                break
            prev = mac
        else:
            if len(lines) == head.seq and hmac.compare_digest(prev, head.mac):
                first, last = (json.loads(x.rpartition(b"\t")[0]) for x in (lines[0], lines[-1]))
                return Verdict(True, head.seq, first.get("time"), last.get("time"))
    if not data and head.seq == 0 and head.size == 0:
        return Verdict(True, 0)
    return _diagnose(data, head, vault_id, mac_key, genesis, checkpoint)


def _diagnose(
    data: bytes,
    head: LogHead,
    vault_id: str,
    mac_key: bytes,
    genesis: bytes,
    checkpoint: str | None,
) -> Verdict:
    """The slow pass: parse every entry and name the first thing wrong."""
    wanted_checkpoint: tuple[int, bytes] | None = None
    if checkpoint is not None:
        parts = checkpoint.strip().split(" ")
        try:
            if " ".join(parts[:2]) != CHECKPOINT_PREFIX or len(parts) != 5:
                raise ValueError
            if parts[2] != vault_id:
                return Verdict(False, 0, problem="the checkpoint belongs to another vault")
            wanted_checkpoint = (int(parts[3]), _unb64(parts[4]))
        except (ValueError, binascii.Error):
            return Verdict(
                False, 0, problem="the checkpoint line is not one 'log checkpoint' printed"
            )

    committed, tail = data[: head.size], data[head.size :]
    lines = committed.split(b"\n")
    torn_inside = lines[-1] != b""  # the committed part must end on a whole line
    lines = lines[:-1]
    parsed: list[tuple[dict[str, Any] | None, bytes, bytes]] = []
    for line in lines:
        body, tab, mac_text = line.rpartition(b"\t")
        try:
            doc = json.loads(body) if tab else None
            mac = _unb64(mac_text.decode()) if tab else b""
        except (ValueError, UnicodeDecodeError, binascii.Error):
            doc, mac = None, b""
        parsed.append((doc if isinstance(doc, dict) else None, body, mac))
    seqs = [doc.get("seq") if doc else None for doc, _, _ in parsed]

    prev_mac = genesis
    expected = 1
    first_time = last_time = None
    for position, (doc, body, mac) in enumerate(parsed):
        if doc is None or not isinstance(doc.get("seq"), int):
            return Verdict(
                False, position, problem=_problem(expected, "modified (the line cannot be read)")
            )
        seq: int = doc["seq"]
        if doc.get("vault") != vault_id:
            return Verdict(
                False,
                position,
                problem=_problem(
                    expected, f"spliced (an entry from another vault, {doc.get('vault')})"
                ),
            )
        if seq != expected:
            later = expected in seqs[position + 1 :]
            if later or seq < expected:
                what = f"out of order (found entry {seq} where entry {expected} belongs)"
            else:
                what = f"missing (gap: entries {expected} to {seq - 1} are gone)"
            return Verdict(False, position, problem=_problem(expected, what))
        if not hmac.compare_digest(
            mac, hmac.new(mac_key, prev_mac + body, hashlib.sha256).digest()
        ):
            return Verdict(
                False,
                position,
                problem=_problem(
                    seq, "modified (its MAC does not match: altered, or from another key)"
                ),
            )
        if wanted_checkpoint and wanted_checkpoint[0] == seq and wanted_checkpoint[1] != mac:
            return Verdict(False, position, problem=_problem(seq, "does not match the checkpoint"))
        prev_mac = mac
        expected = seq + 1
        first_time = first_time or doc.get("time")
        last_time = doc.get("time")
    count = expected - 1
    if torn_inside or count < head.seq:
        return Verdict(
            False,
            count,
            problem=f"truncated (head says {head.seq} entries, log has {count})",
        )
    if not hmac.compare_digest(prev_mac, head.mac):
        return Verdict(
            False, count, problem=_problem(count, "modified (does not end at the sealed head)")
        )
    if wanted_checkpoint and wanted_checkpoint[0] > count:
        return Verdict(
            False,
            count,
            problem=(
                f"truncated (the checkpoint is at entry {wanted_checkpoint[0]}, log has {count})"
            ),
        )
    if tail and not _one_crashed_write(tail):
        extra = tail.count(b"\n") + (0 if tail.endswith(b"\n") else 1)
        return Verdict(
            False,
            count,
            first_time,
            last_time,
            problem=(
                f"entry {count + 1}: {extra} entries lie beyond the sealed head: the vault "
                "database is older than the log (restored from a backup, or rolled back)"
            ),
        )
    if tail.endswith(b"\n") and not _next_entry(tail[:-1], count + 1, vault_id, mac_key, prev_mac):
        # A whole line after the head that is not this log's next entry was not left by
        # a crash: someone appended it.
        return Verdict(
            False,
            count,
            first_time,
            last_time,
            problem=_problem(
                count + 1,
                "appended after the sealed head, and not this log's next entry "
                "(from another vault or key, or altered)",
            ),
        )
    if tail:
        kind = "an uncommitted" if tail.endswith(b"\n") else "a torn"
        return Verdict(
            False,
            count,
            first_time,
            last_time,
            problem=(
                f"entry {count + 1}: {kind} final write after a crash, beyond the sealed head "
                f"(not tampering: the {count} committed entries are intact; the next append "
                "discards it)"
            ),
            crash_tail=True,
        )
    return Verdict(True, count, first_time, last_time)

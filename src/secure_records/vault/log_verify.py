"""`log verify`: walk the chain from the genesis MAC to the sealed head, and if it
breaks, name the first entry that is wrong and how."""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass, field
from typing import Any

from secure_records.core.progress import Progress, no_progress
from secure_records.core.text import counted
from secure_records.vault.log_chain import Chain, one_crashed_write, parse_line, unb64
from secure_records.vault.rows import LogHead

CHECKPOINT_PREFIX = "secure-records-checkpoint v1"
EVERY = 4096  # entries walked between two counts told to `progress`


@dataclass(frozen=True)
class Verdict:
    """What `log verify` found."""

    intact: bool
    entries: int
    first_time: str | None = None
    last_time: str | None = None
    problem: str | None = None  # the first bad entry and what is wrong
    crash_tail: bool = False  # only a torn or uncommitted final write: not tampering
    notes: list[str] = field(default_factory=list)  # restores, said with the verdict
    # The checkpoint's entry lies after a backup this vault was restored from.
    checkpoint_before_restore: bool = False

    def sentence(self) -> str:
        if self.intact:
            span = f", {self.first_time} to {self.last_time}" if self.entries else ""
            said = "".join(f"; {note}" for note in self.notes)
            return f"intact: {counted(self.entries, 'entry', 'entries')}{span}{said}"
        return str(self.problem)

    def facts(self) -> dict[str, Any]:
        """What `log verify --json` prints: the same facts as the sentence."""
        return {
            "intact": self.intact,
            "entries": self.entries,
            "first_time": self.first_time,
            "last_time": self.last_time,
            "problem": self.problem,
            "crash_tail": self.crash_tail,
        }


@dataclass(frozen=True)
class Restore:
    """A RESTORED entry of the log: where the vault's history starts again."""

    seq: int  # the entry saying so
    at: str  # when it was written
    backup_seq: int  # the last entry the backup held
    taken_at: str
    backup_id: str

    def note(self) -> str:
        return (
            f"restored at entry {self.seq} ({self.at}) from backup {self.backup_id} taken at "
            f"{self.taken_at} (its log ended at entry {self.backup_seq}; entries written "
            "after it are not in this vault)"
        )

    def before(self, checkpoint_seq: int) -> str:
        # Which side of the restore the checkpoint was taken on, only the person who
        # took it knows: say both, and leave the exit code at "not extended".
        return (
            f"the log does not extend the checkpoint (entry {checkpoint_seq}): this vault was "
            f"restored at entry {self.seq} ({self.at}) from backup {self.backup_id} taken at "
            f"{self.taken_at}, whose log ended at entry {self.backup_seq}, so a checkpoint "
            "taken before the restore cannot be extended (a restore, not tampering; take a "
            "new checkpoint). A checkpoint taken after the restore would mean the log was "
            "rolled back"
        )


def verify(
    data: bytes,
    head: LogHead,
    vault_id: str,
    chain: Chain,
    checkpoint: str | None,
    progress: Progress = no_progress,
) -> Verdict:
    """Walk the chain; only if it breaks, look closer to name what is wrong.

    An unbroken chain from the genesis MAC to the sealed head proves every entry is
    the one written, in its place: a deleted, moved or altered entry breaks the MAC
    of the next. So the fast pass needs no parsing beyond the line's last tab.
    `progress` is told the entries walked out of the head's count.
    """
    progress(0, head.seq)
    if checkpoint is None and len(data) == head.size and data.endswith(b"\n"):
        prev, mac_of = chain.genesis, chain.mac
        lines = data[:-1].split(b"\n")
        for done, line in enumerate(lines, 1):
            body, mac = parse_line(line)
            if mac is None or not hmac.compare_digest(mac, mac_of(prev, body)):
                break
            prev = mac
            if not done % EVERY:
                progress(done, max(done, head.seq))
        else:
            progress(len(lines), max(len(lines), head.seq))
            if len(lines) == head.seq and hmac.compare_digest(prev, head.mac):
                first, last = (json.loads(parse_line(x)[0]) for x in (lines[0], lines[-1]))
                return Verdict(True, head.seq, first.get("time"), last.get("time"))
    if not data and head.seq == 0 and head.size == 0:
        return Verdict(True, 0)
    return _diagnose(data, head, vault_id, chain, checkpoint, progress=progress)


def _problem(seq_at: int, what: str) -> str:
    return f"entry {seq_at}: {what}"


def read_checkpoint(checkpoint: str, vault_id: str) -> tuple[int, bytes] | str:
    """(entry number, MAC) of a checkpoint line, or what is wrong with it."""
    parts = checkpoint.strip().split(" ")
    try:
        if " ".join(parts[:2]) != CHECKPOINT_PREFIX or len(parts) != 5:
            raise ValueError
        if parts[2] != vault_id:
            return "the checkpoint belongs to another vault"
        return int(parts[3]), unb64(parts[4])
    except ValueError:  # binascii.Error included
        return "the checkpoint line is not one 'log checkpoint' printed"


def _parsed(line: bytes) -> tuple[dict[str, Any] | None, bytes, bytes | None]:
    """(the body's JSON, or None if unreadable; the body; its MAC)."""
    body, mac = parse_line(line)
    if mac is None:
        return None, body, None
    try:
        doc = json.loads(body)
    except ValueError:  # UnicodeDecodeError and JSONDecodeError included
        return None, body, mac
    return (doc if isinstance(doc, dict) else None), body, mac


def _next_entry(line: bytes, seq: int, vault_id: str, chain: Chain, prev_mac: bytes) -> bool:
    """Is this line the entry this log would have written next?"""
    doc, body, mac = _parsed(line)
    return (
        doc is not None
        and doc.get("seq") == seq
        and doc.get("vault") == vault_id
        and chain.links(mac, prev_mac, body)
    )


def _out_of_place(seq: int, expected: int, later: list[Any]) -> str:
    if expected in later or seq < expected:
        return f"out of order (found entry {seq} where entry {expected} belongs)"
    if seq - 1 == expected:
        return f"missing (gap: entry {expected} is gone)"
    return f"missing (gap: entries {expected} to {seq - 1} are gone)"


def _diagnose(
    data: bytes,
    head: LogHead,
    vault_id: str,
    chain: Chain,
    checkpoint: str | None,
    *,
    progress: Progress,
) -> Verdict:
    """The slow pass: parse every entry and name the first thing wrong."""
    wanted: tuple[int, bytes] | None = None
    if checkpoint is not None:
        read = read_checkpoint(checkpoint, vault_id)
        if isinstance(read, str):
            return Verdict(False, 0, problem=read)
        wanted = read

    committed, tail = data[: head.size], data[head.size :]
    lines = committed.split(b"\n")
    torn_inside = lines[-1] != b""  # the committed part must end on a whole line
    parsed = [_parsed(line) for line in lines[:-1]]
    seqs = [doc.get("seq") if doc else None for doc, _, _ in parsed]

    prev_mac = chain.genesis
    expected = 1
    first_time = last_time = None
    for position, (doc, body, mac) in enumerate(parsed):
        if doc is None or not isinstance(doc.get("seq"), int):
            what = _problem(expected, "modified (the line cannot be read)")
        elif doc.get("vault") != vault_id:
            vault = doc.get("vault")
            what = _problem(expected, f"spliced (an entry from another vault, {vault})")
        elif doc["seq"] != expected:
            what = _problem(expected, _out_of_place(doc["seq"], expected, seqs[position + 1 :]))
        elif mac is None or not chain.links(mac, prev_mac, body):
            what = _problem(
                expected, "modified (its MAC does not match: altered, or from another key)"
            )
        elif wanted and wanted[0] == expected and wanted[1] != mac:
            what = _problem(expected, "does not match the checkpoint")
        else:
            prev_mac = mac
            if not expected % EVERY:
                progress(expected, max(expected, head.seq))
            expected += 1
            first_time = first_time or doc.get("time")
            last_time = doc.get("time")
            continue
        return Verdict(False, position, problem=what)
    count = expected - 1
    progress(count, max(count, head.seq))

    def broken(problem: str, crash_tail: bool = False) -> Verdict:
        return Verdict(False, count, first_time, last_time, problem=problem, crash_tail=crash_tail)

    if torn_inside or count < head.seq:
        return broken(
            f"truncated (head says {counted(head.seq, 'entry', 'entries')}, log has {count})"
        )
    if not hmac.compare_digest(prev_mac, head.mac):
        return broken(_problem(count, "modified (does not end at the sealed head)"))
    if wanted and wanted[0] > count:
        return broken(f"truncated (the checkpoint is at entry {wanted[0]}, log has {count})")
    if tail and not one_crashed_write(tail):
        extra = tail.count(b"\n") + (0 if tail.endswith(b"\n") else 1)
        return broken(
            f"entry {count + 1}: {counted(extra, 'entry lies', 'entries lie')} beyond the sealed "
            "head: the vault database is older than the log (restored from a backup, or rolled "
            "back)"
        )
    if tail.endswith(b"\n") and not _next_entry(tail[:-1], count + 1, vault_id, chain, prev_mac):
        # A whole line after the head that is not this log's next entry was not left by
        # a crash: someone appended it.
        return broken(
            _problem(
                count + 1,
                "appended after the sealed head, and not this log's next entry "
                "(from another vault or key, or altered)",
            )
        )
    if tail:
        kind = "an uncommitted" if tail.endswith(b"\n") else "a torn"
        return broken(
            f"entry {count + 1}: {kind} final write after a crash, beyond the sealed head "
            f"(not tampering: the {counted(count, 'committed entry is', 'committed entries are')} "
            "intact; the next append discards it)",
            crash_tail=True,
        )
    return Verdict(True, count, first_time, last_time)

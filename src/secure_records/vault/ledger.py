"""The disposal ledger: every disposal certified, in a small file beside the database.

A backup holds the database as it was; a disposal certified after it would come back
with a restore. So each certificate is also written here, outside vault.db and
outside every backup, and a restore reads it and disposes of those records again.

    {"seq":N,"vault":"...","disposal":{...the certificate's row...}}<TAB><MAC>

Each line is chained to the one before by an HMAC (the log's chain, vault/log_chain.py)
under a key derived from the vault's root, which the key-encryption key in the keyring
wraps: someone who can only write files can neither forge a line (and so have a
record destroyed) nor alter or reorder one. Lines cut off the end leave a shorter chain
that still verifies: a restore beside the live vault checks the ledger against the
vault's own sealed certificates (admin/backup.py). What it holds describes nobody:
references, the rule, who approved, the destroyed key's id.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from pathlib import Path

from secure_records.core.errors import VaultError
from secure_records.core.statuses import DisposalStatus
from secure_records.vault.log_chain import Chain, parse_line
from secure_records.vault.private_files import create_private_file
from secure_records.vault.rows import DisposalRow

LEDGER_LABEL = "secure-records disposal ledger v1"


class LedgerError(VaultError):
    """The ledger cannot be read, trusted or written; nothing was disposed of or restored."""


@dataclass(frozen=True)
class LedgerEntry:
    seq: int
    row: DisposalRow  # as certified: status executed, the destroyed key's id

    @property
    def record_id(self) -> str:
        return self.row.record_id

    @property
    def key_id(self) -> str:
        return self.row.key_id or ""


def _row(doc: object) -> DisposalRow:
    if not isinstance(doc, dict):
        raise ValueError("not a disposal")
    fields = {f.name for f in dataclasses.fields(DisposalRow)}
    if set(doc) != fields:
        raise ValueError("not a disposal")
    return DisposalRow(**{**doc, "status": DisposalStatus(doc["status"])})


class DisposalLedger:
    def __init__(self, path: Path, vault_id: str, key: bytes) -> None:
        self.path = path
        self._vault_id = vault_id
        self._chain = Chain(key, vault_id)

    def at(self, path: Path) -> DisposalLedger:
        """This vault's ledger as kept elsewhere (a copy beside the backups)."""
        found = DisposalLedger(path, self._vault_id, b"")
        found._chain = self._chain
        return found

    def write_copy(self, committed: bytes) -> None:
        """A restored vault's ledger: the lines it was restored with, as written."""
        with os.fdopen(create_private_file(self.path), "wb") as out:
            out.write(committed)
            out.flush()
            os.fsync(out.fileno())

    def _read(self) -> bytes:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return b""
        except OSError as exc:
            raise LedgerError(
                f"The disposal ledger {self.path} cannot be read ({exc.strerror})."
            ) from None

    def _walk(self, data: bytes) -> tuple[list[LedgerEntry], bytes, int]:
        """The entries of whole lines, the last MAC and the length they end at. A final
        line without its newline was torn by a crash mid-write: it never counted."""
        entries: list[LedgerEntry] = []
        mac, end = self._chain.genesis, 0
        for number, line in enumerate(data.split(b"\n")[:-1], 1):
            body, line_mac = parse_line(line)
            try:
                doc = json.loads(body)
                if not self._chain.links(line_mac, mac, body):
                    raise ValueError("does not chain")
                if doc.get("seq") != number or doc.get("vault") != self._vault_id:
                    raise ValueError("out of place")
                entries.append(LedgerEntry(number, _row(doc.get("disposal"))))
            except (ValueError, TypeError, KeyError):
                raise LedgerError(
                    f"The disposal ledger {self.path} is damaged or was altered at line "
                    f"{number}: it does not match its seal, so it cannot be trusted."
                ) from None
            assert line_mac is not None
            mac, end = line_mac, end + len(line) + 1
        return entries, mac, end

    def entries(self) -> list[LedgerEntry]:
        """Every disposal certified, each line's seal and place checked."""
        return self._walk(self._read())[0]

    def committed(self) -> bytes:
        """The ledger's checked lines exactly as written (for a restored vault's copy)."""
        data = self._read()
        return data[: self._walk(data)[2]]

    def append(self, row: DisposalRow) -> int:
        """Add a certified disposal durably; call inside the transaction that certifies
        it, and `cut_back` to the length returned if that transaction rolls back."""
        data = self._read()
        entries, mac, end = self._walk(data)
        body = json.dumps(
            {
                "seq": len(entries) + 1,
                "vault": self._vault_id,
                "disposal": dataclasses.asdict(row),
            },
            separators=(",", ":"),
        ).encode()
        line = self._chain.line(mac, body)[1]
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                os.ftruncate(fd, end)  # a torn line a crash left
                os.pwrite(fd, line, end)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise LedgerError(
                f"The disposal ledger {self.path} cannot be written ({exc.strerror}); nothing "
                "was disposed of."
            ) from None
        return end

    def cut_back(self, size: int) -> None:
        """Remove a line whose disposal rolled back (best effort)."""
        try:
            with open(self.path, "r+b") as handle:
                handle.truncate(size)
        except OSError:
            pass

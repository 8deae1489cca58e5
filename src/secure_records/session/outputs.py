"""Outputs kept in the vault (issue 18), a part of Session: disclosure packages,
subject access reports and access review exports, read in the app by those entitled
and released by a safeguarding lead, each step logged.

Who may read one: the person who shared and any lead, for a disclosure package; a
lead (who produces them), for a subject access report; the auditor (who reads the
log), for an access review. None of a restricted record's outputs, without a grant.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from secure_records.core.errors import AccessRefused, BadInput
from secure_records.core.log_actions import LogAction
from secure_records.core.outputs import OutputKind
from secure_records.core.permissions import Permission
from secure_records.session.door import StaffDoor
from secure_records.session.scope import RecordScope
from secure_records.vault.private_files import make_private_dir
from secure_records.vault.releasing import Released, ReleaseLine, release, release_lines
from secure_records.vault.rows import OutputRow
from secure_records.vault.vault import now_utc

# Released travels with the part that hands it out.
__all__ = [
    "OutputSummary",
    "OutputText",
    "Outputs",
    "ReleaseLine",
    "Released",
    "keep_output",
    "release_lines",
]


@dataclass(frozen=True)
class OutputSummary:
    id: str
    kind: OutputKind
    record_id: str | None
    made_by: str
    made_at: str  # UTC, ISO: shown through core/dates


@dataclass(frozen=True)
class OutputText:
    summary: OutputSummary
    text: str
    may_release: bool


def keep_output(
    door: StaffDoor,
    kind: OutputKind,
    record_id: str | None,
    text: str,
    action: LogAction,
    personal: dict[str, str] | None,
    then: Callable[[str], None] | None = None,
    **details: object,
) -> str:
    """Keep an output sealed in the vault with its log entry: both, or neither. Its
    reference, for the person to open it in the app. `then`: more to do with the output
    in the same transaction (a subject access request answered by it)."""
    made = OutputRow(
        f"{kind.value[0].upper()}-{secrets.token_hex(6)}", kind, record_id, door.actor, now_utc()
    )
    with door.recorded(action, record_id, personal=personal, output=made.id, **details):
        door.vault.outputs.add(made, text)
        if then is not None:
            then(made.id)
    return made.id


def _summary(row: OutputRow) -> OutputSummary:
    return OutputSummary(row.id, row.kind, row.record_id, row.made_by, row.made_at)


class Outputs:
    def __init__(self, door: StaffDoor, scope: RecordScope) -> None:
        self._door = door
        self._scope = scope

    def _kinds(self) -> tuple[OutputKind, ...]:
        door = self._door
        kinds = []
        if door.may(Permission.SHARE) or door.may(Permission.APPROVE_SHARING):
            kinds.append(OutputKind.DISCLOSURE_PACKAGE)
        if door.may(Permission.SUBJECT_ACCESS):
            kinds.append(OutputKind.SUBJECT_ACCESS_REPORT)
        if door.may(Permission.READ_LOG):
            kinds.append(OutputKind.ACCESS_REVIEW)
        return tuple(kinds)

    def _entitled(self, row: OutputRow, hidden: set[str]) -> bool:
        if row.kind not in self._kinds() or (row.record_id or "") in hidden:
            return False
        if row.kind is OutputKind.DISCLOSURE_PACKAGE:
            # A caseworker reads the packages they shared; a lead reads every one.
            return self._door.may(Permission.APPROVE_SHARING) or row.made_by == self._door.actor
        return True

    def may_release(self) -> bool:
        return self._door.may(Permission.APPROVE_SHARING)

    def readable(self) -> list[OutputSummary]:
        """The outputs this person may open, newest first."""
        self._door.check_usable()
        hidden = self._scope.hidden_ids()
        rows = self._door.vault.outputs.listing(self._kinds())
        return [_summary(r) for r in reversed(rows) if self._entitled(r, hidden)]

    def _open(self, output_id: str) -> tuple[OutputRow, str]:
        self._door.check_usable()
        found = self._door.vault.outputs.read(output_id.strip())
        if found is None or not self._entitled(found[0], self._scope.hidden_ids()):
            raise AccessRefused(f"{output_id} is not an output you can open.")
        return found

    def read(self, output_id: str) -> OutputText:
        """The output's text, the viewing logged."""
        row, text = self._open(output_id)
        self._door.log(LogAction.OUTPUT_VIEWED, row.record_id, output=row.id, kind=row.kind)
        return OutputText(_summary(row), text, self.may_release() and row.kind in self._kinds())

    def release(self, output_id: str, recipient: str) -> Released:
        """A lead releases an output: an AES-256 zip written under the vault's exports/
        for IT to pass on, its passphrase handed back once (to be given to the
        recipient by phone, on the directory's number)."""
        self._door.require(Permission.APPROVE_SHARING, refused="does not release outputs")
        row, text = self._open(output_id)
        exports = self._door.vault.paths.exports
        make_private_dir(exports)
        path = exports / f"{row.id}-{secrets.token_hex(3)}.zip"
        if not recipient.strip():
            raise BadInput("Say who the file is for: their name and organisation.")
        return release(self._door, row, text, recipient, path)

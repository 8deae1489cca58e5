"""Releasing an output: the one way its text leaves the vault, through either door (a
lead's session, or the host's `export release`), logged with the file it made."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from secure_records.core.access_report import for_release
from secure_records.core.errors import BadInput
from secure_records.core.log_actions import LogAction
from secure_records.core.outputs import OutputKind
from secure_records.vault.door import Door
from secure_records.vault.outputs import ReleaseSlip, new_passphrase, write_zip
from secure_records.vault.rows import OutputRow, ReleaseRow
from secure_records.vault.vault import now_utc

RECIPIENT_MIN = 3
RECIPIENT_MAX = 200


@dataclass(frozen=True)
class Released:
    """What a release made. The passphrase is said once and kept nowhere."""

    release_id: str
    output_id: str
    path: Path
    passphrase: str


def release(door: Door, output: OutputRow, text: str, recipient: str, path: Path) -> Released:
    """Write `text` to a new AES-256 zip at `path` under a new passphrase, and record
    the release (who, when, to whom, where) with its log entry: both, or neither."""
    recipient = recipient.strip()
    if not RECIPIENT_MIN <= len(recipient) <= RECIPIENT_MAX:
        raise BadInput("Say who the file is for: their name and organisation.")
    if output.kind is OutputKind.SUBJECT_ACCESS_REPORT:
        # What the person was not told of never leaves with it (no tipping off).
        text = for_release(text).text
    release_id = f"F-{secrets.token_hex(4)}"
    passphrase = new_passphrase()
    row = ReleaseRow(release_id, output.id, output.kind, door.actor, now_utc())
    written = False
    try:
        # To whom goes with the record's key where there is one (disposal erases it).
        about = {"recipient": recipient}
        with door.recorded(
            LogAction.OUTPUT_RELEASED,
            output.record_id,
            personal=about if output.record_id else None,
            **({} if output.record_id else about),
            output=output.id,
            kind=output.kind,
            release=release_id,
            file=str(path),
        ):
            write_zip(path, f"{output.id}{output.kind.suffix}", text, passphrase)
            written = True
            door.vault.outputs.add_release(row, ReleaseSlip(recipient, str(path)))
    except BaseException:
        # No file without its entry: one that is not on record is not left behind.
        if written:
            path.unlink(missing_ok=True)
        raise
    return Released(release_id, output.id, path, passphrase)


@dataclass(frozen=True)
class ReleaseLine:
    """One release as listed: nothing of what the file holds."""

    release_id: str
    output_id: str
    kind: OutputKind
    released_by: str
    released_at: str
    recipient: str
    path: str
    shredded_at: str | None
    due: bool  # past the policy's days and not yet shredded


def release_lines(door: Door, now: datetime | None = None) -> list[ReleaseLine]:
    """Every release, oldest first, with whether its file is past the policy's days."""
    keep = timedelta(days=door.policy.sharing.disclosure_keep_days)
    moment = now or datetime.now(UTC)
    return [
        ReleaseLine(
            row.id,
            row.output_id,
            row.kind,
            row.released_by,
            row.released_at,
            slip.recipient,
            slip.path,
            row.shredded_at,
            row.shredded_at is None and moment - datetime.fromisoformat(row.released_at) > keep,
        )
        for row, slip in door.vault.outputs.releases()
    ]

"""Outputs at the host: what is kept, what was released, and `export release`, the
host's way to release one (IT, for an auditor's review meeting or a lead's request).
Through the administration's door, so each is logged as the account at the shell."""

from __future__ import annotations

from pathlib import Path

from secure_records.admin.administration import Administration
from secure_records.core.errors import BadInput
from secure_records.core.log_actions import LogAction
from secure_records.core.outputs import OutputKind
from secure_records.vault.releasing import Released, ReleaseLine, release, release_lines
from secure_records.vault.rows import OutputRow

__all__ = ["ReleaseLine", "Released", "kept_outputs", "release_output", "releases"]


def kept_outputs(admin: Administration) -> list[OutputRow]:
    """Every output kept in the vault: references, kinds and makers, never contents."""
    rows = admin.vault.outputs.listing(tuple(OutputKind))
    admin.log(LogAction.RELEASES_LISTED, kept=len(rows))
    return rows


def releases(admin: Administration, *, due_only: bool = False) -> list[ReleaseLine]:
    """Every release (when, by whom, to whom, where), or only files past their days."""
    lines = release_lines(admin)
    if due_only:
        lines = [line for line in lines if line.due]
    admin.log(LogAction.RELEASES_LISTED, count=len(lines), due_only=due_only)
    return lines


def release_output(admin: Administration, output_id: str, recipient: str, to: Path) -> Released:
    found = admin.vault.outputs.read(output_id.strip())
    if found is None:
        raise BadInput(f"There is no output {output_id} in this vault.")
    row, text = found
    return release(admin, row, text, recipient, to)

"""The host's work on row seals: `vault verify` and sealing an older vault's rows.

Rows written before rows were sealed have none; `vault verify` names them, and
`vault seal`, run once after checking, seals them as they stand. It refuses on a vault
whose log shows its rows were sealed before: a row without a seal there was put in
by hand, and sealing it would launder it.
"""

from __future__ import annotations

from secure_records.core.errors import BadInput
from secure_records.core.log_actions import LogAction
from secure_records.core.progress import Progress, no_progress
from secure_records.vault.door import Door
from secure_records.vault.row_seals import VERIFY_COMMAND
from secure_records.vault.vault_check import VaultCheck, check_whole_vault

# What a vault's log says when its rows have been sealed from then on.
ROWS_SEALED_DETAIL = "rows_sealed"


def verify_vault(door: Door, progress: Progress = no_progress) -> VaultCheck:
    return check_whole_vault(door.vault, progress)


def rows_sealed_since(door: Door) -> int | None:
    """The log entry from which this vault's rows were sealed, if there is one."""
    for entry in door.vault.log.entries(personal=False):
        if entry.action == LogAction.ROWS_SEALED or (
            entry.action == LogAction.VAULT_CREATED and entry.details.get(ROWS_SEALED_DETAIL)
        ):
            return entry.seq
    return None


def unsealed_rows(door: Door) -> int:
    return verify_vault(door).unsealed.bad


def seal_rows(door: Door) -> int:
    """Seal every row without a seal, once, logged; how many."""
    since = rows_sealed_since(door)
    if since is not None:
        raise BadInput(
            f"This vault's rows have been sealed since log entry {since}, so a row without "
            f"a seal was put in by hand; nothing was sealed. Run '{VERIFY_COMMAND}' and "
            "restore from a backup."
        )
    with door.recorded(LogAction.ROWS_SEALED, rows=unsealed_rows(door)):
        return door.vault.store.seal_unsealed_rows()

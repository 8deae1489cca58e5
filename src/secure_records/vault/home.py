"""Where a vault lives on disk, and making that place private."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from secure_records.core.errors import VaultError

HOME_ENV = "SECURE_RECORDS_HOME"


@dataclass(frozen=True)
class VaultPaths:
    home: Path

    @property
    def database(self) -> Path:
        return self.home / "vault.db"

    @property
    def log(self) -> Path:
        return self.home / "audit.log"

    @property
    def policies(self) -> Path:
        return self.home / "policies"

    @property
    def exports(self) -> Path:
        return self.home / "exports"

    @property
    def ledger(self) -> Path:
        """Every disposal certified, outside the database and its backups (ledger.py)."""
        return self.home / "disposals.ledger"


def resolve_home(explicit: str | os.PathLike[str] | None) -> VaultPaths:
    """--home, else SECURE_RECORDS_HOME, else the platform's data directory."""
    if explicit is not None:
        if not str(explicit).strip():
            raise VaultError("--home was given but is empty; name the vault's directory.")
        raw = Path(explicit)
    elif os.environ.get(HOME_ENV):
        raw = Path(os.environ[HOME_ENV])
    else:
        raw = platformdirs.user_data_path("secure-records")
    return VaultPaths(raw.expanduser().absolute())

"""Files for a person to take away (disclosure packages, review reports): 0600 under
the vault's exports/, each written inside the transaction that logs it."""

from __future__ import annotations

from pathlib import Path

from secure_records.vault.private_files import make_private_dir, write_private_file


class Exports:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def listing(self) -> list[tuple[str, float]]:
        """(file name, modification time) of everything under exports/, never contents."""
        if not self.directory.is_dir():
            return []
        return sorted((p.name, p.stat().st_mtime) for p in self.directory.iterdir() if p.is_file())

    def write(self, name: str, text: str) -> Path:
        """Call inside `recorded`, so that the file exists only if its log entry does."""
        make_private_dir(self.directory)
        target = self.directory / name
        write_private_file(target, text)
        return target

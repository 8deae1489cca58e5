"""A keyring backend kept in one JSON file, for tests that run the CLI as a real
process (a separate process cannot see the in-memory keyring).

It keeps secrets in plain text, says so (`stores_plaintext`), and is therefore
refused unless SECURE_RECORDS_ALLOW_INSECURE_KEYRING=1, exactly like any other
plaintext backend. Point it at a file with SECURE_RECORDS_TEST_KEYRING_FILE and
select it with PYTHON_KEYRING_BACKEND=tests.support.file_keyring.FileKeyring.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import keyring.errors
from keyring.backend import KeyringBackend


class FileKeyring(KeyringBackend):
    priority = 0
    stores_plaintext = True

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring leaves it untyped

    @property
    def _path(self) -> Path:
        return Path(os.environ["SECURE_RECORDS_TEST_KEYRING_FILE"])

    def _load(self) -> dict[str, str]:
        try:
            loaded: dict[str, str] = json.loads(self._path.read_text())
            return loaded
        except FileNotFoundError:
            return {}

    def _save(self, data: dict[str, str]) -> None:
        tmp = self._path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, self._path)

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\x00{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}\x00{username}"] = password
        self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}\x00{username}", None) is None:
            raise keyring.errors.PasswordDeleteError(username)
        self._save(data)

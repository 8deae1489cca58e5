"""The in-memory keyring, with what it holds open to the test that uses it.

Tests look at which keys a vault stored, rotated or removed, and put keys back;
they do it through `entries`, not through the production keyring's insides.
"""

from __future__ import annotations

import keyring.errors

from secure_records.vault.memory_keyring import MemoryKeyring


class OpenKeyring(MemoryKeyring):
    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}  # (service, username) -> secret

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)

"""The key-encryption key, kept in the OS keyring and never beside the data.

The backend is whichever keyring's own configuration picks (PYTHON_KEYRING_BACKEND,
keyringrc.cfg, else priority). Backends that store nothing, fail every call, or
keep secrets in plain text are refused unless SECURE_RECORDS_ALLOW_INSECURE_KEYRING=1
is set (the demo and tests set it; the app then says so).
"""

from __future__ import annotations

import base64
import contextlib
import os
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from secure_records.core.errors import VaultError

SERVICE = "secure-records"
INSECURE_ENV = "SECURE_RECORDS_ALLOW_INSECURE_KEYRING"
TIMEOUT_ENV = "SECURE_RECORDS_KEYRING_TIMEOUT"
HOW_TO_CONFIGURE = (
    "configure a real one with PYTHON_KEYRING_BACKEND or keyringrc.cfg "
    "(see README, 'A keyring on a headless host')"
)

T = TypeVar("T")


class KeyringUnreachable(VaultError):
    """The keyring cannot be used at all (refused, failing, or not answering), as
    distinct from a key missing from a keyring that works: `status` says which."""


def insecure_allowed() -> bool:
    return os.environ.get(INSECURE_ENV) == "1"


def _timeout() -> float:
    try:
        return max(0.1, float(os.environ.get(TIMEOUT_ENV, "10")))
    except ValueError:
        return 10.0


def _backend_problem(backend: KeyringBackend) -> str | None:
    """Why this backend cannot be trusted with the vault's key, or None."""
    from keyring.backends import chainer, fail, null

    if isinstance(backend, chainer.ChainerBackend):
        members = list(backend.backends)
        if not members:
            return "no keyring backend is available"
        problems = [_backend_problem(member) for member in members]
        return next((p for p in problems if p), None)
    if isinstance(backend, fail.Keyring):
        return "no keyring backend is available"
    if isinstance(backend, null.Keyring):
        return "the null keyring backend stores nothing"
    cls = type(backend)
    name = f"{cls.__module__}.{cls.__qualname__}"
    if "plaintext" in name.lower() or getattr(backend, "stores_plaintext", False):
        return f"the keyring backend {cls.__qualname__} keeps secrets in plain text"
    if getattr(backend, "forgets_on_exit", False):
        return f"the keyring backend {cls.__qualname__} forgets every key when the process ends"
    return None


def _call(action: str, fn: Callable[..., T], *args: Any) -> T:
    """Run a keyring call with a time limit: an unlock prompt nobody can answer on a
    headless host would otherwise hang the session for ever."""
    results: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=1)

    def run() -> None:
        try:
            results.put((True, fn(*args)))
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
            results.put((False, exc))

    threading.Thread(target=run, name=f"keyring-{action}", daemon=True).start()
    try:
        ok, value = results.get(timeout=_timeout())
    except queue.Empty:
        raise KeyringUnreachable(
            f"The keyring did not answer within {_timeout():g} s while trying to {action}; "
            "is it locked, or is its service not running?"
        ) from None
    if ok:
        return value  # type: ignore[no-any-return]
    if isinstance(value, keyring.errors.KeyringError):
        raise KeyringUnreachable(
            f"The keyring refused to {action} ({type(value).__name__}); {HOW_TO_CONFIGURE}."
        ) from None
    raise KeyringUnreachable(
        f"The keyring failed while trying to {action} ({type(value).__name__})."
    ) from None


BACKEND_ENV = "PYTHON_KEYRING_BACKEND"


def _configured_backend() -> KeyringBackend:
    """The backend keyring's configuration names; a sentence (not keyring's own
    ImportError or RuntimeError) when it names one that is not installed here."""
    try:
        return keyring.get_keyring()
    except (ImportError, AttributeError, ValueError, RuntimeError):
        named = os.environ.get(BACKEND_ENV)
        if named:
            raise VaultError(
                f"{BACKEND_ENV} names the keyring backend {named!r}, which is not installed "
                "or cannot run on this host; set it to an installed backend's module and class "
                "(keyring --list-backends lists them), or unset it."
            ) from None
        raise VaultError(
            "The keyring backend named in keyringrc.cfg is not installed or cannot run on "
            "this host; name an installed one there (keyring --list-backends lists them)."
        ) from None


class KeyEncryptionKeys:
    """The vault's key-encryption keys in the keyring, one entry per version."""

    def __init__(self, vault_id: str) -> None:
        self.vault_id = vault_id
        backend = _configured_backend()
        problem = _backend_problem(backend)
        self.insecure_warning: str | None = None
        if problem is not None:
            if not insecure_allowed():
                raise KeyringUnreachable(
                    f"Refusing to use the keyring: {problem}; {HOW_TO_CONFIGURE}."
                )
            self.insecure_warning = (
                f"Insecure keyring allowed by {INSECURE_ENV}=1: {problem}. Demo and tests only."
            )
        self.backend_name = type(backend).__qualname__

    def _username(self, version: int) -> str:
        return f"{self.vault_id}:kek:v{version}"

    def store(self, version: int, key: bytes) -> None:
        encoded = base64.b64encode(key).decode()
        _call("store the key", keyring.set_password, SERVICE, self._username(version), encoded)

    def holds(self, version: int) -> bool:
        """Whether the keyring has an entry for this version (whatever it holds)."""
        found = _call("read the key", keyring.get_password, SERVICE, self._username(version))
        return found is not None

    def free_version(self, after: int) -> int:
        """The first version above `after` this keyring has no entry for: one this vault
        never made may be there (a restored copy of it, same id, rotated). Never
        written over."""
        version = after + 1
        while self.holds(version) and version < after + 1000:
            version += 1
        return version

    def load(self, version: int) -> bytes:
        encoded = _call("read the key", keyring.get_password, SERVICE, self._username(version))
        if encoded is None:
            raise VaultError(
                f"The key-encryption key for vault {self.vault_id} (version {version}) is not in "
                f"the keyring ({self.backend_name}); without it nothing in the vault can be read."
            )
        try:
            key = base64.b64decode(encoded, validate=True)
        except ValueError:
            key = b""
        if len(key) != 32:
            raise VaultError(
                f"The keyring entry for vault {self.vault_id} (version {version}) is not a "
                "key-encryption key."
            )
        return key

    def delete(self, version: int) -> None:
        def delete_if_present(service: str, username: str) -> None:
            # Already gone is what we wanted.
            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                keyring.delete_password(service, username)

        _call("delete an old key", delete_if_present, SERVICE, self._username(version))

"""While the PIN is typed: the vault checked and the session's code loaded.

A person takes a second or more to type a PIN. The PIN screen is drawn with Textual
and little else; then, on a thread, the vault is checked (`Session.may_start`: its log,
its policy, the account, a PIN set, no lockout; nothing of a record is read) and the
modules that opening a session and drawing the list need are imported. After Enter,
what is left is the PIN's check and the first screen (issue 17, start-up).
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Sequence

from secure_records.core.errors import SecureRecordsError


class GettingReady:
    """One check and some imports, on a daemon thread (a process that ends does not
    wait for it)."""

    def __init__(self, check: Callable[[], str | None] | None, modules: Sequence[str]) -> None:
        self._check = check
        self._modules = tuple(modules)
        self._finished = threading.Event()
        self._started = False
        self.warning: str | None = None
        self.refusal: SecureRecordsError | None = None
        self.error: BaseException | None = None

    @property
    def done(self) -> bool:
        return self._finished.is_set()

    @property
    def passed(self) -> bool:
        """Done, and neither refused nor failed."""
        return self.done and self.refusal is None and self.error is None

    @property
    def started(self) -> bool:
        return self._started

    def start(self, then: Callable[[], None]) -> None:
        """Begin on a thread; `then` runs on that thread once done."""
        self._started = True

        def run() -> None:
            self._run()
            then()

        threading.Thread(target=run, name="getting-ready", daemon=True).start()

    def run_here(self) -> None:
        """Where nothing was started (the demo's picker, tests): do it now."""
        if not self._started and not self.done:
            self._run()

    def _run(self) -> None:
        try:
            if self._check is not None:
                self.warning = self._check()
            for name in self._modules:
                importlib.import_module(name)
        except SecureRecordsError as refused:
            self.refusal = refused
        except Exception as error:  # noqa: BLE001 - the app's crash path says it, as one sentence
            self.error = error
        finally:
            self._finished.set()

"""The PIN, at the start of a session and at the lock, counted in the vault.

Wrong PINs count per staff member in their sealed staff row, not per session: a new
session does not start the count again. After the policy's `max_pin_failures` in a
row the person is locked out for `lockout_minutes` (or until IT lifts it with
`staff unlock`), and while locked out no PIN is even checked, so guesses cannot go on.
Once a lockout has run out, one more wrong PIN locks them out again: only a right PIN
(or IT) sets the count back to nothing. Every wrong PIN and every lockout is logged.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from secure_records.core.errors import AccessRefused, VaultError
from secure_records.core.log_actions import LogAction
from secure_records.core.text import counted
from secure_records.vault.door import Door
from secure_records.vault.pins import verify_pin
from secure_records.vault.store import StaffRow
from secure_records.vault.vault import now_utc

# Two sessions counting at once: each write is made against the count it read, and
# tried again (a few times) if another got there first.
_ATTEMPTS = 5


class WrongPin(AccessRefused):
    """A wrong PIN, counted; `left`: how many more before a lockout."""

    def __init__(self, left: int) -> None:
        self.left = left
        more = counted(left, "more try", "more tries")
        super().__init__(f"That PIN is not right. {more} before you are locked out.")


class LockedOut(AccessRefused):
    """Too many wrong PINs: nothing is checked until the lockout ends or IT lifts it."""


def locked_out(name: str, until: str) -> LockedOut:
    when = until[:16].replace("T", " ")
    return LockedOut(
        f"{name} is locked out after too many wrong PINs until {when} UTC; IT can lift it "
        f"sooner with 'secure-records staff unlock {name}'."
    )


def no_pin_yet(name: str) -> AccessRefused:
    return AccessRefused(
        f"{name} has no PIN yet, so no session can start: IT must set one with "
        f"'secure-records staff pin {name}'."
    )


def lockout_end(staff: StaffRow, now: str) -> str | None:
    """When their lockout ends, if they are locked out now."""
    return staff.locked_until if staff.locked_until and staff.locked_until > now else None


def refusal(staff: StaffRow, *, pin_asked: bool = True) -> AccessRefused | None:
    """Why no PIN of theirs is even checked now: none set, or a lockout."""
    if pin_asked and not staff.pin_hash:
        return no_pin_yet(staff.name)
    until = lockout_end(staff, now_utc())
    return None if until is None else locked_out(staff.name, until)


class _Moved(Exception):
    """Their row changed between reading it and writing to it (another session)."""


class PinCheck:
    """One staff member's PIN, checked through `door` (whose entries name them)."""

    def __init__(self, door: Door, staff_name: str) -> None:
        self._door = door
        self._name = staff_name

    def _row(self) -> StaffRow:
        row = self._door.vault.store.staff(self._name)
        if row is None or row.disabled:
            raise AccessRefused(f"The staff account {self._name!r} is disabled.")
        return row

    def check(self, pin: str, then: LogAction, **details: Any) -> None:
        """Returns once the PIN is right, `then` logged and the count reset with it;
        WrongPin or LockedOut (each counted and logged) if not."""
        row = self._row()
        refused = refusal(row)
        if refused is not None:
            raise refused
        assert row.pin_hash is not None  # refusal() says so otherwise
        if verify_pin(pin, row.pin_hash):
            self._right(then, details)
        else:
            self._wrong(row)

    def _right(self, then: LogAction, details: dict[str, Any]) -> None:
        store = self._door.vault.store
        try:
            with self._door.recorded(then, **details):
                # Under the write lock: a lockout another session's guesses set after
                # this PIN was read stands, right PIN or not.
                row = self._row()
                until = lockout_end(row, now_utc())
                if until is not None:
                    raise locked_out(self._name, until)
                if row.pin_failures or row.locked_until:
                    store.set_staff_pin_failures(self._name, 0, None)
        except LockedOut as exc:
            self._door.log(LogAction.SESSION_REFUSED, why=str(exc))
            raise

    def _wrong(self, seen: StaffRow) -> None:
        settings = self._door.policy.session
        for _ in range(_ATTEMPTS):
            failures = seen.pin_failures + 1
            until = None
            if failures >= settings.max_pin_failures:
                later = datetime.now(UTC) + timedelta(minutes=settings.lockout_minutes)
                until = later.isoformat(timespec="seconds")
            try:
                with self._door.recorded(
                    LogAction.PIN_FAILED, failures=failures, locks_out_until=until
                ):
                    if self._row() != seen:
                        raise _Moved
                    self._door.vault.store.set_staff_pin_failures(self._name, failures, until)
            except _Moved:
                seen = self._row()
                refused = refusal(seen)
                if refused is not None:
                    # Locked out by another session meanwhile: this PIN's answer stays unsaid.
                    self._door.log(LogAction.SESSION_REFUSED, why=str(refused))
                    raise refused from None
                continue
            if until is None:
                raise WrongPin(settings.max_pin_failures - failures)
            self._door.log(LogAction.PIN_LOCKED_OUT, failures=failures, until=until)
            raise locked_out(self._name, until)
        raise VaultError("The PIN could not be checked just now (the vault was busy); try again.")

"""The Textual shell. Screens render view models from Session and nothing else."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.text import Text
from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from secure_records.core.errors import SecureRecordsError
from secure_records.core.text import printable
from secure_records.tui import crash
from secure_records.tui.getting_ready import GettingReady
from secure_records.tui.hangup import HUNG_UP_EXIT, HangUp, dropped
from secure_records.tui.lock_screen import LockScreen
from secure_records.tui.no_colour import colour_filters_safe
from secure_records.tui.pin_screen import PinScreen
from secure_records.tui.terminal_driver import SessionDriver
from secure_records.tui.textual_switches import reset_textual_constants

if TYPE_CHECKING:
    from textual.command import Provider

    from secure_records.session import LockedOut, Session
    from secure_records.tui.role_picker import RolePicker
    from secure_records.tui.session_screen import SessionScreen

# The session, the vault and every screen but the PIN's are imported where they are
# first needed: the PIN screen comes up with Textual and little else, and what the
# session needs is loaded while the PIN is typed (tui/getting_ready.py;
# tests/tui/test_startup_imports.py).

# What a person does that counts as being at the keyboard.
_ACTIVITY = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)
# Allowed while locked: typing the PIN, help, and leaving.
_ALLOWED_WHILE_LOCKED = frozenset({"quit", "help"})
# Only with someone signed in: nothing to lock, no one to switch from, before that.
_SIGNED_IN_ONLY = frozenset({"lock", "switch_person"})
# Loaded while the PIN is typed: what opening a session and the list need.
_SESSION_MODULES = (
    "secure_records.session",
    "secure_records.tui.list_screen",
    "secure_records.tui.desk_commands",
)


def _plain(message: str) -> Text:
    """An exit message Textual prints after the app: as text, never as markup."""
    return Text(printable(message))


def _record_by_reference() -> type[Provider]:
    from secure_records.tui.desk_commands import RecordByReference

    return RecordByReference


class SecureRecordsApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "secure-records"
    # Selecting text would let ctrl+c send record values to the terminal's clipboard
    # (OSC 52), outside anything the app controls. Values are read on screen only.
    ALLOW_SELECT = False
    BINDINGS = [
        Binding("ctrl+l", "lock", "Lock", priority=True),
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("ctrl+r", "switch_person", "Switch person", priority=True),
        # F1 with priority, so that it works in dialogs and where ? would be typed.
        Binding("f1", "help", "Help", show=False, priority=True),
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+p", "command_palette", "Commands", show=False, priority=True),
    ]
    # The app's own commands (get_system_commands), and a record by its reference
    # (imported once the palette opens: Textual takes a callable for that).
    COMMANDS = App.COMMANDS | {_record_by_reference}

    def __init__(
        self,
        open_session: Callable[[str, str], Session],
        staff_name: str | None = None,
        demo_staff: list[tuple[str, str]] | None = None,
        hangup: HangUp | None = None,
        check_first: Callable[[], str | None] | None = None,
    ) -> None:
        """`check_first` (Session.may_start for `session`) runs while the PIN is typed;
        a refusal ends the app with its sentence, and its warning is kept in
        `startup_warning` for whoever started the app to say."""
        reset_textual_constants()
        super().__init__(driver_class=SessionDriver)
        colour_filters_safe(self._filters)  # NO_COLOR: a line with no style cannot crash
        # TEXTUAL=devtools,debug: no devtools console, no debug output, whatever the
        # environment says (`session` also removes it before Textual is imported).
        self.features = frozenset()
        self.devtools = None
        self._devtools_redirector = None
        self._open_session = open_session
        self._getting_ready = GettingReady(check_first, _SESSION_MODULES)
        self.startup_warning: str | None = None
        self._pin_typed: PinScreen.Entered | None = None
        # `session` catches a hang-up from its first line; otherwise, from the mount.
        self._hangup = hangup if hangup is not None else HangUp()
        self._own_hangup = hangup is None
        self._ending = False
        self._crashed = False
        self._crash_sentence: str | None = None
        self._staff_name = staff_name
        self._demo_staff = demo_staff
        self.session: Session | None = None
        self.locked = False
        self._last_input = time.monotonic()

    # starting and ending

    async def on_mount(self) -> None:
        if self._own_hangup:
            self._hangup.install()
        # A hang-up that came while the app started up ends it here, before any screen.
        self._hangup.attach(self.hang_up)
        if self._ending:
            return
        self.set_interval(1.0, self.lock_if_idle)
        if self._demo_staff:
            from secure_records.tui.role_picker import RolePicker

            self.push_screen(RolePicker(self._demo_staff))
        elif self._staff_name:
            # The PIN first: no session, and nothing of the vault's records, before it.
            # The vault is checked, and the session's code loaded, while it is typed.
            await self.push_screen(PinScreen(self._staff_name))
            # After the PIN screen's first paint (it is the screen on top by now).
            self.call_after_refresh(self._start_checking)

    def _start_checking(self) -> None:
        def then() -> None:
            # The app may have ended meanwhile (a hang-up, ctrl+q): nothing to tell.
            with contextlib.suppress(RuntimeError):
                self.call_from_thread(self._checked)

        self._getting_ready.start(then)

    def _checked(self) -> None:
        """The vault's check is done (the PIN may still be being typed): a refusal
        (no PIN set, a lockout, a vault that fails its checks) ends the app now."""
        if self._ending:
            return
        self.startup_warning = self._getting_ready.warning
        if self._getting_ready.refusal is not None:
            refusal = self._getting_ready.refusal
            self.exit(message=_plain(str(refusal)), return_code=refusal.exit_code)
        elif self._getting_ready.error is not None:
            self._crash(self._getting_ready.error)
        elif self._pin_typed is not None:
            typed, self._pin_typed = self._pin_typed, None
            self.call_later(self.on_pin_screen_entered, typed)

    def on_unmount(self) -> None:
        self._hangup.detach()
        if self._own_hangup:
            self._hangup.restore()

    async def on_pin_screen_entered(self, event: PinScreen.Entered) -> None:
        if self._ending:
            return
        ready = self._getting_ready
        ready.run_here()
        if not ready.done:
            # Typed before the vault's check is done: taken up once it is (_checked).
            self._pin_typed = event
            return
        if not ready.passed:
            return  # refused or failed: the app is ending with its sentence
        from secure_records.session import LockedOut, WrongPin

        # From here a session may start: a hang-up ends it, logged, before the process.
        self._hangup.opening_session()
        try:
            self.session = self._open_session(event.staff_name, event.pin)
        except WrongPin as wrong:
            if isinstance(self.screen, PinScreen):
                self.screen.wrong_pin(str(wrong))
            return
        except LockedOut as exc:
            await self._locked_out(exc)
            return
        except SecureRecordsError as exc:
            self.exit(message=_plain(str(exc)), return_code=exc.exit_code)
            return
        self._last_input = time.monotonic()
        self.sub_title = f"{event.staff_name} ({self.session.role.label})"
        await self._clear_screens()
        from secure_records.tui.home_screens import home_screen

        await self.push_screen(home_screen(self.session))

    async def _locked_out(self, exc: LockedOut) -> None:
        """Too many wrong PINs: the demo goes back to its picker (people learn it by
        trying, and the others are still free to try); a real session ends."""
        self.end_session("locked out after wrong PINs")
        if not self._demo_staff:
            self.exit(message=_plain(str(exc)), return_code=exc.exit_code)
            return
        from secure_records.tui.role_picker import RolePicker

        self.locked = False
        await self._clear_screens()
        await self.push_screen(RolePicker(self._demo_staff, problem=str(exc)))

    def on_role_picker_picked(self, event: RolePicker.Picked) -> None:
        from secure_records.tui.role_picker import DEMO_PIN_HINT

        self.push_screen(PinScreen(event.staff_name, DEMO_PIN_HINT))

    async def action_switch_person(self) -> None:
        if not self._demo_staff or self.locked:
            return
        from secure_records.tui.role_picker import RolePicker

        await self._clear_screens()
        self.end_session("switched person")
        await self.push_screen(RolePicker(self._demo_staff))

    def end_session(self, why: str) -> None:
        if self.session is not None and not self.session.ended:
            # If the log cannot take the end, the session shows as dropped in the log.
            with contextlib.suppress(SecureRecordsError):
                self.session.close(why)
        self.session = None

    async def action_quit(self) -> None:
        from secure_records.tui import drafts

        what = drafts.unsaved(self)
        if what is not None:

            def answer(lose: bool | None) -> None:
                if lose:
                    drafts.drop(self)
                    self.end_session("quit")
                    self.exit()

            self.push_screen(drafts.LoseDraft(what), answer)
            return
        drafts.drop(self)
        self.end_session("quit")
        self.exit()

    def hang_up(self, why: str = "SIGHUP") -> None:
        """The connection dropped (SIGHUP, SIGTERM, a terminal that has gone): end
        the session, its end logged where the log can still be written."""
        if self._ending:
            return
        self._ending = True
        self._hangup.noticed(why)
        self.end_session(dropped(why))
        self.exit(return_code=HUNG_UP_EXIT)

    # an unexpected error: one sentence and a reference, never a traceback

    def _handle_exception(self, error: Exception) -> None:
        self._crash(error)

    def _fatal_error(self) -> None:
        self._crash(sys.exc_info()[1])  # Textual calls it while handling the error

    def panic(self, *renderables: RenderableType) -> None:
        # Textual panics with a traceback of its own (its input thread) or an error's
        # own rendering: neither is shown.
        self._crash(None)

    def _crash(self, error: BaseException | None) -> None:
        if self._crashed:
            return
        self._crashed = True
        if isinstance(error, Exception) and self._exception is None:
            # Only a test (Pilot) re-raises it, after the app has ended.
            self._exception = error
            self._exception_event.set()
        ref = crash.reference()
        if self._hangup.signal is not None or self._ending:
            # The connection dropped and something failed on the way down: a hang-up.
            self.end_session(self._hangup.why or dropped("terminal gone"))
            self._return_code = HUNG_UP_EXIT
        else:
            self._log_crash(ref, error)
            self._return_code = crash.INTERNAL_ERROR
        self._ending = True
        self._crash_sentence = crash.sentence(ref)
        self._exit_renderables.clear()
        self._close_messages_no_wait()

    def _print_error_renderables(self) -> None:
        if self._crash_sentence is None:
            super()._print_error_renderables()
            return
        # The one sentence, on one line however narrow the terminal (it is read out
        # to IT), as text: nothing else Textual collected on the way down.
        self.error_console.print(_plain(self._crash_sentence), soft_wrap=True)
        self._exit_renderables.clear()

    def _log_crash(self, ref: str, error: BaseException | None) -> None:
        session = self.session
        if session is not None and not session.ended:
            # The crash path must not fail in turn: what cannot be logged is dropped
            # (and the session shows as dropped in the log).
            with contextlib.suppress(Exception):
                session.close(f"unexpected error {ref}: {crash.details(error)}")
        self.session = None

    # the lock (policy section 11, Clear desk)

    def on_event(self, event: events.Event) -> Any:
        if isinstance(event, _ACTIVITY):
            self._last_input = time.monotonic()
        return super().on_event(event)

    @property
    def idle_seconds(self) -> float:
        """How long since the person last pressed a key, clicked or scrolled."""
        return time.monotonic() - self._last_input

    def lock_if_idle(self, *, later_by: float = 0.0) -> None:
        """Lock if idle past the policy's limit; `later_by` asks as if that much later."""
        if self.session is None or self.locked:
            return
        limit = self.session.policy.session.idle_lock_seconds
        if self.idle_seconds + later_by >= limit:
            self.run_worker(self.lock("idle"), exclusive=True, group="lock")

    async def action_lock(self) -> None:
        await self.lock("asked")

    async def _clear_screens(self) -> None:
        from secure_records.tui.home_screens import clear_to_base

        await clear_to_base(self)

    async def lock(self, why: str) -> None:
        if self.session is None or self.locked:
            return
        from secure_records.tui import drafts

        self.locked = True
        drafts.hold(self)  # in memory only: the screens, and the dialog, go
        await self._clear_screens()
        try:
            self.session.lock(why)
        except SecureRecordsError as exc:
            # The lock could not be logged: end the session rather than stay open.
            drafts.drop(self)
            self.end_session("lock not recorded")
            self.exit(message=_plain(str(exc)), return_code=1)
            return
        await self.push_screen(LockScreen(self.session.staff_name))

    async def on_lock_screen_pin_entered(self, event: LockScreen.PinEntered) -> None:
        session = self.session
        if session is None:
            return
        from secure_records.session import LockedOut, WrongPin
        from secure_records.tui import drafts

        try:
            unlocked = session.unlock(event.pin)
        except LockedOut as exc:
            drafts.drop(self)
            await self._locked_out(exc)
            return
        except SecureRecordsError as exc:
            drafts.drop(self)
            self.end_session("unlock not recorded")
            self.exit(message=_plain(str(exc)), return_code=1)
            return
        if unlocked:
            self.locked = False
            self._last_input = time.monotonic()
            await self._clear_screens()
            from secure_records.tui.home_screens import home_screen

            await self.push_screen(home_screen(session))
            await drafts.put_back(self, session)
        elif isinstance(self.screen, LockScreen):
            self.screen.wrong_pin(str(WrongPin(session.tries_left or 0)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # App bindings and the command palette still fire over a pushed screen.
        if self.locked and action not in _ALLOWED_WHILE_LOCKED:
            return False
        if action in _SIGNED_IN_ONLY and self.session is None:
            return False  # nor shown in the footer before anyone has signed in
        if action == "switch_person" and not self._demo_staff:
            return False
        return super().check_action(action, parameters)

    # help, and the command palette

    def action_help(self) -> None:
        """Open the help panel for the screen on top, or close it if it is open."""
        from secure_records.tui.help_panel import HelpPanel

        screen = self.screen
        if isinstance(screen, HelpPanel):
            screen.dismiss(None)
        elif not isinstance(screen, CommandPalette):
            self.push_screen(HelpPanel(screen, self.session))

    def home(self) -> SessionScreen | None:
        """The signed-in person's first screen, under every other."""
        if self.session is None or self.locked:
            return None
        from secure_records.tui.home_screens import home_of

        return home_of(self.screen_stack)

    # no way out of the app but quitting

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        from secure_records.tui.desk_commands import desk_commands

        do: dict[str, Callable[[], Any]] = {
            "help": self.action_help,
            "lock": self.action_lock,
            "quit": self.action_quit,
        }
        if self._demo_staff:
            do["switch_person"] = self.action_switch_person
        return desk_commands(self.home(), do)

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        self.notify("Screenshots are turned off: they would write records to disk.", markup=False)

    def deliver_screenshot(self, *args: Any, **kwargs: Any) -> str | None:
        return None

    def save_screenshot(self, *args: Any, **kwargs: Any) -> str:
        # What TEXTUAL_SCREENSHOT's timer calls, whatever the bindings say: nothing
        # is written (and that variable is removed before the app starts anyway).
        return ""

    def action_suspend_process(self) -> None:
        # No suspend: it would drop the person to a shell, the app's data still in memory.
        return

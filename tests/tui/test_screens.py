"""Every screen driven through the Pilot, as a person at the keyboard would use it.

Each test checks what a person would notice: what is on the screen, what the log
recorded, whether the session ended.
"""

from __future__ import annotations

import html
import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from textual import events
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

from secure_records.admin import Administration
from secure_records.core.dates import uk_date
from secure_records.session import Session
from secure_records.tui import list_screen
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.list_screen import RecordListScreen
from secure_records.tui.lock_screen import LockScreen
from secure_records.tui.lookup_screen import LookupScreen
from secure_records.tui.modals import NewNote, RevealReason
from secure_records.tui.pin_screen import PinScreen
from secure_records.tui.reception_screen import ReceptionScreen
from secure_records.tui.record_list import RecordList
from secure_records.tui.record_screen import FieldRow, RecordScreen
from secure_records.tui.role_page import RolePage
from secure_records.tui.role_picker import RolePicker
from secure_records.vault.log import LogEntry
from tests.conftest import STAFF, canaries, canary_row
from tests.tui.conftest import SIZE, app_for, screen_text, signed_in, type_pin, wait_for_screen

PIN = "246810"
REASON = "planning tomorrow's home visit"


# helpers


def log(home: Path, action: str | None = None) -> list[LogEntry]:
    """The log's entries, oldest first; only those of `action` when given."""
    with Administration.open(home) as admin:
        found = list(admin.vault.log.entries())
    return [e for e in found if action is None or e.action == action]


def set_pin(home: Path, staff: str = "alice") -> None:
    with Administration.open(home) as admin:
        admin.set_pin(staff, PIN)


_SPAN = re.compile(r'<text [^>]*?x="([\d.]+)"[^>]*?-line-(\d+)\)">([^<]*)</text>')
_CELL = 12.2  # the exported SVG's width of one terminal cell


def shown(app: SecureRecordsApp) -> str:
    """The screen as lines of text, each span at its column. Unlike `screen_text`,
    a label and its value drawn in different styles read as one line."""
    lines: dict[int, str] = {}
    for x, row, text in _SPAN.findall(app.export_screenshot()):
        text = html.unescape(text).replace("\xa0", " ").rstrip("\n")
        line = lines.get(int(row), "")
        lines[int(row)] = line.ljust(round(float(x) / _CELL)) + text
    return "\n".join(lines[row].rstrip() for row in sorted(lines))


async def settle(app: SecureRecordsApp, pilot: Pilot[None]) -> None:
    """Let timers, thread workers and the redraw they cause finish."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*("space" if ch == " " else ch for ch in text))


async def paste(app: SecureRecordsApp, pilot: Pilot[None], text: str) -> None:
    """Paste into the focused widget: as a person would, and quicker than typing."""
    assert app.focused is not None
    app.focused.post_message(events.Paste(text))
    await pilot.pause()


async def search_pause(app: SecureRecordsApp, pilot: Pilot[None]) -> None:
    """Stop typing long enough for the search to run, and the list to be redrawn."""
    await pilot.pause(2 * list_screen.SEARCH_PAUSE)
    await settle(app, pilot)


async def open_record(app: SecureRecordsApp, pilot: Pilot[None], record_id: str) -> None:
    """From the list, move to `record_id` and press enter."""
    await settle(app, pilot)
    rows = app.screen.query_one(RecordList)
    for _ in range(rows.record_ids.index(record_id)):
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, RecordScreen)


def field_row(app: SecureRecordsApp, name: str) -> FieldRow:
    return next(row for row in app.screen.query(FieldRow) if row.view.name == name)


def field_text(app: SecureRecordsApp, name: str) -> str:
    return str(field_row(app, name).render())


async def reveal(app: SecureRecordsApp, pilot: Pilot[None], name: str, reason: str) -> None:
    """Focus field `name`, press r, paste the reason and press enter."""
    field_row(app, name).focus()
    await pilot.press("r")
    await pilot.pause()
    assert isinstance(app.screen, RevealReason)
    await paste(app, pilot, reason)
    await pilot.press("enter")
    await pilot.pause()


async def lock(app: SecureRecordsApp, pilot: Pilot[None]) -> None:
    await pilot.press("ctrl+l")
    await settle(app, pilot)
    assert isinstance(app.screen, LockScreen)


async def enter_pin(app: SecureRecordsApp, pilot: Pilot[None], pin: str) -> None:
    await paste(app, pilot, pin)
    await pilot.press("enter")
    await settle(app, pilot)


def demo_app(home: Path) -> SecureRecordsApp:
    """The app as `secure-records demo` runs it: a picker first, ctrl+r to switch."""
    return SecureRecordsApp(
        lambda name, pin: Session.open(name, home, pin=pin), demo_staff=list(STAFF)
    )


def record_canaries(record_id: str) -> dict[str, str]:
    return canaries(canary_row(record_id, []))


# 1. the caseworker's list and record


async def test_list_shows_only_the_caseload_and_search_narrows_it(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "Your caseload" in text
        assert "Canaryname R-0001" in text and "Canaryname R-0002" in text
        assert "R-0003" not in text  # bilal's

        await pilot.press("/")
        assert isinstance(app.focused, Input) and app.focused.id == "search"
        await type_text(pilot, "name r-0002")
        await search_pause(app, pilot)
        text = screen_text(app)
        assert "Canaryname R-0002" in text and "R-0001" not in text
        assert "1 record" in text and "1 records" not in text
        assert log(populated, "searched")[-1].details["query"] == "name r-0002"

        await pilot.press("escape")
        await search_pause(app, pilot)
        assert app.screen.query_one("#search", Input).value == ""
        assert isinstance(app.focused, RecordList)
        text = screen_text(app)
        assert "R-0001" in text and "R-0002" in text and "2 records" in text


async def test_under_no_color_a_list_shorter_than_its_box_is_drawn_and_searched(
    populated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NO_COLOR turns on Textual's monochrome filter, which failed on the blank lines
    below the last record and ended the session with a traceback."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = app_for(populated, "alice")
    async with signed_in(app) as pilot:
        await settle(app, pilot)
        assert "Canaryname R-0001" in screen_text(app)
        await pilot.press("/")
        await type_text(pilot, "nobody matches this")
        await search_pause(app, pilot)
        assert app.is_running
        assert "0 records" in screen_text(app)


async def test_enter_on_search_opens_the_match_and_escape_comes_back(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app) as pilot:
        await settle(app, pilot)
        await pilot.press("/")
        await type_text(pilot, "0002")
        await pilot.press("enter")  # searches at once, back on the list
        await settle(app, pilot)
        assert app.screen.query_one(RecordList).record_ids == ["R-0002"]
        assert isinstance(app.focused, RecordList)

        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
        assert "Record R-0002" in screen_text(app)
        assert log(populated, "record_opened")[-1].record_id == "R-0002"

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RecordListScreen)
        text = screen_text(app)
        assert "Record R-0002" not in text and "Canaryname R-0002" in text


async def test_enter_on_search_logs_the_search_once(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app) as pilot:
        await settle(app, pilot)
        await pilot.press("/")
        await type_text(pilot, "0001")
        await pilot.press("enter")
        await search_pause(app, pilot)  # long enough for any search still due
        queries = [e.details["query"] for e in log(populated, "searched")]
        assert queries == ["0001"]


async def test_moving_down_right_after_enter_on_search_sticks(
    populated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A person quicker than the pause: enter, down, enter. The pause is widened so
    # that the pilot's keys surely beat it, as a quick typist's do.
    monkeypatch.setattr(list_screen, "SEARCH_PAUSE", 0.6)
    # The index ready before the first key, so only the leftover timer can move the list.
    # Not 0: Textual's timer divides by its interval if it is stopped before it fires.
    monkeypatch.setattr(list_screen, "INDEX_DELAY", 0.001)
    app = app_for(populated, "alice")
    async with signed_in(app) as pilot:
        await settle(app, pilot)
        await pilot.press("/", "c", "enter", "down")  # "c" matches both records
        await pilot.pause(0.8)  # the leftover timer fires: the list is shown afresh
        await settle(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
        assert "Record R-0002" in screen_text(app)  # the one highlighted, not the first


async def test_record_screen_masks_what_the_caseworker_may_not_read(populated: Path) -> None:
    app = app_for(populated, "alice")
    seen = record_canaries("R-0002")
    async with signed_in(app) as pilot:
        await open_record(app, pilot, "R-0002")  # down, enter
        text = screen_text(app)
        assert "Record R-0002" in text and "R-0001" not in text

        assert field_text(app, "name") == "Name: Canaryname R-0002"
        assert seen["name"] in text
        assert field_text(app, "nhs_number").startswith("NHS number: ••••")
        assert "(masked for your role)" in field_text(app, "nhs_number")
        assert field_text(app, "health").startswith("Health: ••••")
        assert "press r to reveal" in field_text(app, "health")
        for hidden in ("nhs_number", "health", "address", "phone"):
            assert seen[hidden] not in text, hidden

        lines = shown(app)
        assert "01 May 2024  given by CANARY-CONSENTER-R-0002 (capacity not" in lines
        consent = (
            "CANARY-CONSENTER-R-0002 (capacity not recorded), to CANARY-SCOPE-R-0002; in force"
        )
        assert consent in " ".join(lines.split())  # imported without one: not recorded
        assert "02 May 2024  FACT  alice" in lines and seen["note.fact"] in text
        assert "03 Jan 2019  OPINION  HISTORICAL  alice" in lines and seen["note.opinion"] in text


# 2. reveal


async def test_reveal_needs_a_reason_and_lasts_until_the_record_closes(populated: Path) -> None:
    app = app_for(populated, "alice")
    health = record_canaries("R-0001")["health"]
    async with signed_in(app) as pilot:
        await open_record(app, pilot, "R-0001")

        await reveal(app, pilot, "health", "because")
        assert isinstance(app.screen, RevealReason)  # still asking
        assert "Say a little more: at least 15 characters." in screen_text(app)
        assert health not in screen_text(app)
        assert log(populated, "field_revealed") == []

        await pilot.press("escape")  # cancel the modal
        await pilot.pause()
        await reveal(app, pilot, "health", REASON)
        assert isinstance(app.screen, RecordScreen)
        assert health in screen_text(app)
        assert field_text(app, "health") == f"Health: {health}"
        entry = log(populated, "field_revealed")[-1]
        assert (entry.record_id, entry.details, entry.personal) == (
            "R-0001",
            {"field": "health"},
            {"reason": REASON},
        )

        await pilot.press("escape")  # close the record
        await pilot.pause()
        await open_record(app, pilot, "R-0001")
        assert health not in screen_text(app)
        assert field_text(app, "health").startswith("Health: ••••")


async def test_r_asks_for_a_reason_only_on_a_field_that_can_be_revealed(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app) as pilot:
        await open_record(app, pilot, "R-0001")
        for _ in range(5):  # tab down from Name to Phone
            focused = app.focused
            if isinstance(focused, FieldRow) and focused.view.name == "phone":
                break
            await pilot.press("tab")
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RevealReason)
        assert "Why do you need to see Phone?" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()

        field_row(app, "nhs_number").focus()  # masked: never revealed
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
        assert "Why do you need to see" not in screen_text(app)
        assert record_canaries("R-0001")["nhs_number"] not in screen_text(app)
        assert log(populated, "field_revealed") == []


# 3. add a note


async def open_new_note(app: SecureRecordsApp, pilot: Pilot[None]) -> NewNote:
    await open_record(app, pilot, "R-0001")
    await pilot.press("n")
    await pilot.pause()
    assert isinstance(app.screen, NewNote)
    return app.screen


async def save_note(app: SecureRecordsApp, pilot: Pilot[None]) -> None:
    await pilot.click("#save")
    await pilot.pause()


async def test_a_note_is_refused_without_fact_or_opinion_or_with_a_future_date(
    populated: Path,
) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app) as pilot:
        modal = await open_new_note(app, pilot)
        modal.query_one("#text", TextArea).focus()
        await paste(app, pilot, "Seemed tired today.")
        await save_note(app, pilot)
        assert app.screen is modal
        assert "Choose Fact or Opinion." in screen_text(app)

        await pilot.click("#fact")
        tomorrow = date.today() + timedelta(days=1)
        modal.query_one("#date", Input).value = tomorrow.isoformat()
        await save_note(app, pilot)
        assert app.screen is modal
        assert "A note cannot be dated in the future." in screen_text(app)
        assert log(populated, "note_added") == []

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
        assert "Seemed tired today." not in screen_text(app)
        assert log(populated, "note_added") == []


async def test_an_opinion_is_saved_labelled_and_logged(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app) as pilot:
        modal = await open_new_note(app, pilot)
        await pilot.click("#opinion")
        modal.query_one("#text", TextArea).focus()
        await paste(app, pilot, "Seemed tired today.")
        await save_note(app, pilot)
        assert isinstance(app.screen, RecordScreen)
        text = shown(app)
        today = uk_date(date.today())
        assert re.search(rf"{today}  OPINION  alice\n +Seemed tired today\.", text)
        entry = log(populated, "note_added")[-1]
        assert (entry.record_id, entry.details["kind"]) == ("R-0001", "opinion")


# 4. reception


async def look_up(app: SecureRecordsApp, pilot: Pilot[None], name: str, dob: str) -> str:
    """Fill in name and date of birth afresh, pressing enter after each."""
    screen = app.screen
    for field in screen.query(Input):
        field.value = ""
    screen.query_one("#name", Input).focus()
    await pilot.pause()
    await paste(app, pilot, name)
    await pilot.press("enter")  # moves to the date of birth
    await type_text(pilot, dob)
    await pilot.press("enter")
    await pilot.pause()
    return screen_text(app)


async def test_reception_learns_only_that_a_record_exists(populated: Path) -> None:
    app = app_for(populated, "reception")
    async with signed_in(app) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, ReceptionScreen)
        await pilot.press("l")
        await settle(app, pilot)
        assert isinstance(app.screen, LookupScreen)
        text = screen_text(app)
        assert "Exact lookup" in text
        assert "R-000" not in text and "Canaryname" not in text

        text = await look_up(app, pilot, "Canaryname R-0002", "2013-04-02")
        assert "A record exists: R-0002" in text
        seen = record_canaries("R-0002")
        for key in ("address", "phone", "nhs_number", "health", "consent.given_by", "note.fact"):
            assert seen[key] not in text, key
        assert "child" not in text  # the category

        text = await look_up(app, pilot, "Canaryname R-0002", "2013-04-03")
        assert "No record matches that exact name and date of birth." in text
        assert "A record exists" not in text
        assert len(log(populated, "index_lookup")) == 2


# 5. IT and auditor


@pytest.mark.parametrize(
    ("staff", "role", "duty"),
    [("it", "IT: it", "secure-records key rotate"), ("auditor", "Auditor: auditor", "log verify")],
)
async def test_roles_without_records_get_a_page_of_their_duties(
    populated: Path, staff: str, role: str, duty: str
) -> None:
    app = app_for(populated, staff)
    async with signed_in(app) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, RolePage)
        text = screen_text(app)
        assert role in text and duty in text
        assert "R-000" not in text and "CANARY" not in text.upper()


async def test_its_duties_say_rotation_keeps_old_versions_until_they_are_retired(
    populated: Path,
) -> None:
    """Since issue 20, `key rotate` keeps older versions for backups taken under them;
    an old backup's wrapped keys die only when `key retire` removes its version."""
    app = app_for(populated, "it")
    async with signed_in(app) as pilot:
        await settle(app, pilot)
        text = " ".join(" ".join(str(w.render()) for w in app.screen.query(Static)).split())
    assert "older versions stay for backups taken under them" in text
    assert "key retire --before DATE" in text and "key recover" in text
    assert "die with the old one" not in text and "wrapped keys die" not in text
    assert "an older backup still opens with the recovery code of its day" in text


# 6. the lock


async def test_the_lock_hides_everything_and_blocks_the_app_keys(populated: Path) -> None:
    set_pin(populated)
    app = demo_app(populated)  # the demo binds ctrl+r (switch person) too
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # alice, the first on the picker
        await type_pin(pilot, app)
        await open_record(app, pilot, "R-0001")
        await reveal(app, pilot, "health", REASON)
        await lock(app, pilot)
        text = screen_text(app)
        assert "Locked" in text and "Session of alice" in text
        assert "R-000" not in text and "Canaryname" not in text and "CANARY" not in text
        assert [type(s) for s in app.screen_stack[1:]] == [LockScreen]

        for key in ("ctrl+r", "ctrl+l", "ctrl+p"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, LockScreen), key
            assert not any(isinstance(s, CommandPalette) for s in app.screen_stack), key
        assert [e.details for e in log(populated, "locked")] == [{"why": "asked"}]
        assert log(populated, "session_ended") == []

        await enter_pin(app, pilot, PIN)  # once unlocked, the same keys work again
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, RolePicker)
        assert log(populated, "session_ended")[-1].details["why"] == "switched person"


async def test_a_wrong_pin_says_how_many_tries_are_left_and_reveals_do_not_survive(
    populated: Path,
) -> None:
    set_pin(populated)
    app = app_for(populated, "alice")
    health = record_canaries("R-0001")["health"]
    async with signed_in(app) as pilot:
        await open_record(app, pilot, "R-0001")
        await reveal(app, pilot, "health", REASON)
        await lock(app, pilot)
        await type_text(pilot, "135790")
        assert "135790" not in screen_text(app)  # the PIN is not echoed
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        assert "That PIN is not right. 2 more tries before you are locked out." in screen_text(app)

        await enter_pin(app, pilot, PIN)
        assert isinstance(app.screen, RecordListScreen)
        text = screen_text(app)
        assert "Canaryname R-0001" in text and "Locked" not in text
        pins = [e.action for e in log(populated) if e.action in ("pin_failed", "unlocked")]
        assert pins == ["pin_failed", "unlocked"]

        await open_record(app, pilot, "R-0001")
        assert health not in screen_text(app)
        assert field_text(app, "health").startswith("Health: ••••")


async def test_enter_on_an_empty_pin_box_is_said_and_costs_no_try(populated: Path) -> None:
    set_pin(populated)
    app = app_for(populated, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, app, PinScreen)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PinScreen)
        assert "Type your PIN, then press Enter." in screen_text(app)
        await enter_pin(app, pilot, PIN)
        await wait_for_screen(pilot, app, RecordListScreen)
        await lock(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        assert "Type your PIN, then press Enter." in screen_text(app)
        assert "not right" not in screen_text(app)
    assert [e.action for e in log(populated) if e.action == "pin_failed"] == []


async def test_three_wrong_pins_at_the_lock_end_the_session_and_lock_them_out(
    populated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_pin(populated)
    app = app_for(populated, "alice")
    async with signed_in(app) as pilot:
        await settle(app, pilot)
        await lock(app, pilot)
        for wrong in ("111111", "222222", "333333"):
            await enter_pin(app, pilot, wrong)
    assert app.return_code == 1
    assert not app.is_running
    said = capsys.readouterr().err
    assert "alice is locked out after too many wrong PINs until " in said
    assert "'secure-records staff unlock alice'" in said
    ended = log(populated, "session_ended")[-1]
    assert (ended.actor, ended.details["why"]) == ("alice", "locked out after wrong PINs")
    assert len(log(populated, "pin_failed")) == 3
    assert len(log(populated, "pin_locked_out")) == 1


async def test_quit_still_works_while_locked(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app) as pilot:
        await settle(app, pilot)
        await lock(app, pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0
    assert log(populated, "session_ended")[-1].details["why"] == "quit"


# 7. the idle lock


async def test_idle_locks_the_screen_and_logs_why(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app) as pilot:
        await open_record(app, pilot, "R-0001")
        app.lock_if_idle(later_by=10_000)
        await settle(app, pilot)
        assert isinstance(app.screen, LockScreen)
        assert "Canaryname" not in screen_text(app)
        assert log(populated, "locked")[-1].details == {"why": "idle"}


async def test_a_key_press_resets_the_idle_clock(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app) as pilot:
        await settle(app, pilot)
        await pilot.pause(1.0)
        assert app.idle_seconds >= 1.0
        await pilot.press("down")
        assert app.idle_seconds < 1.0
        app.lock_if_idle(later_by=60)  # the policy's limit is more than a minute
        await settle(app, pilot)
        assert isinstance(app.screen, RecordListScreen)
        assert log(populated, "locked") == []


# 8. no screenshot, no suspend


async def test_no_screenshot_command_and_no_suspend(
    populated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app) as pilot:
        await settle(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Quit" in titles and "Screenshot" not in titles
        shots = tmp_path / "shots"
        shots.mkdir()
        app.action_screenshot(path=str(shots))
        await pilot.pause()
        assert list(shots.iterdir()) == []  # no picture of the screen on disk

        # Over SSH the driver could suspend: make the test driver say so, and catch
        # the SIGTSTP that textual would send to put the app in the background.
        sent: list[int] = []
        monkeypatch.setattr(type(app._driver), "can_suspend", property(lambda _: True))
        monkeypatch.setattr(os, "kill", lambda pid, sig: sent.append(sig))
        app.action_suspend_process()
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert sent == []
        assert app.is_running and isinstance(app.screen, RecordListScreen)
        assert "Canaryname R-0001" in screen_text(app)


# 9. a dropped connection


async def test_a_hang_up_ends_the_session_in_the_log(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app) as pilot:
        await settle(app, pilot)
        app.hang_up("SIGHUP")
        await pilot.pause()
    assert app.return_code == 1
    sessions = [e for e in log(populated) if e.action.startswith("session_")]
    assert [e.action for e in sessions] == ["session_started", "session_ended"]
    assert sessions[-1].details["why"] == "connection dropped (SIGHUP)"


# 10. unknown staff


async def test_unknown_staff_are_refused_with_one_sentence(
    populated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = app_for(populated, "mallory")
    async with signed_in(app) as pilot:
        await pilot.pause()
    assert app.return_code not in (0, None)
    message = capsys.readouterr().err.strip()
    assert message == "There is no staff member called 'mallory' in this vault."
    refused = log(populated, "session_refused")[-1]
    assert refused.actor == "mallory"
    assert log(populated, "session_started") == []

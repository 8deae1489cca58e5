"""The lock keeps drafts: what is typed in a dialog is held in memory, never on the lock
screen, and put back after the PIN; quitting with one asks first."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, RadioButton, TextArea

from secure_records.tui.drafts import LoseDraft
from secure_records.tui.modals import NewConsent, NewNote, RevealReason
from secure_records.tui.record_list import RecordList
from secure_records.tui.record_screen import FieldRow, RecordScreen
from tests.tui.conftest import PIN, app_for, screen_text, signed_in, wait_for_screen
from tests.tui.test_screens import enter_pin, field_row, lock, log, open_record, paste, settle

SMALL = (80, 24)
DRAFT = "Mum says the school bus was late all week"


async def write_a_note(app, pilot) -> NewNote:  # type: ignore[no-untyped-def]
    await open_record(app, pilot, "R-0002")
    await pilot.press("n")
    await wait_for_screen(pilot, app, NewNote)
    modal = app.screen
    assert isinstance(modal, NewNote)
    modal.query_one("#opinion", RadioButton).value = True
    modal.query_one("#text", TextArea).focus()
    await paste(app, pilot, DRAFT)
    return modal


async def lock_and_back(app, pilot, kind: type) -> None:  # type: ignore[no-untyped-def]
    """Lock, type the PIN, and wait for the dialog `kind` to be open again."""
    await lock(app, pilot)
    await enter_pin(app, pilot, PIN)
    await wait_for_screen(pilot, app, kind)


async def test_a_note_being_written_survives_the_lock(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SMALL) as pilot:
        await write_a_note(app, pilot)
        await lock(app, pilot)
        assert DRAFT not in screen_text(app)
        assert "Canaryname" not in screen_text(app)
        await enter_pin(app, pilot, PIN)
        await wait_for_screen(pilot, app, NewNote)
        modal = app.screen
        assert modal.query_one("#text", TextArea).text == DRAFT
        assert modal.query_one("#opinion", RadioButton).value
        # Under it, the same record; saving it saves it there.
        assert isinstance(app.screen_stack[-2], RecordScreen)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, RecordScreen)
        assert DRAFT in screen_text(app)
    assert [e.record_id for e in log(populated, "note_added")] == ["R-0002"]


async def test_consent_and_a_reveal_reason_survive_the_lock(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SMALL) as pilot:
        await open_record(app, pilot, "R-0001")
        await pilot.press("c")
        await wait_for_screen(pilot, app, NewConsent)
        app.screen.query_one("#given-by", Input).value = "Carer (in person)"
        await lock_and_back(app, pilot, NewConsent)
        assert app.screen.query_one("#given-by", Input).value == "Carer (in person)"
        await pilot.press("escape")
        await settle(app, pilot)

        field_row(app, "phone").focus()
        await pilot.press("r")
        await wait_for_screen(pilot, app, RevealReason)
        app.screen.query_one("#reason", Input).value = "Calling about tomorrow"
        await lock_and_back(app, pilot, RevealReason)
        assert "Why do you need to see Phone?" in screen_text(app)
        assert app.screen.query_one("#reason", Input).value == "Calling about tomorrow"


async def test_no_draft_means_the_list_after_the_lock(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SMALL) as pilot:
        await open_record(app, pilot, "R-0001")
        await pilot.press("n")
        await wait_for_screen(pilot, app, NewNote)  # opened, nothing typed
        await lock(app, pilot)
        await enter_pin(app, pilot, PIN)
        assert app.screen.query(RecordList)
        assert not isinstance(app.screen, NewNote)


async def test_quitting_with_a_note_open_asks_first(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SMALL) as pilot:
        await write_a_note(app, pilot)
        await pilot.press("ctrl+q")
        await wait_for_screen(pilot, app, LoseDraft)
        assert "You have an unsaved note. Quit and lose it?" in screen_text(app)
        await pilot.press("enter")  # Stay is focused: Enter keeps the note
        await settle(app, pilot)
        assert app.is_running and isinstance(app.screen, NewNote)
        assert app.screen.query_one("#text", TextArea).text == DRAFT

        await pilot.press("ctrl+q")
        await wait_for_screen(pilot, app, LoseDraft)
        await pilot.click("#save")  # Quit and lose it
        await settle(app, pilot)
        assert not app.is_running
    assert log(populated, "note_added") == []


async def test_quitting_with_a_draft_held_by_the_lock_asks_too(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SMALL) as pilot:
        await write_a_note(app, pilot)
        await lock(app, pilot)
        await pilot.press("ctrl+q")
        await wait_for_screen(pilot, app, LoseDraft)
        assert DRAFT not in screen_text(app)
        await pilot.press("ctrl+q")  # asked already: a second ctrl+q quits
        await settle(app, pilot)
        assert not app.is_running


async def test_quitting_with_nothing_typed_does_not_ask(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SMALL) as pilot:
        await open_record(app, pilot, "R-0001")
        assert isinstance(app.focused, FieldRow)
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert not app.is_running

"""Forms that help, at 80x24: a label on every field, the first field focused, Enter
(or ctrl+s) submits, a problem said beside its field with the form still open and what
was typed still in it, every dialog centred the same way."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.screen import Screen
from textual.widgets import Button, Input, Select, TextArea

from secure_records.session import Session
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.modals import AskReason, NewConsent, NewNote, RestrictDialog
from secure_records.tui.record_screen import RecordScreen
from tests.tui.conftest import app_for, screen_text, signed_in, wait_for_screen
from tests.tui.test_screens import log, open_record, paste, settle, shown

SMALL = (80, 24)
REASON = "Concerns raised by the school this week"


async def press_key(app: SecureRecordsApp, pilot, key: str, kind: type[Screen]) -> Screen:  # type: ignore[no-untyped-def, type-arg]
    await pilot.press(key)
    await wait_for_screen(pilot, app, kind)
    await settle(app, pilot)
    return app.screen


def centred(screen: Screen) -> tuple[int, int]:  # type: ignore[type-arg]
    """How far off centre the dialog sits: (columns, rows)."""
    box = screen.query_one("#dialog").region
    width, height = screen.size
    return (
        abs(box.x - (width - box.right)),
        abs(box.y - (height - box.bottom)),
    )


async def test_the_note_form_labels_its_fields_and_fits_at_80x24(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SMALL) as pilot:
        await open_record(app, pilot, "R-0001")
        modal = await press_key(app, pilot, "n", NewNote)
        lines = shown(app)
        assert "Date (DD/MM/YYYY)" in lines
        assert "Note (at most 20,000 characters)" in lines  # the limit, said before typing
        assert "Save note (ctrl+s)" in lines  # Enter is a new line in the note
        for button in modal.query(Button):
            assert button.region.bottom <= SMALL[1], button.id


async def test_a_note_dated_the_uk_way_is_saved_with_ctrl_s(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SMALL) as pilot:
        await open_record(app, pilot, "R-0001")
        modal = await press_key(app, pilot, "n", NewNote)
        await pilot.press("right", "space")  # the kind is focused first: Opinion
        modal.query_one("#date", Input).value = "04/02/2018"
        modal.query_one("#text", TextArea).focus()
        await paste(app, pilot, "Seemed tired today.")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, RecordScreen)
    entry = log(populated, "note_added")[-1]
    assert entry.details["kind"] == "opinion"
    with Session.open("alice", populated) as session:
        notes = session.records.open_record("R-0001").notes
        assert notes is not None
        assert any(n.date == date(2018, 2, 4) for n in notes.entries)


async def test_consent_withdrawn_before_given_stays_open_with_what_was_typed(
    populated: Path,
) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SMALL) as pilot:
        await open_record(app, pilot, "R-0001")
        modal = await press_key(app, pilot, "c", NewConsent)
        typed = {
            "#given-by": "Carer (in person)",
            "#scope": "Share with the school nurse",
            "#on": "2024-03-10",
            "#withdrawn": "2024-03-01",
        }
        for field, value in typed.items():
            modal.query_one(field, Input).value = value
        modal.query_one("#save", Button).press()
        await settle(app, pilot)
        assert app.screen is modal
        assert "It is before the date given." in screen_text(app)
        assert app.focused is modal.query_one("#withdrawn")
        for field, value in typed.items():
            assert modal.query_one(field, Input).value == value
        assert log(populated, "consent_recorded") == []

        modal.query_one("#withdrawn", Input).value = ""
        modal.query_one("#capacity", Select).value = "parent"
        await pilot.press("enter")  # Enter submits, from the field it said was wrong
        await settle(app, pilot)
        assert isinstance(app.screen, RecordScreen)
        said = "given by Carer (in person) (a parent with parental responsibility), to Share"
        assert said in " ".join(shown(app).split())


async def test_the_restrict_form_opens_on_its_first_field(populated: Path) -> None:
    app = app_for(populated, "lead")
    async with signed_in(app, SMALL) as pilot:
        await open_record(app, pilot, "R-0001")
        modal = await press_key(app, pilot, "x", RestrictDialog)
        assert app.focused is modal.query_one("#days")
        assert "For how many days" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
    with Session.open("lead", populated) as lead:
        lead.oversight.restrict_record("R-0001", REASON, 30)
    app = app_for(populated, "lead")
    async with signed_in(app, SMALL) as pilot:
        await open_record(app, pilot, "R-0001")
        modal = await press_key(app, pilot, "x", RestrictDialog)
        assert app.focused is modal.query_one("#staff")


async def test_every_dialog_sits_in_the_middle(populated: Path) -> None:
    app = app_for(populated, "lead")
    async with signed_in(app, SMALL) as pilot:
        await open_record(app, pilot, "R-0001")
        for key, kind in (("c", NewConsent), ("n", NewNote), ("x", RestrictDialog)):
            modal = await press_key(app, pilot, key, kind)
            assert centred(modal) <= (1, 1), kind.__name__  # consent sat top-left
            await pilot.press("escape")
            await settle(app, pilot)


async def test_a_mistyped_name_to_grant_is_said_beside_it_and_nothing_is_lost(
    populated: Path,
) -> None:
    with Session.open("lead", populated) as lead:
        lead.oversight.restrict_record("R-0001", REASON, 30)
    app = app_for(populated, "lead")
    async with signed_in(app, SMALL) as pilot:
        await open_record(app, pilot, "R-0001")
        modal = await press_key(app, pilot, "x", RestrictDialog)
        modal.query_one("#staff", Input).value = "bilall"
        modal.query_one("#reason", Input).value = REASON
        modal.query_one("#grant", Button).press()
        await settle(app, pilot)
        assert app.screen is modal
        assert "There is no staff member called" in screen_text(app)
        assert app.focused is modal.query_one("#staff")
        assert modal.query_one("#staff", Input).value == "bilall"
        assert modal.query_one("#reason", Input).value == REASON

        modal.query_one("#staff", Input).value = "bilal"
        await pilot.press("enter")  # Enter grants
        await settle(app, pilot)
        assert isinstance(app.screen, RecordScreen)
    assert log(populated, "access_granted")[-1].details["staff"] == "bilal"


async def test_a_reason_too_short_is_said_beside_it(populated: Path) -> None:
    app = app_for(populated, "lead")
    async with signed_in(app, SMALL) as pilot:
        await open_record(app, pilot, "R-0001")
        modal = await press_key(app, pilot, "h", AskReason)
        modal.query_one("#reason", Input).value = "short"
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is modal
        said = modal.query_one("#reason-said")
        assert said.display and "at least" in str(said.render())
        assert said.region.y == modal.query_one("#reason").region.bottom  # just below it


async def test_under_no_color_a_problem_is_marked_by_a_glyph_not_a_colour(
    populated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = app_for(populated, "alice")
    async with signed_in(app, SMALL) as pilot:
        await open_record(app, pilot, "R-0001")
        await press_key(app, pilot, "n", NewNote)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.is_running
        assert "! Choose Fact or Opinion." in shown(app)

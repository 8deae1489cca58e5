"""The sharing screen at 80x24 says what every box is for, how many questions there
can be, what consent the record holds, what is chosen as it is ticked, and where
something is wrong; once the decision is recorded, Enter goes back (issue 17)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path

from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, RadioButton, RadioSet

from secure_records.admin import Administration
from secure_records.session import Session
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.record_screen import RecordScreen
from secure_records.tui.sharing_screen import SharingScreen
from tests.conftest import canary_row, write_jsonl
from tests.tui.conftest import app_for, screen_text, signed_in, wait_for_screen
from tests.tui.test_screens import shown

SIZE = (80, 24)
REASON = "a reason that is long enough to record"
REQUEST = {
    "#req-name": "D. Example",
    "#req-org": "Nowhere Primary School",
    "#purpose": "Planning support at school next term",
}
# purpose, identifies, confidential, consent: no, another reason: yes
WITHOUT_CONSENT = (True, True, True, False, True)


def words(app: SecureRecordsApp) -> str:
    """What the screen says, a line wrapped at 80 columns read as one."""
    return " ".join(shown(app).split())


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        await pilot.pause(0.1)


async def press(pilot, app: SecureRecordsApp, button: str) -> None:  # type: ignore[no-untyped-def]
    """Press a button as Enter on it would (at 80x24 it may be below the fold)."""
    app.screen.query_one(button, Button).press()
    await settle(pilot)


async def start(pilot, app: SecureRecordsApp, record: int = 0) -> SharingScreen:  # type: ignore[no-untyped-def]
    """From the list: open a record and press s."""
    await pilot.pause()
    for _ in range(record):
        await pilot.press("down")
    await pilot.press("enter")
    await wait_for_screen(pilot, app, RecordScreen)
    await pilot.press("s")
    await wait_for_screen(pilot, app, SharingScreen)
    await settle(pilot)
    assert isinstance(app.screen, SharingScreen)
    return app.screen


async def ask(pilot, app: SecureRecordsApp) -> None:  # type: ignore[no-untyped-def]
    for box, value in REQUEST.items():
        app.screen.query_one(box, Input).value = value
    await press(pilot, app, "#request-next")


async def answer(pilot, app: SecureRecordsApp, *answers: bool) -> None:  # type: ignore[no-untyped-def]
    for yes in answers:
        app.screen.query_one("#reason", Input).value = REASON
        await press(pilot, app, "#answer-yes" if yes else "#answer-no")


@asynccontextmanager
async def answered(
    home: Path, *answers: bool
) -> AsyncIterator[tuple[Pilot[None], SecureRecordsApp]]:
    """alice, sharing from the first record in her list, past the request and
    these answers."""
    app = app_for(home, "alice")
    async with signed_in(app, SIZE) as pilot:
        await start(pilot, app)
        await ask(pilot, app)
        await answer(pilot, app, *answers)
        yield pilot, app


async def into_view(pilot, app: SecureRecordsApp, box: str) -> None:  # type: ignore[no-untyped-def]
    """Scrolled to as a person would, the box in the middle of the screen."""
    body = app.screen.query_one("#sharing", VerticalScroll)
    body.scroll_to_center(app.screen.query_one(box), animate=False)
    await settle(pilot)


async def test_every_box_on_the_outcome_screen_says_what_it_is_for(populated: Path) -> None:
    async with answered(populated, *WITHOUT_CONSENT) as (pilot, app):
        # Typed into, a box's placeholder is gone: its label must still say what it is.
        for box, label in (
            ("#not-informing", "why telling them would put someone at risk"),
            ("#urgent", "the manager you consulted, and how"),
        ):
            app.screen.query_one(box, Input).value = "something typed"
            await into_view(pilot, app, box)
            assert label in words(app), box


async def test_the_box_for_what_was_discussed_says_so(populated: Path) -> None:
    # No clear purpose: do not share.
    async with answered(populated, False) as (pilot, app):
        app.screen.query_one("#discussed", Input).value = "something typed"
        await into_view(pilot, app, "#discussed")
        assert "What was discussed with the requester" in words(app)


async def test_each_question_says_of_how_many(populated: Path) -> None:
    async with answered(populated) as (pilot, app):
        assert "Question 1 of 5" in screen_text(app)
        await answer(pilot, app, True, True, True)
        assert "Question 4 of 5" in screen_text(app)


async def at_the_consent_question(home: Path) -> str:
    """What alice's screen says at the question 'Do you have consent?' about the
    first record in her list."""
    async with answered(home, True, True, True) as (_, app):
        return words(app)


async def test_the_consent_question_shows_the_consent_in_force(populated: Path) -> None:
    text = await at_the_consent_question(populated)

    assert "Do you have consent?" in text
    assert (
        "given 01 May 2024 by CANARY-CONSENTER-R-0001 (capacity not recorded), "
        "to CANARY-SCOPE-R-0001" in text
    )


async def test_withdrawn_consent_is_not_shown_as_in_force(populated: Path) -> None:
    with Session.open("alice", populated) as alice:
        alice.records.withdraw_consent("R-0001", 1, date(2026, 2, 4), "Moved away")

    text = await at_the_consent_question(populated)

    assert "No consent is in force on this record (1 entry withdrawn)." in text
    assert "given by CANARY-CONSENTER" not in text


async def test_a_record_with_no_consent_says_so_at_the_consent_question(
    populated: Path, tmp_path: Path
) -> None:
    row = {**canary_row("R-0000", ["alice"]), "consent": []}  # first in alice's list
    with Administration.open(populated) as admin:
        admin.import_file(write_jsonl(tmp_path / "more.jsonl", [row]))

    assert "No consent is recorded on this record." in await at_the_consent_question(populated)


async def test_what_is_chosen_is_said_as_it_is_ticked(populated: Path) -> None:
    async with answered(populated, True, True, True, True) as (pilot, app):
        assert "(nothing is chosen yet)" in words(app)
        app.screen.query_one("#field-name", Checkbox).value = True
        app.screen.query_one("#note-1", Checkbox).value = True
        await settle(pilot)
        text = words(app)
        assert "(2 chosen: Name, 1 note)" in text and "nothing is chosen yet" not in text
        app.screen.query_one("#field-name", Checkbox).value = False
        app.screen.query_one("#note-1", Checkbox).value = False
        await settle(pilot)
        assert "(nothing is chosen yet)" in words(app)


async def test_once_recorded_enter_goes_back_to_the_record_and_the_footer_says_so(
    populated: Path,
) -> None:
    async with answered(populated, False) as (pilot, app):
        app.screen.query_one("#discussed", Input).value = "Explained why nothing can be shared yet"
        await press(pilot, app, "#record")
        text = words(app)
        assert "Recorded." in text
        # The footer offers Enter to go back, and no longer a Cancel that cancels nothing.
        assert "⏎ Back" in text and "Cancel" not in text
        assert app.screen.active_bindings["enter"].binding.description == "Back"
        await pilot.press("enter")
        await wait_for_screen(pilot, app, RecordScreen)


async def test_a_problem_is_said_beside_its_box_and_what_was_typed_stays(
    populated: Path,
) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SIZE) as pilot:
        await start(pilot, app)
        for box, value in {**REQUEST, "#purpose": "school"}.items():
            app.screen.query_one(box, Input).value = value
        await press(pilot, app, "#request-next")
        assert "Say what the information is for (at least 20 characters)." in words(app)
        assert app.screen.query_one("#req-name", Input).value == "D. Example"
        assert app.screen.query_one("#purpose", Input).value == "school"
        await ask(pilot, app)
        await answer(pilot, app, True, True, True, True)
        screen = app.screen
        screen.query_one("#field-name", Checkbox).value = True
        screen.query_one("#confirmed", Checkbox).value = True
        for radio in ("#method", "#basis"):
            screen.query_one(radio, RadioSet).query(RadioButton).first().value = True
        screen.query_one("#not-informing", Input).value = "typed before the refusal"
        await press(pilot, app, "#record")  # whether they will be told: not said
        # On screen at 80x24, where the answer goes, not below the fold.
        assert "Say whether the individual will be told." in words(app)
        assert app.focused is screen.query_one("#inform", RadioSet)
        assert screen.query_one("#not-informing", Input).value == "typed before the refusal"
        assert screen.query_one("#field-name", Checkbox).value

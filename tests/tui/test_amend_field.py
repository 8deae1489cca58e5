"""A field corrected from the record screen, at 80x24: `m` on the field in focus, a
dialog with labelled inputs (a date typed DD/MM/YYYY), the correction and what it
replaced shown on the record at once (issue 19)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from secure_records.session import Session
from secure_records.tui.amend_field import AmendField
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.record_screen import FieldRow, RecordScreen
from tests.tui.conftest import app_for, screen_text, signed_in, wait_for_screen
from tests.tui.test_consent_withdrawal import open_record
from tests.tui.test_record_current import said_by
from tests.tui.test_screens import shown

SIZE = (80, 24)
WHY = "Case closed at the review meeting"


async def focus_field(pilot, screen: RecordScreen, name: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(12):
        focused = screen.focused
        if isinstance(focused, FieldRow) and focused.view.name == name:
            return
        await pilot.press("down")
        await pilot.pause()
    raise AssertionError(f"field {name} never took the focus")


async def corrections_shown(pilot, app: SecureRecordsApp) -> str:  # type: ignore[no-untyped-def]
    app.screen.scroll_to_widget(app.screen.query_one("#corrections", Static), animate=False)
    await pilot.pause()
    return " ".join(shown(app).split())


async def test_a_case_is_closed_from_its_closing_date_field(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SIZE) as pilot:
        screen = await open_record(pilot, app)
        assert "m" in screen.active_bindings
        await focus_field(pilot, screen, "case_closed")
        await pilot.press("m")
        await wait_for_screen(pilot, app, AmendField)
        drawn = screen_text(app)
        assert "Case closed (DD/MM/YYYY; blank if the case is open)" in drawn
        assert "Save correction" in drawn  # the whole dialog fits in 24 rows
        await pilot.press(*"31/03/2019", "tab", *WHY, "enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
        row = app.screen.query_one("#field-case_closed", FieldRow)
        assert row.view.text == "2019-03-31"
        text = await corrections_shown(pilot, app)
        assert "Case closed: was (none), now 31 Mar 2019. By alice, because: " + WHY in text


async def test_a_refused_value_is_said_beside_it_and_kept(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SIZE) as pilot:
        screen = await open_record(pilot, app)
        await focus_field(pilot, screen, "case_closed")
        await pilot.press("m")
        await wait_for_screen(pilot, app, AmendField)
        await pilot.press(*"31/02/2019", "tab", *WHY, "enter")
        await pilot.pause()
        assert isinstance(app.screen, AmendField)
        said = str(app.screen.query_one("#value-said", Static).render())
        assert "Case closed: write the date as DD/MM/YYYY" in said
        assert app.screen.query_one("#value", Input).value == "31/02/2019"
        assert app.screen.query_one("#reason", Input).value == WHY


async def test_a_masked_field_is_not_offered_for_correction(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SIZE) as pilot:
        screen = await open_record(pilot, app)
        await focus_field(pilot, screen, "nhs_number")  # masked for caseworkers
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)


async def test_m_on_a_field_still_to_be_revealed_says_to_reveal_it_first(
    populated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_for(populated, "alice")
    said = said_by(app, monkeypatch)
    async with signed_in(app, SIZE) as pilot:
        screen = await open_record(pilot, app)
        await focus_field(pilot, screen, "address")  # reveal with a reason, for caseworkers
        await pilot.press("m")
        await pilot.pause()
    assert said == ["Reveal Address first with r (with your reason), then press m."]


async def test_a_correction_and_its_reason_are_drawn_as_written_never_as_markup(
    populated: Path,
) -> None:
    reason = "[@click=app.quit]x[/] said [b]twice[/b] at referral"
    with Session.open("alice", populated) as alice:
        alice.amendments.amend("R-0001", "name", "[red]Corrected[/red] Name", reason)
    app = app_for(populated, "alice")
    async with signed_in(app, SIZE) as pilot:
        await open_record(pilot, app)
        text = await corrections_shown(pilot, app)
        assert "now [red]Corrected[/red] Name. By alice, because: " + reason in text
        assert app.is_running

"""Outputs read in the app and released by a lead (issue 18): the list, the read-only
viewer at 80x24 under NO_COLOR, and a release confirmed by typing the reference."""

from __future__ import annotations

from pathlib import Path

import pytest
import pyzipper  # type: ignore[import-untyped]
from textual.containers import VerticalScroll
from textual.widgets import Button, Input, Static

from secure_records.admin import Administration
from secure_records.session import Session
from secure_records.tui.output_screens import OutputScreen, OutputsScreen
from secure_records.tui.typed_confirmation import TypedConfirmation
from tests.tui.conftest import app_for, screen_text, signed_in, wait_for_screen

SMALL = (80, 24)


async def test_a_lead_reads_a_report_at_80x24_and_releases_it_by_typing_its_reference(
    populated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    with Session.open("lead", populated) as lead:
        report = lead.oversight.subject_access_report("R-0001", "Request from the person")
    app = app_for(populated, "lead")
    async with signed_in(app, SMALL) as pilot:
        await pilot.press("e")
        await wait_for_screen(pilot, app, OutputsScreen)
        await pilot.pause()
        assert report in screen_text(app) and "Subject access report" in screen_text(app)
        await pilot.press("enter")
        await wait_for_screen(pilot, app, OutputScreen)
        await pilot.pause()
        assert f"Subject access report {report}" in screen_text(app)
        assert "Subject access report: R-0001" in screen_text(app)
        # Plain words, as the person will get them: no Markdown marks, a UK date.
        text = str(app.screen.query_one("#text", Static).render())
        assert "# " not in text and "**" not in text and "- Category: Child" in text
        assert "Date of birth: 02 Apr 2013" in text
        # Longer than the screen: the keys scroll it, and nothing in it can be typed into.
        box = app.screen.query_one("#output-text", VerticalScroll)
        assert app.screen.focused is box and box.max_scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert box.scroll_y > 0 and "Sharing history" in screen_text(app)
        app.screen.query_one("#recipient", Input).value = "The person, by hand at the office"
        app.screen.query_one("#release", Button).press()
        await wait_for_screen(pilot, app, TypedConfirmation)
        await pilot.pause()
        assert "To: The person, by hand at the office" in screen_text(app)
        await pilot.press(*report, "enter")
        await wait_for_screen(pilot, app, OutputScreen)
        await pilot.pause()
        said = str(app.screen.query_one("#released", Static).render())
        assert "Passphrase: " in said and "by phone" in said
        passphrase = said.split("Passphrase: ")[1].split()[0]
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert passphrase not in screen_text(app)  # shown once: the lock takes it away
    [released] = (populated / "exports").glob(f"{report}-*.zip")
    with pyzipper.AESZipFile(released) as archive:
        archive.setpassword(passphrase.encode())
        assert b"Canaryname R-0001" in archive.read(f"{report}.txt")
    with Administration.open(populated) as admin:
        actions = [e.action for e in admin.vault.log.entries() if e.actor == "lead"]
    assert actions.count("output_viewed") == 1 and actions.count("output_released") == 1


async def test_the_auditor_opens_outputs_from_their_page_and_sees_only_reviews(
    populated: Path,
) -> None:
    with Session.open("lead", populated) as lead:
        lead.oversight.subject_access_report("R-0001", "Request from the person")
    with Session.open("auditor", populated) as auditor:
        review = auditor.oversight.export_access_review()
    app = app_for(populated, "auditor")
    async with signed_in(app, SMALL) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await wait_for_screen(pilot, app, OutputsScreen)
        await pilot.pause()
        text = screen_text(app)
        assert review in text and "Subject access report" not in text
        await pilot.press("enter")
        await wait_for_screen(pilot, app, OutputScreen)
        await pilot.pause()
        assert "time,staff,role,action" in screen_text(app)
        assert "Release" not in screen_text(app)  # released at the host, by IT


@pytest.mark.parametrize("size", [SMALL, (120, 40)])
async def test_the_first_tab_reaches_the_recipient_and_what_was_typed_is_kept(
    populated: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    with Session.open("lead", populated) as lead:
        lead.oversight.subject_access_report("R-0001", "Request from the person")
    app = app_for(populated, "lead")
    async with signed_in(app, size) as pilot:
        await pilot.press("e")
        await wait_for_screen(pilot, app, OutputsScreen)
        await pilot.pause()
        await pilot.press("enter")
        await wait_for_screen(pilot, app, OutputScreen)
        await pilot.pause()
        recipient = app.screen.query_one("#recipient", Input)
        await pilot.press("tab")
        await pilot.pause()
        assert app.screen.focused is recipient
        # Blank: the refusal is said beside the field, on screen at this size.
        await pilot.press("enter")
        await pilot.pause()
        beside = app.screen.query_one("#recipient-said", Static)
        assert beside.display and "Say who the file is for" in screen_text(app)
        await pilot.press(*"D. Example", "enter")
        await wait_for_screen(pilot, app, TypedConfirmation)
        await pilot.pause()
        assert "To: D. Example" in screen_text(app)
        await pilot.press("escape")  # not now: what was typed stays
        await wait_for_screen(pilot, app, OutputScreen)
        await pilot.pause()
        assert recipient.value == "D. Example" and "D. Example" in screen_text(app)
        assert not beside.display
    with Administration.open(populated) as admin:
        assert not any(e.action == "output_released" for e in admin.vault.log.entries())

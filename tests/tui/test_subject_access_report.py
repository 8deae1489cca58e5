"""The subject access report's new parts as the lead reads them in the outputs viewer
at 80x24 under NO_COLOR (issue 19): a sharing the person was not told of held out under
its WITHHELD line, a caller marked as a third party, staff's words drawn as written."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Button, Input, Static

from secure_records.session import Session
from secure_records.tui.output_screens import OutputScreen, OutputsScreen
from secure_records.tui.typed_confirmation import TypedConfirmation
from tests.integration.test_subject_access_report import SAR_REASON, share, verified_call
from tests.tui.conftest import app_for, signed_in, wait_for_screen


async def test_the_lead_reads_the_withheld_sharing_and_the_call_in_the_viewer(
    populated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    call = verified_call(populated, "Asked for [b]the address[/b] of the child")
    share(populated, "A police enquiry the person must not hear of", False, call)
    with Session.open("lead", populated) as lead:
        report = lead.oversight.subject_access_report("R-0001", SAR_REASON)
    app = app_for(populated, "lead")
    async with signed_in(app, (80, 24)) as pilot:
        for key, screen in (("e", OutputsScreen), ("enter", OutputScreen)):  # the newest
            await pilot.press(key)
            await wait_for_screen(pilot, app, screen)
            await pilot.pause()
        text = str(app.screen.query_one("#text", Static).render())
        # Releasing it says plainly that the held-out part stays behind.
        app.screen.query_one("#recipient", Input).value = "The young person, by hand"
        app.screen.query_one("#release", Button).press()
        await wait_for_screen(pilot, app, TypedConfirmation)
        await pilot.pause()
        said = " ".join(" ".join(str(w.render()) for w in app.screen.query(Static)).split())
        assert "Withheld from the file: 1 item marked for review" in said  # who consented
        assert "and 1 sharing decision the person was not told of" in said
    assert report and "WITHHELD PENDING REVIEW: 1 sharing decision" in text
    assert (
        "WITHHELD PENDING REVIEW: the person was not told of this sharing "
        "(CANARY-UNTOLD-REASON: telling them would put them at risk)"
    ) in text
    assert "«DC Jane Smith» (REVIEW BEFORE RELEASE: third party)" in text
    assert "Asked for [b]the address[/b] of the child" in text  # as typed, not markup

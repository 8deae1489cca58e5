"""A caseworker refers on their own initiative from the record screen at 80x24: the key
is in the footer, the first step asks whom it goes to, the urgent path is said plainly
and open, and the decision is recorded as nobody asked (issue 19)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, Input, RadioButton, RadioSet

from secure_records.admin import Administration
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.record_screen import RecordScreen
from secure_records.tui.sharing_screen import SharingScreen
from tests.tui.conftest import app_for, signed_in, wait_for_screen
from tests.tui.test_sharing_form import SIZE, WITHOUT_CONSENT, answer, press, settle, words

RECIPIENT = {
    "#to-org": "Anytown Council children's social care",
    "#to-who": "Duty team",
    "#to-contact": "0300 000 0000",
    "#purpose": "Bruising seen at the session today",
}


async def refer(pilot, app: SecureRecordsApp) -> None:  # type: ignore[no-untyped-def]
    """From the list: open the first record and press f."""
    await pilot.pause()
    await pilot.press("enter")
    await wait_for_screen(pilot, app, RecordScreen)
    assert "f Refer" in words(app)  # in the footer, beside Share
    await pilot.press("f")
    await wait_for_screen(pilot, app, SharingScreen)
    await settle(pilot)


def choose(app: SecureRecordsApp) -> None:
    """The name, to the right individual, by the first method and basis, and told."""
    screen = app.screen
    screen.query_one("#field-name", Checkbox).value = True
    screen.query_one("#confirmed", Checkbox).value = True
    for radio in ("#method", "#basis", "#inform"):
        screen.query_one(radio, RadioSet).query(RadioButton).first().value = True


def decisions_logged(home: Path) -> list:  # type: ignore[type-arg]
    with Administration.open(home) as admin:
        return [e for e in admin.vault.log.entries() if e.action == "sharing_decision"]


async def test_a_caseworker_refers_with_nobody_asking(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SIZE) as pilot:
        await refer(pilot, app)
        text = words(app)
        assert "Refer information from R-0001" in text and "own initiative" in text
        assert "Organisation it goes to" in text and "Requester" not in text
        await press(pilot, app, "#request-next")
        assert "Name the organisation it goes to." in words(app)
        for box, value in RECIPIENT.items():
            app.screen.query_one(box, Input).value = value
        await press(pilot, app, "#request-next")
        assert "Is there a clear and legitimate purpose" in words(app)
        await answer(pilot, app, True, True, True, True)
        choose(app)
        await press(pilot, app, "#record")
        assert "Recorded." in words(app)
    entry = decisions_logged(populated)[-1]
    assert entry.details["initiative"] == "own"
    assert entry.personal["requester"]["organisation"] == RECIPIENT["#to-org"]


async def test_where_a_child_may_be_at_risk_it_is_said_and_need_not_wait(
    populated: Path,
) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SIZE) as pilot:
        await refer(pilot, app)
        assert "If a child may be at risk of harm now, do not wait" in words(app)
        for box, value in RECIPIENT.items():
            app.screen.query_one(box, Input).value = value
        await press(pilot, app, "#request-next")
        await answer(pilot, app, *WITHOUT_CONSENT)
        choose(app)
        app.screen.query_one("#urgent", Input).value = "Spoke to the lead by phone at 14:05"
        await press(pilot, app, "#record")
        assert "Recorded as urgent" in words(app)
    entry = decisions_logged(populated)[-1]
    assert (entry.details["initiative"], entry.details["status"]) == ("own", "acted_urgently")


async def test_not_referring_asks_why_not_and_asking_points_to_f(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, SIZE) as pilot:
        await refer(pilot, app)
        for box, value in RECIPIENT.items():
            app.screen.query_one(box, Input).value = value
        await press(pilot, app, "#request-next")
        await answer(pilot, app, False)
        assert "Record why you decided not to share" in words(app)
        app.screen.query_one("#discussed", Input).value = "The school referred this morning"
        await press(pilot, app, "#record")
        assert "Recorded." in words(app)
        await pilot.press("enter")
        await wait_for_screen(pilot, app, RecordScreen)
        await pilot.press("s")  # asked: the request step says where to go if nobody did
        await wait_for_screen(pilot, app, SharingScreen)
        await settle(pilot)
        assert "Nobody asked? Press Escape, then f on the record" in words(app)

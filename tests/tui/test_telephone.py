"""Reception verifies a telephone request in the app; the caseworker answers it."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, Input, RadioSet

from secure_records.session import Session
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.callback_screen import CallbackScreen
from secure_records.tui.phone_queue_screen import PhoneQueueScreen
from secure_records.tui.reception_screen import ReceptionScreen
from secure_records.tui.sharing_screen import SharingScreen
from tests.conftest import canaries, canary_row
from tests.tui.conftest import app_for, screen_text, signed_in
from tests.tui.test_sharing_flow import answer

SIZE = (120, 70)
SWITCHBOARD = "01632 960 100"  # the shipped directory's police switchboard
GIVEN = "07700 900123"
# Every confidential value in the populated vault's three records.
PLANTED = [
    value
    for rid, who in (("R-0001", "alice"), ("R-0002", "alice"), ("R-0003", "bilal"))
    for value in canaries(canary_row(rid, [who])).values()
]


def leaked(app: SecureRecordsApp) -> list[str]:
    text = screen_text(app)
    return [value for value in PLANTED if value in text]


async def take_request(  # type: ignore[no-untyped-def]
    pilot,
    app: SecureRecordsApp,
    *,
    kind: int = 0,
    caller: str = "DC Jane Smith",
    about: str = "Canaryname R-0001",
) -> None:
    """From reception's desk: n, fill in the request, take it."""
    await pilot.press("n")
    await pilot.pause()
    form = app.screen
    for wid, value in (
        ("caller-name", caller),
        ("caller-role", "Detective constable"),
        ("number-given", GIVEN),
        ("about-name", about),
        ("about-dob", "2013-04-02"),
        ("asked", "Any concerns recorded"),
    ):
        form.query_one(f"#{wid}", Input).value = value
    for radio, index in (("organisation", 0), ("kind", kind), ("urgency", 1)):
        form.query_one(f"#{radio}", RadioSet).query("RadioButton")[index].value = True  # type: ignore[attr-defined]
    await pilot.pause()
    form.query_one("#take").scroll_visible(animate=False, immediate=True)  # below the fold
    await pilot.pause()
    await pilot.click("#take")
    await pilot.pause()


async def test_reception_verifies_a_call_by_calling_the_directorys_number(
    populated: Path,
) -> None:
    app = app_for(populated, "reception")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReceptionScreen)
        assert "No callbacks are waiting." in screen_text(app)
        await take_request(pilot, app)
        assert isinstance(app.screen, CallbackScreen)
        text = screen_text(app)
        assert SWITCHBOARD in text
        assert GIVEN not in text  # the caller's number is never offered
        assert "Red flag: The number the caller gave is not the directory's" in text
        assert "A record exists" in text and "R-0001" in text
        assert leaked(app) == []
        app.screen.query_one("#pressed", Checkbox).value = True
        await pilot.click("#outcome-confirmed")
        await pilot.pause()
        text = screen_text(app)
        assert "Verified." in text and "Do not disclose anything" in text
        assert leaked(app) == []
        await pilot.click("#done")
        await pilot.pause()
        assert isinstance(app.screen, ReceptionScreen)
        assert "No callbacks are waiting." in screen_text(app)
    with Session.open("alice", populated) as alice:
        [item] = alice.telephone.phone_queue()
    assert item.record_id == "R-0001" and item.flags == 2


async def test_a_callback_that_finds_the_caller_unknown_gives_the_neutral_words(
    populated: Path,
) -> None:
    app = app_for(populated, "reception")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        await take_request(pilot, app)
        await pilot.click("#outcome-caller_unknown")
        await pilot.pause()
        text = screen_text(app)
        assert "Not verified: refused." in text
        assert "can't discuss whether we hold information about anyone" in text
        assert leaked(app) == []
    with Session.open("lead", populated) as lead:
        assert lead.telephone.phone_queue() == []


async def test_a_call_left_for_later_waits_on_the_desk_with_its_messages(
    populated: Path,
) -> None:
    app = app_for(populated, "reception")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        await take_request(pilot, app)
        text = screen_text(app)
        # The voicemail and text wording carry the request's reference, nothing else.
        assert "quoting the reference" in text and "Canaryname" not in text
        await pilot.click("#done")
        await pilot.pause()
        assert "DC Jane Smith, Northshire Police" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CallbackScreen)
        assert SWITCHBOARD in screen_text(app)


async def test_a_request_the_organisation_may_not_make_is_passed_to_the_lead(
    populated: Path,
) -> None:
    app = app_for(populated, "reception")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        # Kind 4 (a pupil's welfare) is not one the police may ask for.
        await take_request(pilot, app, kind=4)
        text = screen_text(app)
        assert "is not entitled to ask for" in text
        assert "safeguarding lead will consider it" in text
        assert not app.screen.query("#outcome-confirmed")  # no callback to make
    with Session.open("lead", populated) as lead:
        assert [item.status for item in lead.telephone.phone_queue()] == ["referred"]


async def test_the_caseworker_answers_a_verified_request_in_the_sharing_flow(
    populated: Path,
) -> None:
    app = app_for(populated, "reception")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        await take_request(pilot, app)
        await pilot.click("#outcome-confirmed")
        await pilot.pause()
    app = app_for(populated, "alice")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, PhoneQueueScreen)
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "Called back on" in text and SWITCHBOARD in text
        assert "Number the caller gave" in text and GIVEN in text
        await pilot.click("#decide")
        await pilot.pause()
        assert isinstance(app.screen, SharingScreen)
        name = app.screen.query_one("#req-name", Input)
        assert (name.value, name.disabled) == ("DC Jane Smith", True)
        app.screen.query_one("#purpose", Input).value = "Police welfare enquiry"
        await pilot.click("#request-next")
        await pilot.pause()
        await answer(pilot, app, False)
        assert "Do not share." in screen_text(app)
        app.screen.query_one("#discussed", Input).value = "Explained to the officer why not"
        await pilot.click("#record")
        await pilot.pause()
        assert "Recorded." in screen_text(app)
    with Session.open("alice", populated) as alice:
        assert alice.records.sharing_history("R-0001")[-1].phone_request
        assert alice.telephone.phone_queue() == []


async def test_a_hostile_caller_name_is_drawn_literally_for_reception_and_the_lead(
    populated: Path,
) -> None:
    hostile = "[@click=app.quit]Jane[/] \x1b[31mred"
    app = app_for(populated, "reception")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        await take_request(pilot, app, caller=hostile)
        assert "[@click=app.quit]Jane[/]" in screen_text(app)
        await pilot.click("#outcome-confirmed")
        await pilot.pause()
        assert app.is_running
    app = app_for(populated, "lead")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "[@click=app.quit]Jane[/] \\x1b[31mred" in text
        assert app.is_running

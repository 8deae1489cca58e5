"""A caseworker takes a sharing decision in the app; a lead confirms one."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, Input, RadioButton, RadioSet, Select

from secure_records.session import Session
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.queue_screen import QueueScreen
from secure_records.tui.typed_confirmation import TypedConfirmation
from tests.support.bases import basis
from tests.tui.conftest import app_for, screen_text, signed_in, wait_for_screen

REASON = "a reason that is long enough to record"


async def open_first_record(pilot, app: SecureRecordsApp) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def start_sharing(pilot, app: SecureRecordsApp) -> None:  # type: ignore[no-untyped-def]
    """Open the first record, press s, and say who is asking and why."""
    await open_first_record(pilot, app)
    await pilot.press("s")
    await pilot.pause()
    await fill_request(pilot, app)


async def fill_request(pilot, app: SecureRecordsApp) -> None:  # type: ignore[no-untyped-def]
    for wid, value in (
        ("#req-name", "D. Example"),
        ("#req-org", "Nowhere Primary School"),
        ("#req-role", "Designated lead"),
        ("#req-contact", "01632 960000"),
        ("#purpose", "Planning support at school next term"),
    ):
        app.screen.query_one(wid, Input).value = value
    await pilot.click("#request-next")
    await pilot.pause()


async def answer(pilot, app: SecureRecordsApp, *answers: bool) -> None:  # type: ignore[no-untyped-def]
    for yes in answers:
        app.screen.query_one("#reason", Input).value = REASON
        await pilot.click("#answer-yes" if yes else "#answer-no")
        await pilot.pause()


async def test_a_caseworker_shares_with_consent_end_to_end(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, (120, 60)) as pilot:
        await start_sharing(pilot, app)
        assert "Is there a clear and legitimate purpose" in screen_text(app)
        await answer(pilot, app, True, True, True, True)
        assert "You can share, but should consider how" in screen_text(app)
        screen = app.screen
        screen.query_one("#field-name", Checkbox).value = True
        screen.query_one("#confirmed", Checkbox).value = True
        for radio in ("#method", "#basis", "#inform"):
            screen.query_one(radio, RadioSet).query(RadioButton).first().value = True
        await pilot.click("#record")
        await pilot.pause()
        text = screen_text(app)
        assert "is kept, sealed, in the vault: press v to read it" in text
        # Offered in the app (a caseworker on SSH has no shell to open a file with).
        await pilot.press("v")
        await pilot.pause()
        shown = screen_text(app)
        assert "Disclosure package D-" in shown and "Canaryname R-0001" in shown
        assert "CANARY-HEALTH" not in shown
        assert "Release" not in shown  # a lead's step, not the caseworker's
    assert not list((populated / "exports").iterdir())


async def test_the_outcome_comes_from_the_answers_not_a_choice(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, (120, 60)) as pilot:
        await start_sharing(pilot, app)
        await answer(pilot, app, False)
        text = screen_text(app)
        assert "Do not share" in text
        assert not app.screen.query("#field-name")  # nothing to choose when it may not go
        app.screen.query_one("#discussed", Input).value = "Explained why nothing can be shared yet"
        await pilot.click("#record")
        await pilot.pause()
        assert "Recorded." in screen_text(app)
    assert not list((populated / "exports").iterdir())


async def test_a_lead_confirms_from_the_queue(populated: Path) -> None:
    from secure_records.core.sharing import HowChoices, Requester, SharingFlow

    with Session.open("alice", populated) as session:
        flow = SharingFlow(session.policy.sharing)
        for yes in (True, True, True, False, True):
            flow = flow.answer(yes, REASON)
        policy = session.policy.sharing
        how = HowChoices(("name",), (), True, policy.methods[0], basis(policy), True)
        done = session.sharing.decide_sharing(
            "R-0001", Requester("D", "School", "Lead", "x"), "Planning support next term", flow, how
        )
    app = app_for(populated, "lead")
    async with signed_in(app) as pilot:
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert done.decision_id in screen_text(app)
        app.screen.query_one("#reason", Input).value = "Child at risk; the school must know"
        await pilot.click("#confirm")
        # A share without consent is confirmed by typing its reference (issue 18).
        await wait_for_screen(pilot, app, TypedConfirmation)
        await pilot.press(*done.decision_id, "enter")
        await wait_for_screen(pilot, app, QueueScreen)
        await pilot.pause()
        assert f"{done.decision_id} confirmed" in screen_text(app)
    assert not list((populated / "exports").iterdir())
    with Session.open("alice", populated) as session:  # the sharer reads what was confirmed
        assert "Canaryname R-0001" in session.outputs.read(done.decision_id).text


async def test_a_caseworker_has_no_queue_key(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app) as pilot:
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert "Sharing decisions to confirm" not in screen_text(app)


async def test_consent_captured_in_the_app_and_history_shown(populated: Path) -> None:
    app = app_for(populated, "alice")
    async with signed_in(app, (120, 60)) as pilot:
        await open_first_record(pilot, app)
        await pilot.press("c")
        await pilot.pause()
        app.screen.query_one("#given-by", Input).value = "Carer (in person)"
        app.screen.query_one("#scope", Input).value = "Share with the school nurse"
        app.screen.query_one("#capacity", Select).value = "the_person"
        await pilot.click("#save")
        await pilot.pause()
        text = screen_text(app)
        said = "given by Carer (in person) (the person themselves), to Share with the school"
        assert said in text
        assert "Sharing history" in text


async def test_hostile_text_in_the_how_step_is_drawn_literally(populated: Path) -> None:
    from datetime import date

    from secure_records.core.records import NoteKind

    hostile = "[@click=app.quit]x[/] \x1b]0;pwned\x07 \u202eevil"
    with Session.open("alice", populated) as session:
        session.records.add_note("R-0001", NoteKind.FACT, hostile, date(2026, 1, 2))
    app = app_for(populated, "alice")
    async with signed_in(app, (140, 70)) as pilot:
        await start_sharing(pilot, app)
        await answer(pilot, app, True, True, True, True)
        text = screen_text(app)
        assert "[@click=app.quit]x[/]" in text and "\\x1b]0;pwned\\x07" in text
        assert "\x1b" not in text and "\u202e" not in text
        assert app.return_code is None  # still running

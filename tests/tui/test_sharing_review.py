"""The lead sees a share without consent whole before confirming it, and confirms it
only by typing its reference (issue 18)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Button, Input, Static

from secure_records.core.sharing import HowChoices, Requester, SharingFlow
from secure_records.session import Session
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.queue_screen import QueueScreen
from secure_records.tui.typed_confirmation import TypedConfirmation
from tests.integration.test_sharing_answers import (
    NOT_ON_FILE,
    WITH_CONSENT,
    WITHDRAWN_BECAUSE,
    how,
    share,
)
from tests.support.bases import basis
from tests.tui.conftest import app_for, screen_text, signed_in, wait_for_screen

TALL = (150, 80)
ASKER = Requester("DS Kim Lowe", "Northshire Police", "Detective sergeant", "01632 960100")
NOT_TOLD = "Telling him would warn the person we are worried about"
CONFIRMING = "Child at risk; the police must know now"


def decide(home: Path, purpose: str = "Joint visit planned for tomorrow", urgent: str = "") -> str:
    """alice decides to share without consent: the name and the 2019 opinion note."""
    with Session.open("alice", home) as session:
        policy = session.policy.sharing
        flow = SharingFlow(policy)
        reasons = ("Protect a child", "Names him", "Held in confidence", "Not asked", "Vital")
        for yes, why in zip((True, True, True, False, True), reasons, strict=True):
            flow = flow.answer(yes, f"{why}: a reason long enough")
        how = HowChoices(("name",), (0,), True, policy.methods[0], basis(policy), False, NOT_TOLD)
        done = session.sharing.decide_sharing(
            "R-0001", ASKER, purpose, flow, how, urgent_manager=urgent
        )
    return done.decision_id


async def open_queue(pilot, app: SecureRecordsApp) -> str:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await pilot.press("q")
    await wait_for_screen(pilot, app, QueueScreen)
    await pilot.pause()
    return screen_text(app)


def shown(app: SecureRecordsApp) -> str:
    """Every line of the screen on top, scrolled out of sight or not."""
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


def waiting(home: Path, decision_id: str) -> bool:
    with Session.open("lead", home) as lead:
        return decision_id in [item.decision_id for item in lead.sharing.sharing_queue()]


async def test_the_lead_sees_the_whole_decision_before_confirming(populated: Path) -> None:
    decision_id = decide(populated)
    app = app_for(populated, "lead")
    async with signed_in(app, TALL) as pilot:
        text = await open_queue(pilot, app)
        for shown in (
            "DS Kim Lowe, Detective sergeant, Northshire Police",
            "Purpose: Joint visit planned for tomorrow",
            # The policy's questions in its own words, each answer with its reason.
            "Is there a clear and legitimate purpose for sharing information?",
            "Yes: Protect a child: a reason long enough",
            "Do you have consent?",
            "No: Not asked: a reason long enough",
            # What goes, by label, fact or opinion; never the values.
            "Name (fact as recorded)",
            "Chronology, note of 03 Jan 2019 by alice (OPINION, historical)",
            "Lawful basis: UK GDPR art. 6(1)(f) legitimate interests",
            f"The individual will not be told: {NOT_TOLD}",
            "Urgency: Not marked urgent",
            "(just now); decided by alice",
        ):
            assert shown in text, shown
        assert "Canaryname" not in text and "CANARY-OPINION" not in text
        assert "other_reason" not in text and "2019-01-03" not in text
        assert decision_id in text


async def test_confirming_is_done_by_typing_the_reference(populated: Path) -> None:
    decision_id = decide(populated)
    app = app_for(populated, "lead")
    async with signed_in(app, TALL) as pilot:
        await open_queue(pilot, app)
        app.screen.query_one("#reason", Input).value = CONFIRMING
        await pilot.click("#confirm")
        await wait_for_screen(pilot, app, TypedConfirmation)
        # The whole decision above the box (it scrolls), and the reason given.
        text = shown(app)
        assert "Name (fact as recorded)" in text and f"Your reason: {CONFIRMING}" in text
        assert f"Type {decision_id} to confirm the share." in text
        assert waiting(populated, decision_id)
        await pilot.press("enter")  # Enter alone does nothing
        await pilot.pause()
        assert isinstance(app.screen, TypedConfirmation)
        await pilot.press("escape")  # cancelled: still waiting, and asked again
        await wait_for_screen(pilot, app, QueueScreen)
        assert waiting(populated, decision_id)
        await pilot.click("#confirm")
        await wait_for_screen(pilot, app, TypedConfirmation)
        await pilot.press(*decision_id, "enter")
        await wait_for_screen(pilot, app, QueueScreen)
        await pilot.pause()
        assert f"{decision_id} confirmed" in screen_text(app)
    assert not waiting(populated, decision_id)


async def test_a_short_reason_is_asked_for_before_the_confirmation(populated: Path) -> None:
    decide(populated)
    app = app_for(populated, "lead")
    async with signed_in(app, TALL) as pilot:
        await open_queue(pilot, app)
        await pilot.click("#confirm")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        assert "Give your reason first (at least 20 characters)." in screen_text(app)


async def test_what_could_not_wait_is_marked_and_first(populated: Path) -> None:
    waiting = decide(populated)
    urgent = decide(
        populated, "Child missing tonight", urgent="Rang Sam Patel, on-call manager, at 21:10"
    )
    app = app_for(populated, "lead")
    async with signed_in(app, TALL) as pilot:
        text = await open_queue(pilot, app)
        assert text.index(urgent) < text.index(waiting)
        assert f"URGENT  {urgent}" in text.replace("\xa0", " ")
        assert "Urgency: URGENT: shared at once because it could not wait" in text
        assert "Manager consulted: Rang Sam Patel, on-call manager, at 21:10" in text


EMPTY_QUEUES = [
    ("q", "Nothing is waiting for you to confirm.", ["confirm", "reject"]),
    ("d", "No disposal is waiting for you to approve.", ["approve", "reject"]),
    ("t", "No telephone requests are waiting.", ["decide", "forward", "close"]),
]


@pytest.mark.parametrize(("key", "empty", "buttons"), EMPTY_QUEUES)
async def test_an_empty_queue_says_so_and_its_buttons_cannot_be_pressed(
    populated: Path, key: str, empty: str, buttons: list[str]
) -> None:
    app = app_for(populated, "lead")
    async with signed_in(app, (80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        await pilot.pause()
        text = screen_text(app)
        assert empty in text
        for button in buttons:
            assert app.screen.query_one(f"#{button}", Button).disabled, button
        # Why they cannot be pressed, beside them (scrolled to, at 80x24, if need be).
        said = shown(app)
        why = (": nothing is waiting.", "Nothing is waiting, so there is nothing to")
        assert any(words in said for words in why) and "first." not in said


async def test_a_decision_flagged_consent_not_on_file_is_not_called_without_consent(
    populated: Path,
) -> None:
    """It claims consent the record does not show: the confirmation says that, not
    "without consent" (reviewer's find)."""
    with Session.open("alice", populated) as alice:
        alice.records.withdraw_consent("R-0001", 1, date.today(), WITHDRAWN_BECAUSE)
        share(alice, WITH_CONSENT, how(alice, "name"), consent_not_on_file=NOT_ON_FILE)
    app = app_for(populated, "lead")
    async with signed_in(app, TALL) as pilot:
        await open_queue(pilot, app)
        app.screen.query_one("#reason", Input).value = CONFIRMING
        await pilot.click("#confirm")
        await wait_for_screen(pilot, app, TypedConfirmation)
        text = shown(app)
    assert "Confirm sharing R-0001 with consent not on file?" in text
    assert "without consent" not in text

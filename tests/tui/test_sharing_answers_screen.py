"""The sharing screen offers what the answers allow (issue 19), at 80x24: items an
answer rules out are shown but cannot be ticked, with the answer named; "yes, we
have consent" with none in force asks why before going on, and the lead must then
confirm; no consent basis where consent was not given."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.containers import Vertical
from textual.widgets import Checkbox, Input, RadioButton, RadioSet, Static

from secure_records.session import Session
from secure_records.tui.sharing_screen import SharingScreen
from tests.tui.test_sharing_form import (
    REASON,
    WITHOUT_CONSENT,
    answer,
    answered,
    press,
    settle,
    words,
)

NOT_ON_FILE = "Given on the phone to the duty worker; the form is in the post"

WITHDRAWN_BECAUSE = "The person told us by letter they no longer agree"


def said(app) -> str:  # type: ignore[no-untyped-def]
    """Every line on the screen, scrolled out of sight or not, wrapping undone."""
    return " ".join(" ".join(str(w.render()) for w in app.screen.query(Static)).split())


async def test_after_does_not_identify_identifying_items_cannot_be_ticked(
    populated: Path,
) -> None:
    async with answered(populated, True, False) as (_, app):
        name = app.screen.query_one("#field-name", Checkbox)
        category = app.screen.query_one("#field-category", Checkbox)
        text = said(app)
    assert name.disabled and not category.disabled
    assert (
        'Not offered, as you answered No to "Does the information enable an individual '
        'to be identified?": Name, Date of birth.'
    ) in text


async def test_yes_we_have_consent_with_none_in_force_asks_why_and_needs_the_lead(
    populated: Path,
) -> None:
    with Session.open("alice", populated) as alice:
        alice.records.withdraw_consent("R-0001", 1, date(2026, 2, 4), WITHDRAWN_BECAUSE)
    async with answered(populated, True, True, True) as (pilot, app):
        await answer(pilot, app, True)
        # Still at the question: asked to record the consent, or why it is not on file.
        assert "Do you have consent?" in words(app)
        assert app.screen.query("#record-consent")  # the record's own consent form
        assert "a safeguarding lead is told" in said(app)
        app.screen.query_one("#consent-missing", Input).value = NOT_ON_FILE
        app.screen.query_one("#reason", Input).value = REASON
        await press(pilot, app, "#answer-yes")
        assert "You can share, but should consider how." in words(app)
        screen = app.screen
        screen.query_one("#field-name", Checkbox).value = True
        screen.query_one("#confirmed", Checkbox).value = True
        screen.query_one("#method", RadioSet).query(RadioButton).first().value = True
        screen.query_one("#basis", RadioSet).query(RadioButton).first().value = True
        screen.query_one("#inform", RadioSet).query(RadioButton).first().value = True
        await settle(pilot)
        await press(pilot, app, "#record")
        assert "it waits for a safeguarding lead to confirm it" in words(app)
    with Session.open("lead", populated) as lead:
        [item] = lead.sharing.sharing_queue()
    assert item.decision.consent_not_on_file == NOT_ON_FILE


async def test_no_consent_basis_is_offered_where_consent_was_not_given(populated: Path) -> None:
    async with answered(populated, *WITHOUT_CONSENT) as (pilot, app):
        offered = [
            str(b.label) for b in app.screen.query_one("#basis", RadioSet).query(RadioButton)
        ]
        text = said(app)
        box = app.screen.query_one("#condition-box", Vertical)
        hidden = not box.display
        app.screen.query_one("#field-name", Checkbox).value = True
        await settle(pilot)
        still_hidden = not box.display
    assert offered and not any("consent" in b for b in offered)
    assert any("legitimate interests" in b for b in offered)
    assert 'not offered: you answered No to "Do you have consent?"' in text
    assert "rarely fits a charity" in text
    # The Art. 9 condition is asked only when a special-category item is ticked.
    assert hidden and still_hidden


async def test_every_question_offers_a_labelled_box_for_advice_sought(populated: Path) -> None:
    """Section 7, "seek advice ... and ensure the outcome of the discussion is
    recorded": beside each answer at 80x24, optional, kept with that answer."""
    async with answered(populated, True) as (pilot, app):
        assert "Unsure? If you sought advice: from whom, and what they said" in said(app)
        app.screen.query_one("#advice", Input).value = "Asked the duty lead: yes, it identifies"
        await answer(pilot, app, True)
        screen = app.screen
        assert isinstance(screen, SharingScreen)
        flow = screen._flow  # what the screen will record
    assert [a.advice for a in flow.answers] == ["", "Asked the duty lead: yes, it identifies"]

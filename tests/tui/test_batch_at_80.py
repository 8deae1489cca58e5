"""The batch proposal and approval as a reviewer walked them at 80x24 under NO_COLOR
(issue 20): found without the README, the whole decision before the irreversible
step, a typed count that says it is one, and IT's queue the same either way."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.widgets import Button, Input, OptionList

from secure_records.admin import Administration
from secure_records.core.retention import Action
from secure_records.session import Session
from secure_records.session.disposal_batches import RuleCount
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.disposal_queue_screen import DisposalQueueScreen
from secure_records.tui.key_footer import KeyFooter
from secure_records.tui.modals import AskReason
from secure_records.tui.retention_screen import RetentionScreen
from secure_records.tui.screen_help import help_for
from secure_records.tui.typed_confirmation import TypedConfirmation
from tests.conftest import write_jsonl
from tests.tui.conftest import app_for, signed_in, wait_for_screen
from tests.tui.test_retention import REASON, adult
from tests.tui.test_retention_at_scale import decision, states
from tests.tui.test_screens import shown
from tests.tui.test_typed_confirmation import Host

SIZE = (80, 24)
LEAD_REASON = "Checked each against the case files today"


@pytest.fixture
def due(home: Path) -> Path:
    """R-0001 to R-0003, adults due for disposal since 2021."""
    rows = [adult(f"R-000{n}") for n in (1, 2, 3)]
    with Administration.open(home) as admin:
        admin.import_file(write_jsonl(home.parent / "due.jsonl", rows))
    return home


@pytest.fixture(autouse=True)
def no_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")


def words(app: App[Any]) -> str:
    """What the screen shows, wrapped lines read as one."""
    return " ".join(shown(app).split())  # type: ignore[arg-type]


def footer(app: App[Any]) -> str:
    return str(app.screen.query_one(KeyFooter).render())


def inside(app: App[Any], selector: str) -> bool:
    region = app.screen.query_one(selector).region
    return bool(region) and app.screen.region.contains_region(region)


async def it_queue(pilot, app: SecureRecordsApp) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("r")
    await wait_for_screen(pilot, app, RetentionScreen)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def lead_queue(pilot, app: SecureRecordsApp) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await pilot.press("d")
    await wait_for_screen(pilot, app, DisposalQueueScreen)
    await pilot.pause()


async def reason_then_enter(pilot, app: SecureRecordsApp, reason: str) -> None:  # type: ignore[no-untyped-def]
    """The reason asked in a box on screen; typed, and Enter starts the batch."""
    await wait_for_screen(pilot, app, AskReason)
    await pilot.pause()
    assert inside(app, "#reason") and "at least 20 characters" in words(app)
    await pilot.press(*reason, "enter")
    await app.workers.wait_for_complete()
    await wait_for_screen(pilot, app, TypedConfirmation)
    await pilot.pause()


async def propose_all_with_reason_typed(pilot, app: SecureRecordsApp) -> None:  # type: ignore[no-untyped-def]
    """IT's reason typed in the screen's field, then a: the count to type comes up."""
    app.screen.query_one("#reason", Input).value = REASON
    app.screen.query_one("#due", OptionList).focus()
    await pilot.press("a")
    await app.workers.wait_for_complete()
    await wait_for_screen(pilot, app, TypedConfirmation)
    await pilot.pause()


def proposed_by_it(home: Path, reason: str = REASON) -> None:
    with Session.open("it", home) as it:
        counts = it.disposal_batches.proposal_preview()
        it.disposal_batches.propose_all(reason, sum(c.count for c in counts))


# 3: found and worked at 80x24, no reason typed first


async def test_it_presses_a_with_no_reason_and_is_asked_for_one_on_screen(
    due: Path,
) -> None:
    app = app_for(due, "it")
    async with signed_in(app, SIZE) as pilot:
        await it_queue(pilot, app)
        # Typing a reason in the screen's own field, a is a letter: a button says it.
        app.screen.query_one("#reason", Input).focus()
        await pilot.pause()
        assert "Propose all due" in str(app.screen.query_one("#propose-all", Button).label)
        app.screen.query_one("#due", OptionList).focus()
        await pilot.press("a")
        await reason_then_enter(pilot, app, REASON)
        assert "Type the number of records, 3, to propose them all" in words(app)
        await pilot.press("3", "enter")
        await wait_for_screen(pilot, app, RetentionScreen)
        await pilot.pause()
        assert "3 disposals proposed" in words(app)


async def test_the_lead_sees_how_many_wait_and_presses_a_with_no_reason(due: Path) -> None:
    proposed_by_it(due)
    app = app_for(due, "lead")
    async with signed_in(app, SIZE) as pilot:
        await lead_queue(pilot, app)
        # 12: how many wait, above the list.
        assert "Waiting for a lead: 3 disposals." in words(app)
        assert "Approve all" in str(app.screen.query_one("#approve-all", Button).label)
        await pilot.press("a")
        await reason_then_enter(pilot, app, LEAD_REASON)
        await pilot.press("3", "enter")
        await wait_for_screen(pilot, app, DisposalQueueScreen)
        await pilot.pause()
        assert "3 disposals approved" in words(app)


# 4: the whole decision before approving a batch


async def test_the_batch_approval_shows_who_proposed_when_why_and_each_record(
    due: Path,
) -> None:
    proposed_by_it(due)
    app = app_for(due, "lead")
    async with signed_in(app, SIZE) as pilot:
        await lead_queue(pilot, app)
        app.screen.query_one("#reason", Input).value = LEAD_REASON
        app.screen.query_one("#disposals", OptionList).focus()
        await pilot.press("a")
        await wait_for_screen(pilot, app, TypedConfirmation)
        await pilot.pause()
        lines = "\n".join(decision(app))
        assert "Proposed by it" in lines and f"Their reason: {REASON}" in lines
        for rid in ("R-0001", "R-0002", "R-0003"):
            assert rid in lines
        assert lines.count("due 31 Mar 2021") == 3
        assert f"Your reason, for each of them: {LEAD_REASON}" in lines
        # The irreversible step is said as such.
        assert "This cannot be undone" in words(app)


async def test_thousands_of_references_are_listed_quickly_and_scroll() -> None:
    from secure_records.tui.typed_confirmation import TypedCount  # new in this change

    lines = [f"R-{n:06d}  Vulnerable adult  due 31 Mar 2021" for n in range(8000)]
    box = TypedCount(
        "Approve 8,000?", ["In all: 8,000"], 8000, "approve", final=True, listing=lines
    )
    app = Host(box)
    started = time.monotonic()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert time.monotonic() - started < 10
        assert inside(app, "#reference") and inside(app, "#save")
        scrolled = app.screen.query_one("#decision")
        assert scrolled.max_scroll_y > 7000
        scrolled.scroll_end(animate=False)
        await pilot.pause()
        assert "R-007999" in words(app)


# 5: the typed count


async def test_the_count_is_labelled_as_a_count_and_accepts_thousands_separators() -> None:
    from secure_records.tui.typed_confirmation import TypedCount  # new in this change

    app = Host(TypedCount("Propose 7,960 records?", ["In all: 7,960"], 7960, "propose them all"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = words(app)
        assert "Type the number of records" in shown and "Reference" not in shown
        # A proposal can be rejected by a lead: it is not said to be for good.
        assert "cannot be undone" not in shown
        assert "esc Cancel" in footer(app)  # the footer, as the help lists it
        said = help_for(TypedCount)
        assert said is not None and "number of records" in said.title + said.workflow
        assert "reference shown" not in said.workflow
        await pilot.press(*"7,960", "enter")
        await pilot.pause()
        assert app.answers == ["7960"]


async def test_the_propose_all_heading_formats_its_number_as_the_body_does(
    due: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_for(due, "it")
    asked: list[int] = []
    async with signed_in(app, SIZE) as pilot:
        await it_queue(pilot, app)
        assert app.session is not None
        batches = app.session.disposal_batches
        many = [RuleCount("vulnerable_adult", "adult_closed", Action.DISPOSE, 7960)]
        monkeypatch.setattr(batches, "proposal_preview", lambda *_: many)

        def propose(reason: str, expected: int) -> list[str]:
            asked.append(expected)
            return []

        monkeypatch.setattr(batches, "propose_all", propose)
        await propose_all_with_reason_typed(pilot, app)
        assert "Propose 7,960 records" in words(app)
        await pilot.press(*"7,960", "enter")
        await wait_for_screen(pilot, app, RetentionScreen)
    assert asked == [7960]


# 6: IT's queue after proposing all, and opened again


async def test_after_proposing_all_the_queue_shows_what_opening_it_again_shows(
    due: Path,
) -> None:
    app = app_for(due, "it")
    async with signed_in(app, SIZE) as pilot:
        await it_queue(pilot, app)
        await propose_all_with_reason_typed(pilot, app)
        await pilot.press("3", "enter")
        await wait_for_screen(pilot, app, RetentionScreen)
        await pilot.pause()
        after = states(app)
        await pilot.press("escape")
        await pilot.pause()
        await it_queue(pilot, app)
        again = states(app)
    assert after == again and len(after) == 3
    assert all("proposed (X-" in line for line in after)

"""The auditor's screen, restricting a record and a subject access report, in the app."""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from textual.widgets import Input, Select, Static

from secure_records.admin import Administration
from secure_records.core.action_words import action_words
from secure_records.core.log_actions import LogAction
from secure_records.core.log_words import Said
from secure_records.session import Session
from secure_records.tui.audit_screen import AuditScreen, said_lines
from secure_records.tui.modals import AskReason, RestrictDialog
from secure_records.tui.output_screens import OutputScreen
from secure_records.tui.record_screen import RecordScreen
from tests.tui.conftest import app_for, screen_text, signed_in, wait_for_screen
from tests.tui.test_every_screen_fits import screen_lines

SIZE = (140, 60)
REASON = "A member of staff's relative: kept to named staff"


def rendered(app, widget_id: str) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(f"#{widget_id}", Static).render())


async def press(pilot, app, button: str) -> None:  # type: ignore[no-untyped-def]
    # A button ignores a click while it still shows the last one (0.2 s), as for a person.
    while app.screen.query_one(f"#{button}").has_class("-active"):
        await pilot.pause(0.05)
    await pilot.click(f"#{button}")
    await pilot.pause()


async def entries_of(  # type: ignore[no-untyped-def]
    pilot, app, actor: str, action: LogAction | None, button: str = "show"
) -> str:
    """The audit screen's entries (or review) by `actor` for `action`, as drawn."""
    app.screen.query_one("#f-actor", Input).value = actor
    if action is not None:
        app.screen.query_one("#f-action", Select).value = action
    for chosen in app.screen.query("#f-action").results(Select):
        if action is None:
            chosen.clear()
    await press(pilot, app, button)
    return rendered(app, "entries")


async def audit_screen(pilot, app) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await pilot.press("a")
    await wait_for_screen(pilot, app, AuditScreen)


@asynccontextmanager
async def auditing(home: Path) -> AsyncIterator[tuple[Any, Any]]:
    """The auditor signed in, on the log screen: (pilot, app)."""
    app = app_for(home, "auditor")
    async with signed_in(app, SIZE) as pilot:
        await audit_screen(pilot, app)
        yield pilot, app


def personal_details_for_the_log(home: Path, tmp_path: Path) -> None:
    """oversight.toml's `[log] personal_details = true`, through `policy apply`: the
    auditor then reads the personal parts, which is where a reason is."""
    changed = Path(shutil.copytree(home / "policies", tmp_path / "changed"))
    path = changed / "oversight.toml"
    path.write_text(path.read_text().replace("personal_details = false", "personal_details = true"))
    with Administration.open(home) as admin:
        admin.apply_policy(admin.propose_policy(changed))


async def test_the_auditor_sees_the_verdict_filters_the_log_and_reviews_access(
    populated: Path,
) -> None:
    with Session.open("alice", populated) as alice:
        alice.records.reveal("R-0001", "address", "Home visit planned for next week")
    with Session.open("reception", populated) as reception:
        assert reception.records.find_exact("Canaryname R-0002", "2013-04-02") is not None
    app = app_for(populated, "auditor")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        assert rendered(app, "verdict").startswith("log verify: intact")
        entries = await entries_of(pilot, app, "alice", LogAction.FIELD_REVEALED)
        # Roles and actions in words.
        assert "alice (Caseworker) field revealed R-0001" in entries
        # The reason may name the person; the auditor's field rules hide every field.
        assert "Home visit planned" not in entries
        assert "Personal details withheld: the reason" in entries
        assert "1 entry matches; the newest 1 is shown" in rendered(app, "problem")
        # Reception's lookup: who looked, and what it found; not the name and date asked.
        entries = await entries_of(pilot, app, "reception", LogAction.INDEX_LOOKUP)
        assert "reception (Reception) index lookup R-0002" in entries
        assert "Record found: yes" in entries and "True" not in entries
        assert "Canaryname" not in entries
        assert "2013-04-02" not in entries and "02 Apr 2013" not in entries
        assert "withheld: the name asked, the date of birth asked" in entries
        assert "Canaryname" not in screen_text(app)
        # The review shows reveals' reasons: the shipped oversight.toml says so.
        await entries_of(pilot, app, "", None, "review")
        assert "Reason: Home visit planned" in rendered(app, "entries")
        await pilot.click("#export")
        await wait_for_screen(pilot, app, OutputScreen)
        await pilot.pause()
        # Read in the app, kept sealed in the vault: no CSV written to a disk.
        assert "Access review A-" in screen_text(app)
        assert "Home visit planned" in rendered(app, "text")
        await pilot.press("escape")
        await wait_for_screen(pilot, app, AuditScreen)
        app.screen.query_one("#f-since", Input).value = "last tuesday"
        await pilot.click("#show")
        await pilot.pause()
        assert rendered(app, "problem") == (
            "Since: write the date as DD/MM/YYYY, for example 04/02/2018."
        )


async def test_a_lead_restricts_a_record_and_alice_no_longer_sees_it(populated: Path) -> None:
    app = app_for(populated, "lead")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # R-0001
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
        await pilot.press("x")
        await wait_for_screen(pilot, app, RestrictDialog)
        app.screen.query_one("#reason", Input).value = REASON
        await pilot.click("#restrict")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
    with Session.open("alice", populated) as alice:
        assert "R-0001" not in alice.records.listing_ids()
    app = app_for(populated, "alice")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "1 record" in text and "1 records" not in text and "Canaryname R-0002" in text
        assert "Canaryname R-0001" not in text


async def test_a_lead_writes_a_subject_access_report_from_the_record(populated: Path) -> None:
    app = app_for(populated, "lead")
    async with signed_in(app, SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("a")
        await wait_for_screen(pilot, app, AskReason)
        app.screen.query_one("#reason", Input).value = "Request from the young person, by letter"
        await pilot.press("enter")
        await wait_for_screen(pilot, app, OutputScreen)
        await pilot.pause()
        assert "Subject access report: R-0001" in rendered(app, "text")
        assert "Release" in screen_text(app)  # a lead may release it from here
    assert not list((populated / "exports").iterdir())


# --- Issue 18: an auditor's screen for people -----------------------------------------


def opened(home: Path, *looks: tuple[str, str]) -> None:
    """Each (staff member, record) opened in a session of its own, in order."""
    for name, record_id in looks:
        with Session.open(name, home) as session:
            session.records.open_record(record_id)


async def test_the_log_is_newest_first(populated: Path) -> None:
    opened(populated, ("alice", "R-0001"), ("alice", "R-0002"))
    async with auditing(populated) as (pilot, app):
        entries = await entries_of(pilot, app, "alice", None)
        assert entries.index("record opened R-0002") < entries.index("record opened R-0001")
        assert "newest first" in rendered(app, "problem")
        # The whole log too: the auditor's own reading of it is the newest entry.
        entries = await entries_of(pilot, app, "", None)
        assert entries.index("log read") < entries.index("record opened R-0002")


async def test_details_are_labelled_lines_never_python_and_typed_words_stay_as_typed(
    populated: Path, tmp_path: Path
) -> None:
    personal_details_for_the_log(populated, tmp_path)
    with Session.open("alice", populated) as alice:
        alice.records.matching("visit_plan")
        alice.records.reveal("R-0001", "address", "Home visit per visit_plan agreed")
    async with auditing(populated) as (pilot, app):
        entries = await entries_of(pilot, app, "alice", None)
        # Was `personal: {'reason': 'Home visit per visit_plan agreed'}`.
        assert "Field: Address" in entries
        assert "Reason: Home visit per visit_plan agreed" in entries
        assert "{" not in entries and "'" not in entries and "personal:" not in entries
        # Was "query: visit plan": the words searched, as alice typed them.
        assert "Looked for: visit_plan" in entries


async def test_the_action_filter_is_a_list_of_plain_names(populated: Path) -> None:
    with Session.open("alice", populated) as alice:
        alice.records.reveal("R-0001", "address", "Home visit planned for next week")
    async with auditing(populated) as (pilot, app):
        chosen = app.screen.query_one("#f-action", Select)
        names = [str(prompt) for prompt, _ in chosen._options]
        assert "Field revealed" in names and "Index lookup" in names
        assert not [name for name in names if "_" in name]
        # Every action the log can name is there, in its own words (issue 20's too).
        assert sorted(n for n in names if n) == sorted(action_words(a) for a in LogAction)
        assert "Vault restored from a backup" in names and "Restored" not in names
        # Chosen as a person would: open the list, type its first letters, Enter.
        chosen.focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"field r", "enter")
        await pilot.pause()
        assert chosen.value == LogAction.FIELD_REVEALED
        await press(pilot, app, "show")
        assert "alice (Caseworker) field revealed R-0001" in rendered(app, "entries")
        assert "1 entry matches" in rendered(app, "problem")


async def test_the_filters_narrow_the_access_review_too(populated: Path) -> None:
    opened(populated, ("alice", "R-0001"), ("lead", "R-0003"))
    async with auditing(populated) as (pilot, app):
        review = await entries_of(pilot, app, "alice", None, "review")
        assert "alice (Caseworker) record opened R-0001" in review
        assert "lead (" not in review and "R-0003" not in review
        app.screen.query_one("#f-record", Input).value = "R-0003"
        review = await entries_of(pilot, app, "", None, "review")
        assert "lead (Safeguarding lead) record opened R-0003" in review
        assert "alice" not in review
        assert rendered(app, "problem").startswith("1 access;")


async def test_the_leads_normal_access_and_one_lookup_are_not_flagged(populated: Path) -> None:
    opened(populated, ("lead", "R-0003"))  # not on the lead's caseload: their scope is all
    with Session.open("reception", populated) as reception:
        assert reception.records.find_exact("Canaryname R-0002", "2013-04-02") is not None
    async with auditing(populated) as (pilot, app):
        review = await entries_of(pilot, app, "", None, "review")
        assert "lead (Safeguarding lead) record opened R-0003" in review
        assert "FLAGGED" not in review and "outside their caseload" not in review
        assert "PATTERN" not in review and "searched 1 time" not in review
        assert "0 flagged; 0 patterns flagged" in rendered(app, "problem")


def test_a_line_break_typed_in_a_value_cannot_start_a_labelled_line_of_its_own() -> None:
    [(label, value)] = said_lines((Said("Reason", "Visit\nField: Health", typed=True),))
    assert label == " " * 9 + "Reason: " and value.startswith("Visit") and "\n" not in value


async def test_when_nothing_matches_the_log_says_so_plainly(populated: Path) -> None:
    async with auditing(populated) as (pilot, app):
        # Was "0 entries match; the newest 0 are shown, newest first."
        await entries_of(pilot, app, "nobody_by_this_name", None)
        assert rendered(app, "problem") == "No entries match."


def unframed(line: str) -> str:
    """A drawn line's words, without the box and scroll bar drawn round them."""
    return re.sub("[\u2500-\u259f]", "", line).strip()


def drawn(app, widget_id: str) -> list[str]:  # type: ignore[no-untyped-def]
    """What the screen shows where a widget is, line by line, as drawn (wrapped)."""
    x, y, width, height = app.screen.query_one(f"#{widget_id}").region
    return [line[x : x + width].rstrip() for line in screen_lines(app)[y : y + height]]


async def test_a_long_detail_wraps_under_itself_not_back_to_the_left_edge(
    populated: Path, tmp_path: Path
) -> None:
    personal_details_for_the_log(populated, tmp_path)
    reason = "Home visit planned for next week with the family support worker and the nurse"
    with Session.open("alice", populated) as alice:
        alice.records.reveal("R-0001", "address", reason)
    app = app_for(populated, "auditor")
    async with signed_in(app, (80, 24)) as pilot:
        await audit_screen(pilot, app)
        app.screen.query_one("#f-record", Input).value = "R-0001"
        app.screen.query_one("#f-action", Select).value = LogAction.FIELD_REVEALED
        await pilot.press("enter")  # Enter in a filter box shows the entries
        await pilot.pause()
        app.screen.query_one("#entries").scroll_visible(top=True, animate=False, immediate=True)
        await pilot.pause()
        lines = drawn(app, "entries")
        # Was "... worker and the" then "nurse" alone at column 0, outside its entry.
        assert not [line for line in lines if line[:1].strip()]
        first = next(n for n, line in enumerate(lines) if "Reason: Home visit" in line)
        under = " " * lines[first].index("Home visit")
        assert lines[first + 1].startswith(under) and lines[first + 1][len(under)] != " "


async def test_each_action_is_one_line_in_the_list_and_in_the_box_at_80_columns(
    populated: Path,
) -> None:
    app = app_for(populated, "auditor")
    async with signed_in(app, (80, 24)) as pilot:
        await audit_screen(pilot, app)
        chosen = app.screen.query_one("#f-action", Select)
        names = {str(prompt) for prompt, _ in chosen._options}
        # The longest name, chosen: "Log read with personal details" was once drawn as
        # "Log read with" / "personal details" over two lines.
        longest = max(LogAction, key=lambda a: len(action_words(a)))
        chosen.value = longest
        await pilot.pause()
        [line] = [words for words in map(unframed, drawn(app, "f-action")) if words]
        assert line.removesuffix("▼").strip() == action_words(longest)
        # The list open: every line drawn is one whole name ("Access review exported",
        # not "Access" / "review" / "exported").
        chosen.focus()
        await pilot.press("enter", "home")
        await pilot.pause()
        shown = [words for words in map(unframed, drawn(app, "f-action > SelectOverlay")) if words]
        assert "Access review exported" in shown and set(shown) <= names | {"Any action"}

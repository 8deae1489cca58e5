"""What the screens show: nothing a role may not see, and record text only as text.

A. A distinct canary sits in every field, consent entry and note of every record. Each
   default role walks every screen it can reach; the exported screen must never hold
   a canary its rules hide or mask (or one of a record outside its scope), and every
   canary it may read must turn up somewhere in the walk.
B. Records full of Textual markup, terminal control sequences, C1 controls, bidi and
   zero-width characters are drawn literally: nothing is parsed, nothing raw reaches
   the terminal, and the app neither crashes nor quits.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, Input, RadioButton, RadioSet, TextArea

from secure_records.admin import Administration, check_policy
from secure_records.core.policy import Policy, RoleSpec, Rule, Scope
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.callback_screen import CallbackScreen
from secure_records.tui.list_screen import SEARCH_PAUSE
from secure_records.tui.lock_screen import LockScreen
from secure_records.tui.lookup_screen import LookupScreen
from secure_records.tui.modals import NewNote, RevealReason
from secure_records.tui.reception_screen import ReceptionScreen
from secure_records.tui.record_list import RecordList
from secure_records.tui.record_screen import FieldRow, RecordScreen
from secure_records.tui.role_page import RolePage
from tests.conftest import STAFF, canaries, canary_row, write_jsonl
from tests.support import figures
from tests.tui.conftest import app_for, screen_text, signed_in

PIN = "246810"
DOB = "2013-04-02"  # canary_row's date of birth
REASON = "Checking the record for a strategy meeting"

# The lead's list (every record) is longer than the screen, so scrolling is walked.
ALICE = [f"A-{i:02d}" for i in range(1, 7)]
BILAL = [f"B-{i:02d}" for i in range(1, 27)]
SHARED = ["S-01"]  # on both caseloads
UNASSIGNED = ["U-01"]  # on nobody's caseload


def set_pins(home: Path) -> None:
    with Administration.open(home) as admin:
        for name, _ in STAFF:
            admin.set_pin(name, PIN)


def import_rows(home: Path, rows: list[dict[str, Any]]) -> None:
    with Administration.open(home) as admin:
        admin.import_file(write_jsonl(home.parent / "import.jsonl", rows))


async def settle(pilot: Any, app: SecureRecordsApp) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def unlock_after_locking(pilot: Any, app: SecureRecordsApp) -> None:
    await pilot.press("ctrl+l")
    await settle(pilot, app)
    assert isinstance(app.screen, LockScreen)


async def type_pin(pilot: Any, app: SecureRecordsApp) -> None:
    app.screen.query_one("#pin", Input).value = PIN
    await pilot.press("enter")
    await settle(pilot, app)
    assert not app.locked


# A. No screen shows what the role may not see


def field_of(key: str) -> str:
    """The policy field a canary key belongs to ('consent.scope' -> 'consent')."""
    head = key.partition(".")[0]
    return "notes" if head == "note" else head


def role_sees_record(role: RoleSpec, staff: str, assigned: list[str]) -> bool:
    # Written out from the policy's meaning, not taken from secure_records.core.access.
    return role.scope is Scope.ALL or (role.scope is Scope.CASELOAD and staff in assigned)


class Walk:
    """One role's walk: every screen it reaches, checked against every canary."""

    def __init__(
        self, app: SecureRecordsApp, staff: str, role: RoleSpec, rows: list[dict[str, Any]]
    ) -> None:
        self.app = app
        self.staff = staff
        self.permitted: dict[str, str] = {}
        self.forbidden: dict[str, str] = {}
        for row in rows:
            seen = role_sees_record(role, staff, row["assigned_to"])
            for key, value in canaries(row).items():
                rule = role.rule_for(field_of(key)).rule
                where = f"{row['id']}.{key} ({rule.value}{'' if seen else ', out of scope'})"
                (self.permitted if seen and rule is Rule.VISIBLE else self.forbidden)[value] = where
        self.seen: set[str] = set()
        self.leaks: list[str] = []
        self.screens = 0
        self.scrolled = False

    def look(self, step: str, typed: tuple[str, ...] = ()) -> str:
        """Check the screen now; `typed` is what the person typed (shown in an Input)."""
        text = screen_text(self.app)
        self.screens += 1
        for value, where in self.forbidden.items():
            if value in text and value not in typed:
                self.leaks.append(f"{self.staff} / {step}: {where}")
        self.seen.update(value for value in self.permitted if value in text)
        return text


async def walk_common(pilot: Any, app: SecureRecordsApp, walk: Walk, home: str) -> None:
    """What every role can reach: the command palette, the lock screen, and back."""
    await pilot.press("ctrl+p")
    await settle(pilot, app)
    walk.look(f"{home}: command palette")
    await pilot.press("escape")
    await settle(pilot, app)
    await unlock_after_locking(pilot, app)
    walk.look("lock screen")
    await type_pin(pilot, app)
    walk.look(f"{home} after unlocking")


async def walk_record(
    pilot: Any, app: SecureRecordsApp, walk: Walk, rid: str, modals: bool
) -> None:
    await pilot.press("enter")
    await settle(pilot, app)
    assert isinstance(app.screen, RecordScreen)
    assert f"Record {rid}" in walk.look(f"record {rid}")
    if modals:
        for row in list(app.screen.query(FieldRow)):
            if not row.view.revealable:
                continue
            row.focus()
            await pilot.press("r")
            await settle(pilot, app)
            assert isinstance(app.screen, RevealReason)
            walk.look(f"{rid}: reveal {row.view.name}, asked")
            await pilot.press("enter")  # no reason: refused
            await settle(pilot, app)
            walk.look(f"{rid}: reveal {row.view.name}, no reason")
            app.screen.query_one("#reason", Input).value = "too short"
            await pilot.press("enter")
            await settle(pilot, app)
            walk.look(f"{rid}: reveal {row.view.name}, short reason")
            await pilot.press("escape")
            await settle(pilot, app)
            assert isinstance(app.screen, RecordScreen)
            walk.look(f"{rid}: reveal {row.view.name}, cancelled")
        await pilot.press("n")
        await settle(pilot, app)
        walk.look(f"{rid}: new note")
        if isinstance(app.screen, NewNote):
            await pilot.press("escape")
            await settle(pilot, app)
    await pilot.press("escape")
    await settle(pilot, app)


async def walk_list_role(
    pilot: Any, app: SecureRecordsApp, walk: Walk, in_scope: list[str]
) -> None:
    walk.look("list")
    records = app.screen.query_one(RecordList)
    assert sorted(records.record_ids) == sorted(in_scope)
    # Page down to the end, and back to the top.
    while records.highlighted < len(records.record_ids) - 1:
        await pilot.press("pagedown")
        await settle(pilot, app)
        walk.look(f"list at line {records.highlighted}")
        walk.scrolled = walk.scrolled or records.scroll_offset.y > 0
    await pilot.press("home")
    await settle(pilot, app)

    # Search: by part of a name, by date of birth, and for a record out of scope.
    outside = [row_id for row_id in ALICE + BILAL + SHARED + UNASSIGNED if row_id not in in_scope]
    searches = ["canaryname", DOB[:4]] + [f"Canaryname {rid}" for rid in outside[:2]]
    for query in searches:
        await pilot.press("/")
        app.screen.query_one("#search", Input).value = query
        await pilot.press("enter")
        await settle(pilot, app)
        walk.look(f"search {query!r}", typed=(query,))
        if query.startswith("Canaryname "):
            assert records.record_ids == []
    await pilot.press("escape")  # clears the search, which runs after a pause
    await pilot.pause(SEARCH_PAUSE * 3)
    await settle(pilot, app)

    # Every record it can open; the modals on the first.
    order = list(records.record_ids)
    assert sorted(order) == sorted(in_scope)
    for index, rid in enumerate(order):
        records.focus()
        records.highlighted = index
        await walk_record(pilot, app, walk, rid, modals=index == 0)

    # A record out of scope, asked for as if chosen in the list: refused, nothing drawn.
    for rid in outside[:2]:
        records.post_message(RecordList.Chosen(rid))
        await settle(pilot, app)
        walk.look(f"record {rid} out of scope")
        assert not isinstance(app.screen, RecordScreen)
    await walk_common(pilot, app, walk, "list")


async def walk_reception_role(
    pilot: Any, app: SecureRecordsApp, walk: Walk, rows: list[dict[str, Any]]
) -> None:
    """The desk, a telephone request about a record through to its callback, a
    referral, and the exact lookup."""
    assert isinstance(app.screen, ReceptionScreen)
    walk.look("reception desk")
    for row, kind in ((rows[0], 0), (rows[-1], 4)):  # 4: not one the police may ask
        await pilot.press("n")
        await settle(pilot, app)
        form = app.screen
        typed = (str(row["name"]),)
        for wid, value in (
            ("caller-name", "DC Jane Smith"),
            ("caller-role", "Detective constable"),
            ("number-given", "07700 900123"),
            ("about-name", str(row["name"])),
            ("about-dob", DOB),
            ("asked", "Any concerns"),
        ):
            form.query_one(f"#{wid}", Input).value = value
        for radio, index in (("organisation", 0), ("kind", kind), ("urgency", 0)):
            form.query_one(f"#{radio}", RadioSet).query(RadioButton)[index].value = True
        await settle(pilot, app)
        walk.look(f"phone request about {row['id']}, filled in", typed=typed)
        app.screen.query_one("#take", Button).press()
        await settle(pilot, app)
        assert isinstance(app.screen, CallbackScreen)
        walk.look(f"callback for {row['id']}")
        if app.screen.query("#outcome-confirmed"):
            app.screen.query_one("#outcome-confirmed", Button).press()
            await settle(pilot, app)
            walk.look(f"callback for {row['id']}, verified")
        app.screen.query_one("#done", Button).press()
        await settle(pilot, app)
        walk.look("reception desk, after a request")
    await pilot.press("l")
    await settle(pilot, app)
    assert isinstance(app.screen, LookupScreen)
    await walk_lookup(pilot, app, walk, rows)
    await pilot.press("escape")
    await settle(pilot, app)
    assert isinstance(app.screen, ReceptionScreen)
    await walk_common(pilot, app, walk, "reception desk")


async def walk_lookup(
    pilot: Any, app: SecureRecordsApp, walk: Walk, rows: list[dict[str, Any]]
) -> None:
    walk.look("lookup")
    for row, dob in ((rows[0], DOB), (rows[-1], DOB), (rows[0], "2001-01-01")):
        app.screen.query_one("#name", Input).value = str(row["name"])
        app.screen.query_one("#dob", Input).focus()
        app.screen.query_one("#dob", Input).value = dob
        await pilot.press("enter")
        await settle(pilot, app)
        text = walk.look(f"lookup {row['id']} {dob}", typed=(str(row["name"]),))
        found = f"A record exists: {row['id']}"
        assert (found in text) == (dob == DOB)
        for widget in app.screen.query(Input):
            widget.value = ""
        await settle(pilot, app)
        walk.look(f"lookup {row['id']} {dob}, inputs cleared")


@pytest.fixture
def canary_vault(home: Path) -> tuple[Path, list[dict[str, Any]]]:
    rows = (
        [canary_row(rid, ["alice"]) for rid in ALICE]
        + [canary_row(rid, ["bilal"]) for rid in BILAL]
        + [canary_row(rid, ["alice", "bilal"]) for rid in SHARED]
        + [canary_row(rid, []) for rid in UNASSIGNED]
    )
    import_rows(home, rows)
    set_pins(home)
    return home, rows


async def test_no_screen_shows_a_canary_the_role_may_not_see(
    canary_vault: tuple[Path, list[dict[str, Any]]],
) -> None:
    home, rows = canary_vault
    policy: Policy = check_policy(None)
    staff_for_role: dict[str, str] = {}
    for name, role_name in STAFF:  # alice before bilal: the first of each role walks
        staff_for_role.setdefault(role_name, name)
    assert set(staff_for_role) == set(policy.roles), "every default role is walked"

    walks: list[Walk] = []
    for role_name, staff in staff_for_role.items():
        role = policy.roles[role_name]
        app = app_for(home, staff)
        walk = Walk(app, staff, role, rows)
        async with signed_in(app) as pilot:
            await settle(pilot, app)
            assert app.session is not None and app.session.role == role  # same policy
            if role.scope in (Scope.ALL, Scope.CASELOAD):
                in_scope = [
                    r["id"] for r in rows if role_sees_record(role, staff, r["assigned_to"])
                ]
                await walk_list_role(pilot, app, walk, in_scope)
            elif role.scope is Scope.INDEX:
                await walk_reception_role(pilot, app, walk, rows)
            else:
                assert isinstance(app.screen, RolePage)
                walk.look("role page")
                await walk_common(pilot, app, walk, "role page")
            assert app.return_code is None
        walks.append(walk)

    leaks = [leak for walk in walks for leak in walk.leaks]
    missing = [
        f"{walk.staff}: {where}"
        for walk in walks
        for value, where in walk.permitted.items()
        if value not in walk.seen
    ]
    screens = sum(walk.screens for walk in walks)
    permitted = sum(len(walk.permitted) for walk in walks)
    planted = sum(len(canaries(row)) for row in rows)
    figures.report(
        "Leaks, default policy",
        f"{len(walks)} roles x {screens} screens x {planted} canaries = "
        f"{screens * planted} checks; leaks {len(leaks)}; "
        f"permitted canaries seen {permitted - len(missing)}/{permitted}",
    )
    assert leaks == []
    assert missing == []
    assert {w.staff for w in walks if w.permitted} == {"alice", "lead"}, "can fail both ways"
    assert any(w.scrolled for w in walks), "some list was long enough to scroll"


async def test_a_reveal_shows_one_field_of_one_record_until_it_is_closed(home: Path) -> None:
    import_rows(home, [canary_row("A-01", ["alice"]), canary_row("A-02", ["alice"])])
    set_pins(home)
    address = {rid: f"CANARY-ADDRESS-{rid}" for rid in ("A-01", "A-02")}
    app = app_for(home, "alice")

    async def open_record(pilot: Any, index: int) -> None:
        records = app.screen.query_one(RecordList)
        records.focus()
        records.highlighted = index
        await pilot.press("enter")
        await settle(pilot, app)

    async with signed_in(app) as pilot:
        await settle(pilot, app)
        await open_record(pilot, 0)
        row = next(r for r in app.screen.query(FieldRow) if r.view.name == "address")
        row.focus()
        await pilot.press("r")
        await settle(pilot, app)
        app.screen.query_one("#reason", Input).value = REASON
        await pilot.press("enter")
        await settle(pilot, app)
        text = screen_text(app)
        assert address["A-01"] in text and address["A-02"] not in text
        await pilot.press("escape")  # closing the record ends the reveal
        await settle(pilot, app)
        for index in (1, 0):
            await open_record(pilot, index)
            assert not any(value in screen_text(app) for value in address.values())
            await pilot.press("escape")
            await settle(pilot, app)
        # Revealed again, then locked: after unlocking it is masked again.
        await open_record(pilot, 0)
        row = next(r for r in app.screen.query(FieldRow) if r.view.name == "address")
        row.focus()
        await pilot.press("r")
        await settle(pilot, app)
        app.screen.query_one("#reason", Input).value = REASON
        await pilot.press("enter")
        await settle(pilot, app)
        assert address["A-01"] in screen_text(app)
        await unlock_after_locking(pilot, app)
        assert address["A-01"] not in screen_text(app)
        await type_pin(pilot, app)
        await open_record(pilot, 0)
        assert address["A-01"] not in screen_text(app)


# B. Hostile text is drawn literally

# (what a record holds, what the screen must show)
HOSTILE = [
    ("[@click=app.quit]click me[/]", "[@click=app.quit]click me[/]"),
    ("[ @click=app.quit]x", "[ @click=app.quit]x"),
    ("[/]", "[/]"),
    ("[b]bold[/b]", "[b]bold[/b]"),
    ("[$accent]x", "[$accent]x"),
    ("[link=https://example.invalid]x[/link]", "[link=https://example.invalid]x[/link]"),
    ("\x1b[2Jcls", "\\x1b[2Jcls"),
    ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
    (
        "\x1b]8;;https://x.invalid\x07link\x1b]8;;\x07",
        "\\x1b]8;;https://x.invalid\\x07link\\x1b]8;;\\x07",
    ),
    ("\x9b31mred", "\\x9b31mred"),
    ("abc\u202edcba", "abc\\u202edcba"),
    ("pay\u200bpal", "pay\\u200bpal"),
    ("nul\x00del\x7fbs\x08", "nul\\x00del\\x7fbs\\x08"),
]
# Where a hostile value can sit in a record, and the policy field that governs it.
SPOTS = {
    "name": "name",
    "address": "address",
    "phone": "phone",
    "nhs_number": "nhs_number",
    "health": "health",
    "given_by": "consent",
    "scope": "consent",
    "note_text": "notes",
}
# Raw characters that must never reach the screen: C0 (but newline), DEL, C1, bidi,
# zero-width.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u061c]")


def hostile_row(index: int) -> tuple[dict[str, Any], dict[str, int]]:
    """Record H-<index>: each spot holds a different hostile value, rotating with index."""
    at = {spot: (index + n) % len(HOSTILE) for n, spot in enumerate(SPOTS)}
    value = {spot: HOSTILE[i][0] for spot, i in at.items()}
    row = {
        "id": f"H-{index:02d}",
        "name": value["name"],
        "date_of_birth": "2012-03-04",
        "address": value["address"],
        "phone": value["phone"],
        "nhs_number": value["nhs_number"],
        "category": "child",
        "health": value["health"],
        "assigned_to": ["alice"],
        "consent": [{"given_by": value["given_by"], "scope": value["scope"], "date": "2024-05-01"}],
        "notes": [
            {
                "date": "2024-05-02",
                "author": "alice",
                "kind": "fact",
                "text": value["note_text"],
            }
        ],
    }
    return row, at


HOSTILE_ROWS = [hostile_row(i) for i in range(len(HOSTILE))]
# Every value passes through each way of drawing (field row, consent, note, list line)
# unrevealed; a few records are also opened with every reveal field revealed.
REVEALING = 2


def assert_alive(app: SecureRecordsApp) -> None:
    """Not crashed, not quit (a parsed @click=app.quit would end the session)."""
    assert app.is_running and app.return_code is None
    assert app.session is not None and not app.session.ended


def assert_no_raw(text: str, where: str) -> None:
    found = RAW.search(text)
    context = text[found.start() - 40 : found.end() + 40] if found else ""
    assert found is None, f"{where}: raw character on screen in {context!r}"


def screen_lines(app: SecureRecordsApp) -> list[str]:
    # The composed screen as plain lines: where to click.
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def click_every_click_me(pilot: Any, app: SecureRecordsApp) -> int:
    """Click on every 'click me' on screen: markup parsed would make it a link to quit."""
    clicks = 0
    for y, line in enumerate(screen_lines(app)):
        for match in re.finditer("click me", line):
            await pilot.click(offset=(match.start() + 3, y))
            clicks += 1
    await pilot.pause()
    return clicks


@pytest.fixture
def hostile_vault(home: Path) -> Path:
    import_rows(home, [row for row, _ in HOSTILE_ROWS])
    set_pins(home)
    return home


@pytest.mark.parametrize("staff", ["lead", "alice"])
async def test_hostile_record_text_is_drawn_literally(hostile_vault: Path, staff: str) -> None:
    role = check_policy(None).roles[dict(STAFF)[staff]]
    rules = {spot: role.rule_for(field).rule for spot, field in SPOTS.items()}
    app = app_for(hostile_vault, staff)
    screens = clicks = checked = 0
    async with signed_in(app) as pilot:
        await settle(pilot, app)
        assert_alive(app)
        records = app.screen.query_one(RecordList)
        # The list: drawn line by line through render_line, names as visible escapes.
        text = screen_text(app)
        # (Under the column headings; after the selection mark.)
        lines = [records.render_line(y + 1).text[2:] for y in range(len(HOSTILE_ROWS))]
        for (row, at), line in zip(HOSTILE_ROWS, lines, strict=True):
            shown = HOSTILE[at["name"]][1]
            assert line.startswith(f"{row['id']} ") and shown in line, line
            assert shown in text
            assert_no_raw(line, f"list line {row['id']}")
        assert_no_raw(text, "list")
        screens += 1

        for index, (row, at) in enumerate(HOSTILE_ROWS):
            records.focus()
            records.highlighted = index
            await pilot.press("enter")
            await settle(pilot, app)
            assert isinstance(app.screen, RecordScreen)
            assert_no_raw(screen_text(app), f"{row['id']} before reveals")  # masked forms too
            revealing = index < REVEALING
            for field_row in list(app.screen.query(FieldRow)):
                if revealing and field_row.view.revealable:
                    field_row.focus()
                    await pilot.press("r")
                    await settle(pilot, app)
                    app.screen.query_one("#reason", Input).value = REASON
                    await pilot.press("enter")
                    await settle(pilot, app)
            assert_alive(app)
            text = screen_text(app)
            assert_no_raw(text, row["id"])
            for spot, rule in rules.items():
                if rule is Rule.VISIBLE or (revealing and rule is Rule.REVEAL):
                    shown = HOSTILE[at[spot]][1]
                    assert shown in text, f"{row['id']}.{spot}: {shown!r} not on screen"
                    checked += 1
            screens += 1
            clicks += await click_every_click_me(pilot, app)
            if index == 0:
                for key in ("tab", "shift+tab", "down", "up", "r", "n"):
                    await pilot.press(key)
                    await settle(pilot, app)
                    assert_alive(app)
                    if not isinstance(app.screen, RecordScreen):  # a modal: cancel it
                        await pilot.press("escape")
                        await settle(pilot, app)
                assert isinstance(app.screen, RecordScreen)
                assert_no_raw(screen_text(app), f"{row['id']} after keys")
            await pilot.press("escape")
            await settle(pilot, app)
        assert_alive(app)
    assert clicks > 0
    figures.report(
        "Injection, record screens",
        f"{staff}: {len(HOSTILE)} payloads, {checked} values drawn literally on {screens} "
        f"screens, {clicks} clicks on 'click me'; interpreted 0, raw controls 0",
    )


async def test_a_hostile_note_typed_in_the_modal_is_shown_literally_to_everyone(
    hostile_vault: Path,
) -> None:
    hostile = "\n".join(raw for raw, _ in HOSTILE)
    for staff in ("alice", "lead"):
        app = app_for(hostile_vault, staff)
        async with signed_in(app) as pilot:
            await settle(pilot, app)
            await pilot.press("enter")  # H-00
            await settle(pilot, app)
            if staff == "alice":
                await pilot.press("n")
                await settle(pilot, app)
                assert isinstance(app.screen, NewNote)
                app.screen.query_one("#fact", RadioButton).value = True
                app.screen.query_one("#text", TextArea).text = hostile
                assert_no_raw(screen_text(app), "note modal")
                await pilot.click("#save")
                await settle(pilot, app)
                assert isinstance(app.screen, RecordScreen)
            assert_alive(app)
            text = screen_text(app)
            assert_no_raw(text, f"saved note, seen by {staff}")
            for _, shown in HOSTILE:
                assert shown in text, f"{staff}: {shown!r} not on screen"
            await click_every_click_me(pilot, app)
            assert_alive(app)


async def test_the_reveal_modal_draws_a_hostile_label_literally(hostile_vault: Path) -> None:
    label = "[@click=app.quit]click me[/] \x1b]0;pwned\x07\u202e"
    app = app_for(hostile_vault, "alice")
    async with signed_in(app) as pilot:
        await settle(pilot, app)
        await app.push_screen(RevealReason(label, 15))
        await settle(pilot, app)
        text = screen_text(app)
        # The dialog wraps the question at the space.
        assert "Why do you need to see [@click=app.quit]click me[/]" in text
        assert "\\x1b]0;pwned\\x07\\u202e?" in text
        assert_no_raw(text, "reveal modal")
        await click_every_click_me(pilot, app)
        assert_alive(app)
        await pilot.click(Button)  # Reveal, with no reason: refused, the modal stays
        await settle(pilot, app)
        assert isinstance(app.screen, RevealReason)
        assert_alive(app)


async def test_a_hostile_note_author_is_drawn_literally(home: Path) -> None:
    row, _ = hostile_row(0)
    row["notes"][0]["author"] = "\x1b]0;pwned\x07mallory\u202e"
    import_rows(home, [row])
    app = app_for(home, "lead")
    async with signed_in(app) as pilot:
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, RecordScreen)
        text = screen_text(app)
        assert "\\x1b]0;pwned\\x07mallory\\u202e" in text
        assert_no_raw(text, "note author")

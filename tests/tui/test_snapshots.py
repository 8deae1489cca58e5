"""Each role's main screens on the demo vault, as SVG snapshots at two terminal sizes.

A change to how a screen looks shows in review as a changed file under __snapshots__;
a refactoring that means "no visual change" must leave them all passing. To accept a
deliberate change: `pytest tests/tui/test_snapshots.py --snapshot-update`, then look
at the SVGs before committing them.

The snapshots are the same on any machine and any day: the wall clock is frozen (log
times, "today", what is due), random references come from a seeded generator, and no
input cursor blinks. The records are the demo's fictional ones.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from secure_records.core.sharing import HowChoices, Requester, SharingFlow
from secure_records.core.telephone import Urgency
from secure_records.demo import DEMO_PIN, DEMO_STAFF, DemoVault, build_demo_vault, synthetic_records
from secure_records.session import Session
from secure_records.session.telephone import Caller
from secure_records.tui.app import SecureRecordsApp
from secure_records.tui.audit_screen import AuditScreen
from secure_records.tui.disposal_queue_screen import DisposalQueueScreen
from secure_records.tui.list_screen import RecordListScreen
from secure_records.tui.queue_screen import QueueScreen
from secure_records.tui.reception_screen import PhoneRequestForm, ReceptionScreen
from secure_records.tui.record_screen import RecordScreen
from secure_records.tui.retention_screen import RetentionScreen
from secure_records.tui.role_page import RolePage
from secure_records.tui.role_picker import RolePicker
from tests.tui.conftest import app_for, type_pin, wait_for_screen

# After every directory entry's "checked" date (a future one is refused), within a year
# of them all (an older one is flagged).
NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
REASON = "a reason that is long enough to record"
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]

# Who signs in (None: the demo's picker), the keys that lead to the screen, the screen,
# and what is typed on it.
SCREENS = [
    pytest.param(None, (), RolePicker, (), id="demo-picker"),
    pytest.param("alice", (), RecordListScreen, (), id="caseworker-caseload"),
    pytest.param("alice", ("enter",), RecordScreen, (), id="caseworker-record"),
    pytest.param("lead", (), RecordListScreen, (), id="lead-all-records"),
    pytest.param("lead", ("enter",), RecordScreen, (), id="lead-record"),
    pytest.param("lead", ("q",), QueueScreen, (), id="lead-sharing-queue"),
    pytest.param("lead", ("d",), DisposalQueueScreen, (), id="lead-disposals"),
    pytest.param("reception", (), ReceptionScreen, (), id="reception-desk"),
    pytest.param("reception", ("n",), PhoneRequestForm, (), id="reception-new-request"),
    pytest.param("it", (), RolePage, (), id="it-duties"),
    pytest.param("it", ("r",), RetentionScreen, (), id="it-retention-queue"),
    pytest.param("auditor", (), RolePage, (), id="auditor-duties"),
    pytest.param("auditor", ("a",), AuditScreen, (), id="auditor-log"),
    # Filtered by a record: unfiltered, the first entries name the machine's policy path.
    pytest.param("auditor", ("a",), AuditScreen, (*"R-000001", "enter"), id="auditor-record-log"),
]


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The same clock and the same 'random' references in every run."""
    rng = random.Random(14)  # not for secrets: references that read like real ones
    monkeypatch.setattr(secrets, "token_hex", lambda n=32: rng.randbytes(n).hex())
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def demo(memory_keyring: object, frozen: None) -> Iterator[DemoVault]:
    """The demo's vault (`secure-records demo`), with work waiting in every queue."""
    built = build_demo_vault()
    try:
        _work_waiting(built.home)
        yield built
    finally:
        built.close()


def _work_waiting(home: Path) -> None:
    """A sharing decision for a lead to confirm, a call for reception to return and a
    disposal for a lead to approve, each taken as its role would in the app."""
    with Session.open("alice", home) as alice:
        policy = alice.policy.sharing
        flow = SharingFlow(policy)
        for yes in (True, True, True, False, True):  # no consent; another reason to share
            flow = flow.answer(yes, REASON)
        basis = next(b.text for b in policy.lawful_bases if "legitimate" in b.text)
        how = HowChoices(("name",), (), True, policy.methods[0], basis, True)
        requester = Requester(
            "D. Example", "Nowhere Primary School", "Designated lead", "01632 960000"
        )
        alice.sharing.decide_sharing(
            alice.records.listing_ids()[0],
            requester,
            "Planning support at school next term",
            flow,
            how,
        )
    about = next(synthetic_records(1)).values  # the demo's first record
    with Session.open("reception", home) as reception:
        reception.telephone.take_phone_request(
            Caller("P. Sample", "Detective constable", "northshire_police_ppu", "", "01632 960999"),
            about["name"],
            about["date_of_birth"],
            "police_investigation",
            "Whether we have had any contact with the family this year",
            Urgency.TODAY,
        )
    with Session.open("it", home) as it:
        due = it.retention.retention_queue()[0]
        it.retention.propose_disposal(
            due.record_id, "Six years since the case closed; no hold on it"
        )


def _navigate(
    signs_in: bool, keys: tuple[str, ...], kind: type[Screen[None]], typed: tuple[str, ...]
) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, SecureRecordsApp)
        # Keys pressed before the first screen is up would be lost on a busy machine.
        for _ in range(50):
            if len(app.screen_stack) > 1:
                break
            await pilot.pause(0.05)
        await pilot.pause()
        if signs_in:
            await type_pin(pilot, app, DEMO_PIN)
        await pilot.press(*keys)
        await wait_for_screen(pilot, app, kind)
        await pilot.pause()
        await pilot.press(*typed)
        await app.workers.wait_for_complete()
        # A blinking cursor is on or off depending on when the picture is taken.
        for field in app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("staff", "keys", "kind", "typed"), SCREENS)
def test_screen(
    snap_compare: Callable[..., bool],
    demo: DemoVault,
    staff: str | None,
    keys: tuple[str, ...],
    kind: type[Screen[None]],
    typed: tuple[str, ...],
    size: tuple[int, int],
) -> None:
    if staff is None:  # as `secure-records demo` opens it
        labels = [(name, demo.admin.policy.roles[role].label) for name, role in DEMO_STAFF]
        app = SecureRecordsApp(
            lambda name, pin: Session.open(name, demo.home, pin=pin), demo_staff=labels
        )
    else:
        app = app_for(demo.home, staff)
    try:
        assert snap_compare(
            app, terminal_size=size, run_before=_navigate(staff is not None, keys, kind, typed)
        )
    finally:
        app.end_session("snapshot taken")

"""Hostile text in every other place a person types: drawn literally everywhere.

The record screens have their own suite (tests/tui/test_leaks_and_injection.py).
Here the same corpus, plus odd Unicode and a value of the longest length allowed,
goes into every telephone-request field, every reason (a legal hold, a sharing
decision's purpose) and a requester's name, and is looked for on each screen that
shows it and in `log show`. Interpreted, or a raw control reaching the terminal:
must be 0.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from textual.widgets import OptionList

from secure_records.admin import Administration
from secure_records.core.sharing import Requester, SharingFlow
from secure_records.core.telephone import Callback, Urgency
from secure_records.session import Session
from secure_records.session.limits import MAX_TYPED
from secure_records.session.telephone import OTHER_ORGANISATION, Caller
from tests.support import figures
from tests.tui.conftest import app_for, screen_text, signed_in
from tests.tui.test_leaks_and_injection import (
    HOSTILE,
    RAW,
    assert_alive,
    click_every_click_me,
    settle,
)

CORPUS = [
    *HOSTILE,
    ("e\u0301\u0301\u0301 combining", "e\u0301\u0301\u0301 combining"),
    ("\U0001f600 emoji \U0001f600", "\U0001f600 emoji \U0001f600"),
    ("\u05e9\u05dc\u05d5\u05dd rtl", "\u05e9\u05dc\u05d5\u05dd rtl"),
    # As long as a reason may be, with the padding below: found by its start.
    ("L" * (MAX_TYPED - 40) + " long", "L" * 40),
]
SIZE = (160, 120)
PAD = " (the reason, padded to length)"


def allow_every_call(home: Path, tmp: Path) -> None:
    """The desk takes a call per payload and organisation, more than the shipped
    lookups a minute: a policy that allows them, applied as IT would."""
    shutil.copytree(home / "policies", tmp)
    session = tmp / "session.toml"
    text = session.read_text(encoding="utf-8")
    text = text.replace("lookups_per_minute = 6", "lookups_per_minute = 60")
    session.write_text(text.replace("lookups_per_day = 60", "lookups_per_day = 600"))
    with Administration.open(home) as admin:
        admin.apply_policy(admin.propose_policy(tmp))


def take_calls(home: Path) -> tuple[list[str], list[str]]:
    """Per payload: a call from the police with every typed field hostile (to call
    back), and one from an organisation not in the directory, named by the payload
    (referred to the lead)."""
    allow_every_call(home, home.parent / "policies-for-calls")
    called: list[str] = []
    referred: list[str] = []
    with Session.open("reception", home) as reception:
        for raw, _ in CORPUS:
            for org, other, into in (
                ("northshire_police_ppu", "", called),
                (OTHER_ORGANISATION, raw, referred),
            ):
                caller = Caller(raw, raw, org, other, "07700 900123")
                call = reception.telephone.take_phone_request(
                    caller, "Nobody Known", "2010-01-01", "safeguarding_concern", raw, Urgency.TODAY
                )
                into.append(call.id)
    return called, referred


def record_reasons(home: Path) -> None:
    with Session.open("lead", home) as lead:
        lead.retention.set_legal_hold("R-0001", CORPUS[0][0] + PAD)
        for raw, _ in CORPUS:
            flow = SharingFlow(lead.policy.sharing).answer(False, raw + PAD)
            asker = Requester(raw, raw, raw, raw)
            lead.sharing.decide_sharing("R-0001", asker, raw + PAD, flow, discussed=raw + PAD)


def found(text: str, shown: str, where: str, tally: dict[str, int]) -> None:
    assert shown[:60] in text, f"{where}: {shown[:60]!r} not drawn literally"
    raw = RAW.search(text)
    assert raw is None, f"{where}: raw {text[raw.start() : raw.end()]!r} reached the screen"
    tally["checks"] += 1


async def test_hostile_text_in_calls_reasons_and_requesters_is_drawn_literally(
    populated: Path,
) -> None:
    tally = {"checks": 0, "clicks": 0, "screens": 0}
    called, referred = take_calls(populated)
    record_reasons(populated)
    # Reception: each callback screen (caller and organisation), then the verdict.
    app = app_for(populated, "reception")
    async with signed_in(app, SIZE) as pilot:
        await settle(pilot, app)
        desk = app.screen.query_one("#calls", OptionList)
        first = called.index(str(desk.get_option_at_index(0).id))
        found(screen_text(app), CORPUS[first][1], "reception desk", tally)
        for _ in CORPUS:
            calls = app.screen.query_one("#calls", OptionList)
            # Listed by time, then by id: which payload is first is found by its id.
            n = called.index(str(calls.get_option_at_index(0).id))
            shown = CORPUS[n][1]
            calls.highlighted = 0
            calls.action_select()
            await settle(pilot, app)
            text = screen_text(app)
            found(text, shown, f"callback screen, payload {n}", tally)
            tally["clicks"] += await click_every_click_me(pilot, app)
            assert_alive(app)
            outcome = Callback.CONFIRMED if n % 2 else Callback.CALLER_UNKNOWN
            app.screen.query_one(f"#outcome-{outcome.value}").press()  # type: ignore[attr-defined]
            await settle(pilot, app)
            found(screen_text(app), shown, f"verdict, payload {n}", tally)
            app.screen.query_one("#done").press()  # type: ignore[attr-defined]
            await settle(pilot, app)
            tally["screens"] += 2
    # The lead: each verified request in the queue, then the record's hold and history.
    app = app_for(populated, "lead")
    async with signed_in(app, SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("t")
        await settle(pilot, app)
        options = app.screen.query_one("#requests", OptionList)
        waiting = {called[n]: shown for n, (_, shown) in enumerate(CORPUS) if n % 2}
        waiting |= {referred[n]: shown for n, (_, shown) in enumerate(CORPUS)}
        assert options.option_count == len(waiting)
        for index in range(options.option_count):
            request = str(options.get_option_at_index(index).id)
            options.highlighted = index
            options.action_select()
            await settle(pilot, app)
            detail = str(app.screen.query_one("#detail").render())
            # Caller, role and request; the organisation too when it was not the directory's.
            places = 4 if request in referred else 3
            assert detail.count(waiting[request][:60]) >= places, request
            found(detail, waiting[request], f"queue detail, {request}", tally)
            tally["checks"] += places - 1
            tally["clicks"] += await click_every_click_me(pilot, app)
            assert_alive(app)
            tally["screens"] += 1
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("enter")  # R-0001
        await settle(pilot, app)
        app.screen.query_one("#record").scroll_end(animate=False)
        await settle(pilot, app)
        history = str(app.screen.query_one("#history").render())
        hold = str(app.screen.query_one("#hold").render())
        found(hold, CORPUS[0][1], "legal hold reason", tally)
        for n, (_, shown) in enumerate(CORPUS):
            found(history, shown, f"sharing history, payload {n}", tally)
        tally["clicks"] += await click_every_click_me(pilot, app)
        assert_alive(app)
        tally["screens"] += 1
    # The host's view of the same: `log show`, every reason and caller's word printable.
    with Administration.open(populated) as admin:
        entries = admin.read_log(None, None, None)
    from secure_records.cli import main

    lines = _log_show(populated, main)
    assert len(lines) >= len(entries)
    for line in lines:
        assert RAW.search(line) is None, f"log show: raw control in {line[:80]!r}"
    tally["checks"] += len(lines)
    assert tally["clicks"] > 0
    figures.report(
        "Injection, calls and reasons",
        f"{len(CORPUS)} inputs x 8 places (caller, role, organisation, request, hold "
        f"reason, requester, purpose, log show): {tally['checks']} checks on "
        f"{tally['screens']} screens and {len(lines)} log lines, {tally['clicks']} clicks "
        "on 'click me'; interpreted 0, raw controls 0, app still running",
    )


def _log_show(home: Path, main: Any) -> list[str]:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        # --personal: the reasons and callers' words are what is checked.
        assert main(["--home", str(home), "log", "show", "--personal"]) == 0
    return out.getvalue().splitlines()

"""Telephone requests expire under retention.toml's [telephone] rule (issue 20):
closed, unverified or unmatched ones past their days are disposed of by `disposal
run`, their sealed rows deleted, and the log says how many and nothing they held."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine

from secure_records.admin import Administration
from secure_records.core.telephone import Callback, Status
from secure_records.session import Session
from tests.conftest import canaries, canary_row
from tests.integration.test_telephone import REASON, take, verified
from tests.integration.test_telephone import log_entries as entries
from tests.support.in_process import Cli

NOBODY = ("Nobody Known", "2001-01-01")  # matches no record


def calls(home: Path) -> dict[str, str]:
    """One request of each kind, taken now: their ids by kind."""
    with Session.open("reception", home) as reception:
        refused = take(reception)
        reception.telephone.record_callback(refused.id, Callback.CALLER_UNKNOWN)
        unmatched = take(reception, about=NOBODY)
        waiting = take(reception)
    closed = verified(home)
    with Session.open("lead", home) as lead:
        lead.telephone.close_phone_request(closed, REASON)
    return {
        "unverified": refused.id,
        "closed": closed,
        "unmatched": unmatched.id,
        "waiting": waiting.id,
    }


def kept(home: Path, ids: dict[str, str]) -> list[str]:
    with Administration.open(home) as admin:
        return [kind for kind, rid in ids.items() if admin.vault.store.phone_request(rid)]


def test_disposal_run_disposes_of_requests_past_their_days(populated: Path, cli: Cli) -> None:
    ids = calls(populated)
    with Administration.open(populated) as admin:
        statuses = {k: admin.vault.store.phone_request(v)[0].status for k, v in ids.items()}  # type: ignore[index]
    assert statuses["unverified"] is Status.NOT_VERIFIED and statuses["closed"] is Status.CLOSED
    with time_machine.travel(datetime.now(UTC) + timedelta(days=30), tick=False):
        out = cli("disposal", "run", home=populated)
    assert out.code == 0 and "telephone request" not in out.out  # none past their days
    assert kept(populated, ids) == ["unverified", "closed", "unmatched", "waiting"]
    with time_machine.travel(datetime.now(UTC) + timedelta(days=100), tick=False):
        out = cli("disposal", "run", home=populated)
    assert out.code == 0, out.err
    assert (
        "2 telephone requests past their days disposed of (1 unmatched, 1 unverified)." in out.out
    )
    assert kept(populated, ids) == ["closed", "waiting"]
    with time_machine.travel(datetime.now(UTC) + timedelta(days=400), tick=False):
        assert cli("disposal", "run", home=populated).code == 0
    assert kept(populated, ids) == ["waiting"]  # a request still open is never disposed of
    logged = [e for e in entries(populated) if e.action == "phone_requests_disposed"]
    assert [e.details for e in logged] == [
        {
            "closed": 0,
            "unverified": 1,
            "unmatched": 1,
            "requests": sorted([ids["unverified"], ids["unmatched"]]),
        },
        {"closed": 1, "unverified": 0, "unmatched": 0, "requests": [ids["closed"]]},
    ]
    said = repr([(e.details, e.personal) for e in logged])
    assert [v for v in [*canaries(canary_row("R-0001", [])).values(), *NOBODY] if v in said] == []
    # The rows went through their seals: the vault still verifies, row by row.
    assert cli("vault", "verify", home=populated).code == 0

"""A lead acts on a restriction (a grant, a lift) only when the log holds it
(issue 15, item 3). A `restrictions` row written straight into the file has no seal
and is refused as such (item 1); one written by someone holding the vault's keys,
but not through the log, is sealed, and the log is what refuses it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from secure_records.admin import Administration
from secure_records.core.errors import AccessRefused, IntegrityError
from secure_records.core.log_actions import LogAction
from secure_records.session import Session
from tests.support.insider import insider
from tests.support.raw_db import behind_the_back

REASON = "a reason long enough to record"
NOT_IN_LOG = "Record R-0001's restriction is not in the log; nothing was done."


NOW = "2026-11-01T10:00:00+00:00"
UNTIL = "2099-01-01T00:00:00+00:00"


def forge_restriction(home: Path) -> None:
    """A restriction row and the lead's grant, written straight into the file."""
    with behind_the_back(home) as db:
        db.execute("INSERT INTO restrictions VALUES ('R-0001', 'lead', ?, NULL)", (NOW,))
        db.execute("INSERT INTO grants VALUES ('R-0001', 'lead', ?, 'lead', ?, NULL)", (UNTIL, NOW))


def forge_restriction_with_keys(home: Path) -> None:
    """The same rows written and sealed by someone holding the keys, not logged."""
    with insider(home) as store:
        store.restrict("R-0001", "lead", NOW)
        store.grant("R-0001", "lead", UNTIL, "lead", NOW)


def act_on(lead: Session, act: str) -> None:
    if act == "grant":
        lead.oversight.grant_access("R-0001", "alice", 7, REASON)
    else:
        lead.oversight.lift_restriction("R-0001", REASON)


def actions(home: Path) -> list[tuple[str, dict[str, object]]]:
    with Administration.open(home) as admin:
        return [(e.action, dict(e.details)) for e in admin.vault.log.entries()]


@pytest.mark.parametrize("act", ["grant", "lift"])
def test_a_forged_restriction_cannot_be_granted_on_or_lifted(populated: Path, act: str) -> None:
    forge_restriction_with_keys(populated)

    with Session.open("lead", populated) as lead, pytest.raises(AccessRefused) as refused:
        act_on(lead, act)

    assert str(refused.value) == NOT_IN_LOG
    done = actions(populated)
    assert (LogAction.RESTRICTION_REFUSED, {"refused": NOT_IN_LOG}) in done
    assert not {LogAction.ACCESS_GRANTED, LogAction.RESTRICTION_LIFTED} & {a for a, _ in done}
    with behind_the_back(populated) as db:
        staff = [s for (s,) in db.execute("SELECT staff FROM grants WHERE record_id = 'R-0001'")]
        restricted = db.execute("SELECT count(*) FROM restrictions").fetchone()
    assert (staff, restricted) == (["lead"], (1,))  # nothing acted on
    with Administration.open(populated) as admin:
        assert admin.verify_log().intact


@pytest.mark.parametrize("act", ["grant", "lift"])
def test_a_restriction_forged_in_sqlite_is_refused_by_its_seal(populated: Path, act: str) -> None:
    forge_restriction(populated)

    with Session.open("lead", populated) as lead, pytest.raises(IntegrityError) as refused:
        act_on(lead, act)

    message = str(refused.value)
    assert message.startswith("The vault's restrictions row R-0001 has no seal"), message
    assert "\n" not in message
    done = actions(populated)
    assert (LogAction.SEAL_BROKEN, {"table": "restrictions", "row": "R-0001"}) in done
    assert not {LogAction.ACCESS_GRANTED, LogAction.RESTRICTION_LIFTED} & {a for a, _ in done}
    with Administration.open(populated) as admin:
        assert admin.verify_log().intact


@pytest.mark.parametrize(
    ("forge", "error", "said"),
    [
        # Without the keys the row has no seal; with them, the log has no restriction.
        (forge_restriction, IntegrityError, "restrictions row R-0001 has no seal"),
        (forge_restriction_with_keys, AccessRefused, NOT_IN_LOG),
    ],
    ids=["sqlite", "keys"],
)
def test_a_restriction_lifted_in_the_log_and_put_back_is_refused(
    populated: Path, forge: Callable[[Path], None], error: type[Exception], said: str
) -> None:
    with Session.open("lead", populated) as lead:
        lead.oversight.restrict_record("R-0001", REASON, 30)
        lead.oversight.lift_restriction("R-0001", REASON)
    forge(populated)

    with Session.open("lead", populated) as lead, pytest.raises(error) as refused:
        lead.oversight.grant_access("R-0001", "alice", 7, REASON)
    assert said in str(refused.value)


def test_a_real_restriction_is_still_granted_on_and_lifted(populated: Path) -> None:
    with Session.open("lead", populated) as lead:
        lead.oversight.restrict_record("R-0001", REASON, 30)
        lead.oversight.grant_access("R-0001", "alice", 7, REASON)
        lead.oversight.lift_restriction("R-0001", REASON)
    assert LogAction.RESTRICTION_REFUSED not in [a for a, _ in actions(populated)]

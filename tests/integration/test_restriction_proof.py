"""A lead acts on a restriction (a grant, a lift) only when the log holds it
(issue 15, item 3): the `restrictions` row alone is plain SQLite anyone who can
write the file can add."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from secure_records.admin import Administration
from secure_records.core.errors import AccessRefused
from secure_records.core.log_actions import LogAction
from secure_records.session import Session

REASON = "a reason long enough to record"
NOT_IN_LOG = "Record R-0001's restriction is not in the log; nothing was done."


def forge_restriction(home: Path) -> None:
    """A restriction row and the lead's grant, written straight into the file."""
    db = sqlite3.connect(home / "vault.db")
    with db:
        now = "2026-11-01T10:00:00+00:00"
        db.execute("INSERT INTO restrictions VALUES ('R-0001', 'lead', ?)", (now,))
        db.execute(
            "INSERT INTO grants VALUES ('R-0001', 'lead', '2099-01-01T00:00:00+00:00', 'lead', ?)",
            (now,),
        )
    db.close()


def actions(home: Path) -> list[tuple[str, dict[str, object]]]:
    with Administration.open(home) as admin:
        return [(e.action, dict(e.details)) for e in admin.vault.log.entries()]


@pytest.mark.parametrize("act", ["grant", "lift"])
def test_a_forged_restriction_cannot_be_granted_on_or_lifted(populated: Path, act: str) -> None:
    forge_restriction(populated)

    with Session.open("lead", populated) as lead, pytest.raises(AccessRefused) as refused:
        if act == "grant":
            lead.oversight.grant_access("R-0001", "alice", 7, REASON)
        else:
            lead.oversight.lift_restriction("R-0001", REASON)

    assert str(refused.value) == NOT_IN_LOG
    done = actions(populated)
    assert (LogAction.RESTRICTION_REFUSED, {"refused": NOT_IN_LOG}) in done
    assert not {LogAction.ACCESS_GRANTED, LogAction.RESTRICTION_LIFTED} & {a for a, _ in done}
    with sqlite3.connect(populated / "vault.db") as db:
        staff = [s for (s,) in db.execute("SELECT staff FROM grants WHERE record_id = 'R-0001'")]
        restricted = db.execute("SELECT count(*) FROM restrictions").fetchone()
    db.close()
    assert (staff, restricted) == (["lead"], (1,))  # nothing acted on
    with Administration.open(populated) as admin:
        assert admin.verify_log().intact


def test_a_restriction_lifted_in_the_log_and_put_back_in_sqlite_is_refused(
    populated: Path,
) -> None:
    with Session.open("lead", populated) as lead:
        lead.oversight.restrict_record("R-0001", REASON, 30)
        lead.oversight.lift_restriction("R-0001", REASON)
    forge_restriction(populated)

    with Session.open("lead", populated) as lead, pytest.raises(AccessRefused, match="not in"):
        lead.oversight.grant_access("R-0001", "alice", 7, REASON)


def test_a_real_restriction_is_still_granted_on_and_lifted(populated: Path) -> None:
    with Session.open("lead", populated) as lead:
        lead.oversight.restrict_record("R-0001", REASON, 30)
        lead.oversight.grant_access("R-0001", "alice", 7, REASON)
        lead.oversight.lift_restriction("R-0001", REASON)
    assert LogAction.RESTRICTION_REFUSED not in [a for a, _ in actions(populated)]

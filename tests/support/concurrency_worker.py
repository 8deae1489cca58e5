"""One caseworker's session, busy for a while, for the concurrency test.

    python -m tests.support.concurrency_worker HOME STAFF SECONDS SEED

Opens a Session as STAFF, lists its caseload, prints READY and waits for a line on
stdin (so that every worker starts at once). Then, for SECONDS, it picks at random:
open a record, reveal a field with a reason, add a note holding a unique token,
record a decision not to share, or try a record off its caseload (which must be
refused). After each call returns it prints, flushed, one line saying what was
committed:

    STARTED | LISTED n | OPENED rid | REVEALED rid field | NOTE rid token
    DECISION rid id | REFUSED rid | ENDED

Any exception is printed as `ERROR <type>: <message>` on one line, and the loop goes
on: the parent decides what counts as a failure, and a person would have seen it.

The vault's layout (who is assigned which records) is defined here too, so the test
and the worker agree on what is on whose caseload.
"""

from __future__ import annotations

import random
import secrets
import sys
import time
from datetime import date

from secure_records.core.errors import AccessRefused
from secure_records.core.records import NoteKind
from secure_records.core.sharing import Requester, SharingFlow
from secure_records.session import Session

WORKERS = ("alice", "bilal", "carol", "dev", "erin", "femi", "gita", "hana")
RECORDS = tuple(f"R-{n:04d}" for n in range(1, 21))
# Everyone's: the hottest rows in the vault.
SHARED_BY_ALL = RECORDS[:2]

REVEALABLE = ("address", "phone", "health")
REVEAL_REASON = "checking the details before a home visit"
ASKER = Requester("C. Requester", "Example Housing Trust", "Tenancy officer", "01632 960001")
PURPOSE = "Asked for the household's situation to plan a tenancy review"
NO_PURPOSE = "No clear and legitimate purpose was given for sharing this"
DISCUSSED = "Explained to the requester why nothing can be shared without a clear purpose"

# What a worker picks, with its weight.
ACTIONS = (("open", 35), ("reveal", 20), ("note", 25), ("decide", 12), ("probe", 8))


def assigned(record_id: str) -> list[str]:
    """The staff a record is assigned to: the first two records to all eight, every
    other one to three workers, so that every worker shares records with others."""
    if record_id in SHARED_BY_ALL:
        return list(WORKERS)
    k = RECORDS.index(record_id)
    return [WORKERS[(k + step) % len(WORKERS)] for step in (0, 1, 3)]


def caseload(staff: str) -> list[str]:
    return [rid for rid in RECORDS if staff in assigned(rid)]


def say(*parts: object) -> None:
    print(*parts, flush=True)


def error(exc: BaseException) -> None:
    message = " ".join(str(exc).split())  # one line, whatever the message holds
    say(f"ERROR {type(exc).__name__}: {message}")


def step(session: Session, rng: random.Random, staff: str, mine: list[str], n: int) -> None:
    action = rng.choices([a for a, _ in ACTIONS], [w for _, w in ACTIONS])[0]
    rid = rng.choice(mine)
    if action == "open":
        session.records.open_record(rid)
        say("OPENED", rid)
    elif action == "reveal":
        field = rng.choice(REVEALABLE)
        session.records.reveal(rid, field, REVEAL_REASON)
        say("REVEALED", rid, field)
        session.records.close_record(rid)
    elif action == "note":
        token = f"CC-{staff}-{n}-{secrets.token_hex(4)}"
        kind = rng.choice((NoteKind.FACT, NoteKind.OPINION))
        view = session.records.add_note(
            rid, kind, f"Concurrency note {token} by {staff}", date.today()
        )
        say("NOTE", rid, token)
        seen = view.notes.entries if view.notes else ()
        if not any(token in note.text for note in seen):
            say(f"ERROR OwnNoteMissing: {token} is not in the view add_note returned")
    elif action == "decide":
        flow = SharingFlow(session.policy.sharing).answer(False, NO_PURPOSE)
        done = session.sharing.decide_sharing(rid, ASKER, PURPOSE, flow, discussed=DISCUSSED)
        say("DECISION", rid, done.decision_id)
    else:
        others = [r for r in RECORDS if r not in mine]
        target = rng.choice(others)
        try:
            session.records.open_record(target)
        except AccessRefused:
            say("REFUSED", target)
        else:
            say(f"ERROR UnexpectedAccess: {staff} opened {target}, off their caseload")


def main() -> None:
    home, staff, seconds, seed = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(seed)
    try:
        session = Session.open(staff, home)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which fails the test
        error(exc)
        say("READY")
        return
    say("STARTED")
    try:
        mine = session.records.listing_ids()
        say("LISTED", len(mine))
        if sorted(mine) != caseload(staff):
            say(f"ERROR WrongCaseload: listed {sorted(mine)}, expected {caseload(staff)}")
    except Exception as exc:  # noqa: BLE001
        error(exc)
        mine = caseload(staff)
    say("READY")
    sys.stdin.readline()  # the parent's go, once every worker is ready
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        n += 1
        try:
            step(session, rng, staff, mine, n)
        except Exception as exc:  # noqa: BLE001 - printed, and the session goes on
            error(exc)
    try:
        session.close()
        say("ENDED")
    except Exception as exc:  # noqa: BLE001
        error(exc)


if __name__ == "__main__":
    main()

"""Does one kind of write over and over from a separate process, for the kill -9 test.

    python -m tests.support.crash_worker OP HOME TAG

OP is one of import, note, decision, disposal, rotate; TAG makes what this run
writes distinct from what earlier runs wrote. It loads its modules, then waits for
a line "go" on stdin before it touches the vault (so that the parent can start the
next worker while it kills and checks this one). Prints "ready" once the vault is
open, then one line after each commit naming what was committed, flushed, so the
parent knows exactly what it may expect to find after it kills this process:

- import: the ids of the records in the file just imported, space-separated
- note: the text of the note just added to record CRASH-NOTES
- decision: the id of the sharing decision just recorded about CRASH-DECISIONS
- disposal: the id of the disposal just carried out; "done" once it has carried
  out every approved disposal it found (a whole run, checked as such)
- rotate: the key-encryption key version just committed

One more, not random: retire-dies-at-delete rotates the key once, then retires the
old version and kills itself with SIGKILL at the moment it would remove that key
from the keyring, after the retirement has committed.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from secure_records.admin import Administration, retire_keys
from secure_records.core.records import NoteKind
from secure_records.core.sharing import Requester, SharingFlow
from secure_records.core.statuses import DisposalStatus
from secure_records.session import Session
from secure_records.vault.kek import KeyEncryptionKeys

NOTE_RECORD = "CRASH-NOTES"
DECISION_RECORD = "CRASH-DECISIONS"
NOTE_DATE = date(2024, 6, 1)
REASON = "recorded reason of some length"
ASKER = Requester("D. Example", "Nowhere Primary School", "Designated lead", "01632 960000")
PURPOSE = "Planning support for the child at school next term"
DISCUSSED = "Explained to the school why nothing can be shared yet"


def import_row(record_id: str) -> dict[str, object]:
    """A small record of its own: distinct id and name, on nobody's caseload."""
    return {
        "id": record_id,
        "name": f"Crashname {record_id}",
        "date_of_birth": "2013-04-02",
        "category": "child",
        "notes": [
            {
                "date": "2024-05-02",
                "author": "alice",
                "kind": "fact",
                "text": f"CRASH-FACT-{record_id}",
                "historical": False,
            }
        ],
    }


def import_ids(tag: str, n: int) -> list[str]:
    return [f"C{tag}-{n}-{k}" for k in range(3)]


def note_text(tag: str, n: int) -> str:
    return f"crash note {tag} {n}"


def say(line: object) -> None:
    print(line, flush=True)


def run_import(home: Path, tag: str) -> None:
    scratch = home.parent / "crash-imports"
    scratch.mkdir(exist_ok=True)
    with Administration.open(home) as admin:
        say("ready")
        for n in itertools.count():
            ids = import_ids(tag, n)
            path = scratch / f"{tag}-{n}.jsonl"
            path.write_text("".join(json.dumps(import_row(i)) + "\n" for i in ids))
            assert admin.import_file(path) == len(ids)
            say(" ".join(ids))


def run_note(home: Path, tag: str) -> None:
    with Session.open("alice", home) as session:
        say("ready")
        for n in itertools.count():
            text = note_text(tag, n)
            session.records.add_note(NOTE_RECORD, NoteKind.FACT, text, NOTE_DATE)
            say(text)


def run_decision(home: Path, tag: str) -> None:
    with Session.open("alice", home) as session:
        no_purpose = SharingFlow(session.policy.sharing).answer(False, REASON)
        say("ready")
        while True:
            done = session.sharing.decide_sharing(
                DECISION_RECORD, ASKER, PURPOSE, no_purpose, discussed=DISCUSSED
            )
            say(done.decision_id)


def run_disposal(home: Path, tag: str) -> None:
    with Session.open("it", home) as it:
        pending = [item.id for item in it.retention.disposals((DisposalStatus.APPROVED,))]
        say("ready")
        for disposal_id in pending:
            it.retention.execute_disposal(disposal_id)
            say(disposal_id)
    say("done")  # ran out of approved disposals before it was killed


def run_rotate(home: Path, tag: str) -> None:
    with Administration.open(home) as admin:
        say("ready")
        while True:
            say(admin.rotate_key())


def run_retire_dies_at_delete(home: Path, tag: str) -> None:
    def die(self: KeyEncryptionKeys, version: int) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    KeyEncryptionKeys.delete = die  # type: ignore[method-assign]
    with Administration.open(home) as admin:
        say("ready")
        admin.rotate_key()
        retire_keys(admin, date.today() + timedelta(days=1))


OPERATIONS: dict[str, Callable[[Path, str], None]] = {
    "import": run_import,
    "note": run_note,
    "decision": run_decision,
    "disposal": run_disposal,
    "rotate": run_rotate,
    "retire-dies-at-delete": run_retire_dies_at_delete,
}


def main() -> None:
    op, home, tag = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    if sys.stdin.readline().strip() == "go":
        OPERATIONS[op](home, tag)


if __name__ == "__main__":
    main()

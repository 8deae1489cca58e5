"""The log as each reader may see it (issue 16, item 4): the auditor's field rules hide
name and date of birth, so the log does not show them the name and date of birth
reception asked, a caller's details, the words a caseworker searched or a reveal's
reason; `oversight.toml` may grant them; `log show` at the host prints them only with
`--personal`, and that is logged and flagged."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

from secure_records.admin import Administration
from secure_records.core.log_actions import LogAction
from secure_records.core.log_filter import LogFilter
from secure_records.core.log_words import Said
from secure_records.core.sharing import Requester, SharingFlow
from secure_records.core.telephone import Urgency
from secure_records.session import Session
from secure_records.session.oversight import LogLine
from secure_records.session.telephone import Caller
from tests.support.in_process import Cli

REASON = "Home visit planned for next week"
# Each a detail that names or describes a person, written into the log below.
SECRETS = (
    "Canaryname",  # the name reception looked up, and a caseworker's search words
    "2013-04-02",  # the date of birth looked up
    "Somebody Else",  # a name looked up that found nothing
    "2011-05-06",
    "DC Jane Smith",  # a caller
    "07700 900123",  # the number the caller gave
    "Her school report",  # what the caller asked for
    REASON,  # a reveal's reason
    "D. Example",  # who a sharing decision was with
)
# The same on the auditor's screen, where a date of birth reads the UK way.
ON_SCREEN = (*SECRETS, "02 Apr 2013", "06 May 2011")
SHOWN_IN_FULL = tuple(s for s in ON_SCREEN if s not in ("2013-04-02", "2011-05-06"))


def used_as_the_issue_says(home: Path) -> None:
    """Reception's lookups and calls, a caseworker's search, reveal and decision."""
    with Session.open("reception", home) as reception:
        assert reception.records.find_exact("Canaryname R-0001", "2013-04-02") is not None
        assert reception.records.find_exact("Somebody Else", "2011-05-06") is None
        caller = Caller("DC Jane Smith", "Detective", "northshire_police_ppu", "", "07700 900123")
        for about in ("Canaryname R-0001", "Somebody Else"):
            reception.telephone.take_phone_request(
                caller,
                about,
                "2013-04-02" if about.startswith("Canary") else "2011-05-06",
                "safeguarding_concern",
                "Her school report",
                Urgency.TODAY,
            )
    with Session.open("alice", home) as alice:
        alice.records.matching("Canaryname R-0002")
        alice.records.reveal("R-0001", "address", REASON)
        flow = SharingFlow(alice.policy.sharing).answer(False, REASON)
        asker = Requester("D. Example", "Nowhere School", "Lead", "01632 960000")
        alice.sharing.decide_sharing("R-0001", asker, REASON, flow, discussed=REASON)


def text_of(lines: list[LogLine]) -> str:
    return "\n".join(f"{line}" for line in lines)


def with_oversight(home: Path, tmp_path: Path, old: str, new: str) -> list[str]:
    """The vault's policy with one line of oversight.toml changed, through `policy
    apply`; what it said changes."""
    changed = Path(shutil.copytree(home / "policies", tmp_path / "changed"))
    path = changed / "oversight.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    with Administration.open(home) as admin:
        proposal = admin.propose_policy(changed)
        admin.apply_policy(proposal)
    return proposal.change_lines()


def test_the_auditor_reads_who_did_what_but_not_whom_it_named(populated: Path) -> None:
    used_as_the_issue_says(populated)
    with Session.open("auditor", populated) as auditor:
        lines = auditor.oversight.audit_log()
    shown = text_of(lines)
    for secret in ON_SCREEN:
        assert secret not in shown, secret
    # Who did what, to which record, is all still there.
    [found] = [x for x in lines if x.action == "index_lookup" and x.record_id]
    assert (found.actor, found.role, found.record_id) == ("reception", "reception", "R-0001")
    assert Said("Record found", "yes") in found.details and found.personal == ()
    assert found.withheld == ("the name asked", "the date of birth asked")
    [reveal] = [x for x in lines if x.action == "field_revealed"]
    assert (reveal.record_id, reveal.details, reveal.withheld) == (
        "R-0001",
        (Said("Field", "Address"),),
        ("the reason",),
    )
    [search] = [x for x in lines if x.action == "searched"]
    assert (search.actor, search.withheld) == ("alice", ("the words searched",))
    calls = [x for x in lines if x.action == "phone_request_taken"]
    assert len(calls) == 2
    assert all("the caller's details" in x.withheld for x in calls)
    assert all(Said("Kind", "Safeguarding concern") in x.details for x in calls)


def test_the_oversight_policy_can_grant_the_auditor_personal_details(
    populated: Path, tmp_path: Path
) -> None:
    used_as_the_issue_says(populated)
    said = with_oversight(
        populated, tmp_path, "personal_details = false", "personal_details = true"
    )
    assert "widens: oversight: every role that reads the log sees its personal details" in said
    with Session.open("auditor", populated) as auditor:
        lines = auditor.oversight.audit_log()
        shown = text_of(lines)
        for secret in SHOWN_IN_FULL:
            assert secret in shown, secret
        assert all(not x.withheld for x in lines)
        # Its reading, and that it was in full, is in the log.
        [read] = auditor.oversight.audit_log(LogFilter(action=LogAction.LOG_READ))
        assert Said("With personal details", "yes") in read.details


def test_the_access_review_shows_reasons_only_where_the_oversight_policy_says(
    populated: Path, tmp_path: Path
) -> None:
    used_as_the_issue_says(populated)
    with Session.open("auditor", populated) as auditor:
        accesses, _ = auditor.oversight.access_review()
    [reveal] = [a for a in accesses if a.action == "field_revealed"]
    assert reveal.reason == REASON  # the shipped file: `reasons = true`
    said = with_oversight(populated, tmp_path, "reasons = true", "reasons = false")
    assert "narrows: oversight: the access review withholds reveals' reasons" in said
    with Session.open("auditor", populated) as auditor:
        accesses, _ = auditor.oversight.access_review()
        kept = auditor.oversight.export_access_review()
        exported = auditor.outputs.read(kept).text
    [reveal] = [a for a in accesses if a.action == "field_revealed"]
    assert reveal.reason == "[withheld]"
    rows = list(csv.reader(io.StringIO(exported)))
    assert [row[6] for row in rows if row[3] == "field_revealed"] == ["[withheld]"]
    assert REASON not in exported


def test_log_show_at_the_host_withholds_personal_details(cli: Cli, populated: Path) -> None:
    used_as_the_issue_says(populated)
    for extra in ((), ("--json",)):
        result = cli("log", "show", *extra, home=populated)
        assert result.code == 0, result
        for secret in ON_SCREEN:  # neither as stored nor as a UK date
            assert secret not in result.out, (extra, secret)
        assert "[withheld]" in result.out


def test_log_show_says_each_action_in_the_auditors_words(cli: Cli, populated: Path) -> None:
    used_as_the_issue_says(populated)
    text = cli("log", "show", home=populated).out
    assert (
        "(reception) Index lookup R-0001: Record found: yes; Personal details: [withheld]" in text
    )
    assert "index_lookup" not in text and "found=" not in text
    assert '"action": "index_lookup"' in cli("log", "show", "--json", home=populated).out
    rows = [
        json.loads(line) for line in cli("log", "show", "--json", home=populated).out.splitlines()
    ]
    lookup = next(r for r in rows if r["action"] == "index_lookup" and r["record"])
    assert (lookup["actor"], lookup["record"], lookup["details"]) == (
        "reception",
        "R-0001",
        {"found": True},
    )
    assert lookup["personal"] == "[withheld]"


def test_log_show_personal_prints_them_and_is_logged_and_flagged(cli: Cli, populated: Path) -> None:
    used_as_the_issue_says(populated)
    result = cli("log", "show", "--personal", home=populated)
    assert result.code == 0, result
    for secret in SHOWN_IN_FULL:  # the text form gives dates as UK dates
        assert secret in result.out, secret
    with Administration.open(populated) as admin:
        actions = [e.action for e in admin.read_log()]
    assert actions.count(LogAction.LOG_READ_WITH_PERSONAL_DETAILS) == 1
    with Session.open("auditor", populated) as auditor:
        _, flags = auditor.oversight.access_review()
    [flag] = [f for f in flags if "personal details" in f.what]
    assert flag.what == "read the log with its personal details, at the host"

"""The report's lines for what older vaults kept less of (core/access_report.py)."""

from __future__ import annotations

from secure_records.core.access_report import (
    Decided,
    correction_lines,
    decision_lines,
    for_release,
)
from secure_records.core.amendments import Amendment
from secure_records.core.decision_payload import DecisionPayload, RecordedAnswer
from secure_records.core.sharing import HowChoices, Requester


def test_a_decision_from_before_items_were_kept_names_fields_by_label_and_counts_notes() -> None:
    how = HowChoices(("name", "gone_field"), (0, 1), True, "By hand", "Art. 6(1)(f)", True)
    payload = DecisionPayload(
        Requester("A. Teacher", "A School", "Head", "0100"),
        "Support at school",
        (RecordedAnswer("Is there a purpose?", True, "A plan for next term"),),
        "You can share.",
        how,
        "",
        "",
    )
    lines = decision_lines(
        Decided("D-1", "2025-02-03T10:00:00+00:00", "alice", "decided", payload),
        {"name": "Name"},
    )
    assert lines[0].startswith("- 03 Feb 2025: shared, asked by «A. Teacher»")
    assert "  Items shared: Name; Gone field; 2 chronology notes" in lines


def test_a_correction_of_a_field_no_longer_in_the_policy_reads_its_name_as_words() -> None:
    done = Amendment("old_flag", "yes", "", "lead", "2026-01-05T09:00:00+00:00", "No longer held")
    lines = correction_lines(done, None)
    assert lines[0] == "- 05 Jan 2026, by lead: Old flag: was yes, now (none)"


def test_a_release_withholds_marked_items_in_place_and_a_mark_it_cannot_place_takes_the_line() -> (
    None
):
    """A report kept before marks were delimited (issue 18) still releases nothing
    marked: a line with a mark it cannot place is withheld whole."""
    kept = "\n".join(
        [
            "- 01 May 2024: given by «Mum» (REVIEW BEFORE RELEASE: third party), for school",
            "- 02 May 2024: given by Dad (REVIEW BEFORE RELEASE: third party), for the GP",
            "- 03 May 2024 OPINION (REVIEW BEFORE RELEASE), by alice: settled at school",
            "  Why: «called «in» by Jo» (REVIEW BEFORE RELEASE: may name a third party)",
        ]
    )
    released = for_release(kept)
    lines = released.text.splitlines()
    assert lines[0] == "- 01 May 2024: given by [withheld: another person's details], for school"
    assert lines[1] == "[withheld: a line marked for review]"  # fails closed
    assert lines[2] == "- 03 May 2024 OPINION, by alice: settled at school"
    assert "Jo" not in lines[3] and "REVIEW" not in released.text
    assert (released.withheld, released.untold) == (3, 0)

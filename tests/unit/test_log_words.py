"""A log entry's details as labelled lines of words (issue 18: "the auditor reads
Python"): never `{'reason': ...}` or `True`, and what a person typed as they typed it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from secure_records.core.log_words import Said, said
from secure_records.core.policy import Policy, parse_policy
from secure_records.vault.policy_files import read_policy_texts

SHIPPED = Path(__file__).resolve().parents[2] / "src" / "secure_records" / "default_policies"
POLICY: Policy = parse_policy(read_policy_texts(SHIPPED), date(2026, 11, 30))


def lines(details: dict[str, object], personal: object = None) -> list[str]:
    return [
        f"{'  ' * s.depth}{s.label}: {s.value}".rstrip()
        for s in said(details, personal, POLICY.fields)  # type: ignore[arg-type]
    ]


def test_a_reveals_reason_is_a_labelled_line_not_a_python_dict() -> None:
    shown = lines({"field": "address"}, {"reason": "Home visit planned"})
    assert shown == ["Field: Address", "Reason: Home visit planned"]
    assert not any("{" in line or "'" in line for line in shown)


def test_yes_and_no_are_words_not_python_booleans() -> None:
    assert lines({"found": True, "share": False}) == ["Record found: yes", "Shares: no"]


def test_what_a_person_typed_keeps_its_underscores() -> None:
    # words.readable() once turned "smith_j" in a search into "smith j".
    shown = said({"query": "smith_j"}, {"reason": "see note_3, per_protocol"}, POLICY.fields)
    assert [(s.label, s.value, s.typed) for s in shown] == [
        ("Looked for", "smith_j", True),
        ("Reason", "see note_3, per_protocol", True),
    ]


def test_the_apps_own_identifiers_are_read_as_words() -> None:
    shown = lines(
        {
            "outcome": "may_share_without_consent",
            "flags": ["number_differs", "stale"],
            "kind": "safeguarding_concern",
        }
    )
    assert shown == [
        "Outcome: May share without consent",
        "Flags: Number differs, Stale",
        "Kind: Safeguarding concern",
    ]


def test_nested_parts_are_indented_under_their_label_with_dates_the_uk_way() -> None:
    personal = {
        "query": {"name": "Jane_Canary", "date_of_birth": "2013-04-02"},
        "answers": [{"question": "Is there consent?", "yes": False, "reason": "Not asked"}],
    }
    assert lines({}, personal) == [
        "Looked for:",
        "  Name: Jane_Canary",
        "  Date of birth: 02 Apr 2013",
        "Answers:",
        "  Question: Is there consent?",
        "  Answer: no",
        "  Reason: Not asked",
    ]


def test_empty_details_are_left_out_and_a_disposed_part_is_said_in_words() -> None:
    assert lines({"since": "", "record": None, "count": 0}) == ["Count: 0"]
    assert said({}, "[disposed]", POLICY.fields) == (
        Said("Personal details", "erased when the record was disposed of"),
    )


def test_a_calls_urgency_is_said_as_every_other_screen_says_it() -> None:
    # Was "Urgency: Immediate", where reception and the lead read "Someone may be at risk now".
    assert lines({"urgency": "immediate"}) == ["Urgency: Someone may be at risk now"]
    assert lines({"urgency": "today"}) == ["Urgency: Needed today"]


def test_a_consent_withdrawal_names_which_entry_in_words() -> None:
    """'Entry: 1' was cryptic to the auditor (reviewer's find)."""
    assert lines({"entry": 1}) == ["Consent entry (its number on the record): 1"]


def test_every_log_action_has_words_of_its_own_not_its_identifier() -> None:
    """The auditor reads actions in words; one added without them (issue 20 added
    nine) would reach the log screen and its filter as an identifier."""
    from secure_records.core.action_words import ACTION_WORDS, action_words
    from secure_records.core.log_actions import LogAction

    missing = [a.value for a in LogAction if a not in ACTION_WORDS]
    assert missing == []
    for action in LogAction:
        words = action_words(action)
        assert words != action.value and "_" not in words and words[0].isupper(), action
    assert len(set(ACTION_WORDS.values())) == len(ACTION_WORDS)  # the filter is unambiguous
    assert action_words("restored") == "Vault restored from a backup"
    assert action_words("keys_retired") == "Old key versions retired"
    assert action_words("from_a_newer_release") == "From a newer release"


def test_issue_20_entries_details_read_as_words() -> None:
    """A restore, a disposal carried out again after one, retired keys, a new
    recovery code: labelled lines, never `after_restore=True` or `kek_version`."""
    restored = lines(
        {
            "backup": "B-1",
            "taken_at": "2026-11-30T02:30:00Z",
            "backup_seq": 41,
            "disposals_again": 1,
            "said": "restored from a backup taken at 2026-11-30T02:30:00Z",
        }
    )
    assert restored[1:4] == [
        "Backup taken at: 2026-11-30T02:30:00Z",
        "The backup's log up to entry: 41",
        "Disposals carried out again: 1",
    ]
    assert lines({"after_restore": True, "certified_at": "2026-12-01T01:30:00Z"}) == [
        "Carried out again after a restore: yes",
        "First certified at: 2026-12-01T01:30:00Z",
    ]
    assert lines({"versions": [1, 2], "before": "2026-12-01", "current": 3}) == [
        "Key versions: 1, 2",
        "Replaced before: 01 Dec 2026",
        "Current key version: 3",
    ]
    assert lines({"replaced": True, "kek_version": 2}) == [
        "Replaced an earlier code: yes",
        "Key-encryption key version: 2",
    ]
    # A log read filtered by an action names it in the filter's own words.
    assert lines({"filter_action": "restored"}) == ["Action: Vault restored from a backup"]

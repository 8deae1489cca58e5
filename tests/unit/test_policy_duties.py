"""The organisation's own duties in its policy files (issue 19): the privacy notice and
the Data Protection Officer's contact (10(b), being open), the policy's own review
dates (its two-year cycle), and a consent entry's capacity (section 4)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from secure_records.core.being_open import NOT_SET, PrivacyInformation
from secure_records.core.consent import consent_sentence
from secure_records.core.errors import PolicyError
from secure_records.core.oversight import parse_oversight
from secure_records.core.policy_review import PolicyReview
from secure_records.core.records import ConsentCapacity, ConsentEntry
from secure_records.vault.sealing import consent_from, consent_json
from tests.unit.test_oversight import oversight_toml, problems_of, shipped_texts


def test_the_shipped_files_carry_a_privacy_notice_a_dpo_and_the_policys_own_dates() -> None:
    settings = parse_oversight(shipped_texts()["oversight.toml"])
    assert settings.privacy.data_protection_officer.endswith("dpo@example.org")
    assert "ask to see what we hold about you" in settings.privacy.notice
    # The policy's front page: reviewed 01/02/16, next due 01/02/18 (never signed off).
    assert settings.policy_review == PolicyReview(date(2016, 2, 1), date(2018, 2, 1))
    assert settings.policy_review.overdue(date(2018, 2, 2))
    assert not settings.policy_review.overdue(date(2018, 2, 1))


def test_a_file_sealed_before_these_tables_still_reads_with_nothing_set() -> None:
    settings = parse_oversight(oversight_toml())
    assert settings.privacy == PrivacyInformation()
    assert settings.privacy.contact_words == settings.privacy.notice_words == NOT_SET
    assert settings.policy_review is None


def test_the_next_review_is_at_most_two_years_after_adoption() -> None:
    late = "[policy_review]\nadopted = 2024-02-29\nnext_review = 2026-03-01\n"
    assert problems_of(oversight_toml(top=late)) == [
        "oversight.toml: policy_review.next_review: must be after the date adopted and at "
        "most 2 years on (by 2026-02-28): the policy's review cycle"
    ]
    good = "[policy_review]\nadopted = 2024-02-29\nnext_review = 2026-02-28\n"
    assert parse_oversight(oversight_toml(top=good)).policy_review is not None


def test_privacy_keys_are_checked_like_any_other() -> None:
    wrong = '[privacy]\ndpo = "x"\n'
    with pytest.raises(PolicyError) as caught:
        parse_oversight(oversight_toml(top=wrong))
    assert "privacy.dpo: unknown key" in caught.value.problems[0]


def test_a_consent_entry_keeps_its_capacity_and_withdrawal_reason_when_sealed() -> None:
    entry = ConsentEntry(
        "Dr Patel",
        "sharing with the GP",
        date(2025, 3, 1),
        date(2025, 6, 1),
        ConsentCapacity.BEST_INTERESTS,
        "a new decision was made",
    )
    assert consent_from(json.loads(consent_json(entry))) == entry
    assert consent_sentence(entry) == (
        "given 01 Mar 2025 by Dr Patel (a best-interests decision (Mental Capacity Act 2005)), "
        "to sharing with the GP; withdrawn on 01 Jun 2025 (a new decision was made)"
    )


def test_an_entry_sealed_before_capacity_was_asked_reads_as_not_recorded() -> None:
    older = {"given_by": "Carer", "scope": "School", "date": "2024-05-01", "withdrawn": None}
    entry = consent_from(older)
    assert (entry.capacity, entry.withdrawn_reason) == (None, "")
    assert consent_sentence(entry) == (
        "given 01 May 2024 by Carer (capacity not recorded), to School; in force"
    )


def test_a_change_of_privacy_or_review_dates_is_named_as_such_in_policy_apply() -> None:
    from dataclasses import replace

    from secure_records.core.policy import parse_policy
    from secure_records.core.policy_change import policy_changes

    old = parse_policy(shipped_texts(), date(2026, 11, 30))
    oversight = replace(
        old.oversight,
        privacy=PrivacyInformation("dpo@example.org", "A new notice"),
        policy_review=PolicyReview(date(2026, 1, 15), date(2028, 1, 15)),
    )
    changes = policy_changes(old, replace(old, oversight=oversight))
    assert changes.other == ("privacy information changed", "the policy's review dates changed")

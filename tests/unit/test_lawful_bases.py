"""The `[how]` lawful bases as tables, the Art. 9 conditions, and the questions'
`checks` (issue 19); the older list of bases still loads, read so that a wrong guess
offers less, never more."""

from __future__ import annotations

from pathlib import Path

import pytest

from secure_records.core.errors import PolicyError
from secure_records.core.lawful_bases import LawfulBasis
from secure_records.core.sharing import Check, SharingFlow, parse_sharing
from secure_records.core.sharing_answers import answer_limits

POLICIES = Path(__file__).resolve().parents[2] / "policies"
SEED = (POLICIES / "sharing.toml").read_text()
OLD_BASES = """lawful_bases = [
    "UK GDPR art. 6(1)(a) consent",
    "UK GDPR art. 6(1)(e) public task",
    "UK GDPR art. 9(2)(g) and DPA 2018 Sch. 1 para 18: safeguarding",
]
"""


def with_old_bases(text: str) -> str:
    """The seed file with its bases and conditions written the older way."""
    head = text[: text.index("# UK GDPR Art. 6:")]
    return head.replace("reason_min_length", OLD_BASES + "reason_min_length")


def test_the_seed_bases_conditions_and_checks() -> None:
    policy = parse_sharing(SEED)
    texts = [b.text for b in policy.lawful_bases]
    assert "UK GDPR art. 6(1)(f) legitimate interests" in texts
    public = next(b for b in policy.lawful_bases if "public task" in b.text)
    assert "rarely fits a charity" in public.help
    assert [b.text for b in policy.lawful_bases if b.needs_consent] == [
        "UK GDPR art. 6(1)(a) consent"
    ]
    conditions = " ".join(c.text for c in policy.conditions)
    assert "DPA 2018 Sch. 1 para 18" in conditions and "9(2)(c)" in conditions
    checks = {q.name: q.checks for q in policy.questions.values() if q.checks}
    assert checks == {
        "identifies": Check.IDENTIFIES,
        "confidential": Check.CONFIDENTIAL,
        "consent": Check.CONSENT,
    }


def test_the_older_list_of_bases_still_loads_and_fails_closed() -> None:
    policy = parse_sharing(with_old_bases(SEED))
    assert policy.lawful_bases == (
        LawfulBasis("UK GDPR art. 6(1)(a) consent", needs_consent=True),
        LawfulBasis("UK GDPR art. 6(1)(e) public task"),
    )
    assert [c.text for c in policy.conditions] == [
        "UK GDPR art. 9(2)(g) and DPA 2018 Sch. 1 para 18: safeguarding"
    ]
    # Not asked about consent: the consent basis is not offered.
    limits = answer_limits(SharingFlow(policy))
    assert limits.offered(policy.lawful_bases) == ("UK GDPR art. 6(1)(e) public task",)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (('checks = "consent"', 'checks = "agreement"'), "questions.consent.checks"),
        (('checks = "identifies"', 'checks = "consent"'), "only one question may carry"),
        (("needs_consent = true", "needs_consent = 1"), "how.lawful_bases[0].needs_consent"),
        (("needs_consent = true", "needs_consent = true\nwhy = 1"), "how.lawful_bases[0].why"),
        (('[[how.conditions]]\ntext = "UK GDPR art. 9(2)(c)', '[[how.conditions]]\ntxt = "x'), ""),
    ],
)
def test_a_bad_basis_or_check_is_refused_naming_the_key(
    change: tuple[str, str], problem: str
) -> None:
    old, new = change
    assert old in SEED
    with pytest.raises(PolicyError) as caught:
        parse_sharing(SEED.replace(old, new, 1))
    assert "sharing.toml" in str(caught.value) and problem in str(caught.value)

"""The sharing questions as a state machine, driven by the policy file alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from secure_records.core.errors import BadInput, PolicyError
from secure_records.core.sharing import (
    Outcome,
    Question,
    SharingFlow,
    SharingPolicy,
    parse_sharing,
)

POLICIES = Path(__file__).resolve().parents[2] / "policies"
REASON = "recorded reason of some length"


@pytest.fixture(scope="module")
def seed() -> SharingPolicy:
    return parse_sharing((POLICIES / "sharing.toml").read_text())


def walk(policy: SharingPolicy, *answers: bool) -> SharingFlow:
    flow = SharingFlow(policy)
    for yes in answers:
        flow = flow.answer(yes, REASON)
    return flow


def test_the_seed_flowchart_in_order(seed: SharingPolicy) -> None:
    """The longest path, yes to the first three and no to consent, asks all five of
    section 7's questions in order and ends in its outcome: the whole path, not a
    prefix, so a question dropped or moved fails here."""
    asked = []
    flow = SharingFlow(seed)
    while flow.outcome is None:
        asked.append(flow.at.text)
        flow = flow.answer(len(asked) < 4, REASON)
    assert [q.split("?")[0] for q in asked] == [
        "Is there a clear and legitimate purpose for sharing information",
        "Does the information enable an individual to be identified",
        "Is the information confidential",
        "Do you have consent",
        "Is there another reason to share information such as to fulfil a public function "
        "or to protect the vital interests of the information subject",
    ]
    assert flow.outcome is not None and flow.outcome.name == "do_not_share"


@pytest.mark.parametrize(
    ("answers", "outcome", "share", "manager"),
    [
        ((False,), "do_not_share", False, False),  # no purpose: stop at the first question
        ((True, False), "may_share", True, False),  # nobody identifiable
        ((True, True, False), "may_share", True, False),  # not confidential
        ((True, True, True, True), "may_share", True, False),  # consent
        ((True, True, True, False, True), "may_share_without_consent", True, True),
        ((True, True, True, False, False), "do_not_share", False, False),  # at the last
    ],
)
def test_every_path_of_the_seed_flowchart(
    seed: SharingPolicy, answers: tuple[bool, ...], outcome: str, share: bool, manager: bool
) -> None:
    flow = walk(seed, *answers)
    assert isinstance(flow.at, Outcome)
    assert (flow.at.name, flow.at.share, flow.at.needs_manager) == (outcome, share, manager)
    assert [a.reason for a in flow.answers] == [REASON] * len(answers)


def test_no_answer_without_a_reason_and_none_after_the_outcome(seed: SharingPolicy) -> None:
    with pytest.raises(BadInput) as short:
        SharingFlow(seed).answer(True, "because")
    assert "at least 20 characters" in str(short.value)
    done = walk(seed, False)
    with pytest.raises(BadInput):
        done.answer(True, REASON)
    assert done.back().at.name == "purpose"


def test_the_2024_advice_runs_on_the_same_engine() -> None:
    advice = parse_sharing((POLICIES / "examples" / "sharing-2024.toml").read_text())
    at_risk = walk(advice, True, True, True, True)
    assert at_risk.outcome is not None and at_risk.outcome.name == "share_to_protect"
    assert at_risk.outcome.needs_manager
    others_exposed = walk(advice, True, True, True, False)
    assert others_exposed.outcome is not None and not others_exposed.outcome.share
    no_basis = walk(advice, True, True, False)
    assert no_basis.outcome is not None and no_basis.outcome.name == "do_not_share"


def test_the_2024_advice_speaks_of_perceived_risk_and_looks_for_another_basis() -> None:
    """DfE 2024: "risk or perceived risk of harm", not "significant harm"; where there
    is no risk, no consent is not yet "do not share": another lawful basis such as
    legitimate interests is considered first, and sharing on it waits for a manager."""
    advice = parse_sharing((POLICIES / "examples" / "sharing-2024.toml").read_text())
    at_risk = walk(advice, True).at
    assert isinstance(at_risk, Question)
    assert "risk or perceived risk of harm" in at_risk.text
    assert not any("significant harm" in q.text for q in advice.questions.values())
    no_consent = walk(advice, True, False, True, True, False)  # identifiable, confidential
    assert isinstance(no_consent.at, Question) and "lawful basis" in no_consent.at.text
    shared = no_consent.answer(True, REASON).outcome
    assert shared is not None and (shared.share, shared.needs_manager) == (True, True)
    refused = no_consent.answer(False, REASON).outcome
    assert refused is not None and refused.name == "do_not_share"
    assert "UK GDPR art. 6(1)(f) legitimate interests" in [b.text for b in advice.lawful_bases]
    assert any("Sch. 1 para 18" in condition.text for condition in advice.conditions)
    rules = [item for item in advice.how_checklist if item[:2] in {f"{n}." for n in range(1, 8)}]
    assert len(rules) == 7  # the seven golden rules, shown at the "how" step


def changed(old: str, new: str) -> str:
    text = (POLICIES / "sharing.toml").read_text()
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            changed('no = "do_not_share"', 'no = "dont_share"'),
            "sharing.toml: questions.purpose.no: leads to 'dont_share', which is neither",
        ),
        (
            changed(
                'no = "may_share"\n\n[questions.confidential]',
                'no = "purpose"\n\n[questions.confidential]',
            ),
            "sharing.toml: questions.purpose: the questions loop back to it",
        ),
        (
            changed('start = "purpose"', 'start = "consent"'),
            "questions.purpose: no answer ever leads to it",
        ),
        (
            changed('start = "purpose"', 'start = "nowhere"'),
            "sharing.toml: start: must name the first question",
        ),
        (
            changed("share = false", "share = false\nneeds_manager = true"),
            "outcomes.do_not_share.needs_manager: only an outcome that shares needs a manager",
        ),
        (
            changed("reason_min_length = 20", "reason_min_length = 0"),
            "how.reason_min_length: must be between 1 and 500 characters, not 0",
        ),
        (changed("[how]", "[how"), "sharing.toml: not valid TOML"),
        (
            changed("share = true\n", "share = true\ncolour = 1\n"),
            "outcomes.may_share.colour: unknown key",
        ),
    ],
)
def test_a_bad_sharing_file_is_refused_naming_the_key(text: str, problem: str) -> None:
    with pytest.raises(PolicyError) as caught:
        parse_sharing(text)
    assert any(problem in line for line in caught.value.problems), caught.value.problems


def chain(length: int) -> str:
    """A valid flow where every answer leads to the next question: many shared paths."""
    parts = ['start = "q0"']
    for n in range(length):
        target = f"q{n + 1}" if n + 1 < length else "done"
        parts.append(f'[questions.q{n}]\ntext = "Question {n}?"\nyes = "{target}"\nno = "{target}"')
    parts.append('[outcomes.done]\ntext = "Do not share."\nshare = false')
    how = (POLICIES / "sharing.toml").read_text().split("[how]", 1)[1]
    return "\n\n".join(parts) + "\n\n[how]" + how


def test_a_long_flow_is_checked_in_one_pass_and_a_huge_one_refused() -> None:
    assert len(parse_sharing(chain(60)).questions) == 60  # 2**60 paths, one pass
    with pytest.raises(PolicyError) as caught:
        parse_sharing(chain(3000))
    assert caught.value.problems == ["sharing.toml: questions: more than 200 questions"]


def test_deleting_needs_manager_fails_closed_instead_of_dropping_the_check() -> None:
    text = (POLICIES / "sharing.toml").read_text()
    without = text.replace("needs_manager = true\n", "", 1)
    with pytest.raises(PolicyError) as caught:
        parse_sharing(without)
    assert caught.value.problems == [
        "sharing.toml: outcomes.may_share_without_consent.needs_manager: is required where "
        "share = true (true or false)"
    ]


def test_a_policy_problem_cannot_forge_a_line_or_reach_the_terminal_raw() -> None:
    with pytest.raises(PolicyError) as caught:
        raise PolicyError(["roles.toml: x\nroles.toml: all is well", "a\x1b[2Jb"])
    assert caught.value.problems == ["roles.toml: x\\x0aroles.toml: all is well", "a\\x1b[2Jb"]

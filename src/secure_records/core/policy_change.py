"""What a change of policy does, in plain words: what widens, what narrows.

`policy apply` shows this before anyone confirms, and the log keeps it beside the
old and new hashes. It compares the rules, not the files' wording: a change to a
comment alone changes nothing here. Pure: two Policy values in, sentences out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from secure_records.core.being_open import PrivacyInformation
from secure_records.core.oversight import ReviewSettings
from secure_records.core.policy import FieldRule, Policy, RoleSpec, Rule, Scope
from secure_records.core.roles import SearchBy

# How much of the records a scope reaches, and of a field a rule shows: least first.
SCOPES = (Scope.NONE, Scope.INDEX, Scope.CASELOAD, Scope.ALL)
RULES = (Rule.HIDDEN, Rule.MASKED, Rule.REVEAL, Rule.VISIBLE)
SCOPE_RANK = {scope: n for n, scope in enumerate(SCOPES)}
RULE_RANK = {rule: n for n, rule in enumerate(RULES)}
SCOPE_WORDS = dict(
    zip(
        SCOPES,
        ("no records", "an exact-match index lookup", "their caseload", "all records"),
        strict=True,
    )
)
RULE_WORDS = dict(
    zip(RULES, ("hidden", "masked", "revealed with a reason", "visible"), strict=True)
)


@dataclass(frozen=True)
class PolicyChanges:
    """Each sentence names the role, field, action or question it is about."""

    widens: tuple[str, ...]
    narrows: tuple[str, ...]
    other: tuple[str, ...]

    @property
    def none(self) -> bool:
        return not (self.widens or self.narrows or self.other)

    def lines(self) -> list[str]:
        """For a person to read before confirming: one change a line, by kind."""
        return (
            [f"widens: {s}" for s in self.widens]
            + [f"narrows: {s}" for s in self.narrows]
            + [f"changes: {s}" for s in self.other]
        )


def _words(action: str) -> str:
    return action.replace("_", " ")


def _rule_words(rule: FieldRule) -> str:
    return RULE_WORDS[rule.rule]


def _role_changes(
    name: str, old: RoleSpec, new: RoleSpec, old_policy: Policy, new_policy: Policy
) -> tuple[list[str], list[str], list[str]]:
    widens: list[str] = []
    narrows: list[str] = []
    other: list[str] = []
    if old.scope != new.scope:
        wider = SCOPE_RANK[new.scope] > SCOPE_RANK[old.scope]
        (widens if wider else narrows).append(
            f"{name}: scope {'widens' if wider else 'narrows'} from "
            f"{SCOPE_WORDS[old.scope]} to {SCOPE_WORDS[new.scope]}"
        )
    for field in sorted(set(old_policy.fields) | set(new_policy.fields)):
        spec = new_policy.fields.get(field) or old_policy.fields[field]
        was, now = old.rule_for(field), new.rule_for(field)
        if was == now:
            continue
        if (was.rule, was.form) == (now.rule, now.form):
            # Only the search mode changed: searching a field not seen is an oracle.
            oracle = now.search is SearchBy.EXACT
            (widens if oracle else narrows).append(
                f"{name}: {spec.label} is {'now' if oracle else 'no longer'} searched exactly"
            )
            continue
        if RULE_RANK[was.rule] == RULE_RANK[now.rule]:
            # Another partial form may show more than the last: counted as widening.
            widens.append(
                f"{name}: {spec.label} is still {_rule_words(now)}, its partial form "
                f"changes from {was.form} to {now.form}"
            )
            continue
        wider = RULE_RANK[now.rule] > RULE_RANK[was.rule]
        (widens if wider else narrows).append(
            f"{name}: {spec.label} {'widens' if wider else 'narrows'} from "
            f"{_rule_words(was)} to {_rule_words(now)}"
        )
    for action in sorted(new.actions - old.actions):
        widens.append(f"{name}: may now {_words(action)}")
    for action in sorted(old.actions - new.actions):
        narrows.append(f"{name}: may no longer {_words(action)}")
    if (old.label, old.description) != (new.label, new.description):
        other.append(f"{name}: label or description reworded")
    return widens, narrows, other


# oversight.toml's settings that show personal details: (turned on, turned off).
OVERSIGHT_SHOWS = {
    "log_personal_details": (
        "every role that reads the log sees its personal details",
        "roles that read the log see its personal details only as their field rules allow",
    ),
    "reasons": (
        "the access review shows each reveal's reason",
        "the access review withholds reveals' reasons",
    ),
}


def policy_changes(old: Policy, new: Policy) -> PolicyChanges:
    """Everything `new` allows that `old` did not (widens), the reverse (narrows), and
    what is neither (changes)."""
    widens: list[str] = []
    narrows: list[str] = []
    other: list[str] = []
    for name in sorted(set(new.roles) - set(old.roles)):
        role = new.roles[name]
        widens.append(f"role {name} added, with scope {SCOPE_WORDS[role.scope]}")
    for name in sorted(set(old.roles) - set(new.roles)):
        narrows.append(f"role {name} removed (its staff can no longer open a session)")
    for name in sorted(set(old.roles) & set(new.roles)):
        w, n, o = _role_changes(name, old.roles[name], new.roles[name], old, new)
        widens += w
        narrows += n
        other += o
    old_q, new_q = old.sharing.questions, new.sharing.questions
    for name in sorted(set(new_q) - set(old_q)):
        other.append(f"sharing: question {name!r} added: {new_q[name].text}")
    for name in sorted(set(old_q) - set(new_q)):
        other.append(f"sharing: question {name!r} removed: {old_q[name].text}")
    for name in sorted(set(old_q) & set(new_q)):
        if (old_q[name].yes, old_q[name].no) != (new_q[name].yes, new_q[name].no):
            other.append(f"sharing: question {name!r} now leads elsewhere")
        was_checked = old_q[name].checks
        if was_checked is not None and was_checked != new_q[name].checks:
            widens.append(f"sharing: question {name!r} no longer checks {was_checked.value}")
    old_o, new_o = old.sharing.outcomes, new.sharing.outcomes
    for name in sorted(set(new_o) ^ set(old_o)):
        other.append(f"sharing: outcome {name!r} {'added' if name in new_o else 'removed'}")
    for name in sorted(set(old_o) & set(new_o)):
        if new_o[name].share and not old_o[name].share:
            widens.append(f"sharing: outcome {name!r} now shares")
        if old_o[name].needs_manager and not new_o[name].needs_manager:
            widens.append(f"sharing: outcome {name!r} no longer needs a manager")
    if old.sharing.start != new.sharing.start:
        other.append("sharing: the questions start elsewhere")
    # Who reads personal details in the log and the review: said as such, not only
    # as "the access review's settings changed".
    for key, (on, off) in OVERSIGHT_SHOWS.items():
        was, now = getattr(old.oversight, key), getattr(new.oversight, key)
        if was != now:
            (widens if now else narrows).append(f"oversight: {on if now else off}")
    # The organisation's own duties sit in oversight.toml but are not the review's.
    own = {"privacy": "privacy information", "policy_review": "the policy's review dates"}
    for key, what in own.items():
        if getattr(old.oversight, key) != getattr(new.oversight, key):
            other.append(f"{what} changed")
    for what, was, now in (
        ("records.toml fields", old.fields, new.fields),
        ("session settings", old.session, new.session),
        ("sharing methods, bases or reasons", _sharing_rest(old), _sharing_rest(new)),
        ("the telephone directory", old.directory, new.directory),
        ("retention rules", old.retention, new.retention),
        ("the access review's settings", _review_only(old), _review_only(new)),
    ):
        if was != now:
            other.append(f"{what} changed")
    return PolicyChanges(tuple(widens), tuple(narrows), tuple(other))


def _review_only(policy: Policy) -> ReviewSettings:
    return replace(policy.oversight, privacy=PrivacyInformation(), policy_review=None)


def _sharing_rest(policy: Policy) -> tuple[object, ...]:
    s = policy.sharing
    return (
        s.reason_min_length,
        s.how_checklist,
        s.methods,
        s.lawful_bases,
        s.conditions,
        s.disclosure_keep_days,
    )

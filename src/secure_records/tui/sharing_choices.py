"""What the sharing screen offers once the questions are answered, as the answers allow
(issue 19): the items, with those an answer rules out shown but not choosable and the
answer named; the lawful bases the path allows; the Art. 9 condition, asked only while
a special-category item is chosen; and, at the consent question, what to do when
"yes" finds no consent in force on the record."""

from __future__ import annotations

from collections.abc import Mapping

from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Button, RadioSet, Static

from secure_records.core.access import RecordView
from secure_records.core.dates import uk_date
from secure_records.core.fields import FieldSpec
from secure_records.core.lawful_bases import LawfulBasis
from secure_records.core.policy import Rule
from secure_records.core.sharing import SharingPolicy
from secure_records.core.sharing_answers import AnswerLimits
from secure_records.core.text import counted
from secure_records.tui.literal import literal
from secure_records.tui.sharing_steps import NOTHING_CHOSEN, BoxLabel, Problem, labelled_input
from secure_records.tui.toggles import Checkbox, RadioButton

# Beside an item the answers rule out: why, said just above the items.
NOT_OFFERED = "(not offered: see above)"
# Why an item the record holds is not among them: only what is seen in full is offered.
NOT_SHOWN = {
    Rule.REVEAL: "Not shown: fields your role does not see in full "
    "(reveal one first with r on the record)",
    Rule.MASKED: "Not shown: fields your role only ever sees in part",
}


def item_boxes(
    view: RecordView, fields: Mapping[str, FieldSpec], limits: AnswerLimits
) -> list[Widget]:
    """A box for each item the sharer sees in full; one the answers rule out is shown
    disabled and says so, with the answer that rules it out named above the items (a
    screen below them was out of sight), and the fields not seen in full named too."""
    boxes: list[Widget] = []
    ruled: dict[str, list[str]] = {}  # the question answered No, and what it rules out

    def box(label: str, wid: str, spec: FieldSpec | None) -> None:
        question = limits.ruling_question(spec)
        said = f"{label} {NOT_OFFERED}" if question else label
        boxes.append(Checkbox(literal(said), id=wid, disabled=bool(question)))
        if question and spec is not None:
            ruled.setdefault(question, []).append(spec.label)

    unseen: dict[Rule, list[str]] = {}
    for field in view.fields:
        if field.rule is Rule.VISIBLE or field.revealed:
            box(field.label, f"field-{field.name}", fields.get(field.name))
        else:
            unseen.setdefault(field.rule, []).append(field.label)
    notes = view.notes.entries if view.notes else ()
    notes_spec = fields.get(view.notes.name) if view.notes else None
    for n, note in enumerate(notes):
        label = "FACT" if note.kind.value == "fact" else "OPINION"
        mark = " HISTORICAL" if note.historical else ""
        box(f"{uk_date(note.date)} {label}{mark}: {note.text[:60]}", f"note-{n}", notes_spec)
    above: list[Widget] = []
    for question, labels in ruled.items():
        named = ", ".join(dict.fromkeys(labels))
        said = f'Not offered, as you answered No to "{question}": {named}.'
        above.append(Static(literal(said), classes="hint ruled-out"))
    for rule, labels in unseen.items():
        said = f"{NOT_SHOWN.get(rule, NOT_SHOWN[Rule.MASKED])}: {', '.join(labels)}."
        above.append(Static(literal(said), classes="hint not-shown"))
    return above + boxes


def is_special_box(box_id: str, fields: Mapping[str, FieldSpec], notes_field: str) -> bool:
    name = notes_field if box_id.startswith("note-") else box_id.removeprefix("field-")
    spec = fields.get(name)
    return spec is not None and spec.special_category


def basis_widgets(
    bases: tuple[LawfulBasis, ...], conditions: tuple[LawfulBasis, ...], limits: AnswerLimits
) -> list[Widget]:
    """The Art. 6 bases this path allows, and the Art. 9 conditions in a box shown only
    while a special-category item is chosen."""
    offered = limits.offered(bases)
    widgets: list[Widget] = [
        BoxLabel("Lawful basis (UK GDPR Art. 6):"),
        RadioSet(*[RadioButton(literal(b)) for b in offered], id="basis"),
    ]
    if len(offered) < len(bases):
        widgets.append(
            Static(
                literal(f"A basis needing consent is not offered: {limits.consent_words()}."),
                classes="hint",
            )
        )
    widgets += [
        Static(literal(f"{b.text}: {b.help}"), classes="hint")
        for b in bases
        if b.help and b.text in offered
    ]
    widgets.append(Problem(id="basis-problem"))
    allowed = limits.offered(conditions)
    box = Vertical(
        BoxLabel("A special-category item is ticked: choose an Art. 9 condition as well:"),
        RadioSet(*[RadioButton(literal(c)) for c in allowed], id="condition"),
        *(
            [Static("The policy offers no Art. 9 condition on this path.", classes="hint")]
            if not allowed
            else []
        ),
        Problem(id="condition-problem"),
        id="condition-box",
    )
    box.display = False
    box.styles.height = "auto"
    widgets.append(box)
    return widgets


def consent_missing_widgets(minimum: int, may_record: bool) -> list[Widget]:
    """Asked when "yes, we have consent" finds none in force on the record."""
    record = [Button("Record the consent now", id="record-consent")] if may_record else []
    return [
        Static(
            literal(
                "To answer yes: record the consent now, or say why it is not on file; a "
                "safeguarding lead is told and must confirm the decision."
            ),
            id="consent-missing-said",
            classes="hint",
        ),
        *record,
        *labelled_input(
            f"Why the consent is not on file (at least {counted(minimum, 'character')})",
            "consent-missing",
        ),
    ]


def how_widgets(
    policy: SharingPolicy, view: RecordView, fields: Mapping[str, FieldSpec], limits: AnswerLimits
) -> list[Widget]:
    """Section 7 "How": the checklist, what goes, to whom, how, on what basis, and
    whether the person is told."""
    minimum = counted(policy.reason_min_length, "character")
    return [
        Static("How (section 7):", classes="heading"),
        *[Static(literal(f"- {item}"), classes="entry") for item in policy.how_checklist],
        Static(NOTHING_CHOSEN, id="chosen"),
        *item_boxes(view, fields, limits),
        Problem(id="choose-problem"),
        Checkbox("This is the right information for the right individual", id="confirmed"),
        Problem(id="confirmed-problem"),
        BoxLabel("Method:"),
        RadioSet(*[RadioButton(literal(m)) for m in policy.methods], id="method"),
        Problem(id="method-problem"),
        *basis_widgets(policy.lawful_bases, policy.conditions, limits),
        BoxLabel("Will the individual be told?"),
        RadioSet(
            RadioButton("Yes", id="inform-yes"),
            RadioButton("No", id="inform-no"),
            id="inform",
        ),
        Problem(id="inform-problem"),
        *labelled_input(
            "If they will not be told: why telling them would put someone at risk "
            f"(at least {minimum})",
            "not-informing",
        ),
    ]

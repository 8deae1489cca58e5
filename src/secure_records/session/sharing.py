"""Sharing decisions (policy sections 6, 7, 8 and 10(f)): taken through the policy's
questions, recorded with every answer and reason, confirmed by a lead when sharing
goes ahead without consent.
"""

from __future__ import annotations

import secrets
from dataclasses import astuple, dataclass, replace
from datetime import date

from secure_records.core.access import RecordView
from secure_records.core.dates import uk_date
from secure_records.core.decision_payload import DecisionPayload, RecordedAnswer, SharedItem
from secure_records.core.errors import AccessRefused, BadInput
from secure_records.core.log_actions import LogAction
from secure_records.core.outputs import OutputKind
from secure_records.core.permissions import Permission
from secure_records.core.policy import Rule
from secure_records.core.records import NoteKind
from secure_records.core.referral import NOT_SHARING, Initiative, Recipient, started_by, to_lines
from secure_records.core.sharing import HowChoices, Requester, SharingFlow, check_how
from secure_records.core.sharing_answers import answer_limits, check_answers, consent_in_force
from secure_records.core.statuses import AWAITING_LEAD, SharingStatus
from secure_records.core.telephone import Urgency
from secure_records.core.text import counted, printable
from secure_records.core.words import shown_value
from secure_records.session.door import StaffDoor
from secure_records.session.limits import MAX_TYPED
from secure_records.session.scope import RecordScope
from secure_records.session.telephone import Telephone
from secure_records.vault.store import DecisionRow, OutputRow
from secure_records.vault.vault import now_utc


@dataclass(frozen=True)
class QueueItem:
    """A decision in the lead's queue, whole: which record, whose, since when, and
    everything it was decided on, so that nobody confirms it blind (section 10(f))."""

    decision_id: str
    record_id: str
    status: SharingStatus  # one of AWAITING_LEAD
    decided_by: str
    created_at: str
    # Who asked, why, every answer and reason, what goes and how: never the package's
    # values, which the lead's role may not see.
    decision: DecisionPayload
    items: tuple[SharedItem, ...]  # what goes, by label and kind
    caller_urgency: Urgency | None = None  # as the caller said, if it answers a call

    @property
    def urgent(self) -> bool:
        """Shared already because it could not wait, or asked for with someone at risk now."""
        return (
            self.status is SharingStatus.ACTED_URGENTLY or self.caller_urgency is Urgency.IMMEDIATE
        )


@dataclass(frozen=True)
class SharingOutcome:
    """What a recorded sharing decision came to."""

    decision_id: str
    outcome: str
    share: bool
    status: SharingStatus
    package: str | None  # the disclosure package kept in the vault, when one was made


def disclosure_text(
    decision_id: str,
    view: RecordView,
    requester: Requester,
    how: HowChoices,
    sharer: str,
    initiative: Initiative = Initiative.REQUESTED,
) -> str:
    """Only the chosen items, with their labels (fact or opinion, historical); dates
    the UK way and choices in words, in the viewer and the released file alike."""
    lines = [
        f"DISCLOSURE {decision_id}",
        f"Record: {view.id}",
        f"Shared by: {sharer} on {uk_date(date.today())}",
        *to_lines(initiative, requester),
        f"Method: {how.method}",
        f"Lawful basis: {how.lawful_basis}",
        *([f"Art. 9 condition: {how.condition}"] if how.condition else []),
        "Individual informed: "
        + ("yes" if how.inform_individual else f"no: {how.not_informing_reason}"),
        "",
    ]
    chosen = [f for f in view.fields if f.name in how.fields]
    if chosen:
        lines.append("Fields")
        lines += [f"  {f.label}: {shown_value(f.kind, f.text)}" for f in chosen]
    notes = view.notes.entries if view.notes else ()
    if how.notes:
        lines.append("Chronology")
        for n in sorted(how.notes):
            note = notes[n]
            label = "FACT" if note.kind is NoteKind.FACT else "OPINION"
            historical = "  HISTORICAL" if note.historical else ""
            lines.append(f"  {uk_date(note.date)}  {label}{historical}  {note.author}")
            lines.append(f"    {note.text}")
    # A file may be shown on a terminal later: no control characters in it either.
    return printable("\n".join(lines) + "\n", keep_newlines=True)


def shared_items(view: RecordView, how: HowChoices) -> tuple[SharedItem, ...]:
    """The items chosen, by label (fields, as facts recorded) and by date, author and
    kind (notes), as the sharer saw them; never their values."""
    fields = [SharedItem(f.label, NoteKind.FACT) for f in view.fields if f.name in how.fields]
    notes = view.notes.entries if view.notes else ()
    label = view.notes.label if view.notes else ""
    chosen = [notes[n] for n in sorted(how.notes)]
    return (
        *fields,
        *(SharedItem(label, n.kind, n.date.isoformat(), n.author, n.historical) for n in chosen),
    )


def _keep_package(door: StaffDoor, decision: DecisionRow, text: str) -> str:
    """Keep a disclosure package sealed under its record's key (disposal erases it),
    readable by the sharer and the leads; released only on purpose. Its reference
    is the decision's."""
    made = OutputRow(
        decision.id,
        OutputKind.DISCLOSURE_PACKAGE,
        decision.record_id,
        decision.decided_by,
        now_utc(),
    )
    door.vault.outputs.add(made, text)
    return made.id


def _consent_flag(flow: SharingFlow, view: RecordView, reason: str, minimum: int) -> str:
    """Why consent said to be held is not on file ("" if it is, or was not claimed)."""
    if not answer_limits(flow).consent_given or consent_in_force(view):
        return ""
    if len(reason.strip()) < minimum:
        raise BadInput(
            "You answered that you have consent, but none is in force on this record as "
            "you see it: record the consent first, or say why it is not on file (at least "
            f"{counted(minimum, 'character')}; a safeguarding lead is told and must confirm)."
        )
    return reason


class Sharing:
    def __init__(self, door: StaffDoor, scope: RecordScope, telephone: Telephone) -> None:
        self._door = door
        self._scope = scope
        self._telephone = telephone  # a decision may answer a verified telephone request

    def decide_sharing(
        self,
        record_id: str,
        requester: Requester | Recipient,
        purpose: str,
        flow: SharingFlow,
        how: HowChoices | None = None,
        discussed: str = "",
        urgent_manager: str = "",
        phone_request: str | None = None,
        consent_not_on_file: str = "",
    ) -> SharingOutcome:
        """Record a decision, to share or not, with every answer and reason (section 6
        Record; 8). When it is to share, and no manager must confirm first, the
        disclosure package holding only the chosen items is kept, sealed, in the vault.

        Sharing without consent waits in the safeguarding lead's queue (10(f)), unless
        it is urgent (section 6, Timely): then `urgent_manager` says which manager was
        consulted and how, the package is written now, and the lead confirms after.

        `phone_request` links the decision to the verified telephone request it
        answers (section 11); the requester is then that verified caller.

        A `Recipient` in place of a requester: nobody asked, the sharer refers on their
        own initiative (section 7); the decision and its log entry say so.
        The answers are checked against the record (issue 19): what they rule out
        cannot be chosen, and "we have consent" with none in force on the record needs
        `consent_not_on_file`, why not, which a safeguarding lead then sees and confirms.
        """
        door = self._door
        door.require(Permission.SHARE, refused="cannot take sharing decisions")
        self._scope.check(record_id)
        policy = door.policy.sharing
        outcome = flow.outcome
        if outcome is None:
            raise BadInput("Answer every question first: the outcome comes from the answers.")
        if flow.policy is not policy:
            raise BadInput("These answers were given to another version of the questions.")
        minimum = policy.reason_min_length
        if len(purpose.strip()) < minimum:
            raise BadInput(
                f"Say what the information is for (at least {counted(minimum, 'character')})."
            )
        initiative, requester = started_by(requester)
        if initiative is Initiative.OWN and phone_request is not None:
            raise BadInput("A share on your own initiative answers no telephone request.")
        typed = [purpose, discussed, urgent_manager, consent_not_on_file, *astuple(requester)]
        if how is not None:
            typed.append(how.not_informing_reason)
        if any(len(text) > MAX_TYPED for text in typed):
            raise BadInput(f"Keep each answer under {MAX_TYPED} characters.")
        if phone_request is not None:
            verified = self._telephone.verified_request(phone_request)
            if verified.record_id != record_id or requester != verified.requester:
                raise BadInput(
                    f"{phone_request} was verified for another record or another caller."
                )
        view = self._scope.view(record_id)
        if outcome.share:
            if how is None:
                raise BadInput("Say how the information will be shared.")
            shown = {f.name for f in view.fields if f.rule is Rule.VISIBLE or f.revealed}
            notes = view.notes.entries if view.notes else ()
            check_how(policy, how, shown, len(notes))
            check_answers(flow, how, door.policy.fields, view.notes.name if view.notes else "")
        elif len(discussed.strip()) < minimum:
            raise BadInput(f"{NOT_SHARING[initiative]} (at least {counted(minimum, 'character')}).")
        flagged = _consent_flag(flow, view, consent_not_on_file, minimum) if outcome.share else ""
        needs_lead = outcome.needs_manager or bool(flagged)
        decision_id = f"D-{secrets.token_hex(6)}"
        urgent = outcome.share and needs_lead and bool(urgent_manager.strip())
        if urgent and len(urgent_manager.strip()) < minimum:
            raise BadInput(
                "Say which manager was consulted, and how "
                f"(at least {counted(minimum, 'character')})."
            )
        waiting = outcome.share and needs_lead and not urgent
        status = (
            SharingStatus.AWAITING_MANAGER
            if waiting
            else SharingStatus.ACTED_URGENTLY
            if urgent
            else SharingStatus.DECIDED
        )
        package_text = (
            disclosure_text(decision_id, view, requester, how, door.staff_name, initiative)
            if outcome.share and how is not None
            else None
        )
        payload = DecisionPayload(
            requester,
            purpose,
            tuple(RecordedAnswer(a.text, a.yes, a.reason, a.advice) for a in flow.answers),
            outcome.text,
            how,
            discussed,
            urgent_manager,
            package=package_text,
            items=shared_items(view, how) if outcome.share and how is not None else (),
            initiative=initiative,
            consent_not_on_file=flagged,
        )
        with door.recorded(
            LogAction.SHARING_DECISION,
            record_id,
            personal=payload.logged(),
            decision=decision_id,
            outcome=outcome.name,
            share=outcome.share,
            status=status,
            phone_request=phone_request,
            initiative=initiative,
        ):
            if phone_request is not None:
                answered = self._telephone.mark_decided(phone_request, record_id, decision_id)
                payload = replace(payload, phone_request=answered)
            row = DecisionRow(decision_id, record_id, status, door.staff_name, now_utc())
            # The package is fixed now, as the sharer chose it; a manager's later
            # confirmation releases exactly this.
            door.vault.add_decision(row, payload)
            package = None
            if package_text is not None and not waiting:
                package = _keep_package(door, row, package_text)
        return SharingOutcome(decision_id, outcome.name, outcome.share, status, package)

    def sharing_queue(self) -> list[QueueItem]:
        """Decisions a safeguarding lead must confirm or reject (section 10(f))."""
        self._door.require(Permission.APPROVE_SHARING, refused="does not confirm sharing")
        rows = self._door.vault.store.decisions(AWAITING_LEAD)
        hidden = self._scope.hidden_ids()
        rows = [r for r in rows if r.record_id not in hidden]
        self._door.log(LogAction.SHARING_QUEUE_VIEWED, count=len(rows))
        items = [self._queue_item(r.id) for r in rows]
        # What cannot wait first; then the longest waiting.
        found = sorted((i for i in items if i is not None), key=lambda i: i.created_at)
        return sorted(found, key=lambda i: not i.urgent)

    def _queue_item(self, decision_id: str) -> QueueItem | None:
        door = self._door
        found = door.vault.decision(decision_id)
        if found is None:
            return None
        row, payload = found
        items = payload.items
        if not items and payload.how is not None:
            # Decided before the items were kept: its fields by label, from the policy.
            labels = door.policy.fields
            items = tuple(
                SharedItem(labels[f].label if f in labels else f, NoteKind.FACT)
                for f in payload.how.fields
            )
        urgency = None
        if payload.phone_request is not None:
            call = door.vault.phone_requests.read(payload.phone_request.id)
            urgency = None if call is None else call[1].urgency
        return QueueItem(
            row.id,
            row.record_id,
            row.status,
            row.decided_by,
            row.created_at,
            replace(payload, package=None),
            items,
            urgency,
        )

    def review_sharing(self, decision_id: str, confirm: bool, reason: str) -> SharingOutcome:
        """A manager confirms or rejects a decision to share without consent, with
        reasons; confirming one still waiting releases its package."""
        door = self._door
        door.require(Permission.APPROVE_SHARING, refused="does not confirm sharing")
        found = door.vault.decision(decision_id)
        if (
            found is None
            or found[0].status not in AWAITING_LEAD
            or found[0].record_id in self._scope.hidden_ids()
        ):
            raise BadInput(f"{decision_id} is not waiting for a manager.")
        row, payload = found
        if row.decided_by == door.staff_name:
            raise AccessRefused("A manager other than the person who decided must confirm it.")
        minimum = door.policy.sharing.reason_min_length
        if len(reason.strip()) < minimum:
            raise BadInput(f"Give the reason for this (at least {counted(minimum, 'character')}).")
        if len(reason) > MAX_TYPED:
            raise BadInput(f"A reason can be at most {MAX_TYPED} characters.")
        status = SharingStatus.CONFIRMED if confirm else SharingStatus.REJECTED
        package = None
        with door.recorded(
            LogAction.SHARING_REVIEWED,
            row.record_id,
            personal={"reason": reason},
            decision=decision_id,
            status=status,
            was=row.status,
        ):
            # Under the write lock: another lead may have reviewed it since it was read,
            # and its package must be written once.
            if not door.vault.store.set_decision_status(decision_id, status, row.status):
                raise BadInput(f"{decision_id} was reviewed by another manager meanwhile.")
            text = payload.package
            if confirm and row.status is SharingStatus.AWAITING_MANAGER and text is not None:
                package = _keep_package(door, row, text)
        return SharingOutcome(decision_id, "", confirm, status, package)

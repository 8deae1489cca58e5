"""What each screen is for and where it sits in the work, for its help panel.

The keys are not written here: the help panel and the footer read them from the
screen's and the app's bindings, so they cannot drift from what the keys do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.screen import Screen
from textual.widget import Widget

from secure_records.tui.access_request_screen import (
    AccessRequestsScreen,
    ExtendAccessRequest,
    NewAccessRequest,
)
from secure_records.tui.amend_field import AmendField
from secure_records.tui.audit_screen import AuditScreen
from secure_records.tui.callback_screen import CallbackScreen
from secure_records.tui.concern_screens import ConcernsScreen, RaiseConcern
from secure_records.tui.consent_withdrawal import WithdrawConsent
from secure_records.tui.disposal_queue_screen import DisposalQueueScreen
from secure_records.tui.drafts import LoseDraft
from secure_records.tui.list_screen import RecordListScreen
from secure_records.tui.lock_screen import LockScreen
from secure_records.tui.lookup_screen import LookupScreen
from secure_records.tui.modals import Dialog, NewConsent, NewNote, RestrictDialog, RevealReason
from secure_records.tui.output_screens import OutputScreen, OutputsScreen
from secure_records.tui.phone_queue_screen import PhoneQueueScreen
from secure_records.tui.pin_screen import PinScreen
from secure_records.tui.queue_screen import QueueScreen
from secure_records.tui.reception_screen import PhoneRequestForm, ReceptionScreen
from secure_records.tui.record_list import RecordList
from secure_records.tui.record_screen import RecordScreen
from secure_records.tui.restricted_screen import RestrictedScreen
from secure_records.tui.retention_screen import RetentionScreen
from secure_records.tui.role_page import RolePage
from secure_records.tui.role_picker import RolePicker
from secure_records.tui.sharing_screen import SharingScreen
from secure_records.tui.typed_confirmation import TypedConfirmation, TypedCount


@dataclass(frozen=True)
class ScreenHelp:
    title: str  # the screen's name, as the README's key tables call it too
    purpose: str  # what it is for
    workflow: str  # where it sits: how one gets here, and where one goes next
    # Widgets on the screen whose own keys belong to it (the list's Enter).
    widgets: tuple[type[Widget], ...] = ()


_QUEUE_WAY = (
    "From the list of records; Escape goes back to it. Choose an item with the arrow "
    "keys and Enter, then press a button (Tab moves to the buttons)."
)

HELP: dict[type[Screen[Any]], ScreenHelp] = {
    PinScreen: ScreenHelp(
        "Sign in",
        "Proves who you are before anything of a record is read.",
        "Type your PIN and press Enter. Wrong PINs are counted; too many lock you out for a while.",
    ),
    LockScreen: ScreenHelp(
        "Locked",
        "The desk is cleared: nothing of a record is on screen or held behind it.",
        "Type your PIN and press Enter to go back to your first screen.",
    ),
    RolePicker: ScreenHelp(
        "Demo: choose whom to be",
        "The demo's people, one for each role. Each sees only what their role needs.",
        "Choose with the arrow keys and Enter; the PIN screen comes next.",
    ),
    RecordListScreen: ScreenHelp(
        "Records",
        "The records you may open: your caseload, or all records for a lead.",
        "Search with /, move with the arrow keys, open a record with Enter. The queues "
        "your role works on open from here.",
        widgets=(RecordList,),
    ),
    RecordScreen: ScreenHelp(
        "Record",
        "One record, each field as your role may see it; its consent, notes and sharing.",
        "Opened from the list; Escape closes it and ends any reveal. Tab moves between "
        "fields: on a field that says 'press r to reveal', r asks why and shows it.",
    ),
    SharingScreen: ScreenHelp(
        "Sharing decision",
        "Asked to share, or sharing on your own initiative (a referral): the policy's "
        "questions, then how, then the decision recorded.",
        "Opened from a record with s (someone asked) or f (nobody asked: whom it goes "
        "to, first). Answer each question; the decision, share or not, is logged with "
        "its reasons. Where a child may be at risk now, it need not wait for a lead.",
    ),
    QueueScreen: ScreenHelp(
        "Sharing queue",
        "Sharing without consent waiting for a safeguarding lead to confirm or reject.",
        _QUEUE_WAY,
    ),
    PhoneQueueScreen: ScreenHelp(
        "Phone requests",
        "Telephone requests verified by callback, waiting for a sharing decision.",
        _QUEUE_WAY,
    ),
    DisposalQueueScreen: ScreenHelp(
        "Disposals to approve",
        "Disposals IT has proposed, to approve, or reject with a reason and the date "
        "the record is next reviewed (it leaves IT's queue until then).",
        _QUEUE_WAY,
    ),
    RestrictedScreen: ScreenHelp(
        "Restricted records",
        "Every restricted record, emergency accesses first: grant access again or lift.",
        _QUEUE_WAY,
    ),
    ReceptionScreen: ScreenHelp(
        "Telephone desk",
        "Telephone requests taken, and the callbacks still to make.",
        "Take a new request with n, then call back the number the directory gives, "
        "never one the caller gave; c raises a concern or a suspected breach.",
    ),
    PhoneRequestForm: ScreenHelp(
        "New phone request",
        "A telephone request written down before anything else happens.",
        "From the telephone desk. Say who called and what they asked; the callback "
        "comes next, from the desk.",
    ),
    LookupScreen: ScreenHelp(
        "Exact lookup",
        "Whether a record exists for an exact full name and date of birth, and its "
        "reference; nothing more.",
        "From the telephone desk with l; Escape goes back.",
    ),
    CallbackScreen: ScreenHelp(
        "Callback",
        "The number to call back, from the directory only, and how the call went.",
        "From the telephone desk. Call the number shown, then say how it went.",
    ),
    RetentionScreen: ScreenHelp(
        "Retention queue",
        "Records due for disposal: propose them, and carry out approved disposals.",
        "From IT's page with r; Escape goes back. A lead approves each disposal first.",
    ),
    AccessRequestsScreen: ScreenHelp(
        "Subject access requests",
        "The register of subject access requests: when each was received and is due "
        "(one calendar month later, or up to two more with a reason), and whether its "
        "report has answered it.",
        "From the list of records with a; Escape goes back. A request is answered by its "
        "subject access report, made from the record with a.",
    ),
    NewAccessRequest: ScreenHelp(
        "New subject access request",
        "A request entered as it arrives: the record, when received, how identity was checked.",
        "From the subject access requests with n.",
    ),
    ExtendAccessRequest: ScreenHelp(
        "Extend a subject access request",
        "More time, up to two months in all, with the reason the person is told.",
        "From the subject access requests with x, within the first month.",
    ),
    ConcernsScreen: ScreenHelp(
        "Concerns and suspected breaches",
        "Concerns about the security of personal information and suspected data "
        "breaches, raised by anyone (section 11); for a breach, the 72 hours to report it "
        "to the ICO, counted from the moment it was raised.",
        "From the list of records with b; Escape goes back. Type why (or the action "
        "taken), then press the outcome: it is recorded and logged.",
    ),
    RaiseConcern: ScreenHelp(
        "Raise a concern or a suspected breach",
        "Anyone raises one: what happened, when it was noticed, whether personal data is "
        "involved, a record reference if there is one. A safeguarding lead is told.",
        "From your first screen with c (section 11: raise concerns about the security "
        "of personal information).",
    ),
    OutputsScreen: ScreenHelp(
        "Outputs",
        "Disclosure packages, subject access reports and access reviews you may read, "
        "kept sealed in the vault.",
        "From the list of records (or the auditor's page) with e; Enter reads the one "
        "chosen, Escape goes back.",
    ),
    OutputScreen: ScreenHelp(
        "Output",
        "One output, read-only: the arrow and page keys scroll it. Each reading is logged.",
        "From Outputs, or straight after sharing (v), a subject access report or an "
        "access review export; Escape goes back. A lead releases it from here: the "
        "recipient named, its reference typed, the passphrase shown once.",
    ),
    AuditScreen: ScreenHelp(
        "The log and access review",
        "The decision log, newest first, and the access review, both narrowed by the same "
        "filters; the action is chosen from a list.",
        "From the auditor's page with a; Escape goes back.",
    ),
    RolePage: ScreenHelp(
        "Your role",
        "What your role does, and where; it sees no record's contents, by design.",
        "Your first screen. The keys below open the queues your role works on; c raises "
        "a concern or a suspected breach.",
    ),
    Dialog: ScreenHelp(
        "Dialog",
        "A question to answer before anything is saved.",
        "Tab moves between fields and buttons; Escape cancels and saves nothing.",
    ),
    RevealReason: ScreenHelp(
        "Why reveal",
        "Why you need to see a masked value: your reason goes to the log.",
        "From a record with r. The value stays visible until you close the record.",
    ),
    NewNote: ScreenHelp(
        "New chronology note",
        "A note on the record's chronology: a fact or an opinion, dated.",
        "From a record with n. Choose Fact or Opinion, the date, then write the note.",
    ),
    NewConsent: ScreenHelp(
        "Record consent",
        "Who gave consent and in what capacity, to what, when, and if withdrawn, why.",
        "From a record with c.",
    ),
    WithdrawConsent: ScreenHelp(
        "Withdraw consent",
        "Consent in force ends: the entry that recorded it says from when, and why.",
        "From a record with w. Choose the consent, type the date and why, press Enter.",
    ),
    AmendField: ScreenHelp(
        "Correct a field",
        "Correct a value that is wrong or out of date; the old value is kept in the "
        "record's history with your name and reason. Closing or reopening a case is "
        "correcting its closing date.",
        "From a record with m, on a field you see in full. Type the new value (a date as "
        "DD/MM/YYYY) and why, then press Enter.",
    ),
    TypedConfirmation: ScreenHelp(
        "Confirm by typing the reference",
        "A step that cannot be undone: the whole decision is shown above the box.",
        "Read it all, type the reference shown and press Enter; Escape leaves it undone.",
    ),
    TypedCount: ScreenHelp(
        "Confirm a batch by typing the number of records",
        "Many records at once: how many under each rule, the reason, and the records, "
        "shown above the box.",
        "Read it all, type the number of records shown (7,960 or 7960) and press Enter; "
        "Escape leaves it undone.",
    ),
    LoseDraft: ScreenHelp(
        "Quit with a draft open",
        "Something typed in a dialog has not been saved: quitting loses it.",
        "From ctrl+q with a dialog's text unsaved. Stay goes back to it; ctrl+q again quits.",
    ),
    RestrictDialog: ScreenHelp(
        "Restricted access",
        "Restrict a record to named staff, grant someone time-limited access, or lift it.",
        "From a record or the restricted records with x.",
    ),
}


def help_for(screen: type[Screen[Any]]) -> ScreenHelp | None:
    """The screen's help, or its nearest base class's (every dialog has Dialog's)."""
    for cls in screen.__mro__:
        found = HELP.get(cls)
        if found is not None:
            return found
    return None

"""IT's retention queue: propose disposals, carry out approved ones (sections 6, 11).

Each line is a reference, a category, a rule and a due date: no name, no field, no
note. A disposal needs two people: IT proposes, a safeguarding lead approves in
their own session, then IT carries it out and a certificate is written.

The queue is worked out behind a loading indicator (a worker: on a large vault it
takes seconds), and a proposal or an erase changes its lines in place rather than
working the queue out again: a proposal shows as proposed, as the queue opened again
would show it, and an erased record is gone. `a` (or its button) proposes everything
due at once: the reason asked in a box if none is typed, then a preview of how many
under each rule, confirmed by typing how many (issue 20).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from secure_records.core.dates import uk_date
from secure_records.core.errors import SecureRecordsError
from secure_records.core.permissions import Permission
from secure_records.core.retention import Certificate
from secure_records.core.statuses import DisposalStatus
from secure_records.core.text import counted
from secure_records.core.words import DISPOSAL_WORDS, RETENTION_WORDS, in_words, status_words
from secure_records.session import Session
from secure_records.session.disposal_batches import RuleCount
from secure_records.session.retention import SHRED_CAVEAT, RetentionItem
from secure_records.tui.dialog import field_label
from secure_records.tui.disposal_batch import (
    batch_heading,
    batch_lines,
    confirm_batch,
    total,
    with_reason,
)
from secure_records.tui.disposal_queue_screen import rule_said
from secure_records.tui.key_footer import KeyFooter
from secure_records.tui.literal import literal
from secure_records.tui.session_screen import SessionScreen
from secure_records.tui.typed_confirmation import TypedConfirmation

EXPLAINED = (
    "Records due for review or disposal under policies/retention.toml. You see the "
    "reference, category, rule and due date, never what a record holds. Propose a "
    "disposal; a safeguarding lead approves or rejects it; then carry it out here (or "
    "'secure-records disposal run' on the host). A record on legal hold cannot be disposed of."
)


def describe(item: RetentionItem) -> str:
    state = (
        "ON LEGAL HOLD"
        if item.on_hold
        else f"{status_words(item.disposal_status, DISPOSAL_WORDS)} ({item.disposal_id})"
        if item.disposal_id and item.disposal_status
        else "to propose"
    )
    return (
        f"{item.record_id}  {in_words(item.category)}  rule {item.rule} "
        f"({status_words(item.action, RETENTION_WORDS)})  due {uk_date(item.due)}  {state}"
    )


def proposed(item: RetentionItem, disposal_id: str) -> RetentionItem:
    """A line as it is once proposed."""
    return replace(item, disposal_id=disposal_id, disposal_status=DisposalStatus.PROPOSED)


class RetentionScreen(SessionScreen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("a", "propose_all", "Propose all due"),
    ]
    # Buttons and keys, each shown only to the role that may.
    NEEDS = {
        "propose": Permission.PROPOSE_DISPOSAL,
        "propose_all": Permission.PROPOSE_DISPOSAL,
        "propose-all": Permission.PROPOSE_DISPOSAL,
        "execute": Permission.DISPOSE,
        "shred": Permission.DISPOSE,
    }

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._items: list[RetentionItem] = []
        self._loaded = False
        self._stale = False  # refused while locked: worked out again once back

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="retention"):
            yield Static("Retention and disposal", classes="title")
            yield Static(literal(EXPLAINED), classes="hint")
            # How it went, above the list: on screen at 80x24 (under the buttons, it
            # was below the fold).
            yield Static("", id="problem")
            yield OptionList(id="due")
            minimum = self._session.policy.sharing.reason_min_length
            yield field_label(
                f"Reason for proposing disposal (at least {counted(minimum, 'character')}):"
            )
            yield Input(placeholder="Reason for proposing disposal", id="reason")
            with Horizontal(classes="buttons"):
                yield Button("Propose disposal", variant="primary", id="propose")
                yield Button("Carry out approved disposal", variant="error", id="execute")
                # The key's twin: with the reason typed into, a is a letter.
                yield Button("Propose all due (a)", id="propose-all")
            yield Static("", id="certificate")
            yield Static("", id="packages-heading", classes="heading")
            yield Static("", id="packages")
            yield Button("Shred them", variant="error", id="shred")
            yield Static("", id="shredded")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._load()
        self._load_packages()

    def _load_packages(self) -> None:
        """Released files past the policy's days (section 6, Record): where, never what."""
        shred = self.query_one("#shred", Button)
        if not self.allowed("shred"):
            shred.display = False
            return
        try:
            expired = self._session.retention.expired_packages()
        except SecureRecordsError as exc:
            expired, shred.display = [], False
            self.query_one("#packages", Static).update(literal(str(exc)))
        days = self._session.policy.sharing.disclosure_keep_days
        self.query_one("#packages-heading", Static).update(
            literal(f"Released files past their {counted(days, 'day')}: {len(expired)}")
        )
        if expired:
            folder = self._session.retention.packages_folder()
            said = [*expired, f"Each in {folder} unless its whole path is given."]
            self.query_one("#packages", Static).update(literal("\n".join(said), multiline=True))
        shred.display = bool(expired)

    def _load(self) -> None:
        """Work the queue out behind a loading indicator: the screen stays usable."""
        self._loaded = False
        self.query_one("#due", OptionList).loading = True
        for button_id in ("propose", "execute", "propose-all"):
            button = self.query_one(f"#{button_id}", Button)
            button.display, button.disabled = self.allowed(button_id), True
        self.query_one("#problem", Static).update(literal("Working out what is due..."))
        self._work_out()

    @work(thread=True, exclusive=True, group="retention-queue")
    def _work_out(self) -> None:
        try:
            items = self._session.retention.retention_queue()
        except SecureRecordsError as exc:
            self.app.call_from_thread(self._refused_load, str(exc))
            return
        self.app.call_from_thread(self._worked_out, items)

    def _refused_load(self, message: str) -> None:
        if not self.is_attached:
            return
        if self._session.locked:  # the lock came meanwhile: again once unlocked
            self._stale = True
        else:
            self.leave(message)

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self._load()

    def _worked_out(self, items: list[RetentionItem]) -> None:
        if not self.is_attached:
            return  # left meanwhile
        self._items, self._loaded = items, True
        options = self.query_one("#due", OptionList)
        options.loading = False
        for button_id in ("propose", "execute", "propose-all"):
            self.query_one(f"#{button_id}", Button).disabled = False
        self._show_items()
        self.query_one("#problem", Static).update(literal(self._count_line()))
        # Focus without scrolling: the list is on screen, and the explanation above it
        # stays in view (scrolling to it, timed against layout, could hide the heading).
        options.focus(scroll_visible=False)

    def _show_items(self) -> None:
        options = self.query_one("#due", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options([Option(literal(describe(i)), id=i.record_id) for i in self._items])
        if self._items:
            options.highlighted = min(highlighted or 0, len(self._items) - 1)

    def _count_line(self) -> str:
        return f"{counted(len(self._items), 'record')} due." if self._items else "Nothing is due."

    def _changed(self, changed: Mapping[str, RetentionItem | None]) -> None:
        """The list updated in place: an item replaced, or taken out (None)."""
        self._items = [
            found
            for item in self._items
            if (found := changed.get(item.record_id, item)) is not None
        ]
        self._show_items()

    def _chosen(self) -> RetentionItem | None:
        index = self.query_one("#due", OptionList).highlighted
        if index is None or not 0 <= index < len(self._items):
            self.query_one("#problem", Static).update(literal("Choose a record first."))
            return None
        return self._items[index]

    def _shred(self) -> None:
        with self.attempt(say=lambda refusal: self._shredded([refusal])):
            self._shredded(self._session.retention.shred_expired_packages())

    def _shredded(self, done: list[str]) -> None:
        self._load_packages()
        self.query_one("#packages", Static).update("")
        self.query_one("#shredded", Static).update(
            literal("\n".join([*done, SHRED_CAVEAT]), multiline=True)
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "shred":
            self._shred()
            return
        if event.button.id == "propose-all":
            self.action_propose_all()
            return
        item = self._chosen()
        if item is None:
            return
        # A refusal is reported like an outcome; the list is not worked out again.
        with self.attempt(say=self._report):
            if event.button.id == "propose":
                reason = self.query_one("#reason", Input).value
                proposal = self._session.retention.propose_disposal(item.record_id, reason)
                self._report(
                    f"Disposal {proposal} proposed; a safeguarding lead must approve it.",
                    changed={item.record_id: proposed(item, proposal)},
                )
            elif event.button.id == "execute":
                if item.disposal_status is not DisposalStatus.APPROVED or item.disposal_id is None:
                    self._report(f"{item.record_id} has no approved disposal to carry out.")
                else:
                    self._confirm_erase(item, item.disposal_id)

    def _confirm_erase(self, item: RetentionItem, disposal_id: str) -> None:
        """Erasing cannot be undone: the disposal whole, then the record's reference
        typed; carried out only then, and a refusal said in the box."""
        approved = self._session.retention.disposals((DisposalStatus.APPROVED,))
        found = next((d for d in approved if d.id == disposal_id), None)
        done: list[Certificate] = []

        def erase(_: str) -> str | None:
            try:
                done.append(self._session.retention.execute_disposal(disposal_id))
            except SecureRecordsError as exc:
                return str(exc)
            return None

        def after(typed: str | None) -> None:
            if typed is not None and done:
                self._report(
                    f"{item.record_id} erased. Certificate {done[0].id}:",
                    done[0].text(),
                    changed={item.record_id: None},
                )

        proposed = [] if found is None else [f"Proposed by {found.proposed_by}"]
        lines = [
            f"Disposal {disposal_id}, approved by a safeguarding lead",
            f"Record: {item.record_id} ({in_words(item.category)})",
            *rule_said(self._session.policy, item.rule),
            f"Due: {uk_date(item.due)}",
            *proposed,
            "Its key is destroyed and what it holds is erased for good; a certificate is written.",
        ]
        self.app.push_screen(
            TypedConfirmation(
                f"Erase {item.record_id} for good?", lines, item.record_id, "erase it", erase
            ),
            after,
        )

    def _report(
        self,
        said: str,
        certificate: str = "",
        changed: Mapping[str, RetentionItem | None] | None = None,
    ) -> None:
        """How it went; the records `changed` (proposed) shown as they are now, or
        taken out of the list (erased: None)."""
        self.query_one("#reason", Input).value = ""
        self._changed(changed or {})
        self.query_one("#problem", Static).update(literal(said))
        self.query_one("#certificate", Static).update(literal(certificate, multiline=True))

    # everything due at once (issue 20)

    def action_propose_all(self) -> None:
        """The reason first (asked in a box, on screen, if none is typed), then the
        preview (worked out behind the indicator), then the count typed; proposed in
        one transaction only then."""
        reason = self.query_one("#reason", Input).value
        minimum = self._session.policy.sharing.reason_min_length
        if not self._loaded:
            self._say("Wait for the queue to be worked out first.")
        else:
            asked = (
                "Propose everything due for disposal or review?",
                "How many under each rule is shown next, and you type that number to "
                "propose them; each then waits for a safeguarding lead.",
                "Count them",
            )
            with_reason(self, reason, minimum, asked, self._counted_with)

    def _counted_with(self, reason: str | None) -> None:
        if reason is None:
            return  # cancelled
        self._say("Counting what would be proposed...")
        self.query_one("#due", OptionList).loading = True
        self._preview(reason)

    @work(thread=True, exclusive=True, group="retention-queue")
    def _preview(self, reason: str) -> None:
        try:
            counts = self._session.disposal_batches.proposal_preview()
        except SecureRecordsError as exc:
            self.app.call_from_thread(self._say, str(exc))
            return
        self.app.call_from_thread(self._confirm_all, reason, counts)

    def _confirm_all(self, reason: str, counts: list[RuleCount]) -> None:
        self.query_one("#due", OptionList).loading = False
        if self.app.screen is not self or self._session.locked:
            self._say("")  # locked or left meanwhile: nothing is asked over the lock
            return
        many = total(counts)
        if not many:
            self._say("Nothing is due to propose: each is proposed already or on legal hold.")
            return

        def propose() -> str:
            proposed = self._session.disposal_batches.propose_all(reason, many)
            return f"{counted(len(proposed), 'disposal')} proposed; a safeguarding lead must "

        def after(said: str | None) -> None:
            if said is None:
                self._say("")
                return
            self._report(f"{said}approve them.", changed=self._now_proposed())

        lines = [
            *batch_lines(self._session.policy, counts, reason),
            "Each waits for a safeguarding lead to approve or reject it.",
        ]
        heading = batch_heading("Propose", many, "record", "for disposal or review")
        verb = "propose them all"
        confirm_batch(self, heading, lines, many, verb, propose, after, final=False)

    def _now_proposed(self) -> dict[str, RetentionItem | None]:
        """The lines a batch proposed, as the queue opened again would show them: one
        read of the disposals table, no rescan."""
        waiting = self._session.retention.disposals((DisposalStatus.PROPOSED,))
        ids = {d.record_id: d.id for d in waiting}
        return {
            i.record_id: proposed(i, ids[i.record_id])
            for i in self._items
            if i.disposal_id is None and i.record_id in ids
        }

    def _say(self, said: str) -> None:
        self.query_one("#problem", Static).update(literal(said))

    def action_back(self) -> None:
        self.app.pop_screen()

    def forget(self) -> None:
        self.query_one("#reason", Input).value = ""

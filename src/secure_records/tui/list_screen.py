"""The records in scope, with search as you type, sorted by a column and narrowed by
category."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.timer import Timer
from textual.widgets import Input, Static

from secure_records.core.dates import how_long
from secure_records.core.errors import SecureRecordsError
from secure_records.core.permissions import Permission
from secure_records.core.policy import Scope
from secure_records.core.text import counted
from secure_records.tui.key_footer import KeyFooter
from secure_records.tui.literal import literal
from secure_records.tui.policy_review_banner import with_policy_review
from secure_records.tui.record_list import RecordList
from secure_records.tui.session_screen import SessionScreen

if TYPE_CHECKING:
    from secure_records.session import Session
    from secure_records.session.manager_waits import Overdue, Passed

from secure_records.core.access_requests import DUE_SOON_DAYS
from secure_records.core.concerns import ICO_HOURS
from secure_records.session.access_requests import Due
from secure_records.session.concerns import OpenBreaches

# The screens this one opens are imported in the action that opens them: the list is
# the first screen after the PIN, and is drawn sooner without them.

RECORD_SCREEN = "record"
SEARCH_PAUSE = 0.15  # seconds of no typing before a search runs (and is logged)
INDEX_DELAY = 1.0  # seconds after the list is shown before the search index is built
BANNER_WIDTH = 78  # 80 columns, less the banner's padding


def pressed(keys: list[str]) -> str:
    """'press q, d or t'."""
    return "press " + (keys[0] if len(keys) == 1 else f"{', '.join(keys[:-1])} or {keys[-1]}")


def overdue_line(count: int, hours: int, oldest: str, keys: list[str]) -> str:
    """'OVERDUE: 3 waiting over 48 h for a manager, oldest 5 days; press q or t'."""
    return (
        f"OVERDUE: {count} waiting over {hours} h for a manager, oldest {oldest}; {pressed(keys)}"
    )


def passed_words(passed: Passed, noun: str) -> str:
    """'URGENT: 1 of 2 telephone requests passed to you': urgent ones said first."""
    said = f"{counted(passed.count, noun)} passed to you"
    if passed.urgent and passed.urgent < passed.count:
        said = f"{passed.urgent} of {said}"
    return f"URGENT: {said}" if passed.urgent else said


def _waits_said(passed: Passed, overdue: Overdue, oldest: str) -> tuple[list[str], list[str]]:
    """What waits for a manager, in words from the longest to the shortest, and the
    keys that open its queues."""
    queues = (("q", overdue.shares), ("d", overdue.disposals), ("t", overdue.requests))
    keys = [key for key, count in queues if count]
    if not passed.count:
        hours = overdue.hours
        said = f"OVERDUE: {overdue.count} waiting over {hours} h for a manager, oldest {oldest}"
        return ([said] if keys else []), keys
    keys = keys if "t" in keys else [*keys, "t"]
    words = passed_words(passed, "telephone request")
    if not overdue.count:
        return [words], keys
    late = f"OVERDUE: {overdue.count}"
    return [
        f"{words}; {late} over {overdue.hours} h, oldest {oldest}",
        f"{words}; {late}, oldest {oldest}",
        f"{passed_words(passed, 'phone request')}; {late}",
    ], keys


def _requests_said(due: Due) -> list[str]:
    """Subject access requests overdue or due soon, longest words first; the last is
    what fits beside everything else."""
    if not due.count:
        return []
    late = [f"{due.overdue} OVERDUE"] if due.overdue else []
    soon = [f"{due.soon} due within {DUE_SOON_DAYS} days"] if due.soon else []
    brief = [f"{due.soon} due soon"] if due.soon else []
    return [
        f"subject access requests: {', '.join(late + soon)}",
        f"subject access: {', '.join(late + brief)}",
        f"SAR: {due.overdue} OVERDUE" if due.overdue else f"SAR: {due.soon} due soon",
    ]


def _terse(passed: Passed, overdue: Overdue) -> str:
    """What waits for a manager in the fewest words, beside subject access requests."""
    calls = f"{passed.count} calls"
    calls = f"URGENT: {passed.urgent} of {calls}" if passed.urgent else calls
    return "; ".join(
        ([calls] if passed.count else []) + ([f"OVERDUE: {overdue.count}"] if overdue.count else [])
    )


def _breaches_said(breaches: OpenBreaches) -> list[str]:
    """Open suspected breaches and the least time left to report one to the ICO,
    longest words first."""
    concerns = counted(breaches.concerns, "concern") + " open" if breaches.concerns else ""
    if not breaches.count:
        return [concerns, f"concerns: {breaches.concerns}"] if concerns else []
    count, left = breaches.count, breaches.least_left
    open_ = counted(count, "suspected breach", "suspected breaches")
    if left < 0:
        return [
            f"{open_}: ICO report OVERDUE by {-left} h",
            f"breaches: {count}, ICO OVERDUE by {-left} h",
            f"ICO: {count} OVERDUE",
        ]
    said = "less than 1 h" if left == 0 else f"{left} h"
    words = [
        f"{open_}, reported within {ICO_HOURS} hours: {said} left",
        f"breaches: {count}, ICO in {said}",
        f"ICO: {count}, {said} left",
    ]
    # Open concerns said beside the breaches where they fit, else behind b.
    return [f"{w}; {concerns}" for w in words[:2]] + words if concerns else words


def _options(said: list[str]) -> list[list[str]]:
    return [[words] for words in said] or [[]]


def waits_line(
    passed: Passed,
    overdue: Overdue,
    oldest: str,
    due: Due | None = None,
    breaches: OpenBreaches | None = None,
) -> str:
    """The lead's one line (78 columns, in 80) on what waits: suspected breaches and
    their ICO clock first, then telephone requests passed to the leads, urgent ones
    said first, then what has waited too long, then subject access requests overdue
    or due soon; shorter words where the longer do not fit; '' if nothing waits."""
    waits, keys = _waits_said(passed, overdue, oldest)
    requests = _requests_said(due or Due())
    reports = _breaches_said(breaches or OpenBreaches())
    if requests:
        keys = [*keys, "a"]
    if waits and (requests or reports):
        waits = [*waits, _terse(passed, overdue)]
    if reports:
        keys = ["b", *keys]
    if not keys:
        return ""
    lines = [
        "; ".join([*report, *wait, *request, pressed(keys)])
        for report in _options(reports)
        for wait in _options(waits)
        for request in _options(requests)
    ]
    found = next((line for line in lines if len(line) <= BANNER_WIDTH), None)
    if found is None and reports:
        # Everything at once is too long: the breach first, the rest behind its keys.
        return f"{reports[-1]}; more is waiting; {pressed(keys)}"
    return found or lines[-1]


class RecordListScreen(SessionScreen):
    BINDINGS = [
        Binding("/", "search", "Search"),
        Binding("c", "raise_concern", "Raise a concern"),
        Binding("escape", "clear", "Clear search", show=False),
        Binding("q", "queue", "Sharing queue"),
        Binding("t", "phone_requests", "Phone requests"),
        Binding("d", "disposals", "Disposals to approve"),
        Binding("x", "restricted", "Restricted records"),
        Binding("e", "outputs", "Outputs"),
        Binding("a", "access_requests", "Subject access"),
        Binding("b", "concerns", "Concerns and breaches"),
        Binding("o", "sort", "Sort"),
        Binding("O", "reverse", "Reverse order", show=False),
        Binding("f", "category", "Category"),
    ]
    # Each queue only for the roles that act on it (and not shown otherwise).
    NEEDS = {
        "queue": Permission.APPROVE_SHARING,
        "phone_requests": (Permission.SHARE, Permission.APPROVE_SHARING),
        "disposals": Permission.APPROVE_DISPOSAL,
        "restricted": Permission.RESTRICT_RECORDS,
        "outputs": (Permission.SHARE, Permission.APPROVE_SHARING, Permission.SUBJECT_ACCESS),
        "access_requests": Permission.SUBJECT_ACCESS,
        "concerns": Permission.TRIAGE_CONCERNS,
    }
    SORTABLE = ("reference", "name", "date_of_birth")

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._pending: Timer | None = None
        self._index_started = False
        self.search_ready = False
        self._waiting_query: str | None = None
        self._columns = self._session.records.columns()
        # (choice, words): narrowing by category, only for a role that sees it in full
        self._categories = self._session.records.categories()
        self._found: list[str] = []  # every record in scope, or a search's results
        self._by = "reference"
        self._descending = False
        self._category: tuple[str, str] | None = None
        self._waiting_order = False

    def compose(self) -> ComposeResult:
        what = "Your caseload" if self._session.role.scope is Scope.CASELOAD else "All records"
        yield Static(literal(what), id="list-title", classes="title")
        # Hidden unless something has waited too long for a manager (leads only).
        yield Static("", id="overdue", classes="flag")
        yield Input(placeholder="Search by name or date of birth (press /)", id="search")
        yield RecordList(self._session.records.summaries, self._columns, id="records")
        yield Static("", id="count", classes="hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.show_overdue()
        self.show_all()
        self.query_one(RecordList).focus()
        # A moment after the first paint: building the index competes for the
        # interpreter, and the list is what the person looks at first.
        self.set_timer(INDEX_DELAY, self._start_index)

    def on_screen_resume(self) -> None:
        self.show_overdue()

    def show_overdue(self) -> None:
        """One line naming how many wait too long for a manager, how old the oldest
        is, and the keys that open their queues."""
        line = ""
        with self.attempt():
            waiting = self._session.waiting
            overdue = waiting.overdue()
            oldest = "" if overdue.oldest is None else how_long(overdue.oldest, datetime.now(UTC))
            due = self._session.access_requests.due()
            breaches = self._session.concerns.open_breaches()
            line = waits_line(waiting.passed(), overdue, oldest, due, breaches)
            line = with_policy_review(line, self._session.policy_review_overdue())
        banner = self.query_one("#overdue", Static)
        banner.update(literal(line, multiline=True))
        banner.display = bool(line)

    def show_all(self) -> None:
        with self.attempt():
            self._found = self._session.records.listing_ids()
            self._arrange()

    def _count(self, n: int) -> None:
        said = counted(n, "record")
        if self._category is not None:
            said = f"{said}, {self._category[1]} only"
        self.query_one("#count", Static).update(literal(said))

    def _arrange(self) -> None:
        """Show what was found in the order and category chosen."""
        if (self._by != "reference" or self._category) and not self.search_ready:
            # Sorting by name or narrowing needs the index: it is being built.
            self._waiting_order = True
            self.query_one("#count", Static).update(literal("Preparing the list..."))
            self._start_index()
            return
        records = self._session.records
        category = None if self._category is None else self._category[0]
        with self.attempt():
            ids = records.arrange(self._found, self._by, self._descending, category)
            rows = self.query_one(RecordList)
            rows.show_order(self._by, self._descending)
            rows.show(ids)
            self._count(len(ids))

    def _sort(self, by: str, descending: bool) -> None:
        self._by, self._descending = by, descending
        self._arrange()

    def action_sort(self) -> None:
        shown = [name for name, _ in self._columns if name in self.SORTABLE]
        following = (
            shown[(shown.index(self._by) + 1) % len(shown)] if self._by in shown else shown[0]
        )
        self._sort(following, False)

    def action_reverse(self) -> None:
        self._sort(self._by, not self._descending)

    def on_record_list_heading_clicked(self, event: RecordList.HeadingClicked) -> None:
        if event.column in self.SORTABLE:
            self._sort(event.column, event.column == self._by and not self._descending)

    def action_category(self) -> None:
        if not self._categories:
            return
        choices = [None, *self._categories]
        self._category = choices[(choices.index(self._category) + 1) % len(choices)]
        self._arrange()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "category" and not self._categories:
            return False  # a role that may not see the category cannot narrow by it
        return super().check_action(action, parameters)

    def _start_index(self) -> None:
        if not self._index_started:
            self._index_started = True
            self.prepare_search()

    @work(thread=True, exclusive=True, group="search-index")
    def prepare_search(self) -> None:
        # Decrypting every name in scope takes a moment for a large scope: do it
        # behind the list, which is already usable.
        try:
            self._session.records.prepare_search()
        except SecureRecordsError as exc:
            self.app.call_from_thread(self.app.notify, str(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self._index_ready)

    def _index_ready(self) -> None:
        self.search_ready = True
        if self._waiting_query is not None:
            query, self._waiting_query = self._waiting_query, None
            self._waiting_order = False  # the search arranges what it finds
            self.run_search(query)
        if self._waiting_order:
            self._waiting_order = False
            self._arrange()

    def action_queue(self) -> None:
        from secure_records.tui.queue_screen import QueueScreen

        self.app.push_screen(QueueScreen(self._session))

    def action_restricted(self) -> None:
        from secure_records.tui.restricted_screen import RestrictedScreen

        self.app.push_screen(RestrictedScreen(self._session))

    def action_outputs(self) -> None:
        from secure_records.tui.output_screens import OutputsScreen

        self.app.push_screen(OutputsScreen(self._session))

    def action_access_requests(self) -> None:
        from secure_records.tui.access_request_screen import AccessRequestsScreen

        self.app.push_screen(AccessRequestsScreen(self._session))

    def action_raise_concern(self) -> None:
        from secure_records.tui.concern_screens import raise_concern

        raise_concern(self._session, self.app.push_screen, self.tell)

    def tell(self, said: str) -> None:
        self.app.notify(said, markup=False)

    def action_concerns(self) -> None:
        from secure_records.tui.concern_screens import ConcernsScreen

        self.app.push_screen(ConcernsScreen(self._session))

    def action_disposals(self) -> None:
        from secure_records.tui.disposal_queue_screen import DisposalQueueScreen

        self.app.push_screen(DisposalQueueScreen(self._session))

    def action_phone_requests(self) -> None:
        from secure_records.tui.phone_queue_screen import PhoneQueueScreen

        self.app.push_screen(PhoneQueueScreen(self._session))

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_clear(self) -> None:
        search = self.query_one("#search", Input)
        if search.value:
            search.value = ""
        self.query_one(RecordList).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._pending is not None:
            self._pending.stop()
        self._pending = self.set_timer(SEARCH_PAUSE, lambda: self.run_search(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self._pending is not None:
            # The search runs now; the one still waiting would run (and log) it again.
            self._pending.stop()
            self._pending = None
        self.run_search(event.value)
        self.query_one(RecordList).focus()

    def run_search(self, query: str) -> None:
        if not self.search_ready:
            # Searching before the index is built would stall the screen: say so and
            # run the search the moment it is ready.
            self._waiting_query = query
            self.query_one("#count", Static).update(literal("Preparing search..."))
            self._start_index()
            return
        with self.attempt():
            self._found = self._session.records.search(query)
            self._arrange()

    async def on_record_list_chosen(self, event: RecordList.Chosen) -> None:
        if self.app.screen is not self:
            return  # a second Enter that arrived with the first: the record is opening
        from secure_records.tui.record_screen import RecordScreen

        # One record screen per session, reused: pushing a new screen (and its
        # footer) for every record costs far more than filling one in.
        if not self.app.is_screen_installed(RECORD_SCREEN):
            self.app.install_screen(RecordScreen(self._session), RECORD_SCREEN)
        await self.app.push_screen(RECORD_SCREEN)
        screen = self.app.get_screen(RECORD_SCREEN)
        assert isinstance(screen, RecordScreen)
        if not screen.show_record(event.record_id):
            self.app.pop_screen()

    def forget(self) -> None:
        """Drop every name and date shown; the lock screen calls this."""
        self._found = []
        self.query_one(RecordList).forget()
        self.query_one("#search", Input).value = ""

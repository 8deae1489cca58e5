"""The records in scope, with search as you type."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.timer import Timer
from textual.widgets import Input, Static

from secure_records.core.errors import SecureRecordsError
from secure_records.core.permissions import Permission
from secure_records.core.policy import Scope
from secure_records.core.text import counted
from secure_records.session import Session
from secure_records.tui.disposal_queue_screen import DisposalQueueScreen
from secure_records.tui.key_footer import KeyFooter
from secure_records.tui.literal import literal
from secure_records.tui.phone_queue_screen import PhoneQueueScreen
from secure_records.tui.queue_screen import QueueScreen
from secure_records.tui.record_list import RecordList
from secure_records.tui.record_screen import RecordScreen
from secure_records.tui.restricted_screen import RestrictedScreen
from secure_records.tui.session_screen import SessionScreen

RECORD_SCREEN = "record"
SEARCH_PAUSE = 0.15  # seconds of no typing before a search runs (and is logged)
INDEX_DELAY = 1.0  # seconds after the list is shown before the search index is built


class RecordListScreen(SessionScreen):
    BINDINGS = [
        Binding("/", "search", "Search"),
        Binding("escape", "clear", "Clear search", show=False),
        Binding("q", "queue", "Sharing queue"),
        Binding("t", "phone_requests", "Phone requests"),
        Binding("d", "disposals", "Disposals to approve"),
        Binding("x", "restricted", "Restricted records"),
    ]
    # Each queue only for the roles that act on it (and not shown otherwise).
    NEEDS = {
        "queue": Permission.APPROVE_SHARING,
        "phone_requests": (Permission.SHARE, Permission.APPROVE_SHARING),
        "disposals": Permission.APPROVE_DISPOSAL,
        "restricted": Permission.RESTRICT_RECORDS,
    }

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._pending: Timer | None = None
        self._index_started = False
        self.search_ready = False
        self._waiting_query: str | None = None

    def compose(self) -> ComposeResult:
        what = "Your caseload" if self._session.role.scope is Scope.CASELOAD else "All records"
        yield Static(literal(what), id="list-title", classes="title")
        yield Input(placeholder="Search by name or date of birth (press /)", id="search")
        yield RecordList(self._session.records.summaries, id="records")
        yield Static("", id="count", classes="hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.show_all()
        self.query_one(RecordList).focus()
        # A moment after the first paint: building the index competes for the
        # interpreter, and the list is what the person looks at first.
        self.set_timer(INDEX_DELAY, self._start_index)

    def show_all(self) -> None:
        ids = self._session.records.listing_ids()
        self.query_one(RecordList).show(ids)
        self._count(len(ids))

    def _count(self, n: int) -> None:
        self.query_one("#count", Static).update(literal(counted(n, "record")))

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
            self.run_search(query)

    def action_queue(self) -> None:
        self.app.push_screen(QueueScreen(self._session))

    def action_restricted(self) -> None:
        self.app.push_screen(RestrictedScreen(self._session))

    def action_disposals(self) -> None:
        self.app.push_screen(DisposalQueueScreen(self._session))

    def action_phone_requests(self) -> None:
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
            found = self._session.records.search(query)
            self.query_one(RecordList).show(found)
            self._count(len(found))

    async def on_record_list_chosen(self, event: RecordList.Chosen) -> None:
        if self.app.screen is not self:
            return  # a second Enter that arrived with the first: the record is opening
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
        self.query_one(RecordList).forget()
        self.query_one("#search", Input).value = ""

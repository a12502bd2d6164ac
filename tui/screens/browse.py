"""The browser: KB tree or live search results on the left, the open record on the right."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Header, Input
from textual.worker import get_current_worker

from ..history import History
from ..lookup import Found, find_records
from ..messages import KbReady, OpenRecord
from ..texts import LOADING, empty_kb_page, welcome_page
from ..widgets.kb_tree import KbTree
from ..widgets.record_view import LinkList, RecordView
from ..widgets.search import SearchBox, SearchResults

if TYPE_CHECKING:
    from ..app import ArchkbApp


class BrowseScreen(Screen[None]):
    """Browse and search the KB; follow links with back/forward history."""

    AUTO_FOCUS = "#kb-tree"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "back", "Back"),
        Binding("right_square_bracket", "forward", "Forward", show=False),
        Binding("backspace", "back", "Back", show=False),
        Binding("l", "focus_links", "Links", show=False),
        Binding("n", "neighbours", "Neighbours"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.history = History()
        self._populated = False
        self._pending_open: str | None = None

    @property
    def archkb(self) -> ArchkbApp:
        from ..app import ArchkbApp

        assert isinstance(self.app, ArchkbApp)
        return self.app

    @property
    def current(self) -> str | None:
        """The key of the record on show, if any."""
        return self.history.current

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="browse"):
            with Vertical(id="sidebar"):
                yield SearchBox(placeholder="/ to search", id="search")
                with ContentSwitcher(initial="kb-tree", id="sidebar-switch"):
                    yield KbTree(id="kb-tree")
                    yield SearchResults(id="search-results")
            yield RecordView(id="record")
        yield Footer()

    async def on_mount(self) -> None:
        await self._populate()

    async def on_kb_ready(self, _message: KbReady) -> None:
        await self._populate()

    async def _populate(self) -> None:
        view = self.query_one(RecordView)
        kb = self.archkb.kb
        if kb is None:
            await view.show(self.archkb.load_error or LOADING)
            return
        if self._populated:
            return
        self._populated = True
        self.query_one(KbTree).populate(kb)
        await view.show(welcome_page(kb) if any(kb.counts().values()) else empty_kb_page())
        self.query_one(KbTree).focus()

    async def on_open_record(self, message: OpenRecord) -> None:
        # Handled here too: a message posted from this screen's own handlers stops bubbling
        # at the screen (Textual does not bubble a message back to its sender's parent).
        message.stop()
        await self.show_record(message.key)

    async def show_record(self, key: str, *, remember: bool = True) -> bool:
        """Open a record; False (and a notice) when the KB has no such key."""
        from archkb.present import record_markdown

        kb = self.archkb.kb
        if kb is None:
            self.notify("The knowledge base is still loading.", severity="warning")
            return False
        try:
            record = kb.get(key)
        except KeyError:
            self.notify(f"No record {key!r} in the knowledge base.", severity="error")
            return False
        await self.query_one(RecordView).show(record_markdown(kb, key.partition("/")[0], record))
        if remember:
            self.history.visit(key)
        self.sub_title = record.name
        if not isinstance(self.focused, LinkList):
            self.query_one("#record-scroll", VerticalScroll).focus()
        return True

    async def action_back(self) -> None:
        key = self.history.back()
        if key is None:
            self.notify("Nothing to go back to.", timeout=2)
            return
        await self.show_record(key, remember=False)

    async def action_forward(self) -> None:
        key = self.history.forward()
        if key is None:
            self.notify("Nothing to go forward to.", timeout=2)
            return
        await self.show_record(key, remember=False)

    def action_focus_links(self) -> None:
        links = self.query_one(LinkList)
        if links.display and links.option_count:
            links.focus()

    def action_neighbours(self) -> None:
        self.archkb.action_neighbours()

    def focus_search(self) -> None:
        self.set_focus(self.query_one(SearchBox))  # at once: the query is being typed

    # --- search ------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        switch = self.query_one(ContentSwitcher)
        if not event.value.strip():
            switch.current = "kb-tree"
            return
        switch.current = "search-results"
        self._search(event.value)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, text: str) -> None:
        kb = self.archkb.kb
        found: list[Found] = []
        error: str | None = None
        if kb is not None:
            try:
                found = find_records(kb, text)
            except Exception as exc:  # the UI must survive a broken store
                error = str(exc) or type(exc).__name__
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_results, text, found, error)

    def _show_results(self, text: str, found: list[Found], error: str | None) -> None:
        if text != self.query_one(SearchBox).value:
            return  # a newer query is on its way
        results = self.query_one(SearchResults)
        results.set_results(text, found, error)
        if self._pending_open == text:
            self._pending_open = None
            results.open_highlighted()

    @on(SearchBox.Move)
    def _move(self, event: SearchBox.Move) -> None:
        self.query_one(SearchResults).move(event.delta)

    @on(Input.Submitted, "#search")
    def _submitted(self) -> None:
        results = self.query_one(SearchResults)
        text = self.query_one(SearchBox).value
        if not text.strip():
            return
        if results.for_text == text:
            results.open_highlighted()
        else:  # Enter typed before the results arrived: open the first when they do
            self._pending_open = text

    @on(SearchBox.Leave)
    def _leave(self) -> None:
        self.query_one(ContentSwitcher).current = "kb-tree"
        self.query_one(KbTree).focus()

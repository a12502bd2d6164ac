"""The detail pane: a record rendered as Markdown, plus its links as a keyboard-friendly list."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Markdown, OptionList
from textual.widgets.option_list import Option

from ..lookup import record_links
from ..messages import OpenRecord

ARCHKB_SCHEME = "archkb:"


class LinkList(OptionList):
    """The records a page links to; Enter opens the highlighted one."""

    def set_links(self, links: list[tuple[str, str]]) -> None:
        self.clear_options()
        self.add_options(
            Option(Text.assemble(label, (f"  {key.partition('/')[0]}", "dim")), id=key)
            for key, label in links
        )
        if links:
            self.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(OpenRecord(event.option.id))


class RecordView(Vertical):
    """Markdown page (scrollable, focusable) above the list of its links."""

    DEFAULT_CSS = """
    RecordView { height: 1fr; }
    RecordView > #record-scroll { height: 1fr; }
    RecordView > #links-title {
        color: $text-muted; background: $panel; padding: 0 1; height: 1; width: 1fr;
    }
    RecordView > LinkList { height: auto; max-height: 33%; border: none; padding: 0 1; }
    RecordView > LinkList:focus { background: $boost; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="record-scroll"):
            yield Markdown(id="record-md", open_links=False)
        yield Label("Links · Tab/l to reach, Enter opens", id="links-title")
        yield LinkList(id="record-links")

    async def show(self, markdown: str) -> None:
        """Render a page and list its record links."""
        await self.query_one("#record-md", Markdown).update(markdown)
        links = record_links(markdown)
        self.query_one(LinkList).set_links(links)
        self.query_one("#links-title").display = bool(links)
        self.query_one(LinkList).display = bool(links)
        self.query_one("#record-scroll", VerticalScroll).scroll_home(animate=False)

    @property
    def markdown(self) -> str:
        return self.query_one("#record-md", Markdown).source

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        if event.href.startswith(ARCHKB_SCHEME):
            self.post_message(OpenRecord(event.href[len(ARCHKB_SCHEME) :]))
        elif event.href.startswith(("https://", "http://")):
            self.app.open_url(event.href)

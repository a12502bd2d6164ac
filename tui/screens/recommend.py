"""Recommend: needs in (with completion), ranked blueprints out, providers side by side."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Markdown, Static

from ..explain import recommendation_markdown
from ..widgets.needs_input import NeedsInput, NeedsMenu, NeedsSuggester, last_word
from ..widgets.provider_table import ProviderTable

if TYPE_CHECKING:
    from archkb.engine.kb import KnowledgeBase
    from archkb.engine.needs import ParsedNeeds
    from archkb.engine.results import Recommendation, RecommendationSet

HINT = "Needs, comma-separated · → or Tab completes · ↓ lists needs · Enter recommends · Esc back to browse"


class RecommendScreen(Screen[None]):
    """Type needs, Enter; ↑/↓ through the ranking; e exports, w explains exclusions."""

    AUTO_FOCUS = "#needs"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "export", "Export"),
        Binding("w", "why_not", "Why not"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.result: RecommendationSet | None = None
        self.parsed: ParsedNeeds | None = None
        self.rank: int | None = None
        self.vocabulary: dict[str, str] = {}
        self.names: dict[str, str] = {}

    @property
    def kb(self) -> KnowledgeBase:
        kb: KnowledgeBase | None = getattr(self.app, "kb", None)
        assert kb is not None, "the recommend screen opens only once the KB is loaded"
        return kb

    def compose(self) -> ComposeResult:
        from archkb.engine.needs import need_vocabulary

        self.vocabulary = need_vocabulary(self.kb)
        self.names = {n.id: n.name for n in self.kb.needs.values()}
        yield Header()
        yield NeedsInput(
            placeholder="needs, e.g. serverless,eu",
            suggester=NeedsSuggester(self.vocabulary),
            id="needs",
        )
        yield NeedsMenu(id="needs-menu")
        yield Static(Text(HINT, "dim"), id="needs-status")
        yield DataTable(id="ranked", cursor_type="row")
        with VerticalScroll(id="rec-detail"):
            yield ProviderTable(id="providers")
            yield Markdown(id="rec-text", open_links=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(NeedsMenu).display = False
        table = self.query_one("#ranked", DataTable)
        table.add_columns("#", "Blueprint", "Score", "Providers")
        self.query_one("#providers").display = False
        self.query_one(NeedsInput).focus()

    # --- needs entry -------------------------------------------------------------------

    @on(Input.Changed, "#needs")
    def _typing(self, event: Input.Changed) -> None:
        menu = self.query_one(NeedsMenu)
        word = last_word(event.value)
        shown = bool(word) and menu.show_matches(self.vocabulary, self.names, word) > 0
        menu.display = shown and not (len(menu.options) == 1 and menu.options[0].id == word)

    @on(NeedsInput.OpenMenu)
    def _open_menu(self) -> None:
        menu = self.query_one(NeedsMenu)
        if menu.show_matches(
            self.vocabulary, self.names, last_word(self.query_one(NeedsInput).value)
        ):
            menu.display = True
            menu.focus()

    @on(NeedsMenu.Picked)
    def _picked(self, event: NeedsMenu.Picked) -> None:
        needs = self.query_one(NeedsInput)
        needs.replace_last_word(event.word)
        needs.focus()

    async def action_back(self) -> None:
        """Escape goes back a level: from the needs menu or the results to the needs box, from
        the box to browsing."""
        menu = self.query_one(NeedsMenu)
        if isinstance(self.focused, NeedsInput) and not menu.display:
            await self.app.run_action("browse")
            return
        menu.display = False
        self.query_one(NeedsInput).focus()

    @on(Input.Submitted, "#needs")
    def _submitted(self, event: Input.Submitted) -> None:
        self.run_recommendation(event.value)

    # --- results -----------------------------------------------------------------------

    def run_recommendation(self, text: str) -> None:
        """Parse the needs and show the ranking (all blueprints that qualify)."""
        from archkb.engine.needs import NeedsError, parse_needs
        from archkb.engine.recommend import recommend

        self.query_one(NeedsMenu).display = False
        status = self.query_one("#needs-status", Static)
        try:
            self.parsed = parse_needs(self.kb, text)
        except NeedsError as exc:
            status.update(Text(str(exc), "red"))
            return
        self.result = result = recommend(self.kb, self.parsed, None, top=0)
        table = self.query_one("#ranked", DataTable)
        table.clear()
        self.rank = None
        for rec in result.recommendations:
            table.add_row(
                str(rec.rank),
                rec.name,
                f"{rec.score:g}",
                ", ".join(sorted(rec.providers)),
                key=str(rec.rank),
            )
        count = len(result.recommendations)
        if not count:
            status.update(Text("No blueprint meets these needs; the reasons are below.", "yellow"))
            self.query_one("#providers").display = False
            self.call_later(self._show_text, recommendation_markdown(self.kb, result, None))
            return
        status.update(
            Text(
                f"{count} option(s) for {', '.join(result.needs)} · ↑↓ compare · "
                "e export · w why not · Esc needs · q quits",
                "dim",
            )
        )
        table.focus()
        table.move_cursor(row=0)
        self._show(result.recommendations[0])

    @on(DataTable.RowHighlighted, "#ranked")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.result and event.row_key.value:
            rank = int(event.row_key.value)
            rec = next((r for r in self.result.recommendations if r.rank == rank), None)
            if rec is not None and rank != self.rank:
                self._show(rec)

    def _show(self, rec: Recommendation) -> None:
        assert self.result is not None
        self.rank = rec.rank
        providers = self.query_one(ProviderTable)
        providers.show(
            rec,
            self.query_one("#rec-detail").content_region.width or self.size.width,
            {p.id: p.short_name for p in self.kb.providers.values()},
        )
        providers.display = True
        self.call_later(self._show_text, recommendation_markdown(self.kb, self.result, rec))

    def on_resize(self) -> None:
        if self.result and self.rank is not None:
            rec = next(r for r in self.result.recommendations if r.rank == self.rank)
            self.call_after_refresh(self._show, rec)

    async def _show_text(self, text: str) -> None:
        await self.query_one("#rec-text", Markdown).update(text)

    @on(Markdown.LinkClicked, "#rec-text")
    def _link(self, event: Markdown.LinkClicked) -> None:
        from ..messages import OpenRecord

        if event.href.startswith("archkb:"):
            self.post_message(OpenRecord(event.href.removeprefix("archkb:")))

    # --- actions -----------------------------------------------------------------------

    def action_export(self) -> None:
        from .export import ExportDialog

        if self.result is None or self.rank is None:
            self.notify("Run a recommendation first: type needs, Enter.", severity="warning")
            return
        base = getattr(self.app, "export_dir", None) or Path.cwd()
        self.app.push_screen(ExportDialog(self.kb, self.result, self.rank, base))

    def action_why_not(self) -> None:
        from .why_not import WhyNotScreen

        if self.parsed is None or self.result is None:
            self.notify("Run a recommendation first: type needs, Enter.", severity="warning")
            return
        self.app.push_screen(WhyNotScreen(self.kb, self.parsed, self.result))

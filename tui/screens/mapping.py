"""Map a service across clouds: its equivalents per provider with fit and caveats."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import DataTable, Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from ..messages import OpenRecord

if TYPE_CHECKING:
    from archkb.engine.kb import KnowledgeBase
    from archkb.engine.mapping import ServiceMapping

FIT_STYLE = {"exact": "green", "partial": "yellow", "none": "red"}


class MapScreen(Screen[None]):
    """Type a service, Enter: a row per equivalent; the highlighted row's caveat below."""

    AUTO_FOCUS = "#service-input"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "switch_focus", "Service ⇄ results", show=False)
    ]

    def __init__(self) -> None:
        super().__init__()
        self.mapping: ServiceMapping | None = None
        self._notes: dict[str, str] = {}

    @property
    def kb(self) -> KnowledgeBase:
        kb: KnowledgeBase | None = getattr(self.app, "kb", None)
        assert kb is not None, "the map screen opens only once the KB is loaded"
        return kb

    def compose(self) -> ComposeResult:
        names = sorted({s.name for s in self.kb.services.values()}, key=str.casefold)
        yield Header()
        yield Input(
            placeholder="service, e.g. Cosmos DB · → completes · Enter maps · Esc leaves",
            suggester=SuggestFromList(names, case_sensitive=False),
            id="service-input",
        )
        yield Static("Type a service name and press Enter.", id="map-title")
        yield OptionList(id="map-choices")
        yield DataTable(id="map-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="map-note")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Provider", "Equivalent", "Fit")
        self.query_one("#map-choices").display = False
        self.query_one("#service-input").focus()

    def action_switch_focus(self) -> None:
        """Escape leaves the service box for the results (so letter keys work), and back."""
        box = self.query_one("#service-input", Input)
        if self.focused is box:
            self.query_one(DataTable).focus()
        else:
            box.focus()

    @on(Input.Submitted, "#service-input")
    def _submitted(self, event: Input.Submitted) -> None:
        self.map_name(event.value)

    def map_name(self, text: str) -> None:
        """Resolve `text` to a service and map it; ambiguous names list the choices."""
        from archkb.engine.search import resolve_name

        if not text.strip():
            self._say("Type a service name first, e.g. Cosmos DB.")
            return
        resolution = resolve_name(self.kb, text, ("service",))
        if resolution.key:
            self.show_service(resolution.key, text)
            return
        keys = resolution.matches or resolution.suggestions
        if not keys:
            self._say(f"No service matches {text!r}. Try another name, or / to search.")
            return
        choices = self.query_one("#map-choices", OptionList)
        choices.clear_options()
        choices.add_options(Option(Text(self.kb.get(k).name), id=k) for k in keys)
        choices.display = True
        choices.highlighted = 0
        choices.focus()
        self._say(f"{text!r} could mean several services: pick one, Enter.")

    @on(OptionList.OptionSelected, "#map-choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.show_service(event.option.id)

    def show_service(self, key: str, query: str | None = None) -> None:
        """Map the service `service/<id>` to every other provider."""
        from archkb.engine.mapping import map_service

        service = self.kb.services.get(key.partition("/")[2])
        if service is None:
            self._say(f"No service {key!r} in the knowledge base.")
            return
        targets = [p for p in sorted(self.kb.providers) if p != service.provider]
        self.mapping = mapping = map_service(self.kb, query or service.name, service, targets)
        self.query_one("#map-choices").display = False
        self.query_one("#service-input", Input).value = service.name
        self._say(
            Text.assemble(
                (service.name, "bold"),
                f" ({service.provider}) · {mapping.capability_name} · "
                "↑↓ caveats · Enter opens · Esc edits",
            )
        )
        table = self.query_one(DataTable)
        table.clear()
        self._notes = {}
        for provider in targets:
            for eq in mapping.equivalents.get(provider, []):
                row = f"{provider}:{eq.id}"
                table.add_row(provider.upper(), eq.name, Text(eq.fit, FIT_STYLE[eq.fit]), key=row)
                self._notes[row] = eq.caveat or "No caveat: an exact equivalent."
            gap = mapping.alternatives.get(provider)
            if gap:
                row = f"{provider}:"
                closest = f" Closest: {gap.closest_name}." if gap.closest_name else ""
                table.add_row(
                    provider.upper(), gap.closest_name or "—", Text("none", "red"), key=row
                )
                self._notes[row] = gap.note + closest
        table.focus()
        table.move_cursor(row=0)
        self._show_note(0)

    @on(DataTable.RowHighlighted, "#map-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_note(event.cursor_row)

    def _show_note(self, row: int) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(Coordinate(row, 0)).row_key.value or ""
        self.query_one("#map-note", Static).update(Text(self._notes.get(key, "")))

    @on(DataTable.RowSelected, "#map-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        service_id = (event.row_key.value or "").partition(":")[2]
        if service_id:
            self.post_message(OpenRecord(f"service/{service_id}"))
        else:
            gap = (
                self.mapping.alternatives.get((event.row_key.value or "").partition(":")[0])
                if self.mapping
                else None
            )
            if gap and gap.closest:
                self.post_message(OpenRecord(f"service/{gap.closest}"))

    def _say(self, text: str | Text) -> None:
        self.query_one("#map-title", Static).update(text if isinstance(text, Text) else Text(text))

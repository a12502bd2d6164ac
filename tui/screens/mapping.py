"""Map a service across clouds: per capability it implements, its equivalents on each provider
with fit, lifecycle and caveats."""

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
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back")]

    def __init__(self) -> None:
        super().__init__()
        self.mapping: ServiceMapping | None = None
        self._notes: dict[str, str] = {}
        self._closest: dict[str, str] = {}
        """Row key of a gap → the closest service, opened by Enter."""
        self._last_group = ""

    @property
    def kb(self) -> KnowledgeBase:
        kb: KnowledgeBase | None = getattr(self.app, "kb", None)
        assert kb is not None, "the map screen opens only once the KB is loaded"
        return kb

    def compose(self) -> ComposeResult:
        names = sorted({s.name for s in self.kb.services.values()}, key=str.casefold)
        yield Header()
        yield Input(
            placeholder="service, e.g. Cosmos DB · → completes · Enter maps · Esc back to browse",
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
        table.add_columns("Capability", "Provider", "Fit", "Equivalent")
        self.query_one("#map-choices").display = False
        self.query_one("#service-input").focus()

    async def action_back(self) -> None:
        """Escape goes back a level: from the results or choices to the service box, from the
        box to browsing."""
        box = self.query_one("#service-input", Input)
        if self.focused is box:
            await self.app.run_action("browse")
            return
        self.query_one("#map-choices").display = False
        box.focus()

    @on(Input.Submitted, "#service-input")
    def _submitted(self, event: Input.Submitted) -> None:
        self.map_name(event.value)

    def map_name(self, text: str) -> None:
        """Resolve `text` to a service and map it; ambiguous names list the choices."""
        from archkb.engine.search import resolve_service

        if not text.strip():
            self._say("Type a service name first, e.g. Cosmos DB.")
            return
        resolution = resolve_service(self.kb, text)
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
        facets = f" · {', '.join(service.facets)}" if service.facets else ""
        life = f" · {mapping.lifecycle_note}" if mapping.lifecycle_note else ""
        self._say(
            Text.assemble(
                (service.name, "bold"),
                f" ({service.provider}) · {mapping.capability_name}{facets}",
                (life, "red"),
                " · ↑↓ caveats · Enter opens · Esc edits · q quits",
            )
        )
        table = self.query_one(DataTable)
        table.clear()
        self._notes = {}
        self._closest = {}
        self._last_group = ""
        for capability_id, answers in mapping.by_capability.items():
            name = self.kb.capabilities[capability_id].name
            for provider in targets:
                for eq in answers.get(provider, []):
                    row = f"{capability_id}:{provider}:{eq.id}"
                    fit = Text(eq.fit, FIT_STYLE[eq.fit])
                    if eq.lifecycle != "ga":
                        fit.append(f" · {eq.lifecycle}", "red")
                    table.add_row(self._group(name), provider.upper(), fit, eq.name, key=row)
                    words = [eq.caveat, eq.note] if eq.caveat or eq.note else None
                    self._notes[row] = (
                        " ".join(w for w in words if w) if words else "An exact equivalent."
                    )
                gap = mapping.gaps.get(capability_id, {}).get(provider)
                if gap:
                    row = f"{capability_id}:{provider}:"
                    closest = f" Closest: {gap.closest_name}." if gap.closest_name else ""
                    table.add_row(
                        self._group(name),
                        provider.upper(),
                        Text("none", "red"),
                        gap.closest_name or "—",
                        key=row,
                    )
                    self._notes[row] = gap.note + closest
                    if gap.closest:
                        self._closest[row] = gap.closest
        table.focus()
        table.move_cursor(row=0)
        self._show_note(0)

    def _group(self, name: str) -> str:
        """The capability name on the first row of its group only (the column stays narrow
        and the groups stand out)."""
        if name == self._last_group:
            return ""
        self._last_group = name
        return name

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
        row = event.row_key.value or ""
        service_id = row.rpartition(":")[2] or self._closest.get(row)
        if service_id:
            self.post_message(OpenRecord(f"service/{service_id}"))

    def _say(self, text: str | Text) -> None:
        self.query_one("#map-title", Static).update(text if isinstance(text, Text) else Text(text))

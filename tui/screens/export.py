"""The export dialog: pick provider, files and folder; the export runs in a worker."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Footer, Input, Label, Select, SelectionList, Static

from ..exporting import DEFAULT_CHOICES, ExportRequest, file_choices, iac_choices, write_export

if TYPE_CHECKING:
    from archkb.engine.kb import KnowledgeBase
    from archkb.engine.results import Recommendation, RecommendationSet, ResolvedArchitecture


class ExportDialog(ModalScreen[None]):
    """Export one recommendation; a notification says where the files went."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "export", "Export"),
        Binding("q", "app.quit", "Quit"),  # a modal screen hides the app's; typed in the folder box
    ]

    def __init__(self, kb: KnowledgeBase, result: RecommendationSet, rank: int, base: Path) -> None:
        super().__init__()
        self.kb = kb
        self.result = result
        self.rec: Recommendation = next(r for r in result.recommendations if r.rank == rank)
        self.base = base
        self.providers = sorted(self.rec.providers)
        self.busy = False
        self._iac_round = 0
        """Counts fillings of the choices, so a late IaC check never adds to a newer list."""

    def default_folder(self, provider: str) -> str:
        return str(self.base / f"archkb-{self.rec.blueprint}-{provider}")

    def compose(self) -> ComposeResult:
        provider = self.providers[0]
        with VerticalScroll(id="export-dialog"):
            yield Label(
                Text.assemble(("Export ", "bold"), f"#{self.rec.rank} {self.rec.name}"),
                id="export-title",
            )
            with Horizontal(classes="export-row"):
                yield Label("Provider ", classes="export-label")
                yield Select(
                    [(self.rec.providers[p].provider_name, p) for p in self.providers],
                    value=provider,
                    allow_blank=False,
                    compact=True,
                    id="export-provider",
                )
            yield Label("Files · Space toggles", classes="export-label")
            yield SelectionList[str](id="export-choices")
            with Horizontal(classes="export-row"):
                yield Label("Folder ", classes="export-label")
                yield Input(self.default_folder(provider), compact=True, id="export-folder")
            yield Checkbox("Replace the folder if it is not empty", compact=True, id="export-force")
            yield Static(id="export-status")
            with Horizontal(classes="export-row", id="export-buttons"):
                yield Button("Export", variant="primary", compact=True, id="export-go")
                yield Button("Cancel", compact=True, id="export-cancel")
        yield Footer()

    def on_mount(self) -> None:
        self._fill_choices(self.providers[0], set(DEFAULT_CHOICES))
        self._status("Enter (in Folder) or ctrl+s exports · Tab moves · Esc cancels")
        self.set_focus(self.query_one("#export-folder", Input))

    def _fill_choices(self, provider: str, selected: set[str]) -> None:
        """The files every design can have now; the IaC tools that fit `provider`'s design when
        a worker has checked (the first check loads the IaC exporters: the dialog must not wait
        for it to open)."""
        choices = self.query_one("#export-choices", SelectionList)
        choices.clear_options()
        for value, label in file_choices():
            choices.add_option((label, value, value in selected))
        choices.highlighted = 0  # so Space toggles at once when the list gets focus
        self._iac_round += 1
        arch, round_ = self.rec.providers[provider], self._iac_round
        painted = asyncio.Event()
        self.call_after_refresh(painted.set)
        self.run_worker(
            self._check_iac(round_, arch, selected, painted),
            group="export-choices",
            exit_on_error=False,
        )

    async def _check_iac(
        self,
        round_: int,
        arch: ResolvedArchitecture,
        selected: set[str],
        painted: asyncio.Event,
    ) -> None:
        """Worker: once the dialog is on screen, ask in a thread which IaC tools fit. (Not
        before: the check is pure Python, and a thread holding the GIL while the dialog is laid
        out would delay its first paint as much as checking in place.)"""
        await painted.wait()
        try:
            found = await asyncio.to_thread(iac_choices, arch)
        except Exception as exc:  # an exporter that fails to load is reported, not hidden
            if self.is_attached:
                self._status(f"IaC exporters failed: {exc}", error=True)
            return
        self._add_iac(round_, found, selected)

    def _add_iac(self, round_: int, found: list[tuple[str, str]], selected: set[str]) -> None:
        if not self.is_attached or round_ != self._iac_round:
            return  # closed, or the choices were filled again meanwhile (that round adds its own)
        choices = self.query_one("#export-choices", SelectionList)
        for value, label in found:
            choices.add_option((label, value, value in selected))

    @on(Select.Changed, "#export-provider")
    def _provider_changed(self, event: Select.Changed) -> None:
        provider = str(event.value)
        choices = self.query_one("#export-choices", SelectionList)
        self._fill_choices(provider, set(choices.selected))
        folder = self.query_one("#export-folder", Input)
        if Path(folder.value).name.startswith(f"archkb-{self.rec.blueprint}-"):
            folder.value = str(Path(folder.value).parent / Path(self.default_folder(provider)).name)

    def request(self) -> ExportRequest:
        """The export the dialog describes right now."""
        provider = self.query_one("#export-provider", Select).value
        return ExportRequest(
            result=self.result,
            rank=self.rec.rank,
            provider=str(provider) if provider in self.rec.providers else self.providers[0],
            choices=tuple(self.query_one("#export-choices", SelectionList).selected),
            folder=Path(self.query_one("#export-folder", Input).value.strip()).expanduser(),
            force=self.query_one("#export-force", Checkbox).value,
        )

    @on(Input.Submitted, "#export-folder")
    @on(Button.Pressed, "#export-go")
    def action_export(self) -> None:
        if self.busy:
            return
        if any(w.group == "export" and not w.is_finished for w in self.app.workers):
            self._status("Another export is still running; try again when it is done.", error=True)
            return
        request = self.request()
        if not request.choices:
            self._status("Choose at least one file (Space toggles).", error=True)
            return
        if not str(request.folder) or str(request.folder) == ".":
            self._status("Give a folder to export to.", error=True)
            return
        self.busy = True
        self.query_one("#export-go", Button).disabled = True
        self._status(f"Exporting to {request.folder}…")
        app = self.app  # the dialog may be closed before the worker ends
        app.run_worker(
            lambda: self._export(app, request),
            thread=True,
            group="export",
            name="export",
            exit_on_error=False,
        )

    def _export(self, app: App[object], request: ExportRequest) -> None:
        """Worker body (thread): write the files, then report back on the UI thread."""
        try:
            paths = write_export(self.kb, request)
        except Exception as exc:  # shown in the dialog, never raised into the app
            app.call_from_thread(self._failed, app, str(exc) or type(exc).__name__)
            return
        app.call_from_thread(self._done, app, request, len(paths))

    def _done(self, app: App[object], request: ExportRequest, count: int) -> None:
        app.notify(f"Wrote {count} file(s) to {request.folder}", title="Export done", timeout=8)
        if self.is_attached:
            self.dismiss()

    def _failed(self, app: App[object], message: str) -> None:
        self.busy = False
        if self.is_attached:
            self.query_one("#export-go", Button).disabled = False
            self._status(f"Export failed: {message}", error=True)
        else:
            app.notify(message, title="Export failed", severity="error", timeout=12)

    def _status(self, text: str, error: bool = False) -> None:
        self.query_one("#export-status", Static).update(Text(text, "red" if error else ""))

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss()

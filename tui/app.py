"""The archkb Textual app: bindings, screen routing, KB loading and command-palette entries."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from .commands import RecordCommands
from .messages import KbReady, OpenRecord
from .screens.browse import BrowseScreen
from .screens.help import HelpScreen
from .screens.mapping import MapScreen
from .screens.neighbours import NeighbourhoodScreen
from .screens.recommend import RecommendScreen
from .screens.terraform import TerraformScreen

if TYPE_CHECKING:
    from archkb.engine.kb import KnowledgeBase

Loader = Callable[[], "tuple[KnowledgeBase, list[str]]"]
"""Loads the KB (e.g. `engine.store.load_knowledge_base`): the KB and warnings to show."""

DARK, LIGHT = "textual-dark", "textual-light"


class ArchkbApp(App[None]):
    """Browse, search, recommend, map and export: renders engine results, nothing more."""

    CSS_PATH = str(Path(__file__).with_name("archkb.tcss"))  # absolute: subclasses live elsewhere
    TITLE = "archkb"
    SUB_TITLE = "architecture knowledge base"
    SCREENS: ClassVar[dict[str, Callable[[], Screen[None]]]] = {
        "browse": BrowseScreen,
        "recommend": RecommendScreen,
        "map": MapScreen,
        "terraform": TerraformScreen,
    }
    MODES: ClassVar[dict[str, str | Callable[[], Screen[None]]]] = {
        "browse": "browse",
        "recommend": "recommend",
        "map": "map",
        "terraform": "terraform",
    }
    DEFAULT_MODE = "browse"
    COMMANDS = App.COMMANDS | {RecordCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search"),
        Binding("b", "browse", "Browse", show=False),
        Binding("r", "recommend", "Recommend"),
        Binding("m", "map", "Map"),
        Binding("o", "terraform", "Open Terraform", show=False),
        Binding("t", "toggle_theme", "Theme", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(
        self,
        kb: KnowledgeBase | None = None,
        *,
        loader: Loader | None = None,
        theme: str = DARK,
        export_dir: Path | None = None,
    ) -> None:
        """Show `kb`, or run `loader` in a worker and show the KB when it is ready.

        `export_dir` is where export folders are proposed (default: the working directory).
        """
        if kb is None and loader is None:
            raise ValueError("give a KnowledgeBase or a loader")
        self._started = time.perf_counter()
        super().__init__()
        self.kb: KnowledgeBase | None = kb
        self.load_error: str | None = None
        self.ready_seconds: float | None = None
        """Seconds from construction to the first paint (Textual's Ready event)."""
        self._loader = loader
        self.export_dir = export_dir
        self.theme = theme

    def on_ready(self) -> None:
        self.ready_seconds = time.perf_counter() - self._started
        if self.kb is None:  # after the first paint: the loader's imports would delay it
            self._load()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        from archkb.engine.errors import KbLoadError

        assert self._loader is not None
        try:
            kb, warnings = self._loader()
        except KbLoadError as exc:
            problems = "\n".join(f"- `{p}`" for p in exc.problems)
            self.call_from_thread(
                self._load_failed, f"The knowledge base has problems:\n\n{problems}"
            )
            return
        except Exception as exc:  # show it; a TUI that dies on start helps nobody
            self.call_from_thread(self._load_failed, f"Cannot load the knowledge base: {exc}")
            return
        self.call_from_thread(self._loaded, kb, warnings)

    def _loaded(self, kb: KnowledgeBase, warnings: list[str]) -> None:
        self.kb = kb
        for warning in warnings:
            self.notify(warning, title="Cache", severity="warning")
        self.get_screen("browse").post_message(KbReady())

    def _load_failed(self, message: str) -> None:
        self.load_error = "# archkb\n\n" + message
        self.notify("The knowledge base did not load; see the page.", severity="error")
        self.get_screen("browse").post_message(KbReady())

    # --- routing -----------------------------------------------------------------------

    @property
    def browser(self) -> BrowseScreen:
        screen = self.get_screen("browse")
        assert isinstance(screen, BrowseScreen)
        return screen

    def _need_kb(self) -> bool:
        if self.kb is None:
            self.notify(
                (self.load_error and "The knowledge base did not load.")
                or "The knowledge base is still loading…",
                severity="warning",
            )
            return False
        return True

    async def _to_mode(self, mode: str) -> None:
        if self.current_mode != mode:
            await self.switch_mode(mode)
        while len(self.screen_stack) > 1:  # close neighbourhood / dialogs on top
            self.pop_screen()
        screen = self.screen
        if screen.focused is None and screen.AUTO_FOCUS:
            # Focus now, not on the screen's next idle: keys typed ahead ("r" then the needs)
            # are already queued and must land in the box.
            target = screen.query(screen.AUTO_FOCUS).first()
            if target.focusable:
                screen.set_focus(target)

    async def on_open_record(self, message: OpenRecord) -> None:
        message.stop()
        if not self._need_kb():
            return
        await self._to_mode("browse")
        await self.browser.show_record(message.key)

    async def action_browse(self) -> None:
        await self._to_mode("browse")

    async def action_search(self) -> None:
        await self._to_mode("browse")
        self.browser.focus_search()

    async def action_recommend(self) -> None:
        if self._need_kb():
            await self._to_mode("recommend")

    async def action_map(self) -> None:
        if not self._need_kb():
            return
        current = self.browser.current if self.current_mode == "browse" else None
        await self._to_mode("map")
        screen = self.get_screen("map")
        assert isinstance(screen, MapScreen)
        if current and current.startswith("service/"):
            screen.show_service(current)

    async def action_terraform(self) -> None:
        if self._need_kb():
            await self._to_mode("terraform")

    def action_neighbours(self) -> None:
        if not self._need_kb():
            return
        key = self.browser.current
        if key is None:
            self.notify("Open a record first (search with /, or pick one in the tree).")
            return
        self.push_screen(NeighbourhoodScreen(key))

    def action_export(self) -> None:
        screen = self.screen
        if isinstance(screen, RecommendScreen):
            screen.action_export()
        else:
            self.notify("Export works on a recommendation: press r, type needs, Enter, then e.")

    def action_why_not(self) -> None:
        screen = self.screen
        if isinstance(screen, RecommendScreen):
            screen.action_why_not()
        else:
            self.notify("Why-not works on a recommendation: press r first.")

    async def action_back(self) -> None:
        await self._to_mode("browse")
        await self.browser.action_back()

    async def action_forward(self) -> None:
        await self._to_mode("browse")
        await self.browser.action_forward()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT if self.theme == DARK else DARK

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield SystemCommand("Browse", "Browse the knowledge base tree", self.action_browse)
        yield SystemCommand("Search", "Search records by name or text (/)", self.action_search)
        yield SystemCommand(
            "Recommend", "Recommend architectures for needs (r)", self.action_recommend
        )
        yield SystemCommand("Map service", "Map a service to the other clouds (m)", self.action_map)
        yield SystemCommand(
            "Open Terraform",
            "Read a Terraform folder and map what it deploys (o)",
            self.action_terraform,
        )
        yield SystemCommand(
            "Neighbourhood", "Graph neighbours of the open record (n)", self.action_neighbours
        )
        yield SystemCommand(
            "Export", "Export diagram, IaC and ADR of a recommendation (e)", self.action_export
        )
        yield SystemCommand(
            "Why not", "Why a blueprint is not recommended (w)", self.action_why_not
        )
        yield SystemCommand("Back", "Previous record ([)", self.action_back)
        yield SystemCommand("Forward", "Next record (])", self.action_forward)
        yield SystemCommand("Help", "Keys and how to get around (?)", self.action_help)
        yield SystemCommand(
            "Toggle dark/light",
            "Switch between dark and light themes (t)",
            self.action_toggle_theme,
        )
        yield from super().get_system_commands(screen)

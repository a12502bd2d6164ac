"""The search box and its live result list."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from ..lookup import Found
from ..messages import OpenRecord


class SearchBox(Input):
    """An input whose ↑/↓ move the result highlight and whose Escape gives up the search."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Next result", show=False),
        Binding("up", "move(-1)", "Previous result", show=False),
        Binding("escape", "leave", "Clear search", show=False),
    ]

    class Move(Message):
        def __init__(self, delta: int) -> None:
            super().__init__()
            self.delta = delta

    class Leave(Message):
        """The user left the search (Escape)."""

    def action_move(self, delta: int) -> None:
        self.post_message(self.Move(delta))

    def action_leave(self) -> None:
        self.value = ""
        self.post_message(self.Leave())


class SearchResults(OptionList):
    """Ranked search hits; Enter (or a click) opens one."""

    for_text: str | None = None
    """The text these results are for."""

    def set_results(self, query: str, found: list[Found], error: str | None = None) -> None:
        self.for_text = query
        self.clear_options()
        if error:
            self.add_option(Option(Text(f"Search failed: {error}", "red"), disabled=True))
        elif not found:
            self.add_option(Option(Text(f"No matches for {query.strip()!r}", "dim"), disabled=True))
        else:
            self.add_options(
                Option(Text.assemble(f.name, (f"  {f.kind}", "dim")), id=f.key) for f in found
            )
            self.highlighted = 0

    def move(self, delta: int) -> None:
        if delta > 0:
            self.action_cursor_down()
        else:
            self.action_cursor_up()

    def open_highlighted(self) -> bool:
        """Open the highlighted hit; False when there is none."""
        if self.highlighted is None:
            return False
        option = self.get_option_at_index(self.highlighted)
        if option.disabled or not option.id:
            return False
        self.post_message(OpenRecord(option.id))
        return True

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(OpenRecord(event.option.id))

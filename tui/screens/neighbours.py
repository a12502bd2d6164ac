"""A record's graph neighbourhood: the nodes one edge away, grouped by edge kind."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, Tree

from ..messages import OpenRecord

if TYPE_CHECKING:
    from archkb.engine.kb import KnowledgeBase

ARROWS = {"->": "→", "<-": "←"}


class NeighbourhoodScreen(Screen[None]):
    """Edges of one record; Enter on a neighbour opens it in the browser."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "Close")]

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="neighbours-title")
        yield Tree[str]("neighbours", data="", id="neighbours")
        yield Footer()

    def on_mount(self) -> None:
        kb: KnowledgeBase | None = getattr(self.app, "kb", None)
        title = self.query_one("#neighbours-title", Static)
        tree = self.query_one(Tree)
        tree.show_root = False
        if kb is None or self.key not in kb.graph:
            title.update(Text(f"No record {self.key!r} in the graph.", "red"))
            return
        from archkb.engine.graph import neighbours

        groups = neighbours(kb.graph, self.key)
        name = kb.graph.nodes[self.key]["name"]
        edges = sum(len(items) for items in groups.values())
        title.update(
            Text.assemble(
                (name, "bold"),
                f"  {self.key} · {edges} edge(s) · → outgoing, ← incoming · Enter opens",
            )
        )
        for kind, items in groups.items():
            group = tree.root.add(
                Text.assemble(kind, (f" ({len(items)})", "dim")), data="", expand=True
            )
            for direction, key, node_name in items:
                group.add_leaf(
                    Text.assemble(
                        f"{ARROWS[direction]} {node_name}", (f"  {key.partition('/')[0]}", "dim")
                    ),
                    data=key,
                )
        tree.root.expand()
        tree.focus()

    def on_tree_node_selected(self, event: Tree.NodeSelected[str]) -> None:
        event.stop()
        key = event.node.data
        if not key:
            return
        kb: KnowledgeBase | None = getattr(self.app, "kb", None)
        try:
            assert kb is not None
            kb.get(key)
        except (AssertionError, KeyError):
            self.notify(f"{key} is a graph node, not a record to open.")
            return
        self.post_message(OpenRecord(key))

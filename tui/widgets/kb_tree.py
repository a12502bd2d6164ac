"""The KB as a tree: providers → categories → services, patterns by category, and the rest."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ..messages import OpenRecord

if TYPE_CHECKING:
    from archkb.engine.kb import KnowledgeBase

Node = TreeNode[str]


class KbTree(Tree[str]):
    """Every record reachable by kind and category; a node's data is its record key or ""."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("Knowledge base", data="", id=id)
        self.show_root = False
        self.guide_depth = 2

    def populate(self, kb: KnowledgeBase) -> None:
        """(Re)build the tree from `kb`; groups start collapsed except the top level."""
        self.clear()
        root = self.root
        self._providers(kb, root.add(_label("Providers", len(kb.providers)), data=""))
        self._grouped(
            root, "Patterns", kb, kb.patterns.values(), "pattern", lambda p: p.category, "category"
        )
        blueprints = root.add(_label("Blueprints", len(kb.blueprints)), data="")
        self._leaves(blueprints, "blueprint", kb.blueprints.values())
        self._grouped(
            root, "Tools", kb, kb.tools.values(), "tool", lambda t: t.category, "category"
        )
        needs = root.add(_label("Needs", len(kb.needs)), data="")
        by_kind: dict[str, list[Any]] = defaultdict(list)
        for need in kb.needs.values():
            by_kind[need.need_kind.value].append(need)
        for kind in sorted(by_kind):
            self._leaves(
                needs.add(_label(kind, len(by_kind[kind])), data=""), "need", by_kind[kind]
            )
        self._grouped(
            root,
            "Capabilities",
            kb,
            kb.capabilities.values(),
            "capability",
            lambda c: c.category,
            "category",
        )
        self._leaves(
            root.add(_label("Jurisdictions", len(kb.jurisdictions)), data=""),
            "jurisdiction",
            kb.jurisdictions.values(),
        )
        self._leaves(
            root.add(_label("Categories", len(kb.categories)), data=""),
            "category",
            kb.categories.values(),
        )
        root.expand()
        self.cursor_line = 0

    def _providers(self, kb: KnowledgeBase, parent: Node) -> None:
        for provider in sorted(kb.providers.values(), key=lambda p: p.name):
            node = parent.add(Text(provider.name), data=f"provider/{provider.id}")
            services = [s for s in kb.services.values() if s.provider == provider.id]
            by_category: dict[str, list[Any]] = defaultdict(list)
            for service in services:
                capability = kb.capabilities.get(service.capability)
                by_category[capability.category if capability else "other"].append(service)
            for category in sorted(by_category, key=lambda c: _name(kb, "category", c)):
                group = node.add(
                    _label(_name(kb, "category", category), len(by_category[category])),
                    data=_key(kb, "category", category),
                )
                self._leaves(group, "service", by_category[category])
            regions = kb.regions_by_provider.get(provider.id, [])
            self._leaves(node.add(_label("Regions", len(regions)), data=""), "region", regions)

    def _grouped(
        self,
        root: Node,
        title: str,
        kb: KnowledgeBase,
        records: Iterable[Any],
        kind: str,
        group_of: Callable[[Any], str],
        group_kind: str,
    ) -> None:
        items = list(records)
        parent = root.add(_label(title, len(items)), data="")
        groups: dict[str, list[Any]] = defaultdict(list)
        for record in items:
            groups[group_of(record)].append(record)
        for group in sorted(groups, key=lambda g: _name(kb, group_kind, g)):
            node = parent.add(
                _label(_name(kb, group_kind, group), len(groups[group])),
                data=_key(kb, group_kind, group),
            )
            self._leaves(node, kind, groups[group])

    @staticmethod
    def _leaves(parent: Node, kind: str, records: Iterable[Any]) -> None:
        for record in sorted(records, key=lambda r: r.name.casefold()):
            parent.add_leaf(Text(record.name), data=f"{kind}/{record.id}")

    def on_tree_node_selected(self, event: Tree.NodeSelected[str]) -> None:
        event.stop()
        if event.node.data:
            self.post_message(OpenRecord(event.node.data))

    def reveal(self, key: str) -> None:
        """Move the cursor to the node of `key`, expanding its parents (no-op when absent)."""
        node = _find(self.root, key)
        if node is None:
            return
        parent = node.parent
        while parent is not None:
            parent.expand()
            parent = parent.parent
        self.call_after_refresh(self._move_to, node)

    def _move_to(self, node: Node) -> None:
        if node.line >= 0:
            self.cursor_line = node.line
            self.scroll_to_line(node.line)


def _find(node: Node, key: str) -> Node | None:
    if node.data == key:
        return node
    for child in node.children:
        found = _find(child, key)
        if found is not None:
            return found
    return None


def _label(title: str, count: int) -> Text:
    return Text.assemble(title, (f" ({count})", "dim"))


def _name(kb: KnowledgeBase, kind: str, record_id: str) -> str:
    try:
        return str(kb.get(f"{kind}/{record_id}").name)
    except KeyError:
        return record_id


def _key(kb: KnowledgeBase, kind: str, record_id: str) -> str:
    return f"{kind}/{record_id}" if record_id in kb.table(kind) else ""

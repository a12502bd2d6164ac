"""Open a Terraform folder: its inventory by source service, each row's mapping to a provider."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static, Tree
from textual.widgets.tree import TreeNode

if TYPE_CHECKING:
    from archkb.engine.kb import KnowledgeBase
    from archkb.engine.migration import MigrationRow, MigrationTable
    from archkb.engine.terraform import Inventory

STATUS_STYLE = {
    "exact": "green",
    "partial": "yellow",
    "no-equivalent": "red",
    "unknown": "red",
    "folded": "dim",
    "glue": "dim",
    "unparsed": "magenta",
}
_GROUPS = (("unknown", "Unknown to the KB"), ("glue", "Glue"), ("unparsed", "Unparsed"))


class TerraformScreen(Screen[None]):
    """Type a folder (or file), Enter: the tree groups rows by source service; `p` picks the
    target provider; the highlighted row's mapping shows on the right. Same data as
    `archkb map DIR --to P --all`."""

    AUTO_FOCUS = "#tf-path"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "next_target", "Target provider"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.inventory: Inventory | None = None
        self.table: MigrationTable | None = None
        self.source: str | None = None
        self.target: str | None = None
        self._path = ""

    @property
    def kb(self) -> KnowledgeBase:
        kb: KnowledgeBase | None = getattr(self.app, "kb", None)
        assert kb is not None, "the Terraform screen opens only once the KB is loaded"
        return kb

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            placeholder="Terraform folder or file, e.g. infra/ · Enter reads it · Esc leaves",
            id="tf-path",
        )
        yield Static("Type the path of a Terraform folder and press Enter.", id="tf-title")
        with Horizontal(id="tf-body"):
            yield Tree("inventory", id="tf-tree")
            with VerticalScroll(id="tf-detail-scroll"):
                yield Static(id="tf-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#tf-tree", Tree).show_root = False
        self.query_one("#tf-path").focus()

    async def action_back(self) -> None:
        """Escape goes back a level: from the inventory to the path box, from the box to
        browsing (it used to toggle between the two, so the way out was never Escape)."""
        box = self.query_one("#tf-path", Input)
        if self.focused is box:
            await self.app.run_action("browse")
            return
        box.focus()

    @on(Input.Submitted, "#tf-path")
    def _submitted(self, event: Input.Submitted) -> None:
        self.open_path(event.value)

    def open_path(self, text: str) -> None:
        """Read the folder or file `text` in a worker, then show its inventory."""
        path = Path(text.strip()).expanduser()
        if not text.strip():
            self._say("Type the path of a Terraform folder first.")
            return
        self._path = text.strip()
        self._say(f"Reading {self._path}…")
        self._read(path)

    @work(thread=True, exclusive=True, group="terraform", exit_on_error=False)
    def _read(self, path: Path) -> None:
        from archkb.engine.bill import BillInputError, is_terraform_path, read_bill
        from archkb.engine.migration import ProviderChoiceError, map_inventory, settle_providers
        from archkb.engine.terraform.owners import rule_types

        kb = self.kb
        try:
            if path.exists() and not is_terraform_path(path):
                raise BillInputError(f"{path}: not a .tf, .tf.json or .tofu file, nor a folder")
            bill = read_bill(path, detail=rule_types(kb))
            assert bill.inventory is not None
            source, targets = settle_providers(kb, bill.inventory, None, None, str(path))
            target = self.target if self.target in targets else targets[0]
            table = map_inventory(kb, bill.inventory, source, [target])
        except (BillInputError, ProviderChoiceError) as exc:
            self.app.call_from_thread(self._say, str(exc))
            return
        self.app.call_from_thread(self._show, bill.inventory, source, target, table)

    def _show(self, inventory: Inventory, source: str, target: str, table: MigrationTable) -> None:
        self.inventory, self.source, self.target, self.table = inventory, source, target, table
        s = table.summary
        coverage = f"{s['coverage']:.0%}" if isinstance(s["coverage"], float) else "n/a"
        self._say(
            Text.assemble(
                (self._path, "bold"),
                f" · {source} → ",
                (target, "bold"),
                f" · {s['total']} rows from {s['files']} files · coverage {coverage} · "
                f"{s['exact']} exact, {s['partial']} partial, {s['no_equivalent']} no equivalent, "
                f"{s['unknown']} unknown · p: target",
            )
        )
        self._fill_tree(table)

    def _fill_tree(self, table: MigrationTable) -> None:
        tree: Tree[MigrationRow | None] = self.query_one("#tf-tree", Tree)
        tree.clear()
        by_service: dict[str, list[MigrationRow]] = {}
        grouped: dict[str, list[MigrationRow]] = {status: [] for status, _ in _GROUPS}
        for row in table.rows:
            if row.source is not None and row.status not in ("unknown", "glue"):
                by_service.setdefault(row.source.id, []).append(row)
            else:
                grouped["unparsed" if row.status == "unparsed" else row.status].append(row)
        for rollup in table.by_service:
            rows = by_service.pop(rollup.source.id, [])
            mapping = rollup.targets.get(self.target or "")
            label = Text.assemble(
                (rollup.source.name, "bold"),
                f" ({len(rows)})",
                " → ",
                (
                    mapping.target.name if mapping and mapping.target else "no equivalent",
                    STATUS_STYLE[mapping.status] if mapping else "",
                ),
            )
            self._add_rows(tree.root.add(label, data=None, expand=False), rows)
        for rows in by_service.values():  # only folded rows (their parent mapped elsewhere)
            self._add_rows(tree.root.add(rows[0].source.name if rows[0].source else "?"), rows)
        for status, title in _GROUPS:
            if grouped[status]:
                node = tree.root.add(Text(f"{title} ({len(grouped[status])})", "italic"))
                self._add_rows(node, grouped[status])
        tree.focus()
        if tree.root.children:
            tree.move_cursor(tree.root.children[0])
            self._show_detail(None)

    def _add_rows(self, node: TreeNode[MigrationRow | None], rows: list[MigrationRow]) -> None:
        for row in rows:
            node.add_leaf(Text(row.item, STATUS_STYLE.get(row.status, "")), data=row)

    @on(Tree.NodeHighlighted, "#tf-tree")
    def _highlighted(self, event: Tree.NodeHighlighted[MigrationRow | None]) -> None:
        self._show_detail(event.node.data)

    def _show_detail(self, row: MigrationRow | None) -> None:
        detail = self.query_one("#tf-detail", Static)
        if row is None:
            detail.update(Text("↑↓ moves, Enter opens a service group, p changes the target."))
            return
        detail.update(detail_text(row, self.target or ""))

    def action_next_target(self) -> None:
        """Map the same inventory to the next provider (the source excluded)."""
        if self.inventory is None or self.source is None:
            self._say("Open a Terraform folder first: type its path, Enter.")
            return
        from archkb.engine.migration import map_inventory

        others = [p for p in sorted(self.kb.providers) if p != self.source]
        target = others[(others.index(self.target) + 1) % len(others)] if self.target else others[0]
        table = map_inventory(self.kb, self.inventory, self.source, [target])
        self._show(self.inventory, self.source, target, table)

    def _say(self, text: str | Text) -> None:
        self.query_one("#tf-title", Static).update(text if isinstance(text, Text) else Text(text))


def detail_text(row: MigrationRow, target: str) -> Text:
    """What the CLI prints for one row, as a block of text."""
    out = Text()
    out.append(row.item + "\n", "bold")
    where = f"{row.file}:{row.line}" if row.file else ""
    if where:
        out.append(f"{where}" + (f" · {row.module}" if row.module else "") + "\n")
    out.append("status: ")
    out.append(row.status + "\n", STATUS_STYLE.get(row.status, ""))
    if row.resource_type:
        out.append(f"resource type: {row.resource_type}\n")
    if row.source:
        out.append(f"source: {row.source.name} ({row.source.id}) · {row.source.capability}\n")
    mapping = row.targets.get(target)
    if mapping is not None:
        if mapping.target is not None:
            out.append(f"→ {target}: ")
            out.append(mapping.target.name, "bold")
            out.append(f" ({mapping.target.id}) ")
            out.append(mapping.status + "\n", STATUS_STYLE[mapping.status])
            if mapping.target.terraform_types:
                out.append("  as " + ", ".join(mapping.target.terraform_types) + "\n", "dim")
        else:
            out.append(f"→ {target}: ")
            out.append("no equivalent\n", "red")
        if mapping.alternatives:
            names = ", ".join(f"{a.name} ({a.fit})" for a in mapping.alternatives)
            out.append(f"alternatives: {names}\n")
        if mapping.note:
            out.append(mapping.note + "\n", "italic")
    if row.folded_into:
        out.append(f"folded into: {row.folded_into}\n")
    if row.note:
        out.append(row.note + "\n", "italic")
    return out

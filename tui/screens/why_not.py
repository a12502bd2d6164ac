"""Why not: pick any blueprint and read every constraint that rules it out for the needs."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Markdown, OptionList
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from archkb.engine.kb import KnowledgeBase
    from archkb.engine.needs import ParsedNeeds
    from archkb.engine.results import RecommendationSet


class WhyNotScreen(ModalScreen[None]):
    """Blueprints left out come first; ↑/↓ shows each one's reasons."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close"),
        Binding("q", "app.quit", "Quit"),  # a modal screen hides the app's bindings
    ]

    def __init__(self, kb: KnowledgeBase, needs: ParsedNeeds, result: RecommendationSet) -> None:
        super().__init__()
        self.kb = kb
        self.needs = needs
        self.ranks = {r.blueprint: r.rank for r in result.recommendations}

    def compose(self) -> ComposeResult:
        with Vertical(id="why-not"):
            yield Label(
                Text.assemble(
                    ("Why not? ", "bold"),
                    f"needs {', '.join(self.needs.ids)} · ↑↓ pick, Esc closes",
                )
            )
            yield OptionList(id="why-not-list")
            with VerticalScroll(id="why-not-scroll"):
                yield Markdown(id="why-not-text")
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        blueprints = sorted(
            self.kb.blueprints.values(),
            key=lambda b: (b.id in self.ranks, self.ranks.get(b.id, 0), b.name),
        )
        for blueprint in blueprints:
            rank = self.ranks.get(blueprint.id)
            tag = (f"  #{rank}", "green") if rank else ("  left out", "red")
            options.add_option(Option(Text.assemble(blueprint.name, tag), id=blueprint.id))
        if blueprints:
            options.highlighted = 0
        options.focus()

    @on(OptionList.OptionHighlighted, "#why-not-list")
    async def _show(self, event: OptionList.OptionHighlighted) -> None:
        from archkb.engine.recommend import why_not

        blueprint = event.option.id or ""
        reasons = why_not(self.kb, blueprint, self.needs)
        name = self.kb.blueprints[blueprint].name
        if not reasons:
            text = f"**{name}** meets every need" + (
                f" and ranks #{self.ranks[blueprint]}."
                if blueprint in self.ranks
                else "; it ranks below the ones shown."
            )
        else:
            lines = [
                f"- **{'every provider' if r.provider == 'all' else r.provider}**: {r.reason}"
                for r in reasons
            ]
            text = f"**{name}** is ruled out here:\n\n" + "\n".join(lines)
        await self.query_one("#why-not-text", Markdown).update(text)

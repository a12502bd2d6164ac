"""`archkb tui`: the terminal UI (Textual is imported only when this command runs)."""

from __future__ import annotations

import click

from .common import AppContext


@click.command("tui")
@click.option(
    "--kb",
    "overlays",
    multiple=True,
    type=click.Path(path_type=str),
    help="Overlay KB folder, added after the global --kb ones; repeatable.",
)
@click.pass_context
def tui_command(ctx: click.Context, overlays: tuple[str, ...]) -> None:
    """Browse, search, recommend, map and export in a terminal UI.

    \b
    Keys: / search · r recommend · m map · e export · ? help · q quit.
    Every action is also in the command palette (ctrl+p).
    """
    from pathlib import Path

    from archkb.engine.kb import KnowledgeBase
    from archkb.engine.store import load_knowledge_base
    from archkb.tui.app import ArchkbApp

    root: AppContext = ctx.find_root().obj or AppContext()
    folders = [Path(p) for p in (*root.overlays, *overlays)]

    def loader() -> tuple[KnowledgeBase, list[str]]:
        from archkb.runtime import long_lived

        with long_lived():
            loaded: tuple[KnowledgeBase, list[str]] = load_knowledge_base(
                folders, use_cache=root.use_cache
            )
        return loaded

    ArchkbApp(loader=loader).run()

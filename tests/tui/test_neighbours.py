"""Neighbourhood: a record's graph neighbours grouped by edge kind."""

from __future__ import annotations

from archkb.tui.app import ArchkbApp
from archkb.tui.screens.browse import BrowseScreen
from archkb.tui.screens.neighbours import NeighbourhoodScreen
from textual.widgets import Static, Tree

from .pilot_helpers import settle


async def test_neighbours_grouped_by_edge_kind_and_enter_opens(app: ArchkbApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await app.browser.show_record("pattern/cqrs")
        await pilot.press("n")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NeighbourhoodScreen)
        tree = screen.query_one(Tree)
        kinds = [str(node.label).split(" (")[0] for node in tree.root.children]
        assert {"in_category", "affects", "complements"} <= set(kinds)
        assert kinds == sorted(kinds)
        group = tree.root.children[kinds.index("in_category")]
        tree.move_cursor(group.children[0])
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        assert app.browser.current == group.children[0].data
        assert str(app.browser.current).startswith("category/")


async def test_escape_closes_and_unknown_keys_are_reported(app: ArchkbApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")  # nothing open yet: a notice
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        await app.push_screen(NeighbourhoodScreen("service/no-such-thing"))
        await settle(pilot)
        title = str(app.screen.query_one("#neighbours-title", Static).render())
        assert "No record" in title
        await pilot.press("escape")
        assert isinstance(app.screen, BrowseScreen)

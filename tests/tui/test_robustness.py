"""The TUI never crashes: empty KB, empty search, unknown ids, tiny terminals, keys mashed
while a worker runs."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.tui import exporting
from archkb.tui.app import ArchkbApp
from archkb.tui.messages import OpenRecord
from archkb.tui.screens.browse import BrowseScreen
from archkb.tui.screens.export import ExportDialog
from archkb.tui.screens.mapping import MapScreen
from archkb.tui.screens.neighbours import NeighbourhoodScreen
from archkb.tui.widgets.kb_tree import KbTree
from archkb.tui.widgets.search import SearchResults
from textual.widgets import Static

from .pilot_helpers import notices, page, settle


async def test_empty_kb(empty_kb: KnowledgeBase) -> None:
    app = ArchkbApp(empty_kb)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "empty" in page(app)
        assert all("(0)" in str(n.label) for n in app.browser.query_one(KbTree).root.children)
        await pilot.press("slash", *"lambda", "enter")
        await settle(pilot)
        assert app.browser.query_one(SearchResults).for_text == "lambda"
        await pilot.press("escape", "r", *"serverless", "enter")
        await settle(pilot)
        assert "unknown need" in str(app.screen.query_one("#needs-status", Static).render())
        await pilot.press("escape", "e", "w", "m", *"Cosmos DB", "enter")
        await settle(pilot)
        assert isinstance(app.screen, MapScreen)
        await pilot.press("escape", "b", "n")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)


async def test_empty_and_blank_searches(app: ArchkbApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", "enter", "space", "space", "enter")
        await settle(pilot)
        assert app.browser.current is None
        await pilot.press(*"%%%", "enter")  # no words at all
        await settle(pilot)
        results = app.browser.query_one(SearchResults)
        assert results.option_count == 1 and results.get_option_at_index(0).disabled
        await pilot.press("ctrl+u", *"zzqqxxyy", "enter")
        await settle(pilot)
        assert app.browser.current is None


@pytest.mark.parametrize("key", ["service/no-such", "nonsense", "", "kind/x/y", "quality/cost"])
async def test_unknown_ids_are_reported(app: ArchkbApp, key: str) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await app.browser.show_record("pattern/cqrs")
        app.post_message(OpenRecord(key))
        await settle(pilot)
        assert app.browser.current == "pattern/cqrs"
        assert any("No record" in n for n in notices(app))


async def test_non_record_neighbours_are_reported(app: ArchkbApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await app.browser.show_record("pattern/cqrs")
        await pilot.press("n")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NeighbourhoodScreen)
        tree = screen.query_one("#neighbours")
        affects = next(n for n in tree.root.children if str(n.label).startswith("affects"))
        tree.move_cursor(affects.children[0])
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert any("not a record" in n for n in notices(app))


@pytest.mark.parametrize("size", [(40, 12), (60, 20)])
async def test_small_terminals_do_not_break(
    app: ArchkbApp, size: tuple[int, int], tmp_path: Path
) -> None:
    app.export_dir = tmp_path
    async with app.run_test(size=size) as pilot:
        await pilot.press("slash", *"cosmos", "enter")
        await settle(pilot)
        assert app.browser.current == "service/azure-cosmos-db"
        await pilot.press("l", "enter", "n")
        await settle(pilot)
        await pilot.press("escape", "question_mark")
        await settle(pilot)
        await pilot.press("escape", "r", *"faas,eu", "enter")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("escape", "w")
        await settle(pilot)
        await pilot.press("escape", "m", *"lambda", "enter")
        await settle(pilot)
        await pilot.resize_terminal(30, 8)
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert app.is_running


async def test_keys_mashed_during_an_export_worker(
    app: ArchkbApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Path] = []
    release = threading.Event()

    def slow_export(kb: KnowledgeBase, request: exporting.ExportRequest) -> list[Path]:
        calls.append(request.folder)
        release.wait(10)
        return []

    monkeypatch.setattr("archkb.tui.screens.export.write_export", slow_export)
    app.export_dir = tmp_path
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r", *"serverless,eu", "enter")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press(
            "enter",
            "enter",
            "ctrl+s",
            "tab",
            "space",
            "enter",
            "escape",
            "down",
            "up",
            "e",
            "enter",
            "escape",
            "w",
            "escape",
            "m",
        )
        release.set()
        await settle(pilot)
        assert len(calls) == 1  # one export, however many times Enter was pressed
        assert app.is_running
        assert isinstance(app.screen, MapScreen)
        assert any("Wrote" in n for n in notices(app))


async def test_typing_fast_while_searches_run(app: ArchkbApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", *"serverless queue database", *["backspace"] * 8, *"storage")
        await settle(pilot)
        results = app.browser.query_one(SearchResults)
        assert results.for_text == "serverless queue storage"

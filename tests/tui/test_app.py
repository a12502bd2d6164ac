"""The app shell: help, themes, command palette, quitting, and loading the KB in a worker."""

from __future__ import annotations

import threading

from archkb.engine.errors import KbLoadError, KbProblem
from archkb.engine.kb import KnowledgeBase
from archkb.tui.app import DARK, LIGHT, ArchkbApp
from archkb.tui.screens.browse import BrowseScreen
from archkb.tui.screens.help import HelpScreen
from archkb.tui.screens.recommend import RecommendScreen
from archkb.tui.widgets.kb_tree import KbTree

from .pilot_helpers import notices, page, settle

ACTIONS = {
    "Browse",
    "Search",
    "Recommend",
    "Map service",
    "Neighbourhood",
    "Export",
    "Why not",
    "Back",
    "Forward",
    "Help",
    "Toggle dark/light",
    "Quit",
}


async def test_help_opens_and_closes(app: ArchkbApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, BrowseScreen)
        await pilot.press("question_mark", "question_mark")  # ? closes it too
        assert isinstance(app.screen, BrowseScreen)
        await pilot.press("question_mark", "q")  # q quits here as everywhere
        await pilot.pause()
        assert not app.is_running


async def test_t_switches_dark_and_light(app: ArchkbApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.theme == DARK
        await pilot.press("t")
        assert app.theme == LIGHT
        await pilot.press("t")
        assert app.theme == DARK


async def test_command_palette_offers_every_action(app: ArchkbApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        names = {command.title for command in app.get_system_commands(app.screen)}
        assert names >= ACTIONS
        await pilot.press("ctrl+p", *"recommend")
        await settle(pilot)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RecommendScreen)


async def test_command_palette_opens_records_by_name(app: ArchkbApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p", *"open dynamodb")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert app.browser.current == "service/aws-dynamodb"


async def test_q_quits(app: ArchkbApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_the_loader_runs_in_a_worker_and_keys_work_meanwhile(kb: KnowledgeBase) -> None:
    release = threading.Event()

    def loader() -> tuple[KnowledgeBase, list[str]]:
        release.wait(10)
        return kb, ["cache was stale; rebuilt it"]

    app = ArchkbApp(loader=loader)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Loading" in page(app)
        await pilot.press(
            "r",
            "m",
            "n",
            "e",
            "slash",
            *"lambda",
            "enter",
            "escape",
            "left_square_bracket",
            "question_mark",
            "escape",
        )
        assert app.kb is None and isinstance(app.screen, BrowseScreen)
        assert any("loading" in n for n in notices(app))
        release.set()
        await settle(pilot)
        assert app.kb is kb
        assert app.browser.query_one(KbTree).root.children
        assert any("stale" in n for n in notices(app))


async def test_a_broken_kb_is_shown_not_raised() -> None:
    problem = KbProblem("kb/patterns/x.yaml", 3, "pattern/x", "summary", "field required")

    def loader() -> tuple[KnowledgeBase, list[str]]:
        raise KbLoadError([problem])

    app = ArchkbApp(loader=loader)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "kb/patterns/x.yaml:3" in page(app)
        await pilot.press("r", "slash", *"x", "m")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        assert app.is_running

"""SVG snapshots of the main screens at 80×24 and 120×40 (built-in KB, dark theme, no clock).

Regenerate after an intended change (or a KB edit that shows on these screens) with
`pytest tests/tui/test_snapshots.py --snapshot-update`, and look at the SVGs before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.tui.app import ArchkbApp
from textual.pilot import Pilot
from textual.widgets import Input

from .pilot_helpers import settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
Steps = Callable[[Pilot[None]], Awaitable[None]]


def keys(*presses: str) -> Steps:
    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        for key in presses:
            await pilot.press(key)
            if key in ("enter", "e", "n", "question_mark"):
                await settle(pilot)
        await settle(pilot)
        # A blinking cursor is drawn or not depending on when the shot is taken: hold it still.
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False
        await pilot.pause()

    return run


SCREENS = {
    "browse": keys(),
    "record": keys("slash", *"cosmos db", "enter"),
    "recommend": keys("r", *"serverless,eu", "enter"),
    "map": keys("m", *"Cosmos DB", "enter"),
}


@pytest.fixture
def snapshot_app(kb: KnowledgeBase) -> ArchkbApp:
    return ArchkbApp(kb, export_dir=Path("/exports"))


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_main_screens(
    snap_compare: Any, snapshot_app: ArchkbApp, screen: str, size: tuple[int, int]
) -> None:
    assert snap_compare(snapshot_app, terminal_size=size, run_before=SCREENS[screen])


DIALOGS = {
    "export": keys("r", *"serverless,eu", "enter", "e"),
    "help": keys("question_mark"),
    "neighbours": keys("slash", *"cqrs", "enter", "n"),
}


@pytest.mark.parametrize("dialog", list(DIALOGS))
def test_dialogs(snap_compare: Any, snapshot_app: ArchkbApp, dialog: str) -> None:
    assert snap_compare(snapshot_app, terminal_size=(80, 24), run_before=DIALOGS[dialog])

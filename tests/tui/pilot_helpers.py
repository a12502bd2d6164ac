"""Helpers for Pilot tests: wait for workers, read what is on screen."""

from __future__ import annotations

from archkb.tui.app import ArchkbApp
from textual.pilot import Pilot
from textual.widgets import Markdown


async def settle(pilot: Pilot[None]) -> None:
    """Let workers finish and the screen catch up."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def page(app: ArchkbApp) -> str:
    """The Markdown source of the record pane."""
    return app.browser.query_one("#record-md", Markdown).source


def notices(app: ArchkbApp) -> list[str]:
    return [n.message for n in app._notifications]

"""The way back and the way out, on every screen: Escape goes back a level (from a screen's top
level to the browser), `q` quits unless a text box has focus, and the footer shows both. The
export dialog opens without waiting for the IaC exporters."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from archkb.tui.app import ArchkbApp
from archkb.tui.screens.browse import BrowseScreen
from archkb.tui.screens.export import ExportDialog
from archkb.tui.screens.help import HelpScreen
from archkb.tui.screens.mapping import MapScreen
from archkb.tui.screens.neighbours import NeighbourhoodScreen
from archkb.tui.screens.recommend import RecommendScreen
from archkb.tui.screens.terraform import TerraformScreen
from archkb.tui.screens.why_not import WhyNotScreen
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, SelectionList

from .pilot_helpers import settle

DATA = Path(__file__).resolve().parents[1] / "data"


def footer_keys(app: ArchkbApp) -> set[str]:
    """The keys the footer shows right now."""
    return {key for key, active in app.active_bindings.items() if active.binding.show}


async def open_screen(app: ArchkbApp, pilot: Pilot[None], name: str) -> None:
    """Open `name` the way a user does, with its results showing where it has any."""
    steps: dict[str, list[str]] = {
        "recommend": ["r", *"serverless,eu", "enter"],
        "map": ["m", *"lambda", "enter"],
        "terraform": ["o", *str(DATA / "tf" / "aws-serverless"), "enter"],
        "neighbours": ["slash", *"lambda", "enter", "n"],
        "help": ["question_mark"],
        "why-not": ["r", *"serverless,eu", "enter", "w"],
        "export": ["r", *"serverless,eu", "enter", "e"],
    }
    for key in steps[name]:
        await pilot.press(key)
        if not (len(key) == 1 and isinstance(app.focused, Input)):
            await settle(pilot)  # a key that acts; a character typed into a box starts nothing


SCREENS: dict[str, type[Screen[None]]] = {
    "recommend": RecommendScreen,
    "map": MapScreen,
    "terraform": TerraformScreen,
    "neighbours": NeighbourhoodScreen,
    "help": HelpScreen,
    "why-not": WhyNotScreen,
    "export": ExportDialog,
}
BELOW = {"why-not": RecommendScreen, "export": RecommendScreen}
"""Dialogs go back to the screen they were opened from; everything else to the browser."""


@pytest.mark.parametrize("name", list(SCREENS))
async def test_the_footer_shows_back_and_quit_and_escape_leads_home(
    app: ArchkbApp, name: str, tmp_path: Path
) -> None:
    app.export_dir = tmp_path
    async with app.run_test(size=(100, 30)) as pilot:
        await open_screen(app, pilot, name)
        assert isinstance(app.screen, SCREENS[name])
        if isinstance(app.screen.focused, Input):  # q is typed there, so not offered
            assert "escape" in footer_keys(app) and "q" not in footer_keys(app)
            await pilot.press("tab")
        assert {"escape", "q"} <= footer_keys(app), footer_keys(app)
        for _ in range(3):  # at most: results → input box → where it came from
            if not isinstance(app.screen, SCREENS[name]):
                break
            await pilot.press("escape")
            await settle(pilot)
        assert isinstance(app.screen, BELOW.get(name, BrowseScreen))
        if name in BELOW:
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, BrowseScreen)
        assert app.is_running


@pytest.mark.parametrize("name", list(SCREENS))
async def test_q_quits_unless_a_text_box_has_focus(
    app: ArchkbApp, name: str, tmp_path: Path
) -> None:
    app.export_dir = tmp_path
    async with app.run_test(size=(100, 30)) as pilot:
        await open_screen(app, pilot, name)
        screen = app.screen
        box = screen.focused
        if isinstance(box, Input):  # typed, not a quit; then leave the box
            before = box.value
            await pilot.press("q")
            assert app.is_running and box.value in (before + "q", "q")  # "q": it was selected
            await pilot.press("tab")
            await settle(pilot)
            assert not isinstance(screen.focused, Input)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_escape_in_the_terraform_inventory_returns_to_the_path_box(app: ArchkbApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await open_screen(app, pilot, "terraform")
        screen = app.screen
        await pilot.press("tab")
        assert not isinstance(screen.focused, Input)
        await pilot.press("escape")
        assert isinstance(screen.focused, Input) and screen.focused.id == "tf-path"
        assert app.screen is screen
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)


async def test_the_export_dialog_opens_before_the_iac_check_ends(
    app: ArchkbApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The IaC fit check (the exporters and their catalogue: ~1 s cold on a busy machine) runs
    in a worker after the dialog is up; the other files can be chosen at once."""
    from archkb.tui import exporting

    release = threading.Event()
    threads: list[threading.Thread] = []

    def slow_check(arch: object) -> list[tuple[str, str]]:
        threads.append(threading.current_thread())
        release.wait(10)
        return exporting.iac_choices(arch)  # type: ignore[arg-type]

    monkeypatch.setattr("archkb.tui.screens.export.iac_choices", slow_check)
    app.export_dir = tmp_path
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("r", *"serverless,eu", "enter")
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        choices = dialog.query_one("#export-choices", SelectionList)
        values = {choices.get_option_at_index(i).value for i in range(choices.option_count)}
        assert {"diagram:png", "adr", "review"} <= values
        assert not any(v.startswith("iac:") for v in values)
        assert threads and threads[0] is not threading.main_thread()
        release.set()
        await settle(pilot)
        values = {choices.get_option_at_index(i).value for i in range(choices.option_count)}
        assert "iac:terraform" in values
        assert len(values) == choices.option_count  # each tool once


OPEN_DIALOG = """
import asyncio, sys
from archkb.engine.store import load_knowledge_base
from archkb.tui.app import ArchkbApp
from archkb.tui.screens import export

HEAVY = ("archkb.exports.iac.render", "archkb.exports.diagram", "jinja2", "diagrams")
seen = []
mount = export.ExportDialog.on_mount

def on_mount(self):
    mount(self)
    seen.append(sorted(m for m in HEAVY if m in sys.modules))

export.ExportDialog.on_mount = on_mount

async def main():
    app = ArchkbApp(load_knowledge_base()[0])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("r", *"serverless,eu", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
    print(seen)

asyncio.run(main())
"""


def test_opening_the_export_dialog_imports_no_exporter() -> None:
    """In a fresh process (this one has imported every exporter already)."""
    done = subprocess.run(
        [sys.executable, "-c", OPEN_DIALOG], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[[]]"

"""Export from a recommendation: the dialog, the files on disk, and errors shown in the UI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from archkb.tui.app import ArchkbApp
from archkb.tui.screens.export import ExportDialog
from archkb.tui.screens.recommend import RecommendScreen
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Select, SelectionList, Static

from .pilot_helpers import notices, settle

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "diagram"


async def open_dialog(app: ArchkbApp, pilot: Pilot[None], tmp_path: Path) -> ExportDialog:
    app.export_dir = tmp_path
    await pilot.press("r", *"serverless,eu", "enter")
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    assert isinstance(app.screen, ExportDialog)
    return app.screen


def status(dialog: ExportDialog) -> str:
    return str(dialog.query_one("#export-status", Static).render())


@pytest.mark.skipif(shutil.which("dot") is None, reason="PNG needs Graphviz")
async def test_export_writes_diagram_and_adr_and_says_where(app: ArchkbApp, tmp_path: Path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(app, pilot, tmp_path)
        rec = dialog.rec
        assert rec.rank == 1
        folder = tmp_path / f"archkb-{rec.blueprint}-aws"
        assert dialog.query_one("#export-folder", Input).value == str(folder)
        await pilot.press("enter")  # Enter in the folder box exports the defaults
        await settle(pilot)
        assert isinstance(app.screen, RecommendScreen)
        names = sorted(p.name for p in folder.iterdir())
        assert names == sorted(
            [f"{rec.blueprint}-aws.png", f"{rec.blueprint}-aws.mmd", f"adr-{rec.blueprint}.md"]
        )
        assert (folder / f"{rec.blueprint}-aws.png").read_bytes().startswith(b"\x89PNG")
        assert "flowchart" in (folder / f"{rec.blueprint}-aws.mmd").read_text()
        assert rec.name in (folder / f"adr-{rec.blueprint}.md").read_text()
        assert any(str(folder) in n for n in notices(app))


async def test_export_chosen_files_to_a_typed_folder(app: ArchkbApp, tmp_path: Path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(app, pilot, tmp_path)
        choices = dialog.query_one("#export-choices", SelectionList)
        values = [choices.get_option_at_index(i).value for i in range(choices.option_count)]
        assert {"diagram:svg", "diagram:drawio", "adr", "iac:terraform"} <= set(values)
        choices.deselect_all()
        choices.select("diagram:mermaid")
        choices.select("diagram:drawio")
        choices.select("iac:terraform")
        await pilot.press("ctrl+u", *str(tmp_path / "typed"), "enter")
        await settle(pilot)
        folder = tmp_path / "typed"
        stem = f"{dialog.rec.blueprint}-aws"
        for suffix in ("mmd", "drawio"):  # the very files `archkb export diagram` writes
            golden = GOLDEN / f"{stem}.{suffix}"
            if golden.exists():
                assert (folder / f"{stem}.{suffix}").read_text() == golden.read_text()
        assert (folder / f"{stem}.drawio").read_text().startswith("<mxfile")
        assert list((folder / "iac" / "terraform").rglob("*.tf"))


@pytest.mark.skipif(shutil.which("dot") is None, reason="the review pack's pictures need Graphviz")
async def test_export_offers_and_writes_the_review_pack(app: ArchkbApp, tmp_path: Path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(app, pilot, tmp_path)
        choices = dialog.query_one("#export-choices", SelectionList)
        values = [choices.get_option_at_index(i).value for i in range(choices.option_count)]
        assert "review" in values
        choices.deselect_all()
        choices.select("review")
        await pilot.press("ctrl+u", *str(tmp_path / "pack"), "enter")
        await settle(pilot)
        review = tmp_path / "pack" / "review"
        stem = f"{dialog.rec.blueprint}-aws"
        assert sorted(p.name for p in review.iterdir()) == [
            "README.md", "adr.md", "diagrams", "review.html"
        ]  # fmt: skip
        assert f"diagrams/{stem}.png" in (review / "README.md").read_text()
        assert "data:image/png;base64," in (review / "review.html").read_text()


async def test_errors_stay_in_the_dialog_and_replace_fixes_them(
    app: ArchkbApp, tmp_path: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(app, pilot, tmp_path)
        folder = Path(dialog.query_one("#export-folder", Input).value)
        folder.mkdir()
        (folder / "mine.txt").write_text("keep out")
        choices = dialog.query_one("#export-choices", SelectionList)
        choices.deselect_all()
        await pilot.press("enter")  # nothing chosen
        assert "Choose at least one" in status(dialog)
        choices.select("adr")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert "not empty" in status(dialog)
        assert (folder / "mine.txt").exists()
        dialog.query_one("#export-force", Checkbox).value = True
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is not dialog
        assert [p.name for p in folder.iterdir()] == [f"adr-{dialog.rec.blueprint}.md"]


async def test_exporter_failures_are_reported_not_raised(
    app: ArchkbApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> bytes:
        raise RuntimeError("Graphviz exploded")

    monkeypatch.setattr("archkb.exports.diagram.render_diagram", broken)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(app, pilot, tmp_path)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert "Graphviz exploded" in status(dialog)
        assert not any(tmp_path.iterdir())  # nothing half-written


async def test_changing_provider_renames_the_default_folder(app: ArchkbApp, tmp_path: Path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(app, pilot, tmp_path)
        dialog.query_one("#export-provider", Select).value = "gcp"
        await settle(pilot)
        assert dialog.query_one("#export-folder", Input).value.endswith("-gcp")
        assert dialog.request().provider == "gcp"
        await pilot.press("escape")
        assert isinstance(app.screen, RecommendScreen)

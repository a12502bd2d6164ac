"""The Terraform screen: open a folder, browse its inventory by service, switch the target."""

from __future__ import annotations

from pathlib import Path

from archkb.engine.kb import KnowledgeBase
from archkb.engine.migration import map_inventory
from archkb.engine.terraform import read_inventory
from archkb.tui.app import ArchkbApp
from archkb.tui.screens.terraform import TerraformScreen
from textual.widgets import Static, Tree

from .pilot_helpers import settle

TF = Path(__file__).resolve().parent.parent / "data" / "tf"


def leaves(screen: TerraformScreen) -> dict[str, str]:
    """Row address → the label of the group it sits in."""
    tree = screen.query_one("#tf-tree", Tree)
    return {
        str(leaf.data.item): str(group.label)
        for group in tree.root.children
        for leaf in group.children
        if leaf.data is not None
    }


async def test_open_a_folder_and_read_its_rows(app: ArchkbApp, kb: KnowledgeBase) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("o", *str(TF / "aws-serverless"), "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TerraformScreen) and screen.table is not None
        assert (screen.source, screen.target) == ("aws", "azure")
        # the same rows as the CLI gives for --to azure
        expected = map_inventory(kb, read_inventory(TF / "aws-serverless"), "aws", ["azure"])
        assert screen.table.rows == expected.rows
        groups = leaves(screen)
        assert groups["aws_lambda_function.orders"].startswith("AWS Lambda (2) → Azure Functions")
        assert groups["aws_lambda_permission.api"].startswith("AWS Lambda")  # folded into it
        title = str(screen.query_one("#tf-title", Static).render())
        assert "aws → azure" in title and "coverage" in title
        await pilot.press("down", "enter", "down")  # open the first group, its first row
        await settle(pilot)
        detail = str(screen.query_one("#tf-detail", Static).render())
        assert "status:" in detail and "→ azure:" in detail and ".tf:" in detail


async def test_p_switches_the_target_provider(app: ArchkbApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("o")
        screen = app.screen
        assert isinstance(screen, TerraformScreen)
        screen.open_path(str(TF / "gcp-data"))
        await settle(pilot)
        assert (screen.source, screen.target) == ("gcp", "aws")
        await pilot.press("p")
        await settle(pilot)
        assert screen.target == "azure" and screen.table is not None
        assert screen.table.target_providers == ["azure"]


async def test_bad_paths_say_why(app: ArchkbApp, tmp_path: Path) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("o")
        screen = app.screen
        assert isinstance(screen, TerraformScreen)
        title = screen.query_one("#tf-title", Static)
        screen.open_path("   ")
        assert "Type the path" in str(title.render())
        screen.open_path(str(tmp_path / "missing"))
        await settle(pilot)
        assert "no such file" in str(title.render())
        (tmp_path / "main.tf").write_text('resource "github_repository" "r" {}\n')
        screen.open_path(str(tmp_path))
        await settle(pilot)
        assert "cannot tell the provider" in str(title.render())
        await pilot.press("tab", "p")  # nothing open yet: p explains instead of failing
        assert "Open a Terraform folder first" in str(title.render())

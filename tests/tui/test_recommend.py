"""Recommend: needs with completion, the ranked table, providers side by side, why-not."""

from __future__ import annotations

from archkb.tui.app import ArchkbApp
from archkb.tui.screens.recommend import RecommendScreen
from archkb.tui.screens.why_not import WhyNotScreen
from archkb.tui.widgets.needs_input import NeedsInput, NeedsMenu, completions
from archkb.tui.widgets.provider_table import ProviderTable
from textual.widgets import DataTable, Markdown, Static

from .pilot_helpers import settle


def test_completions_prefer_ids_then_short_words() -> None:
    vocabulary = {"eu": "eu", "europe": "eu", "event-driven": "event-driven", "eda": "event-driven"}
    assert completions(vocabulary, "e") == ["eu", "event-driven", "eda", "europe"]
    assert completions(vocabulary, "EUR") == ["europe"]


async def test_tab_completes_the_last_word_from_the_vocabulary(app: ArchkbApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r", *"serverless,germ")
        await settle(pilot)
        assert isinstance(app.screen, RecommendScreen)
        needs = app.screen.query_one(NeedsInput)
        assert app.screen.query_one(NeedsMenu).display  # matching needs are listed
        await pilot.press("tab")
        assert needs.value == "serverless,germany"


async def test_aliases_complete_and_the_needs_list_adds_a_word(app: ArchkbApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r", *"faa")
        await settle(pilot)
        await pilot.press("right")  # → accepts the inline suggestion too
        needs = app.screen.query_one(NeedsInput)
        assert needs.value == "faas"
        await pilot.press(*",europ", "down")
        menu = app.screen.query_one(NeedsMenu)
        assert app.focused is menu
        await pilot.press("enter")
        assert needs.value == "faas,europe,"
        assert app.focused is needs


async def test_recommendation_shows_ranking_providers_and_reasons(app: ArchkbApp) -> None:
    assert app.kb is not None
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r", *"serverless,eu", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RecommendScreen) and screen.result is not None
        ranked = screen.query_one("#ranked", DataTable)
        assert ranked.row_count == len(screen.result.recommendations) > 1
        assert app.focused is ranked
        providers = screen.query_one(ProviderTable)
        headers = [str(c.label) for c in providers.columns.values()]
        assert headers == [
            "Role",
            *(app.kb.providers[p].short_name for p in ("aws", "azure", "gcp")),
        ]
        assert "region" in [k.value for k in providers.rows]
        text = screen.query_one("#rec-text", Markdown).source
        assert "### Why" in text and "### Trade-offs" in text
        assert screen.rank == 1
        await pilot.press("down")
        await settle(pilot)
        assert screen.rank == 2
        assert (
            screen.result.recommendations[1].name in screen.query_one("#rec-text", Markdown).source
        )


async def test_unknown_and_clashing_needs_are_explained(app: ArchkbApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r", *"serverles", "enter")
        await settle(pilot)
        status = str(app.screen.query_one("#needs-status", Static).render())
        assert "did you mean" in status
        await pilot.press("ctrl+u", *"eu,us", "enter")
        await settle(pilot)
        assert "clash" in str(app.screen.query_one("#needs-status", Static).render())
        await pilot.press("ctrl+u", "enter")  # empty needs
        await settle(pilot)
        assert "no needs given" in str(app.screen.query_one("#needs-status", Static).render())


async def test_why_not_lists_left_out_blueprints_with_reasons(app: ArchkbApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        app.action_why_not()  # before any recommendation: a notice only
        await settle(pilot)
        assert isinstance(app.screen, RecommendScreen)
        await pilot.press(*"serverless,eu", "enter")
        await settle(pilot)
        text = app.screen.query_one("#rec-text", Markdown).source
        assert "Why not the others" in text
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, WhyNotScreen)
        reasons = app.screen.query_one("#why-not-text", Markdown).source
        assert "ruled out" in reasons
        await pilot.press("escape")
        assert isinstance(app.screen, RecommendScreen)


async def test_escape_goes_back_a_level_then_to_browse_and_q_quits(app: ArchkbApp) -> None:
    from archkb.tui.screens.browse import BrowseScreen
    from archkb.tui.screens.recommend import RecommendScreen
    from archkb.tui.widgets.needs_input import NeedsInput
    from textual.widgets import DataTable

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r", *"serverless,eu", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RecommendScreen) and isinstance(screen.focused, DataTable)
        shown = {key for key, active in app.active_bindings.items() if active.binding.show}
        assert {"escape", "q"} <= shown
        await pilot.press("escape")  # results → the needs box
        assert isinstance(screen.focused, NeedsInput)
        await pilot.press("escape")  # the box → browsing
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("enter")  # the needs kept: ranked again, results focused
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_needs_and_services_are_read_as_the_cli_reads_them(app: ArchkbApp) -> None:
    """One resolver: a need's name (`show` took it, `--needs` did not) and a service's near miss
    mean in the TUI what they mean on the command line (tests/cli/test_one_resolver.py)."""
    from archkb.tui.screens.mapping import MapScreen

    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RecommendScreen)
        screen.run_recommendation("high availability, EU data residency")
        await settle(pilot)
        assert screen.parsed is not None and screen.parsed.ids == ["high-availability", "eu"]
        screen.run_recommendation("serverlss")
        status = str(screen.query_one("#needs-status", Static).render())
        assert "did you mean 'serverless'" in status
        await pilot.press("escape", "escape", "m")
        await settle(pilot)
        mapping = app.screen
        assert isinstance(mapping, MapScreen)
        mapping.map_name("lamda")
        await settle(pilot)
        assert mapping.mapping is not None and mapping.mapping.source.id == "aws-lambda"

"""Map: a service's equivalents across providers, with fit and caveats."""

from __future__ import annotations

from archkb.tui.app import ArchkbApp
from archkb.tui.screens.mapping import MapScreen
from textual.widgets import DataTable, OptionList, Static

from .pilot_helpers import settle


def rows(screen: MapScreen) -> list[str]:
    table = screen.query_one("#map-table", DataTable)
    return [str(key.value) for key in table.rows]


async def test_map_cosmos_db_to_aws_and_gcp(app: ArchkbApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m", *"Cosmos DB", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MapScreen) and screen.mapping is not None
        assert screen.mapping.source.id == "azure-cosmos-db"
        found = rows(screen)
        primary = screen.mapping.source.capability
        assert f"{primary}:aws:aws-dynamodb" in found
        assert any(r.startswith(f"{primary}:gcp:gcp-") for r in found)
        # every capability Cosmos DB implements gets its own rows
        assert {r.split(":")[0] for r in found} == set(screen.mapping.source.capabilities)
        note = str(screen.query_one("#map-note", Static).render())
        assert note  # the caveat of the highlighted equivalent
        await pilot.press("enter")  # open the highlighted equivalent in the browser
        await settle(pilot)
        assert app.current_mode == "browse"
        assert app.browser.current == f"service/{found[0].rpartition(':')[2]}"


async def test_m_on_an_open_service_maps_it(app: ArchkbApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await app.browser.show_record("service/aws-lambda")
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MapScreen) and screen.mapping is not None
        assert screen.mapping.source.id == "aws-lambda"
        assert "function-as-a-service:azure:azure-functions" in rows(screen)


async def test_ambiguous_and_unknown_names(app: ArchkbApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        screen = app.screen
        assert isinstance(screen, MapScreen)
        screen.map_name("zzzz-no-such-service")
        await settle(pilot)
        assert "No service matches" in str(screen.query_one("#map-title", Static).render())
        screen.map_name("   ")
        assert "Type a service name" in str(screen.query_one("#map-title", Static).render())
        screen.map_name("Cosmos DB for")  # several Cosmos DB APIs match: pick one
        await settle(pilot)
        choices = screen.query_one("#map-choices", OptionList)
        if choices.display:
            assert choices.option_count > 1
            await pilot.press("enter")
            await settle(pilot)
        assert screen.mapping is not None
        screen.show_service("service/no-such")
        assert "No service" in str(screen.query_one("#map-title", Static).render())


async def test_a_provider_word_picks_the_provider(app: ArchkbApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        screen = app.screen
        assert isinstance(screen, MapScreen)
        screen.map_name("GCP VPC")  # "VPC" alone names AWS's and Google's
        await settle(pilot)
        assert screen.mapping is not None and screen.mapping.source.id == "gcp-vpc"


async def test_escape_goes_back_a_level_then_to_browse_and_q_quits(app: ArchkbApp) -> None:
    from archkb.tui.screens.browse import BrowseScreen
    from textual.widgets import Input

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m", *"lambda", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MapScreen) and isinstance(screen.focused, DataTable)
        shown = {key for key, active in app.active_bindings.items() if active.binding.show}
        assert {"escape", "q"} <= shown  # the footer shows the way back and out
        await pilot.press("escape")  # results → the service box
        assert isinstance(screen.focused, Input)
        await pilot.press("q")  # typed into the box, not a quit
        assert app.is_running and screen.query_one("#service-input", Input).value.endswith("q")
        await pilot.press("escape")  # the box → browsing
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("escape", "escape")  # whatever has focus, twice leads home
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        await pilot.press("m", *"lambda", "enter")
        await settle(pilot)
        await pilot.press("q")  # results focused: q quits
        await pilot.pause()
        assert not app.is_running

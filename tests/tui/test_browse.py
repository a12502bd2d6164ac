"""Browse and search: the tree, live results, opening records, following links, history."""

from __future__ import annotations

from archkb.tui.app import ArchkbApp
from archkb.tui.widgets.kb_tree import KbTree
from archkb.tui.widgets.record_view import LinkList
from archkb.tui.widgets.search import SearchResults
from textual.widgets import ContentSwitcher, Markdown

from .pilot_helpers import page, settle


async def test_tree_groups_the_kb_by_kind_and_category(app: ArchkbApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tree = app.browser.query_one(KbTree)
        top = [str(node.label).split(" (")[0] for node in tree.root.children]
        assert top[:5] == ["Providers", "Patterns", "Blueprints", "Tools", "Needs"]
        providers = tree.root.children[0]
        assert {child.data for child in providers.children} == {
            "provider/aws",
            "provider/azure",
            "provider/gcp",
        }
        azure = next(c for c in providers.children if c.data == "provider/azure")
        leaves = {leaf.data for category in azure.children for leaf in category.children}
        assert "service/azure-cosmos-db" in leaves
        assert app.focused is tree


async def test_enter_in_the_tree_opens_a_record(app: ArchkbApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # Providers ▸ (first provider) is two lines down: expand Providers, then open it
        await pilot.press("enter", "down", "enter")
        await settle(pilot)
        assert app.browser.current == "provider/aws"
        assert page(app).startswith("# Amazon Web Services")


async def test_search_updates_as_you_type_and_enter_opens(app: ArchkbApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", *"cosmos")
        await settle(pilot)
        results = app.browser.query_one(SearchResults)
        assert app.browser.query_one(ContentSwitcher).current == "search-results"
        first = results.get_option_at_index(0).id
        assert first == "service/azure-cosmos-db"
        await pilot.press(*" db")
        await settle(pilot)
        assert results.for_text == "cosmos db"
        await pilot.press("enter")
        await settle(pilot)
        assert app.browser.current == "service/azure-cosmos-db"
        assert "## Equivalents" in page(app)


async def test_arrows_pick_another_result(app: ArchkbApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", *"cosmos")
        await settle(pilot)
        results = app.browser.query_one(SearchResults)
        second = results.get_option_at_index(1).id
        await pilot.press("down", "down", "up", "enter")
        await settle(pilot)
        assert app.browser.current == second


async def test_enter_before_results_arrive_opens_the_first(app: ArchkbApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", *"dynamodb", "enter")
        await settle(pilot)
        assert app.browser.current == "service/aws-dynamodb"


async def test_escape_leaves_the_search_for_the_tree(app: ArchkbApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", *"queue")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.browser.query_one(ContentSwitcher).current == "kb-tree"
        assert isinstance(app.focused, KbTree)


async def test_links_can_be_followed_and_history_walks_back_and_forward(app: ArchkbApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await app.browser.show_record("service/azure-cosmos-db")
        await settle(pilot)
        links = app.browser.query_one(LinkList)
        targets = [links.get_option_at_index(i).id for i in range(links.option_count)]
        assert "service/aws-dynamodb" in targets  # the AWS equivalent
        assert any(t and t.startswith("service/gcp-") for t in targets)  # a GCP one
        await pilot.press("l")
        assert app.focused is links
        await pilot.press(*["down"] * targets.index("service/aws-dynamodb"), "enter")
        await settle(pilot)
        assert app.browser.current == "service/aws-dynamodb"
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.browser.current == "service/azure-cosmos-db"
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.browser.current == "service/aws-dynamodb"
        await pilot.press("right_square_bracket")  # nothing ahead: a notice, no change
        await settle(pilot)
        assert app.browser.current == "service/aws-dynamodb"


async def test_clicked_markdown_links_open_records(app: ArchkbApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await app.browser.show_record("pattern/cqrs")
        await settle(pilot)
        markdown = app.browser.query_one("#record-md", Markdown)
        markdown.post_message(Markdown.LinkClicked(markdown, "archkb:pattern/event-sourcing"))
        await settle(pilot)
        assert app.browser.current == "pattern/event-sourcing"
        assert "Trade-offs" in page(app)


async def test_back_with_no_history_is_harmless(app: ArchkbApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("left_square_bracket", "backspace", "right_square_bracket")
        await settle(pilot)
        assert app.browser.current is None

"""`map` against the team's equivalence table (tests/data/equivalence, see truth_rows.py)."""

from __future__ import annotations

import pytest
from archkb.engine.kb import KnowledgeBase

from tests.kb.truth_rows import load_rows, problems_with

ROWS = load_rows()


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_map_answers_as_the_providers_pages_say(kb: KnowledgeBase, row) -> None:  # type: ignore[no-untyped-def]
    assert problems_with(kb, row) == []


def test_the_table_is_broad_and_covers_the_reported_defects() -> None:
    assert len(ROWS) >= 200
    assert len({r.url for r in ROWS}) >= 10
    assert sum(r.issue14 for r in ROWS) >= 60
    assert {r.provider for r in ROWS} == {"aws", "azure", "gcp"}

"""TUI fixtures: an app over the session KB, an empty KB, and a helper to let workers finish."""

from __future__ import annotations

import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.tui.app import ArchkbApp


@pytest.fixture
def app(kb: KnowledgeBase) -> ArchkbApp:
    """The app over the built-in KB, dark theme (as the snapshots expect)."""
    return ArchkbApp(kb)


@pytest.fixture
def empty_kb() -> KnowledgeBase:
    return KnowledgeBase()

"""Search glue for the TUI: the engine's search (names first, then full text) as rows, and
record links in pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archkb.engine.kb import KnowledgeBase

LINK = re.compile(r"\[([^\]]+)\]\(archkb:([a-z]+/[a-z0-9][a-z0-9-]*)\)")
"""A record link in `archkb.present` Markdown: `[name](archkb:kind/id)`."""


@dataclass(frozen=True)
class Found:
    """One search result row."""

    key: str
    kind: str
    name: str
    summary: str


def find_records(kb: KnowledgeBase, text: str, limit: int = 30) -> list[Found]:
    """Records matching `text`: name matches first, then full-text hits (the CLI's search)."""
    from archkb.engine.search import find_records as find

    return [Found(h.key, h.kind, h.name, h.summary) for h in find(kb, text, limit=limit)]


def record_links(markdown: str) -> list[tuple[str, str]]:
    """The (key, label) of every record link in a page, first occurrence order, no repeats."""
    seen: dict[str, str] = {}
    for label, key in LINK.findall(markdown):
        seen.setdefault(key, label)
    return list(seen.items())


def record_title(kb: KnowledgeBase, key: str) -> str:
    """`Name (kind)` for a key, or the key itself when it is not a record."""
    try:
        return f"{kb.get(key).name} ({key.partition('/')[0]})"
    except KeyError:
        return key

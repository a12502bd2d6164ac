"""Search glue for the TUI: name resolution first, then the FTS5 store, as one ranked list."""

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
    """Records matching `text`: exact/alias/fuzzy name matches first, then full-text hits."""
    from archkb.engine.search import resolve_name, search_text

    if not text.strip() or not any(kb.counts().values()):
        return []
    keys: list[str] = []
    resolution = resolve_name(kb, text)
    keys += resolution.matches or resolution.suggestions
    found = [_found(kb, key) for key in keys]
    for hit in search_text(kb, text, limit=limit):
        if hit.key not in keys:
            keys.append(hit.key)
            found.append(Found(hit.key, hit.kind, hit.name, hit.summary))
    return [f for f in found if f is not None][:limit]


def _found(kb: KnowledgeBase, key: str) -> Found | None:
    try:
        record = kb.get(key)
    except KeyError:
        return None
    return Found(key, key.partition("/")[0], record.name, record.summary)


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

"""Name resolution (one resolver for show, map, recommend and the TUI) and full-text search."""

from __future__ import annotations

import difflib
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .kb import KnowledgeBase

How = Literal["id", "name", "normalized", "tokens", "fuzzy"]

_PREFIXES = ("google cloud ", "amazon ", "aws ", "azure ", "microsoft ", "gcp ", "google ")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    """Lower-case, punctuation to spaces, provider prefixes dropped: 'Amazon S3' → 's3'."""
    folded = " ".join(_NON_WORD.sub(" ", text.casefold()).split())
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if folded.startswith(prefix) and len(folded) > len(prefix):
                folded = folded[len(prefix) :]
                changed = True
    return folded


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving a name: one match, several (ambiguous) or none (suggestions)."""

    query: str
    matches: list[str] = field(default_factory=list)
    """Record keys (`kind/id`) at the best matching stage."""
    how: How | None = None
    suggestions: list[str] = field(default_factory=list)

    @property
    def key(self) -> str | None:
        return self.matches[0] if len(self.matches) == 1 else None


@dataclass
class NameIndex:
    """Lookup tables from names to record keys, built once per KB."""

    ids: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    normalized: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    tokens: dict[str, frozenset[str]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    """Each candidate string (normalized) → a display label for suggestions."""

    @classmethod
    def of(cls, kb: KnowledgeBase, kinds: tuple[str, ...] | None = None) -> NameIndex:
        index = cls()
        for kind, record in kb.records():
            if kinds and kind not in kinds:
                continue
            key = f"{kind}/{record.id}"
            index.ids[record.id.casefold()].add(key)
            index.ids[key.casefold()].add(key)
            for name in [record.name, *record.aliases]:
                index.names[name.casefold()].add(key)
                norm = normalize(name)
                index.normalized[norm].add(key)
                index.normalized[norm.replace(" ", "")].add(key)
                index.labels.setdefault(norm, name)
            index.normalized[normalize(record.id)].add(key)
            index.tokens[key] = frozenset(
                t
                for name in [record.name, *record.aliases, record.id]
                for t in normalize(name).split()
            )
        return index


def resolve_name(kb: KnowledgeBase, query: str, kinds: tuple[str, ...] | None = None) -> Resolution:
    """Resolve a user's name for a record: exact id → exact name/alias → normalized → tokens → fuzzy.

    Args:
        kb: the knowledge base.
        query: an id, `kind/id`, official name, alias or near miss, any case.
        kinds: restrict to these record kinds (e.g. `("service",)` for `map`).
    """
    index = _index(kb, kinds)
    text = query.strip()
    folded = text.casefold()
    if not folded:
        return Resolution(query)
    for how, table, probe in (
        ("id", index.ids, folded),
        ("name", index.names, folded),
        ("normalized", index.normalized, normalize(text)),
        ("normalized", index.normalized, normalize(text).replace(" ", "")),
    ):
        found = table.get(probe)
        if found:
            return Resolution(query, sorted(found), how)  # type: ignore[arg-type]
    by_tokens = _token_matches(index, normalize(text))
    if by_tokens:
        return Resolution(query, by_tokens, "tokens")
    return _fuzzy(index, query)


def _token_matches(index: NameIndex, norm: str) -> list[str]:
    """Records whose name tokens contain every query token; the tightest fit wins."""
    wanted = set(norm.split())
    if not wanted:
        return []
    scored = sorted(
        (len(tokens - wanted), key) for key, tokens in index.tokens.items() if wanted <= tokens
    )
    if not scored:
        return []
    best = scored[0][0]
    return [key for extra, key in scored if extra == best]


def _fuzzy(index: NameIndex, query: str) -> Resolution:
    norm = normalize(query)
    candidates = list(index.normalized)
    close = difflib.get_close_matches(norm, candidates, n=6, cutoff=0.72)
    keys: list[str] = []
    for candidate in close:
        for key in sorted(index.normalized[candidate]):
            if key not in keys:
                keys.append(key)
    if not keys:
        return Resolution(query)
    top_ratio = difflib.SequenceMatcher(None, norm, close[0]).ratio()
    top_keys = sorted(index.normalized[close[0]])
    runner_up = difflib.SequenceMatcher(None, norm, close[1]).ratio() if len(close) > 1 else 0.0
    if len(top_keys) == 1 and top_ratio >= 0.8 and top_ratio - runner_up >= 0.05:
        return Resolution(query, top_keys, "fuzzy", suggestions=keys[:3])
    return Resolution(query, [], None, suggestions=keys[:3])


def _index(kb: KnowledgeBase, kinds: tuple[str, ...] | None) -> NameIndex:
    memo_key = f"name-index:{','.join(kinds or ())}"
    if memo_key not in kb.memo:
        kb.memo[memo_key] = NameIndex.of(kb, kinds)
    index: NameIndex = kb.memo[memo_key]
    return index


@dataclass(frozen=True)
class Hit:
    key: str
    kind: str
    name: str
    summary: str
    rank: float


def search_text(
    kb: KnowledgeBase, text: str, kind: str | None = None, limit: int = 20
) -> list[Hit]:
    """Full-text search (FTS5, bm25-ranked, prefix matching on each word) over the store."""
    words = [w for w in re.findall(r"\w+", text.casefold()) if w]
    if not words:
        return []
    query = " ".join(f'"{w}"*' for w in words)
    conn = _store_connection(kb)
    sql = (
        "select r.key, r.kind, r.name, r.summary, bm25(records_fts, 10.0, 6.0, 1.0, 8.0) as rank "
        "from records_fts join records r on r.rowid = records_fts.rowid "
        "where records_fts match ? "
        + ("and r.kind = ? " if kind else "")
        + "order by rank, r.key limit ?"
    )
    params: tuple[object, ...] = (query, kind, limit) if kind else (query, limit)
    return [Hit(*row) for row in conn.execute(sql, params)]


def _store_connection(kb: KnowledgeBase) -> sqlite3.Connection:
    """A read-only connection to the KB's store, or a temporary store when there is none."""
    conn: sqlite3.Connection | None = kb.memo.get("store-connection")
    if conn is not None:
        return conn
    if kb.store_path is not None and kb.store_path.exists():
        conn = sqlite3.connect(f"file:{kb.store_path}?mode=ro", uri=True, check_same_thread=False)
    else:
        import tempfile
        from pathlib import Path

        from .store import build_database

        tmp = Path(tempfile.mkdtemp(prefix="archkb-")) / "kb.sqlite"
        build_database(kb, tmp)
        conn = sqlite3.connect(tmp, check_same_thread=False)
    kb.memo["store-connection"] = conn
    return conn

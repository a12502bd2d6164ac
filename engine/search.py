"""Name resolution (one resolver for show, map, `--needs`, bills and the TUI) and full-text
search."""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from typing import TYPE_CHECKING, Any, Literal

from .datatypes import Data, field

if TYPE_CHECKING:
    from .kb import KnowledgeBase

How = Literal["id", "name", "normalized", "tokens", "fuzzy"]

FUZZY_CUTOFF = 0.72
"""Lowest difflib ratio for a near miss to be suggested."""

_PREFIXES = ("google cloud ", "amazon ", "aws ", "azure ", "microsoft ", "gcp ", "google ")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    """Lower-case, punctuation to spaces, provider prefixes dropped: 'Amazon S3' → 's3'."""
    folded = " ".join(_NON_WORD.sub(" ", text.casefold()).split())
    if not folded.startswith(_PREFIXES):  # one C call settles most names
        return folded
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if folded.startswith(prefix) and len(folded) > len(prefix):
                folded = folded[len(prefix) :]
                changed = True
    return folded


class Resolution(Data, frozen=True):
    """The outcome of resolving a name: one match, several (ambiguous) or none (suggestions)."""

    query: str
    matches: list[str] = field(default_factory=list)
    """Record keys (`kind/id`) at the best matching stage."""
    how: How | None = None
    suggestions: list[str] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)
    """Matches `resolve_service` dropped because they are not on the `source` provider."""

    @property
    def key(self) -> str | None:
        return self.matches[0] if len(self.matches) == 1 else None


class NameIndex(Data):
    """Lookup tables from names to record keys, built once per KB."""

    ids: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    normalized: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    tokens: dict[str, frozenset[str]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    """Each candidate string (normalized) → a display label for suggestions."""
    postings: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    """Token → keys whose `tokens` hold it (token matching looks at these, not every record)."""
    by_length: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    """Length → `normalized` strings of that length (fuzzy matching skips impossible lengths)."""

    @classmethod
    def of(
        cls, kb: KnowledgeBase, kinds: tuple[str, ...] | None = None, *, exact_only: bool = False
    ) -> NameIndex:
        """Index the records of `kinds` (all when None).

        With `exact_only`, fill only `ids` and `names` (no normalising): enough for the common
        case of an exact id or name, at a fraction of the cost on a large KB.
        """
        from .kinds import KINDS

        index = cls()
        for kind in KINDS:
            if kinds and kind not in kinds:
                continue
            table = kb.table(kind)
            for record_id in sorted(table):
                index._add(kind, table[record_id], exact_only)
        if not exact_only:
            for key, tokens in index.tokens.items():
                for token in tokens:
                    index.postings[token].append(key)
            for candidate in index.normalized:
                index.by_length[len(candidate)].append(candidate)
        return index

    def _add(self, kind: str, record: Any, exact_only: bool) -> None:
        key = f"{kind}/{record.id}"
        self.ids[record.id.casefold()].add(key)
        self.ids[key.casefold()].add(key)
        names = [record.name, *record.aliases]
        for name in names:
            self.names[name.casefold()].add(key)
        if exact_only:
            return
        norms = [normalize(name) for name in names]
        for name, norm in zip(names, norms, strict=True):
            self.normalized[norm].add(key)
            self.normalized[norm.replace(" ", "")].add(key)
            self.labels.setdefault(norm, name)
        norm_id = normalize(record.id)
        self.normalized[norm_id].add(key)
        self.tokens[key] = frozenset(t for norm in [*norms, norm_id] for t in norm.split())


def resolve_name(kb: KnowledgeBase, query: str, kinds: tuple[str, ...] | None = None) -> Resolution:
    """Resolve a user's name for a record: exact id → exact name/alias → normalized → tokens → fuzzy.

    Args:
        kb: the knowledge base.
        query: an id, `kind/id`, official name, alias or near miss, any case.
        kinds: restrict to these record kinds (e.g. `("service",)` for `map`).
    """
    text = query.strip()
    folded = text.casefold()
    if not folded:
        return Resolution(query)
    stage: Literal["id", "name"]
    for stage in ("id", "name"):
        exact = _exact(kb, kinds, stage, folded)
        if exact:
            return Resolution(query, sorted(exact), stage)
    index = _index(kb, kinds)
    norm = normalize(text)
    for probe in (norm, norm.replace(" ", "")):
        found = index.normalized.get(probe)
        if found:
            return Resolution(query, sorted(found), "normalized")
    by_tokens = _token_matches(index, norm)
    if by_tokens:
        return Resolution(query, by_tokens, "tokens")
    return _fuzzy(index, query)


def resolve_need(kb: KnowledgeBase, word: str) -> Resolution:
    """Resolve one `--needs` word the way `show` resolves a need's name (`resolve_name` over
    needs), except that a near miss is only suggested: a need constrains the design, so a typo
    must not silently pick one ("serverlss" → did you mean 'serverless'?)."""
    found = resolve_name(kb, word, ("need",))
    if found.how == "fuzzy":
        return Resolution(word, [], None, suggestions=found.suggestions or found.matches)
    return found


def _token_matches(index: NameIndex, norm: str) -> list[str]:
    """Records whose name tokens contain every query token; the tightest fit wins."""
    wanted = set(norm.split())
    if not wanted:
        return []
    postings = [index.postings.get(token, []) for token in wanted]
    tokens = index.tokens
    scored = sorted(
        (len(tokens[key] - wanted), key) for key in min(postings, key=len) if wanted <= tokens[key]
    )
    if not scored:
        return []
    best = scored[0][0]
    return [key for extra, key in scored if extra == best]


def _fuzzy(index: NameIndex, query: str) -> Resolution:
    import difflib  # only near misses need it; a headline command should not import it

    norm = normalize(query)
    close = difflib.get_close_matches(
        norm, _plausible(index, norm, FUZZY_CUTOFF), n=6, cutoff=FUZZY_CUTOFF
    )
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


def _exact(kb: KnowledgeBase, kinds: tuple[str, ...] | None, stage: str, word: str) -> set[str]:
    """Keys whose id (`stage` "id") or name/alias ("name") case-folds to `word`.

    Asks the compiled store's `names` table when the KB has a store (an indexed query: no
    per-process index over the whole KB, which at 100× cost 0.15 s for `map "AWS Lambda"`),
    else the in-memory exact index.
    """
    conn = _stored_names(kb)
    if conn is not None:
        sql = "select key from names where word = ? and stage = ?"
        params: list[str] = [word, stage]
        if kinds:
            sql += f" and kind in ({', '.join('?' * len(kinds))})"
            params += kinds
        try:
            return {row[0] for row in conn.execute(sql, params)}
        except sqlite3.Error:  # a store without the table: fall back for good
            kb.caches.names_in_store = False
    index = _index(kb, kinds, exact_only=True)
    return (index.ids if stage == "id" else index.names).get(word, set())


def _stored_names(kb: KnowledgeBase) -> sqlite3.Connection | None:
    if not kb.caches.names_in_store or kb.store_path is None:
        return None
    if not kb.store_path.exists():
        return None
    return _store_connection(kb)


def _plausible(index: NameIndex, norm: str, cutoff: float) -> list[str]:
    """The candidates whose length alone does not rule them out.

    `get_close_matches` rejects a candidate first by `real_quick_ratio`, an upper bound that
    depends only on the two lengths; computing that bound per length bucket (the same formula,
    so the same candidates survive) skips most of a large KB for the short words a user types.
    """
    wanted = len(norm)
    out: list[str] = []
    for length, candidates in index.by_length.items():
        total = length + wanted
        bound = 2.0 * min(length, wanted) / total if total else 1.0
        if bound >= cutoff:
            out.extend(candidates)
    return out


def _index(
    kb: KnowledgeBase, kinds: tuple[str, ...] | None, *, exact_only: bool = False
) -> NameIndex:
    """The KB's name index over `kinds`; with `exact_only`, the full one if built, else the
    cheap one."""
    indexes = kb.caches.name_indexes
    full = indexes.get((kinds or (), False))
    if full is not None:
        return full
    key = (kinds or (), exact_only)
    index = indexes.get(key)
    if index is None:
        index = indexes[key] = NameIndex.of(kb, kinds, exact_only=exact_only)
    return index


class Hit(Data, frozen=True):
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
    """A read-only connection to the KB's store; without one, an in-memory copy built once."""
    conn = kb.caches.store_connection
    if conn is not None:
        return conn
    if kb.store_path is not None and kb.store_path.exists():
        conn = sqlite3.connect(f"file:{kb.store_path}?mode=ro", uri=True, check_same_thread=False)
    else:
        from .store import build_database

        conn = sqlite3.connect(":memory:", check_same_thread=False)
        build_database(kb, conn)
    kb.caches.store_connection = conn
    return conn


PROVIDER_WORDS = {
    "aws": "aws",
    "amazon": "aws",
    "azure": "azure",
    "microsoft": "azure",
    "gcp": "gcp",
    "google": "gcp",
}
"""Words that, leading a service name, say which provider the user means ("AWS VPC")."""


def provider_hint(query: str) -> str | None:
    """The provider a service name's first word names, if any: 'GCP VPC' → gcp."""
    words = _NON_WORD.sub(" ", query.casefold()).split()
    return PROVIDER_WORDS.get(words[0]) if words else None


def resolve_service(
    kb: KnowledgeBase,
    query: str,
    *,
    source: str | None = None,
    targets: tuple[str, ...] = (),
) -> Resolution:
    """Resolve a service name for mapping.

    A provider word leading the name ("AWS VPC") is a hint and `source` (`--from`) a restriction:
    matches on other providers are dropped. A service of a `targets` provider cannot be what the
    user maps *from*, so when a name stays ambiguous such matches are dropped before giving up.
    With `source` set and no match on it, the result has no match and its suggestions are the
    services the name found elsewhere.
    """
    found = resolve_name(kb, query, ("service",))

    def provider_of(key: str) -> str:
        return str(kb.services[key.split("/", 1)[1]].provider)

    matches = list(found.matches)
    if source is not None and matches:
        on_source = [k for k in matches if provider_of(k) == source]
        if not on_source:
            return Resolution(query, [], None, suggestions=matches[:6], elsewhere=matches)
        matches = on_source
    hint = provider_hint(query)
    if hint is not None and len(matches) > 1:
        matches = [k for k in matches if provider_of(k) == hint] or matches
    if len(matches) > 1 and targets:
        matches = [k for k in matches if provider_of(k) not in targets] or matches
    return Resolution(query, matches, found.how, found.suggestions)


def find_records(
    kb: KnowledgeBase, text: str, kind: str | None = None, limit: int = 20
) -> list[Hit]:
    """What a search box should answer: records the text *names* (id, name, alias, near miss:
    `lamda` → Lambda) first, then full-text hits, each record once. Used by `archkb search` and
    the TUI alike."""
    if not text.strip() or not any(kb.counts().values()):
        return []
    resolution = resolve_name(kb, text, (kind,) if kind else None)
    hits: list[Hit] = []
    seen: set[str] = set()
    for key in resolution.matches or resolution.suggestions:
        record = kb.get(key)
        seen.add(key)
        hits.append(Hit(key, key.partition("/")[0], record.name, record.summary, float("-inf")))
    for hit in search_text(kb, text, kind, limit):
        if hit.key not in seen:
            seen.add(hit.key)
            hits.append(hit)
    return hits[:limit]

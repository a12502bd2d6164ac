"""Parse `--needs serverless,eu` into hard constraints and soft weights, catching clashes."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .datatypes import Data, field
from .records import Need, NeedKind, Quality, Trait

if TYPE_CHECKING:
    from .kb import KnowledgeBase
    from .search import Resolution


WORKLOAD_KINDS = frozenset({NeedKind.capability, NeedKind.quality})
"""Need kinds that say what the workload is or what matters most; the others only constrain."""


class NeedsError(ValueError):
    """Needs the user must fix: unknown, empty or contradictory. `str()` is the message."""


class ParsedNeeds(Data, frozen=True):
    """The needs as constraints the recommender applies."""

    needs: tuple[Need, ...]
    jurisdiction: str | None = None
    country: str | None = None
    """ISO code of the country regions must be in (a country residency need), or None."""
    providers: frozenset[str] | None = None
    compute_traits: frozenset[Trait] = frozenset()
    capability_groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(need id, capabilities of which the blueprint must include one)."""
    pattern_groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    controls: tuple[tuple[str, str], ...] = ()
    """(need id, capability the provider must offer), in need order."""
    weights: dict[Quality, float] = field(default_factory=dict)
    weight_sources: dict[Quality, tuple[str, ...]] = field(default_factory=dict)
    secondary_region: bool = False
    scopes: tuple[tuple[str, str, frozenset[str]], ...] = ()
    """(need id, provider, services in scope) for compliance needs with a service scope."""

    @property
    def ids(self) -> list[str]:
        return [n.id for n in self.needs]

    @property
    def constraint_only(self) -> bool:
        """True when no need describes the workload or weighs a quality (only residency,
        compliance, security or provider needs): then nothing ranks one blueprint over another."""
        return not any(n.need_kind in WORKLOAD_KINDS for n in self.needs)

    def scope_for(self, provider: str) -> tuple[tuple[str, frozenset[str]], ...]:
        """(need id, services in scope) of every scoped need that covers `provider`."""
        return tuple((need, services) for need, p, services in self.scopes if p == provider)

    def provider_notes(self, provider: str) -> list[str]:
        """What the needs say about `provider` (sovereign-cloud offerings and the like)."""
        return [
            f"{n.id}: {n.effects.provider_notes[provider]}"
            for n in self.needs
            if provider in n.effects.provider_notes
        ]

    def constraints(self) -> dict[str, object]:
        """A JSON-friendly summary of the constraints."""
        return {
            "jurisdiction": self.jurisdiction,
            "country": self.country,
            "providers": sorted(self.providers) if self.providers else None,
            "compute_traits": sorted(t.value for t in self.compute_traits),
            "any_capability": {need: list(caps) for need, caps in self.capability_groups},
            "any_pattern": {need: list(pats) for need, pats in self.pattern_groups},
            "controls": sorted({cap for _, cap in self.controls}),
            "weights": {
                q.value: w for q, w in sorted(self.weights.items(), key=lambda i: i[0].value)
            },
            "secondary_region": self.secondary_region,
            "in_scope": {
                need: sorted({p for n, p, _ in self.scopes if n == need})
                for need in dict.fromkeys(n for n, _, _ in self.scopes)
            },
        }


def need_vocabulary(kb: KnowledgeBase) -> dict[str, str]:
    """Every id or alias (case-folded) → need id: the words the TUI offers while typing.

    Completion only; what a typed word *means* is `search.resolve_need`'s answer."""
    vocabulary: dict[str, str] = {}
    for need in kb.needs.values():
        for word in (need.id, *need.aliases):
            vocabulary.setdefault(word.casefold(), need.id)
    return vocabulary


def split_needs(text: str | Iterable[str]) -> list[str]:
    """'serverless, EU ,,low-cost' → ['serverless', 'EU', 'low-cost']."""
    parts = [text] if isinstance(text, str) else list(text)
    return [word.strip() for part in parts for word in part.split(",") if word.strip()]


def parse_needs(kb: KnowledgeBase, text: str | Iterable[str]) -> ParsedNeeds:
    """Parse comma-separated needs: ids, names or aliases, any case, as `archkb show` reads them
    (the one resolver, `search.resolve_need`).

    Raises:
        NeedsError: when empty, when a word is unknown or ambiguous (with "did you mean"), or
            when two needs contradict each other (naming both and why).
    """
    words = split_needs(text)
    if not words:
        raise NeedsError("no needs given; known needs: " + ", ".join(sorted(kb.needs)))
    if all(word in kb.needs for word in words):
        # Every word is a need's id as written: what the resolver's first stage (exact ids,
        # which are lowercase slugs) answers, without importing it or asking the store.
        ids = words
    else:
        from .search import resolve_need

        found = [(word, resolve_need(kb, word)) for word in words]
        problems = [_unknown_message(word, res) for word, res in found if res.key is None]
        if problems:
            raise NeedsError("; ".join(problems))
        ids = [str(resolution.key).partition("/")[2] for _, resolution in found]
    needs: list[Need] = []
    for need_id in ids:
        need = kb.needs[need_id]
        if need not in needs:
            needs.append(need)
    _check_clashes(needs)
    return _combine(needs)


def _unknown_message(word: str, resolution: Resolution) -> str:
    ids = [key.partition("/")[2] for key in resolution.matches or resolution.suggestions]
    what = "ambiguous need" if resolution.matches else "unknown need"
    hint = f"; did you mean {' or '.join(repr(i) for i in ids[:3])}?" if ids else ""
    return f"{what} {word!r}{hint} (run `archkb list need` for all)"


def _check_clashes(needs: list[Need]) -> None:
    residency = [n for n in needs if n.effects.jurisdiction]
    for first, second in itertools.pairwise(residency):
        if first.effects.jurisdiction != second.effects.jurisdiction:
            raise NeedsError(
                f"needs {first.id!r} and {second.id!r} clash: data cannot stay only in "
                f"{first.effects.jurisdiction} and only in {second.effects.jurisdiction} at once"
            )
    countries = [n for n in needs if n.effects.country]
    for first, second in itertools.pairwise(countries):
        if first.effects.country != second.effects.country:
            raise NeedsError(
                f"needs {first.id!r} and {second.id!r} clash: {first.name} and "
                f"{second.name} cannot both hold (regions only in {first.effects.country} and only "
                f"in {second.effects.country})"
            )
    providers = [n for n in needs if n.effects.providers]
    allowed: set[str] | None = None
    for need in providers:
        allowed = (
            set(need.effects.providers)
            if allowed is None
            else allowed & set(need.effects.providers)
        )
        if not allowed:
            first = providers[0]
            raise NeedsError(
                f"needs {first.id!r} and {need.id!r} clash: each restricts the design to a "
                "different provider; drop one, or use --provider all to compare providers"
            )
    ids = {n.id for n in needs}
    for need in needs:
        for other in need.conflicts_with:
            if other in ids:
                raise NeedsError(
                    f"needs {need.id!r} and {other!r} clash: {need.name} rules out {other}"
                )


def _combine(needs: list[Need]) -> ParsedNeeds:
    jurisdiction = next((n.effects.jurisdiction for n in needs if n.effects.jurisdiction), None)
    country = next((n.effects.country for n in needs if n.effects.country), None)
    providers: frozenset[str] | None = None
    for need in needs:
        if need.effects.providers:
            chosen = frozenset(need.effects.providers)
            providers = chosen if providers is None else providers & chosen
    weights: dict[Quality, float] = {}
    sources: dict[Quality, tuple[str, ...]] = {}
    for need in needs:
        for quality, weight in need.effects.weights.items():
            weights[quality] = weights.get(quality, 0.0) + weight
            sources[quality] = (*sources.get(quality, ()), need.id)
    controls: list[tuple[str, str]] = []
    for need in needs:
        for capability in need.effects.controls:
            if capability not in {c for _, c in controls}:
                controls.append((need.id, capability))
    return ParsedNeeds(
        needs=tuple(needs),
        jurisdiction=jurisdiction,
        country=country,
        providers=providers,
        compute_traits=frozenset(t for n in needs for t in n.effects.compute_traits),
        capability_groups=tuple(
            (n.id, tuple(n.effects.any_capability)) for n in needs if n.effects.any_capability
        ),
        pattern_groups=tuple(
            (n.id, tuple(n.effects.any_pattern)) for n in needs if n.effects.any_pattern
        ),
        controls=tuple(controls),
        weights=weights,
        weight_sources=sources,
        secondary_region=any(n.effects.secondary_region for n in needs),
        scopes=tuple(
            (n.id, provider, frozenset([*scope.services, *scope.exempt]))
            for n in needs
            for provider, scope in sorted(n.effects.in_scope.items())
        ),
    )


def needs_of_kind(kb: KnowledgeBase, kind: NeedKind) -> list[Need]:
    return sorted((n for n in kb.needs.values() if n.need_kind is kind), key=lambda n: n.id)

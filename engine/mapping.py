"""Cross-cloud mapping, derived from the graph: services are equivalent when they implement the
same capability. (Bills and Terraform inventories are mapped in `migration.py`.)"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .equivalence import Match, lifecycle_remark, matches_for
from .records import Service

if TYPE_CHECKING:
    from .kb import KnowledgeBase


@dataclass(frozen=True, slots=True, kw_only=True)
class Equivalent:
    id: str
    name: str
    fit: str
    caveat: str | None
    capability: str = ""
    """The capability this answer is for (a service that does several jobs maps per job)."""
    facets_match: bool = True
    """False when the target lacks an engine, protocol or API the source offers."""
    lifecycle: str = "ga"
    note: str | None = None
    """What else an architect must know: facet gaps, lifecycle, the source's own partial fit,
    a note written for this pair."""
    feature_of: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Alternative:
    closest: str | None
    closest_name: str | None
    note: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceRef:
    id: str
    name: str
    provider: str
    capability: str
    capabilities: list[str] = field(default_factory=list)
    lifecycle: str = "ga"
    facets: list[str] = field(default_factory=list)
    feature_of: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceMapping:
    query: str
    source: ServiceRef
    capability_name: str
    equivalents: dict[str, list[Equivalent]]
    """Per provider: every capability's answers, the primary capability's first, each service
    once (at its first capability)."""
    alternatives: dict[str, Alternative]
    """Per provider with no equivalent for the source's primary capability: the closest option."""
    by_capability: dict[str, dict[str, list[Equivalent]]] = field(default_factory=dict)
    """Capability → provider → equivalents, best first."""
    gaps: dict[str, dict[str, Alternative]] = field(default_factory=dict)
    """Capability → provider → what to use where the provider has no equivalent."""
    lifecycle_note: str | None = None
    """Set when the source itself is not generally available."""


def _equivalent(match: Match) -> Equivalent:
    target = match.service
    return Equivalent(
        id=target.id,
        name=target.name,
        fit=match.fit.value,
        caveat=match.caveat,
        capability=match.capability,
        facets_match=match.facets_match,
        lifecycle=target.lifecycle.status,
        note=match.note,
        feature_of=target.feature_of,
    )


def equivalents_for(
    kb: KnowledgeBase, service: Service, provider: str, capability: str
) -> list[Equivalent]:
    """Services of `provider` doing `capability` as `service` does, best first."""
    return [_equivalent(m) for m in matches_for(kb, service, provider, capability)]


def equivalents_of(kb: KnowledgeBase, service: Service, provider: str) -> list[Equivalent]:
    """Services of `provider` equivalent to `service` for any of its capabilities, best first:
    the primary capability's answers, then each further capability's, each service once."""
    out: list[Equivalent] = []
    seen: set[str] = set()
    for capability in service.capability_ids:
        for equivalent in equivalents_for(kb, service, provider, capability):
            if equivalent.id not in seen:
                seen.add(equivalent.id)
                out.append(equivalent)
    return out


def gap_for(kb: KnowledgeBase, capability_id: str, provider: str) -> Alternative:
    """What to use on `provider` where it has no service for the capability."""
    capability = kb.capabilities.get(capability_id)
    gap = capability.no_equivalent.get(provider) if capability else None
    closest = kb.services.get(gap.closest) if gap and gap.closest else None
    name = capability.name if capability else capability_id
    return Alternative(
        closest=closest.id if closest else None,
        closest_name=closest.name if closest else None,
        note=gap.note if gap else f"the KB records no {provider} service for {name}",
    )


def map_service(
    kb: KnowledgeBase, query: str, service: Service, targets: Sequence[str]
) -> ServiceMapping:
    """Map one service to `targets` providers, per capability it implements."""
    capability = kb.capabilities[service.capability]
    by_capability: dict[str, dict[str, list[Equivalent]]] = {}
    gaps: dict[str, dict[str, Alternative]] = {}
    for capability_id in service.capability_ids:
        answers = by_capability[capability_id] = {}
        for provider in targets:
            found = equivalents_for(kb, service, provider, capability_id)
            answers[provider] = found
            if not found:
                gaps.setdefault(capability_id, {})[provider] = gap_for(kb, capability_id, provider)
    equivalents: dict[str, list[Equivalent]] = {}
    for provider in targets:
        seen: set[str] = set()
        equivalents[provider] = []
        for answers in by_capability.values():
            for equivalent in answers[provider]:
                if equivalent.id not in seen:
                    seen.add(equivalent.id)
                    equivalents[provider].append(equivalent)
    return ServiceMapping(
        query=query,
        source=_ref(service),
        capability_name=capability.name,
        equivalents=equivalents,
        alternatives=gaps.get(service.capability, {}),
        by_capability=by_capability,
        gaps=gaps,
        lifecycle_note=lifecycle_remark(kb, service),
    )


def _ref(service: Service) -> ServiceRef:
    return ServiceRef(
        id=service.id,
        name=service.name,
        provider=service.provider,
        capability=service.capability,
        capabilities=service.capability_ids,
        lifecycle=service.lifecycle.status,
        facets=list(service.facets),
        feature_of=service.feature_of,
    )

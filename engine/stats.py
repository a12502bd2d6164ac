"""Counts and comparison tables computed from the KB."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from .records import Fit

if TYPE_CHECKING:
    from .equivalence import Job
    from .kb import KnowledgeBase


def kb_stats(kb: KnowledgeBase) -> dict[str, Any]:
    """Counts per kind, per provider (services, regions, coverage, services whose regional
    availability was checked, by basis) and per category."""
    providers: dict[str, dict[str, Any]] = {}
    for provider in sorted(kb.providers):
        covered = sum(1 for c in kb.capabilities if kb.implementers(provider, c))
        checked = [
            s.availability
            for s in kb.services.values()
            if s.provider == provider and s.availability is not None
        ]
        own = [s for s in kb.services.values() if s.provider == provider]
        providers[provider] = {
            "services": sum(1 for s in own if not s.is_feature),
            "features": sum(1 for s in own if s.is_feature),
            "not_current": sum(1 for s in own if not s.lifecycle.is_current),
            "regions": len(kb.regions_by_provider.get(provider, [])),
            "capabilities_covered": covered,
            "no_equivalent": sum(
                1 for c in kb.capabilities.values() if provider in c.no_equivalent
            ),
            "availability_checked": len(checked),
            "availability_basis": dict(sorted(Counter(a.basis for a in checked).items())),
        }
    capability_categories = Counter(c.category for c in kb.capabilities.values())
    service_categories = Counter(
        kb.capabilities[s.capability].category
        for s in kb.services.values()
        if s.capability in kb.capabilities
    )
    pattern_categories = Counter(p.category for p in kb.patterns.values())
    return {
        "counts": kb.counts(),
        "providers": providers,
        "categories": {
            "capabilities": dict(sorted(capability_categories.items())),
            "services": dict(sorted(service_categories.items())),
            "patterns": dict(sorted(pattern_categories.items())),
        },
        "jurisdictions": {
            j: {
                p: sum(1 for r in kb.regions_by_provider.get(p, []) if j in r.jurisdictions)
                for p in sorted(kb.providers)
            }
            for j in sorted(kb.jurisdictions)
        },
    }


def comparison_rows(kb: KnowledgeBase, category: str | None) -> list[list[str]]:
    """One row per capability: category, capability name, then each provider's services
    (preferred first; `(partial)` marks partial fits; gaps name the closest alternative)."""
    from .equivalence import job_of
    from .resolve import candidate_services

    rows = []
    for capability in sorted(kb.capabilities.values(), key=lambda c: (c.category, c.name)):
        if category and capability.category != category:
            continue
        cells = [capability.category, capability.name]
        for provider in sorted(kb.providers):
            services = candidate_services(kb, provider, capability.id)
            if services:
                cells.append(
                    "; ".join(
                        s.name + ("" if _is_exact(job_of(kb, s, capability.id)) else " (partial)")
                        for s in services
                    )
                )
                continue
            gap = capability.no_equivalent.get(provider)
            closest = kb.services.get(gap.closest) if gap and gap.closest else None
            cells.append(f"— (closest: {closest.name})" if closest else "—")
        rows.append(cells)
    return rows


def _is_exact(job: Job | None) -> bool:
    return job is not None and job.fit is Fit.exact

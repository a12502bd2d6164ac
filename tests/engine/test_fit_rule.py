"""The fit and caveat of a service for a capability come from one rule (`equivalence.job_of`):
the resolver, `map` and the comparison table all show the target's own verdict."""

from __future__ import annotations

from archkb.engine.equivalence import job_of
from archkb.engine.kb import KnowledgeBase
from archkb.engine.mapping import equivalents_for
from archkb.engine.resolve import resolve_architecture
from archkb.engine.results import ResolvedArchitecture
from archkb.engine.stats import comparison_rows


def test_map_caveats_are_the_targets_own(kb: KnowledgeBase) -> None:
    checked = 0
    for source in sorted(kb.services.values(), key=lambda s: s.id):
        for capability in source.capability_ids:
            for provider in kb.providers:
                if provider == source.provider:
                    continue
                for answer in equivalents_for(kb, source, provider, capability):
                    own = job_of(kb, kb.services[answer.id], capability)
                    assert own is not None
                    assert answer.caveat == own.caveat, (source.id, answer.id, capability)
                    if own.fit.value == "partial":
                        assert answer.fit == "partial"
                    checked += 1
    assert checked > 1000


def test_resolved_components_carry_the_services_own_fit(kb: KnowledgeBase) -> None:
    for blueprint in kb.blueprints.values():
        for provider in kb.providers:
            arch = resolve_architecture(kb, blueprint, provider)
            if not isinstance(arch, ResolvedArchitecture):
                continue
            for comp in arch.components:
                job = job_of(kb, kb.services[comp.service], comp.capability)
                assert job is not None
                assert (comp.fit, comp.caveat) == (job.fit.value, job.caveat)
                assert comp.warning == (job.caveat if job.fit.value == "partial" else None)


def test_comparison_marks_partial_fits_by_the_same_rule(kb: KnowledgeBase) -> None:
    rows = comparison_rows(kb, "compute")
    text = "\n".join("; ".join(r) for r in rows)
    partial = [
        s
        for s in kb.services.values()
        for cap in s.capability_ids
        if kb.capabilities[cap].category == "compute"
        and (job := job_of(kb, s, cap)) is not None
        and job.fit.value == "partial"
        and s.lifecycle.is_current
    ]
    assert partial
    assert any(f"{s.name} (partial)" in text for s in partial)

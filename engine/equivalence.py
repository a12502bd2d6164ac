"""Cross-cloud equivalence, derived from the KB: which services of another provider do the same
job as a given one, how close each is, and why.

Two records are equivalent for a capability when both implement it (as their primary job or as
a further one). A pair is *exact* only when both implement the capability fully, the target
offers every decisive facet of the source (engine, wire protocol, API: see `facets.py`) and the
target is generally available. Everything else is partial, with the target's own caveat and a
remark saying what else differs. One rule, used by `map`, the resolver, bills and `compare`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from .datatypes import Data
from .facets import DECISIVE_FACETS
from .records import Fit, Service

if TYPE_CHECKING:
    from .kb import KnowledgeBase

Coverage = Literal["full", "some", "none"]


class Job(Data, frozen=True):
    """How well one service does one capability."""

    capability: str
    fit: Fit
    caveat: str | None
    primary: bool


def job_of(kb: KnowledgeBase, service: Service, capability: str) -> Job | None:
    """The service's implementation of `capability`, or None when it does not implement it.

    A further capability written as a bare id is a side job: partial, with a generated caveat
    naming the service's main job.
    """
    if service.capability == capability:
        return Job(capability, service.fit, service.caveat, primary=True)
    for extra in service.also_implements:
        if extra.capability != capability:
            continue
        caveat = extra.caveat
        if extra.fit is Fit.partial and caveat is None:
            main = kb.capabilities.get(service.capability)
            this = kb.capabilities.get(capability)
            caveat = (
                f"{service.name} is mainly for {main.name if main else service.capability}; "
                f"it also covers {this.name if this else capability}"
            )
        return Job(capability, extra.fit, caveat, primary=False)
    return None


def decisive_facets(service: Service) -> set[str]:
    return {f for f in service.facets if f in DECISIVE_FACETS}


def facet_coverage(source: Service, target: Service) -> Coverage:
    """Whether `target` offers the source's decisive facets: all, some or none of them."""
    wanted = decisive_facets(source)
    if not wanted:
        return "full"
    offered = wanted & set(target.facets)
    if offered == wanted:
        return "full"
    return "some" if offered else "none"


class Match(Data, frozen=True):
    """A candidate equivalent of a source service for one capability, with the verdict."""

    service: Service
    capability: str
    fit: Fit
    caveat: str | None
    coverage: Coverage
    note: str | None

    @property
    def facets_match(self) -> bool:
        return self.coverage == "full"


def lifecycle_remark(kb: KnowledgeBase, service: Service) -> str | None:
    """A sentence on a service that is not generally available (None when it is)."""
    life = service.lifecycle
    if life.status == "ga":
        return None
    words = {
        "preview": "is in preview",
        "closed-to-new": "is closed to new customers",
        "retiring": "is being retired",
        "retired": "is retired",
    }[life.status]
    when = f" ({'ends' if life.status == 'retiring' else 'since'} {life.date})" if life.date else ""
    successor = kb.services.get(life.successor) if life.successor else None
    use = f"; use {successor.name} instead" if successor else ""
    return f"{service.name} {words}{when}{use}"


def _facet_remark(source: Service, target: Service, coverage: Coverage) -> str | None:
    if coverage == "full":
        return None
    missing = sorted(decisive_facets(source) - set(target.facets))
    offered = sorted(f for f in target.facets if f in DECISIVE_FACETS)
    has = f"; it offers {', '.join(offered)}" if offered else ""
    return f"{target.name} lacks {', '.join(missing)} that {source.name} offers{has}"


def _source_remark(source: Service, job: Job) -> str | None:
    if job.fit is Fit.exact:
        return None
    return f"{source.name} itself is a partial fit here (see its caveat)"


def matches_for(kb: KnowledgeBase, source: Service, provider: str, capability: str) -> list[Match]:
    """`provider`'s equivalents of `source` for one capability, best first (retired left out)."""
    source_job = job_of(kb, source, capability)
    if source_job is None:
        return []
    cap = kb.capabilities.get(capability)
    preferred = cap.preferred.get(provider) if cap else None
    found: list[tuple[tuple[object, ...], Match]] = []
    for target in kb.implementers(provider, capability):
        if target.id == source.id or target.lifecycle.status == "retired":
            continue
        job = job_of(kb, target, capability)
        assert job is not None  # implementers() lists only services that implement it
        coverage = facet_coverage(source, target)
        exact = (
            source_job.fit is Fit.exact
            and job.fit is Fit.exact
            and coverage == "full"
            and target.lifecycle.status == "ga"
        )
        pair_note = source.pair_notes.get(target.id) or target.pair_notes.get(source.id)
        remarks = [
            r
            for r in (
                _source_remark(source, source_job),
                _facet_remark(source, target, coverage),
                lifecycle_remark(kb, target),
                pair_note,
            )
            if r
        ]
        match = Match(
            service=target,
            capability=capability,
            fit=Fit.exact if exact else Fit.partial,
            caveat=job.caveat,
            coverage=coverage,
            note="; ".join(remarks) if remarks else None,
        )
        specific = len(set(target.facets) - set(source.facets))
        key = (
            not target.lifecycle.is_current,
            ("full", "some", "none").index(coverage),
            -len(decisive_facets(source) & set(target.facets)),
            not (job.primary or job.fit is Fit.exact),
            preferred is not None and preferred not in (target.id, target.feature_of),
            specific,
            target.is_feature != source.is_feature,
            not exact,
            target.id,
        )
        found.append((key, match))
    return [m for _, m in sorted(found, key=lambda item: item[0])]


def current_first(services: list[Service]) -> list[Service]:
    """The services a new design may use: current ones when any exist, else all but retired."""
    current = [s for s in services if s.lifecycle.is_current]
    if current:
        return current
    return [s for s in services if s.lifecycle.status != "retired"]

"""Plain-words reasons: for each need, what a resolved design gives for it.

The score terms (`recommend.score_terms`) say how a blueprint was ranked; these sentences say
what the reader gets, naming the components, services, regions and patterns behind each need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .records import Blueprint, Need, NeedKind, Quality, ServiceScope, Trait

if TYPE_CHECKING:
    from .kb import KnowledgeBase
    from .needs import ParsedNeeds
    from .results import ResolvedArchitecture

_LEVELS: dict[Quality, tuple[str, tuple[str, str, str, str, str]]] = {
    Quality.availability: (
        "availability",
        ("low", "below average", "average", "high", "very high"),
    ),
    Quality.scalability: ("scalability", ("low", "below average", "average", "high", "very high")),
    Quality.cost: ("running cost", ("very high", "high", "moderate", "low", "very low")),
    Quality.latency: ("response latency", ("high", "above average", "average", "low", "very low")),
    Quality.security: (
        "security posture",
        ("weak", "below average", "average", "strong", "very strong"),
    ),
    Quality.operability: (
        "operations effort",
        ("very high", "high", "moderate", "low", "very low"),
    ),
    Quality.portability: ("portability", ("low", "below average", "average", "high", "very high")),
}
"""Quality → how to say it, and the word for ratings 1…5 (5 is best for the user)."""


_TRAIT_WORDS: dict[Trait, str] = {
    Trait.serverless: "serverless",
    Trait.vm: "VM-based",
    Trait.container: "containerised",
    Trait.kubernetes: "on Kubernetes",
    Trait.managed: "a managed service",
    Trait.compute: "compute",
    Trait.data: "a data service",
    Trait.network: "a network service",
}


def quality_phrase(quality: Quality, rating: int) -> str:
    """'running cost is low' for (cost, 4)."""
    noun, words = _LEVELS[quality]
    return f"{noun} is {words[rating - 1]}"


def plain_reasons(
    kb: KnowledgeBase,
    blueprint: Blueprint,
    needs: ParsedNeeds,
    architectures: dict[str, ResolvedArchitecture],
) -> list[str]:
    """One sentence per need, in the order the needs were given."""
    return [_reason(kb, blueprint, need, needs, architectures) for need in needs.needs]


def _reason(
    kb: KnowledgeBase,
    blueprint: Blueprint,
    need: Need,
    needs: ParsedNeeds,
    architectures: dict[str, ResolvedArchitecture],
) -> str:
    parts: list[str] = []
    effects = need.effects
    if need.need_kind is NeedKind.residency:
        parts.append(_residency(kb, need, architectures))
    if need.need_kind is NeedKind.provider:
        names = ", ".join(kb.providers[p].short_name for p in effects.providers)
        parts.append(f"shown on {names} only")
    for trait in effects.compute_traits:
        roles = [c.role for c in blueprint.components if kb.is_compute(c.capability)]
        if roles:
            parts.append(f"everything that runs code ({', '.join(roles)}) is {_TRAIT_WORDS[trait]}")
        else:
            parts.append(f"it runs no code of its own, so nothing in it needs to be {trait.value}")
    if effects.any_capability:
        parts.append(_capability(kb, blueprint, effects.any_capability, architectures))
    if effects.any_pattern:
        used = [kb.patterns[p].name for p in effects.any_pattern if p in blueprint.patterns]
        if used:
            parts.append(f"it is built on the {' and '.join(used)} pattern")
    if effects.controls:
        parts.append(_controls(kb, need, architectures))
    if effects.weights:
        parts.append(_qualities(kb, blueprint, need))
    if need.id in blueprint.suits:
        parts.insert(0, "made for this need")
    if not parts:
        parts.append("no effect on this design")
    text = "; ".join(parts)
    return f"{need.id}: {text[0].upper()}{text[1:]}."


def _residency(
    kb: KnowledgeBase, need: Need, architectures: dict[str, ResolvedArchitecture]
) -> str:
    where = [
        f"{', '.join(f'{r.code} ({r.city})' for r in arch.regions)} on "
        f"{kb.providers[provider].short_name}"
        for provider, arch in sorted(architectures.items())
    ]
    place = need.name.removesuffix(" data residency")
    return f"every region is in {place}: {'; '.join(where)}"


def _capability(
    kb: KnowledgeBase,
    blueprint: Blueprint,
    wanted: list[str],
    architectures: dict[str, ResolvedArchitecture],
) -> str:
    component = next((c for c in blueprint.components if c.capability in wanted), None)
    if component is None:
        return "it has none of the components this need asks for"
    services = [
        f"{comp.service_name} on {kb.providers[provider].short_name}"
        for provider, arch in sorted(architectures.items())
        for comp in arch.components
        if comp.role == component.role
    ]
    capability = kb.capabilities[component.capability].name
    return f"its {component.role} component provides {capability} ({', '.join(services)})"


def _controls(kb: KnowledgeBase, need: Need, architectures: dict[str, ResolvedArchitecture]) -> str:
    names = [kb.capabilities[c].name.lower() for c in need.effects.controls]
    text = f"the design includes {_join(names)}"
    scoped = [p for p in sorted(architectures) if p in need.effects.in_scope]
    if scoped:
        who = ", ".join(kb.providers[p].short_name for p in scoped)
        text += f", and every service is on the provider's list of services in scope ({who})"
        doubtful = [
            kb.providers[p].short_name
            for p in scoped
            if _uses_unverified(kb, need.effects.in_scope[p], architectures[p])
        ]
        if doubtful:
            text += (
                ", some only as entries not yet confirmed on the provider's own list "
                f"({', '.join(doubtful)})"
            )
    return text


def _uses_unverified(kb: KnowledgeBase, scope: ServiceScope, arch: ResolvedArchitecture) -> bool:
    """Whether a design leans on an entry of the scope list that nobody confirmed."""
    unverified = set(scope.unverified)
    allowed = {*scope.services, *scope.exempt}
    for component in arch.components:
        service = kb.services[component.service]
        entry = service.id if service.id in allowed else service.feature_of
        if entry in unverified:
            return True
    return False


def _qualities(kb: KnowledgeBase, blueprint: Blueprint, need: Need) -> str:
    said: list[str] = []
    for quality in sorted(need.effects.weights, key=lambda q: -need.effects.weights[q]):
        rating = blueprint.quality[quality]
        phrase = quality_phrase(quality, rating)
        helpers = [
            kb.patterns[p].name
            for p in blueprint.patterns
            if p in kb.patterns and kb.patterns[p].effects.get(quality, 0) > 0
        ]
        drags = [
            kb.patterns[p].name
            for p in blueprint.patterns
            if p in kb.patterns and kb.patterns[p].effects.get(quality, 0) < 0
        ]
        if rating >= 4 and helpers:
            phrase += f" ({helpers[0]})"
        elif rating <= 2 and drags:
            phrase += f" ({drags[0]})"
        said.append(phrase)
    return ", ".join(said)


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"

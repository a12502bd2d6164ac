"""Recommend blueprints for parsed needs: filter on hard constraints, score on soft ones, explain.

Candidates are blueprints × providers. A blueprint-level constraint (capability or pattern needs)
removes the blueprint for every provider; a provider-level one (residency, availability,
controls) removes that pairing only. Scores are deterministic and every term is a sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .resolve import ResolutionPlan, build_architecture, plan_architecture
from .results import Exclusion, Recommendation, RecommendationSet, ResolvedArchitecture
from .schema import Blueprint

if TYPE_CHECKING:
    from .kb import KnowledgeBase
    from .needs import ParsedNeeds

SUITS_BONUS = 2.0
CAPABILITY_MATCH_BONUS = 1.0
PATTERN_BONUS = 0.5
NEUTRAL_RATING = 3


@dataclass(frozen=True)
class ScoreTerm:
    value: float
    sentence: str


def blueprint_failures(kb: KnowledgeBase, blueprint: Blueprint, needs: ParsedNeeds) -> list[str]:
    """Why the blueprint itself cannot meet the capability/pattern needs (empty when it can)."""
    failures: list[str] = []
    compute = [c for c in blueprint.components if kb.is_compute(c.capability)]
    compute_needs = [n for n in needs.needs if n.effects.compute_traits]
    for trait in sorted(needs.compute_traits, key=lambda t: t.value):
        # With no compute at all, the need holds only where the blueprint claims to suit it
        # (a static site is serverless; a CI platform is not "serverless compute").
        if not compute and not any(n.id in blueprint.suits for n in compute_needs):
            failures.append(f"has no compute component, so nothing in it is {trait.value}")
        for component in compute:
            if trait not in kb.capabilities[component.capability].traits:
                failures.append(
                    f"component {component.role!r} runs on {component.capability}, which is not "
                    f"{trait.value}"
                )
    present = {c.capability for c in blueprint.components}
    for need_id, capabilities in needs.capability_groups:
        if not present & set(capabilities):
            failures.append(f"need {need_id!r} wants one of {', '.join(capabilities)}; it has none")
    for need_id, patterns in needs.pattern_groups:
        if not set(blueprint.patterns) & set(patterns):
            failures.append(
                f"need {need_id!r} wants the pattern {' or '.join(patterns)}; it is not used"
            )
    return failures


def score_terms(kb: KnowledgeBase, blueprint: Blueprint, needs: ParsedNeeds) -> list[ScoreTerm]:
    """Every term of the blueprint's score, strongest first (ties by sentence)."""
    terms: list[ScoreTerm] = []
    for need in needs.needs:
        if need.id in blueprint.suits:
            terms.append(ScoreTerm(SUITS_BONUS, f"Designed for {need.name.lower()} ({need.id})."))
    present = {c.capability: c.role for c in blueprint.components}
    for need_id, capabilities in needs.capability_groups:
        hit = next((c for c in capabilities if c in present), None)
        if hit:
            terms.append(
                ScoreTerm(
                    CAPABILITY_MATCH_BONUS,
                    f"Meets {need_id}: its {present[hit]} component is {kb.capabilities[hit].name.lower()}.",
                )
            )
    for trait in sorted(needs.compute_traits, key=lambda t: t.value):
        roles = [c.role for c in blueprint.components if kb.is_compute(c.capability)]
        if roles:
            terms.append(
                ScoreTerm(
                    CAPABILITY_MATCH_BONUS, f"All compute is {trait.value} ({', '.join(roles)})."
                )
            )
    for quality, weight in sorted(needs.weights.items(), key=lambda i: i[0].value):
        rating = blueprint.quality[quality]
        value = weight * (rating - NEUTRAL_RATING)
        who = ", ".join(needs.weight_sources.get(quality, ()))
        terms.append(
            ScoreTerm(
                value,
                f"{quality.value.capitalize()} rated {rating}/5, weighted ×{weight:g} by {who}.",
            )
        )
    wanted = set(needs.ids)
    for pattern_id in blueprint.patterns:
        pattern = kb.patterns.get(pattern_id)
        served = sorted(wanted & set(pattern.satisfies)) if pattern else []
        if pattern and served:
            terms.append(
                ScoreTerm(PATTERN_BONUS, f"Uses {pattern.name}, which serves {', '.join(served)}.")
            )
    return sorted(terms, key=lambda t: (-abs(t.value), -t.value, t.sentence))


def recommend(
    kb: KnowledgeBase,
    needs: ParsedNeeds,
    providers: Sequence[str] | None = None,
    top: int = 3,
) -> RecommendationSet:
    """Rank blueprints for `needs`, each resolved on every allowed provider.

    Args:
        kb: the knowledge base.
        needs: parsed needs (see `needs.parse_needs`).
        providers: restrict to these providers (None = all, then any provider need applies).
        top: how many blueprints to return (0 = all).
    """
    allowed = _allowed_providers(kb, needs, providers)
    excluded: list[Exclusion] = []
    ranked: list[tuple[float, str, Blueprint, list[ScoreTerm], dict[str, ResolutionPlan]]] = []
    for blueprint in sorted(kb.blueprints.values(), key=lambda b: b.id):
        failures = blueprint_failures(kb, blueprint, needs)
        if failures:
            excluded.extend(
                Exclusion(blueprint=blueprint.id, provider="all", reason=f) for f in failures
            )
            continue
        plans: dict[str, ResolutionPlan] = {}
        for provider in allowed:
            outcome = plan_architecture(kb, blueprint, provider, needs)
            if isinstance(outcome, str):
                excluded.append(
                    Exclusion(blueprint=blueprint.id, provider=provider, reason=outcome)
                )
            else:
                plans[provider] = outcome
        if not plans:
            continue
        terms = score_terms(kb, blueprint, needs)
        score = round(sum(t.value for t in terms), 2)
        ranked.append((score, blueprint.id, blueprint, terms, plans))
    ranked.sort(key=lambda item: (-item[0], item[1]))
    # Result models are built only for what is returned: every candidate was planned above (to
    # know it qualifies), but building its ResolvedArchitecture is the costly part.
    chosen = [
        (score, blueprint, terms, _build_all(kb, blueprint, needs, plans))
        for score, _, blueprint, terms, plans in (ranked[:top] if top > 0 else ranked)
    ]
    recommendations = [
        Recommendation(
            rank=i + 1,
            blueprint=blueprint.id,
            name=blueprint.name,
            summary=blueprint.summary,
            score=score,
            reasons=[t.sentence for t in terms] or ["No soft needs to weigh; ordered by id."],
            tradeoffs=list(blueprint.tradeoffs),
            patterns=list(blueprint.patterns),
            providers=resolved,
        )
        for i, (score, blueprint, terms, resolved) in enumerate(chosen)
    ]
    return RecommendationSet(
        needs=needs.ids,
        constraints=needs.constraints(),
        recommendations=recommendations,
        excluded=excluded,
    )


def _build_all(
    kb: KnowledgeBase, blueprint: Blueprint, needs: ParsedNeeds, plans: dict[str, ResolutionPlan]
) -> dict[str, ResolvedArchitecture]:
    return {p: build_architecture(kb, blueprint, p, needs, plan) for p, plan in plans.items()}


def _allowed_providers(
    kb: KnowledgeBase, needs: ParsedNeeds, providers: Sequence[str] | None
) -> list[str]:
    allowed = sorted(kb.providers)
    if needs.providers is not None:
        allowed = [p for p in allowed if p in needs.providers]
    if providers:
        allowed = [p for p in allowed if p in providers]
    return allowed


def why_not(
    kb: KnowledgeBase, blueprint_id: str, needs: ParsedNeeds, providers: Sequence[str] | None = None
) -> list[Exclusion]:
    """Every constraint that removes `blueprint_id` (per provider); empty when it qualifies."""
    blueprint = kb.blueprints[blueprint_id]
    reasons = [
        Exclusion(blueprint=blueprint_id, provider="all", reason=f)
        for f in blueprint_failures(kb, blueprint, needs)
    ]
    allowed = _allowed_providers(kb, needs, providers)
    for provider in sorted(kb.providers):
        if provider not in allowed:
            reasons.append(
                Exclusion(
                    blueprint=blueprint_id,
                    provider=provider,
                    reason="ruled out by the provider filter",
                )
            )
            continue
        outcome = plan_architecture(kb, blueprint, provider, needs)
        if isinstance(outcome, str):
            reasons.append(Exclusion(blueprint=blueprint_id, provider=provider, reason=outcome))
    return reasons

"""Recommend blueprints for parsed needs: filter on hard constraints, score on soft ones, explain.

Candidates are blueprints × providers. A blueprint-level constraint (capability or pattern needs)
removes the blueprint for every provider; a provider-level one (residency, availability,
controls) removes that pairing only. Scores are deterministic and every term is a sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .datatypes import Data
from .needs import NeedsError, parse_needs
from .reasons import plain_reasons
from .records import Blueprint, Component, NeedKind, Quality
from .resolve import ResolutionPlan, build_architecture, plan_architecture
from .results import (
    Exclusion,
    Recommendation,
    RecommendationSet,
    ResolvedArchitecture,
    WhyNot,
)
from .results import ScoreTerm as ScoreTermResult

if TYPE_CHECKING:
    from .kb import KnowledgeBase
    from .needs import ParsedNeeds

SUITS_BONUS = 2.0
CAPABILITY_MATCH_BONUS = 1.0
PATTERN_BONUS = 0.5
NEUTRAL_RATING = 3


class ScoreTerm(Data, frozen=True):
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


def _fails(
    kb: KnowledgeBase, blueprint: Blueprint, needs: ParsedNeeds, compute: list[Component]
) -> bool:
    """`bool(blueprint_failures(...))` without writing the sentences: `winners_by_added_need`
    asks it for every candidate under every added need. `compute`: the blueprint's compute
    components."""
    if needs.compute_traits:
        if not compute and not any(
            n.id in blueprint.suits for n in needs.needs if n.effects.compute_traits
        ):
            return True
        for trait in needs.compute_traits:
            if any(trait not in kb.capabilities[c.capability].traits for c in compute):
                return True
    present = {c.capability for c in blueprint.components}
    if any(not present & set(capabilities) for _, capabilities in needs.capability_groups):
        return True
    return any(not set(blueprint.patterns) & set(patterns) for _, patterns in needs.pattern_groups)


def _score(
    kb: KnowledgeBase, blueprint: Blueprint, needs: ParsedNeeds, compute: list[Component]
) -> float:
    """The score `score_terms` gives (its values, summed in its order), without the sentences."""
    values: list[float] = [SUITS_BONUS for need in needs.needs if need.id in blueprint.suits]
    present = {c.capability for c in blueprint.components}
    for _, capabilities in needs.capability_groups:
        if any(c in present for c in capabilities):
            values.append(CAPABILITY_MATCH_BONUS)
    if needs.compute_traits and compute:
        values += [CAPABILITY_MATCH_BONUS] * len(needs.compute_traits)
    for quality, weight in needs.weights.items():
        values.append(weight * (blueprint.quality[quality] - NEUTRAL_RATING))
    wanted = set(needs.ids)
    for pattern_id in blueprint.patterns:
        pattern = kb.patterns.get(pattern_id)
        if pattern and wanted & set(pattern.satisfies):
            values.append(PATTERN_BONUS)
    values.sort(key=lambda v: (-abs(v), -v))  # equal keys are equal values: same sum
    return round(sum(values), 2)


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


def only_constraints(kb: KnowledgeBase, needs: ParsedNeeds) -> bool:
    """True when nothing can rank one blueprint above another: no need says what the workload
    is or what matters most, and no blueprint is made for any of the needs (`suits`)."""
    wanted = set(needs.ids)
    return needs.constraint_only and not any(wanted & set(b.suits) for b in kb.blueprints.values())


class _Candidate(Data, frozen=True):
    """A blueprint that qualifies on at least one provider, with its score and plans."""

    score: float
    blueprint: Blueprint
    terms: list[ScoreTerm]
    plans: dict[str, ResolutionPlan]


def _qualify(
    kb: KnowledgeBase, needs: ParsedNeeds, allowed: list[str]
) -> tuple[list[_Candidate], list[Exclusion]]:
    """Every qualifying blueprint, best first (by id when unranked), and every exclusion."""
    excluded: list[Exclusion] = []
    found: list[_Candidate] = []
    unranked = only_constraints(kb, needs)
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
        if unranked:
            found.append(_Candidate(0.0, blueprint, [], plans))
            continue
        terms = score_terms(kb, blueprint, needs)
        found.append(_Candidate(round(sum(t.value for t in terms), 2), blueprint, terms, plans))
    if not unranked:
        found.sort(key=lambda c: _order(c.score, c.blueprint))
    return found, excluded


def _order(score: float, blueprint: Blueprint) -> tuple[float, int, int, str]:
    """Rank order: higher score; on equal scores the cheaper design (it brings nothing costly the
    needs did not ask for, such as a standby region), then the simpler one, then by id."""
    return (-score, -blueprint.quality[Quality.cost], len(blueprint.components), blueprint.id)


def recommend(
    kb: KnowledgeBase,
    needs: ParsedNeeds,
    providers: Sequence[str] | None = None,
    top: int = 3,
) -> RecommendationSet:
    """Rank blueprints for `needs`, each resolved on every allowed provider.

    With only constraint needs (residency, compliance, security, provider) nothing ranks one
    blueprint above another: the qualifying ones come back by id with `ranked=False`, a notice
    and suggested workload needs.

    Args:
        kb: the knowledge base.
        needs: parsed needs (see `needs.parse_needs`).
        providers: restrict to these providers (None = all, then any provider need applies).
        top: how many blueprints to return (0 = all).

    Raises:
        NeedsError: when a provider need and `providers` leave no provider at all.
    """
    allowed = _allowed_providers(kb, needs, providers)
    found, excluded = _qualify(kb, needs, allowed)
    unranked = only_constraints(kb, needs)
    winners = (
        {}
        if unranked or not chosen_count(found, top)
        else winners_by_added_need(kb, needs, found, allowed)
    )
    # Result models are built only for what is returned: every candidate was planned above (to
    # know it qualifies), but building its ResolvedArchitecture is the costly part.
    chosen = found[:top] if top > 0 else found
    recommendations = []
    for i, candidate in enumerate(chosen):
        blueprint = candidate.blueprint
        resolved = _build_all(kb, blueprint, needs, candidate.plans)
        recommendations.append(
            Recommendation(
                rank=i + 1,
                blueprint=blueprint.id,
                name=blueprint.name,
                summary=blueprint.summary,
                score=candidate.score,
                reasons=plain_reasons(kb, blueprint, needs, resolved),
                tradeoffs=list(blueprint.tradeoffs),
                patterns=list(blueprint.patterns),
                providers=resolved,
                score_terms=[
                    ScoreTermResult(value=t.value, sentence=t.sentence) for t in candidate.terms
                ],
                dropped={
                    e.provider: e.reason
                    for e in excluded
                    if e.blueprint == blueprint.id and e.provider != "all"
                },
                what_would_change=[] if unranked else what_would_change(kb, winners, found, i),
            )
        )
    return RecommendationSet(
        needs=needs.ids,
        constraints=needs.constraints(),
        recommendations=recommendations,
        excluded=excluded,
        ranked=not unranked,
        qualifying=len(found),
        notice=_unranked_notice(needs, len(found)) if unranked and found else None,
        suggestions=workload_suggestions(kb, needs, [c.blueprint for c in found])
        if unranked and found
        else [],
    )


def chosen_count(found: list[_Candidate], top: int) -> int:
    return min(len(found), top) if top > 0 else len(found)


def _unranked_notice(needs: ParsedNeeds, count: int) -> str:
    return (
        f"Only constraint needs were given ({', '.join(needs.ids)}): they decide where and under "
        f"which rules a design may run, not what the workload is, so nothing ranks one design "
        f"above another. The {count} blueprint(s) that qualify are listed by id, unranked. Add "
        "what the workload is (api, serverless, streaming, …) or what matters most (low-cost, "
        "high-availability, …) to rank them."
    )


def workload_suggestions(
    kb: KnowledgeBase, needs: ParsedNeeds, qualifying: list[Blueprint]
) -> list[str]:
    """Capability needs that narrow the qualifying blueprints (keep some, drop others)."""
    found: list[str] = []
    for need in sorted(kb.needs.values(), key=lambda n: n.id):
        if need.need_kind is not NeedKind.capability or need.id in needs.ids:
            continue
        try:
            narrowed = parse_needs(kb, [*needs.ids, need.id])
        except NeedsError:
            continue
        kept = sum(1 for b in qualifying if not blueprint_failures(kb, b, narrowed))
        if 0 < kept < len(qualifying):
            found.append(need.id)
    return found


def winners_by_added_need(
    kb: KnowledgeBase, needs: ParsedNeeds, ranked: list[_Candidate], allowed: list[str]
) -> dict[str, str]:
    """Added need id → the blueprint that would then be first, when that is not today's first.

    Only capability and quality needs are tried: adding residency or compliance changes where a
    design may run, not which design fits.
    """
    if len(ranked) < 2:
        return {}
    found: dict[str, str] = {}
    compute = {
        c.blueprint.id: [x for x in c.blueprint.components if kb.is_compute(x.capability)]
        for c in ranked
    }
    for need in sorted(kb.needs.values(), key=lambda n: n.id):
        if need.need_kind not in (NeedKind.capability, NeedKind.quality) or need.id in needs.ids:
            continue
        try:
            more = parse_needs(kb, [*needs.ids, need.id])
        except NeedsError:
            continue
        winner = _winner(kb, more, ranked, allowed, compute)
        if winner is not None and winner != ranked[0].blueprint.id:
            found[need.id] = winner
    return found


def what_would_change(
    kb: KnowledgeBase, winners: dict[str, str], ranked: list[_Candidate], index: int
) -> list[str]:
    """For the first option: the added needs that would put another option first. For the
    others: the added needs that would put this one first (`winners`: see above)."""
    if len(ranked) < 2:
        return []
    me = ranked[index].blueprint.id
    grouped: dict[str, list[str]] = {}
    for need_id, winner in winners.items():
        if index == 0 or winner == me:
            grouped.setdefault(winner, []).append(need_id)
    sentences: list[str] = []
    for winner, added in sorted(grouped.items(), key=lambda i: (-len(i[1]), i[0]))[:3]:
        words = " or ".join(f"`{n}`" for n in added[:3])
        target = "this option" if winner == me else kb.blueprints[winner].name
        sentences.append(f"Adding {words} would put {target} first.")
    if not sentences:
        sentences.append(
            "No single added workload or quality need puts another option first."
            if index == 0
            else "No single added workload or quality need puts this option first."
        )
    return sentences


def _winner(
    kb: KnowledgeBase,
    needs: ParsedNeeds,
    ranked: list[_Candidate],
    allowed: list[str],
    compute: dict[str, list[Component]],
) -> str | None:
    """The blueprint that would be first under `needs`, among the current candidates
    (`compute`: blueprint id → its compute components)."""
    best: tuple[float, int, int, str] | None = None
    for candidate in ranked:
        blueprint = candidate.blueprint
        if _fails(kb, blueprint, needs, compute[blueprint.id]):
            continue
        if needs.secondary_region and not any(
            not isinstance(plan_architecture(kb, blueprint, p, needs), str) for p in allowed
        ):
            continue
        key = _order(_score(kb, blueprint, needs, compute[blueprint.id]), blueprint)
        if best is None or key < best:
            best = key
    return best[3] if best else None


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
        asked = [p for p in allowed if p in providers]
        if not asked:
            need = next(n.id for n in needs.needs if n.effects.providers)
            raise NeedsError(
                f"need {need!r} and --provider {','.join(providers)} clash: the need allows "
                f"only {', '.join(allowed)}; drop one of them"
            )
        allowed = asked
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


def explain_why_not(
    kb: KnowledgeBase, blueprint_id: str, needs: ParsedNeeds, providers: Sequence[str] | None = None
) -> WhyNot:
    """`why_not` plus the blueprint's rank among the qualifying ones (None when it fails)."""
    reasons = why_not(kb, blueprint_id, needs, providers)
    allowed = _allowed_providers(kb, needs, providers)
    found, _ = _qualify(kb, needs, allowed)
    order = [c.blueprint.id for c in found]
    blocked = {r.provider for r in reasons}
    return WhyNot(
        blueprint=blueprint_id,
        needs=needs.ids,
        rank=order.index(blueprint_id) + 1 if blueprint_id in order else None,
        qualifying=len(found),
        ranked=not only_constraints(kb, needs),
        qualifies_on=[] if "all" in blocked else [p for p in allowed if p not in blocked],
        reasons=reasons,
    )

"""Turn a blueprint on one provider into a `ResolvedArchitecture`: regions and concrete services."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .datatypes import Data
from .equivalence import current_first, job_of
from .records import Blueprint, Fit, Region, Service
from .results import (
    Exclusion,
    RegionChoice,
    ResolvedArchitecture,
    ResolvedComponent,
    ResolvedFlow,
)
from .topology import (
    TELEMETRY_CATEGORIES,
    is_data_store,
    is_global,
    is_highly_available,
    is_zone_redundant,
    placement_facts,
    replication_of,
)

if TYPE_CHECKING:
    from .kb import KnowledgeBase
    from .needs import ParsedNeeds

FALLBACK_JURISDICTION = "us"
"""Where regions come from when the needs set no residency (said in the architecture's notes)."""


def is_available(service: Service, region: Region) -> bool:
    """False when the KB records the service as not offered in that region."""
    if service.available_in is not None:
        return region.code in service.available_in
    return region.code not in service.unavailable_in


def choose_regions(
    kb: KnowledgeBase,
    provider: str,
    jurisdiction: str | None,
    secondary: bool,
    country: str | None = None,
) -> list[Region] | str:
    """The primary region (the provider's default for the jurisdiction) and, when asked, a
    second region in the same jurisdiction but another city; with `country` (an ISO code), only
    regions in that country count. Returns a reason string when the provider cannot satisfy the
    request."""
    memo = kb.caches.regions
    key = (provider, jurisdiction, secondary, country)
    cached = memo.get(key)
    if cached is None:
        cached = memo[key] = _choose_regions(kb, provider, jurisdiction, secondary, country)
    return cached if isinstance(cached, str) else list(cached)


def regions_inside(
    kb: KnowledgeBase, provider: str, jurisdiction: str | None, country: str | None = None
) -> list[Region]:
    """The provider's regions inside the jurisdiction (and country, when given), by code."""
    inside = kb.regions_in(provider, jurisdiction or FALLBACK_JURISDICTION)
    return [r for r in inside if r.country == country] if country else inside


_COUNTRY_NAMES = {
    "AT": "Austria", "BE": "Belgium", "DE": "Germany", "ES": "Spain", "FI": "Finland",
    "FR": "France", "IE": "Ireland", "IT": "Italy", "NL": "the Netherlands", "NO": "Norway",
    "PL": "Poland", "SE": "Sweden", "JP": "Japan", "AU": "Australia", "IN": "India",
    "KR": "South Korea", "SG": "Singapore", "NZ": "New Zealand", "ZA": "South Africa",
    "AE": "the United Arab Emirates", "MX": "Mexico",
}  # fmt: skip
"""Names for the reasons a provider is dropped (regions carry only the ISO code)."""


def _choose_regions(
    kb: KnowledgeBase,
    provider: str,
    jurisdiction: str | None,
    secondary: bool,
    country: str | None = None,
) -> list[Region] | str:
    wanted = jurisdiction or FALLBACK_JURISDICTION
    inside = regions_inside(kb, provider, jurisdiction, country)
    if not inside:
        where = f"{country} ({_COUNTRY_NAMES.get(country, country)})" if country else wanted
        return f"{provider} has no region in {where}"
    if country:
        # The jurisdiction's default or DR region first where it lies in the country; then
        # regions open to every account; codes in natural order (europe-west3 before -west10).
        juris = wanted
        inside = sorted(
            inside,
            key=lambda r: (
                juris not in r.default_for,
                juris not in r.secondary_for,
                r.opt_in,
                [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", r.code)],
            ),
        )
        wanted = country
    primary = next((r for r in inside if wanted in r.default_for), None)
    primary = primary or next((r for r in inside if not r.opt_in), inside[0])
    if not secondary:
        return [primary]
    others = [r for r in inside if r.city != primary.city]
    if not others:
        return f"{provider} has only one location in {wanted} ({primary.city}); a second region is needed"
    second = next((r for r in others if wanted in r.secondary_for), None)
    second = second or next((r for r in others if not r.opt_in), others[0])
    return [primary, second]


def candidate_services(kb: KnowledgeBase, provider: str, capability: str) -> list[Service]:
    """Services of `provider` for `capability`, best first (preferred, primary, exact, id)."""
    return list(_candidates(kb, provider, capability))


def _candidates(kb: KnowledgeBase, provider: str, capability: str) -> list[Service]:
    """`candidate_services`, sorted once per KB (callers must not mutate the list)."""
    memo = kb.caches.candidates
    found = memo.get((provider, capability))
    if found is None:
        preferred = (
            kb.capabilities[capability].preferred.get(provider)
            if capability in kb.capabilities
            else None
        )
        found = memo[provider, capability] = sorted(
            current_first(kb.implementers(provider, capability)),
            key=lambda s: (
                s.id != preferred,
                s.capability != capability,
                s.fit is not Fit.exact,
                s.is_feature,
                s.id,
            ),
        )
    return found


def choose_service(
    kb: KnowledgeBase, provider: str, capability: str, regions: list[Region]
) -> Service | str:
    """The best service available in every chosen region, or the reason there is none.

    Memoised per (provider, capability, regions): a recommendation asks the same question for
    every blueprint that has a component of that capability.
    """
    memo = kb.caches.service_choice
    key = (provider, capability, tuple(r.id for r in regions), ())
    choice = memo.get(key)
    if choice is None:
        choice = memo[key] = _choose_service(kb, provider, capability, regions)
    return choice


def _choose_service(
    kb: KnowledgeBase,
    provider: str,
    capability: str,
    regions: list[Region],
    scopes: tuple[tuple[str, frozenset[str]], ...] = (),
) -> Service | str:
    candidates = _candidates(kb, provider, capability)
    if not candidates:
        gap = kb.capabilities[capability].no_equivalent.get(provider)
        note = f" ({gap.note})" if gap else ""
        return f"{provider} has no service for {capability}{note}"
    for need_id, in_scope in scopes:
        kept = [s for s in candidates if _covers(kb, need_id, in_scope, s)]
        if not kept:
            names = ", ".join(s.name for s in candidates)
            who = kb.providers[provider].short_name
            return (
                f"{need_id}: {who}'s list of services in scope for {need_id} has no "
                f"service for {capability} ({names} not on it); "
                f"{_list_basis(kb, need_id, provider)}"
            )
        candidates = kept
    for service in candidates:
        if all(is_available(service, region) for region in regions):
            return service
    codes = ", ".join(r.code for r in regions)
    names = ", ".join(s.name for s in candidates)
    return f"{names} not available in {codes} (per the KB's regional availability)"


class ResolutionPlan(Data, frozen=True):
    """The choices of a resolution (regions, one service per component, notes), before they are
    turned into result models. Recommending plans every blueprint × provider to know which
    qualify, but builds a `ResolvedArchitecture` only for the few it returns."""

    regions: list[Region]
    picks: list[tuple[str, str, str, str | None, bool, Service]]
    """(role, capability, tier, label, is a control, chosen service) per component."""
    notes: list[str]


def plan_architecture(
    kb: KnowledgeBase, blueprint: Blueprint, provider: str, needs: ParsedNeeds | None = None
) -> ResolutionPlan | str:
    """Choose regions and services for `blueprint` on `provider`, or say why it cannot run there."""
    jurisdiction = needs.jurisdiction if needs else None
    secondary = needs.secondary_region if needs else False
    country = needs.country if needs else None
    regions = choose_regions(kb, provider, jurisdiction, secondary, country)
    if isinstance(regions, str):
        return regions
    notes: list[str] = list(needs.provider_notes(provider)) if needs else []
    scopes = needs.scope_for(provider) if needs else ()
    if jurisdiction is None:
        notes.append(
            f"No residency need given: regions come from {FALLBACK_JURISDICTION}; "
            "add one (eu, uk, ch, us, …) to pin them."
        )
    wanted = [(c.role, c.capability, c.tier, c.label, False) for c in blueprint.components]
    present = {c.capability for c in blueprint.components}
    for need_id, control_id in needs.controls if needs else ():
        if control_id not in present:
            wanted.append((control_id, control_id, "security", None, True))
            present.add(control_id)
            notes.append(f"{kb.capabilities[control_id].name} added as a control for {need_id}.")
    picks: list[tuple[str, str, str, str | None, bool, Service]] = []
    memo = kb.caches.service_choice  # choose_service's cache, inlined: this loop is hot
    region_ids = tuple(r.id for r in regions)
    scope_key = tuple(need for need, _ in scopes)
    for role, capability_id, tier, label, control in wanted:
        key = (provider, capability_id, region_ids, scope_key)
        choice = memo.get(key)
        if choice is None:
            choice = memo[key] = _choose_service(kb, provider, capability_id, regions, scopes)
        if isinstance(choice, str):
            return choice
        picks.append((role, capability_id, tier, label, control, choice))
        usual = _candidates(kb, provider, capability_id)[0]
        if choice.id != usual.id:
            notes.append(_substitution_note(kb, role, usual, choice, regions, scopes))
    notes.extend(_unverified_scope_notes(kb, provider, scopes, [p[5] for p in picks]))
    return ResolutionPlan(regions, picks, notes)


def _covers(kb: KnowledgeBase, need_id: str, in_scope: frozenset[str], service: Service) -> bool:
    """Whether a need's scope list (`in_scope`: its services and exempt ones) lets a design use
    `service`. A feature (security groups, RDS for PostgreSQL) counts with its product, unless
    the list leaves that feature out (`excluded_features`)."""
    if service.id in in_scope:
        return True
    if service.feature_of not in in_scope:
        return False
    scope = kb.needs[need_id].effects.in_scope[service.provider]
    return service.id not in scope.excluded_features


def _list_basis(kb: KnowledgeBase, need_id: str, provider: str) -> str:
    """How far archkb's copy of a provider's scope list can be trusted, for exclusion reasons."""
    scope = kb.needs[need_id].effects.in_scope[provider]
    who = kb.providers[provider].short_name
    if scope.verified_against is None:
        return f"archkb's list is not verified against {who}'s own list, check {scope.source}"
    return (
        f"the list was read from a copy of {scope.checked}, check {scope.source} for later changes"
    )


def _unverified_scope_notes(
    kb: KnowledgeBase,
    provider: str,
    scopes: tuple[tuple[str, frozenset[str]], ...],
    chosen: list[Service],
) -> list[str]:
    """Name the chosen services that a scope list holds only as unverified entries: the design
    may use them, but nobody has seen them on the provider's own list."""
    notes: list[str] = []
    for need_id, allowed in scopes:
        scope = kb.needs[need_id].effects.in_scope[provider]
        if not scope.unverified:
            continue
        unverified = set(scope.unverified)
        names = sorted(
            {s.name for s in chosen if (s.id if s.id in allowed else s.feature_of) in unverified}
        )
        if not names:
            continue
        who = kb.providers[provider].short_name
        if scope.verified_against is None:
            notes.append(
                f"Unverified scope ({need_id}): no copy of {who}'s own list could be read, so "
                f"none of this design's services is confirmed in scope; confirm at {scope.source} "
                "before they hold regulated data."
            )
            continue
        one = len(names) == 1
        notes.append(
            f"Unverified scope ({need_id}): {_join(names)} {'is' if one else 'are'} on archkb's "
            f"list for {who} but not on the copy of {who}'s own list of {scope.checked}; confirm "
            f"at {scope.source} before {'it holds' if one else 'they hold'} regulated data."
        )
    return notes


def _substitution_note(
    kb: KnowledgeBase,
    role: str,
    usual: Service,
    choice: Service,
    regions: list[Region],
    scopes: tuple[tuple[str, frozenset[str]], ...],
) -> str:
    """Say why `choice` stands in for the usual service, so a swap is never silent."""
    out_of = [need for need, services in scopes if not _covers(kb, need, services, usual)]
    if out_of:
        who = kb.providers[usual.provider].short_name
        why = f"is not on {who}'s list of services in scope for {' and '.join(out_of)}"
    else:
        missing = [r.code for r in regions if not is_available(usual, r)]
        why = f"is not offered in {', '.join(missing)}"
    return (
        f"Substitution: {role} uses {choice.name} because {usual.name} {why}; the blueprint's "
        "quality ratings (cost, operations) assume the usual service, so check them."
    )


def resolve_architecture(
    kb: KnowledgeBase, blueprint: Blueprint, provider: str, needs: ParsedNeeds | None = None
) -> ResolvedArchitecture | Exclusion:
    """Resolve `blueprint` on `provider` under `needs` (residency, DR region, controls)."""
    plan = plan_architecture(kb, blueprint, provider, needs)
    if isinstance(plan, str):
        return Exclusion(blueprint=blueprint.id, provider=provider, reason=plan)
    return build_architecture(kb, blueprint, provider, needs, plan)


def build_architecture(
    kb: KnowledgeBase,
    blueprint: Blueprint,
    provider: str,
    needs: ParsedNeeds | None,
    plan: ResolutionPlan,
) -> ResolvedArchitecture:
    """The `ResolvedArchitecture` of a plan from `plan_architecture` (same arguments)."""
    jurisdiction = needs.jurisdiction if needs else None
    regions = plan.regions
    available = is_highly_available(needs.weights if needs else {}, len(regions))
    facts = placement_facts([(p[0], kb.capabilities[p[1]], p[2]) for p in plan.picks])
    components: list[ResolvedComponent] = []
    for role, capability_id, tier, label, control, choice in plan.picks:
        capability = kb.capabilities[capability_id]
        job = job_of(kb, choice, capability_id)
        assert job is not None  # candidates implement the capability
        components.append(
            ResolvedComponent(
                role=role,
                capability=capability_id,
                capability_name=capability.name,
                tier=tier,
                label=label or choice.name,
                service=choice.id,
                service_name=choice.name,
                fit=job.fit.value,
                caveat=job.caveat,
                diagrams=choice.diagrams,
                terraform=list(choice.iac.terraform),
                cloudformation=list(choice.iac.cloudformation),
                control=control,
                category=capability.category,
                scope="global" if is_global(choice) else "regional",
                data_store=is_data_store(capability),
                replication=replication_of(capability, choice, len(regions) > 1),
                zone_redundant=is_zone_redundant(capability, choice, available),
                telemetry=capability.category in TELEMETRY_CATEGORIES,
                **facts[role],
            )
        )
    return ResolvedArchitecture(
        blueprint=blueprint.id,
        blueprint_name=blueprint.name,
        provider=provider,
        provider_name=kb.providers[provider].name,
        jurisdiction=jurisdiction,
        regions=[
            RegionChoice(
                code=r.code,
                name=r.name,
                city=r.city,
                country=r.country,
                role="primary" if i == 0 else "secondary",
            )
            for i, r in enumerate(regions)
        ],
        allowed_regions=[
            r.code
            for r in regions_inside(kb, provider, jurisdiction, needs.country if needs else None)
        ],
        components=components,
        flows=[
            ResolvedFlow(source=f.source, target=f.target, label=f.label) for f in blueprint.flows
        ],
        patterns=list(blueprint.patterns),
        needs=needs.ids if needs else [],
        notes=list(plan.notes),
        highly_available=available,
    )


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"

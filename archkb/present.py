"""Records as Markdown, shared by `archkb show` and the TUI detail pane.

Links use `archkb:kind/id` targets so the TUI can follow them; the CLI shows their text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archkb.engine.kb import KnowledgeBase


def link(kb: KnowledgeBase, key: str) -> str:
    """A Markdown link the TUI can follow; `plain_links` turns it into text for the CLI."""
    try:
        name = kb.get(key).name
    except KeyError:
        return f"`{key}`"
    return f"[{name}](archkb:{key})"


def plain_links(markdown: str) -> str:
    """Replace `[name](archkb:kind/id)` with `name (kind/id)` for terminals without links."""
    import re

    return re.sub(r"\[([^\]]+)\]\(archkb:([^)]+)\)", r"\1 (\2)", markdown)


def _links(kb: KnowledgeBase, kind: str, ids: list[str]) -> str:
    return ", ".join(link(kb, f"{kind}/{i}") for i in ids) or "—"


def _bullets(items: list[str]) -> list[str]:
    return [f"- {item}" for item in items]


def record_markdown(kb: KnowledgeBase, kind: str, record: Any) -> str:
    """A Markdown page for one record."""
    lines = [f"# {record.name}", "", f"*{kind}* · `{kind}/{record.id}`"]
    if record.aliases:
        lines += ["", f"Also known as: {', '.join(record.aliases)}"]
    lines += ["", record.summary, ""]
    renderer = _RENDERERS.get(kind)
    if renderer:
        lines += renderer(kb, record)
    lines += ["", "## Sources", *_bullets([str(s) for s in record.sources])]
    origin = kb.origins.get(f"{kind}/{record.id}")
    if origin:
        lines += [
            "",
            f"Defined in `{origin.file}`" + (f" line {origin.line}" if origin.line else ""),
        ]
    return "\n".join(lines)


def _service(kb: KnowledgeBase, s: Any) -> list[str]:
    """What it is and its counterparts first (what people open a service for), details after."""
    from archkb.engine.equivalence import lifecycle_remark

    out = [f"- Provider: {link(kb, 'provider/' + s.provider)}"]
    if s.feature_of:
        out.append(f"- A feature of: {link(kb, 'service/' + s.feature_of)}")
    out.append(f"- Capability: {link(kb, 'capability/' + s.capability)} (fit: {s.fit.value})")
    if s.caveat:
        out.append(f"- Caveat: {s.caveat}")
    if s.facets:
        out.append(f"- Facets (engines, protocols, APIs): {', '.join(s.facets)}")
    remark = lifecycle_remark(kb, s)
    out.append(f"- Lifecycle: {s.lifecycle.status}" + (f" — {remark}" if remark else ""))
    out += ["", "## Equivalents"]
    out += _equivalents(kb, s)
    out += ["", "## Details"]
    for extra in s.also_implements:
        caveat = f" — {extra.caveat}" if extra.caveat else ""
        out.append(
            f"- Also: {link(kb, 'capability/' + extra.capability)} (fit: {extra.fit.value}){caveat}"
        )
    if s.lifecycle.source:
        out.append(f"- Lifecycle source: {s.lifecycle.source}")
    features = sorted(f.id for f in kb.services.values() if f.feature_of == s.id)
    if features:
        out.append(f"- Features: {_links(kb, 'service', features)}")
    out.append(f"- Pricing: {s.pricing}")
    if s.iac.terraform:
        out.append(f"- Terraform: {', '.join(f'`{t}`' for t in s.iac.terraform)}")
    for rule in s.iac.when:
        values = ", ".join(rule.values)
        out.append(f"- Terraform: `{rule.type}` where `{rule.attribute}` {rule.match} {values}")
    if s.iac.cloudformation:
        out.append(f"- CloudFormation: {', '.join(f'`{t}`' for t in s.iac.cloudformation)}")
    out += _availability(s)
    out.append(f"- Verified: {s.verified}")
    return out


def _equivalents(kb: KnowledgeBase, s: Any) -> list[str]:
    """Per capability the service implements, each other provider's answers (as `map`)."""
    from archkb.engine.mapping import equivalents_for, gap_for

    out: list[str] = []
    several = len(s.capability_ids) > 1
    for capability in s.capability_ids:
        if several:
            out += ["", f"### {link(kb, 'capability/' + capability)}"]
        for provider in sorted(kb.providers):
            if provider == s.provider:
                continue
            found = equivalents_for(kb, s, provider, capability)
            for e in found:
                caveat = f" — {e.caveat}" if e.caveat else ""
                note = f" ({e.note})" if e.note else ""
                out.append(f"- {provider}: {link(kb, 'service/' + e.id)} ({e.fit}){caveat}{note}")
            if not found:
                gap = gap_for(kb, capability, provider)
                closest = f" closest: {gap.closest_name};" if gap.closest_name else ""
                out.append(f"- {provider}: none —{closest} {gap.note}")
    return out


AVAILABILITY_BASIS = {
    "region-list": "the service's list of regions",
    "endpoints": "the provider's endpoint data",
    "price-meters": "the provider's price sheet (no price meter in a region)",
    "resource-types": "the provider's per-region resource types",
    "service-docs": "the service's documentation",
}


def _availability(s: Any) -> list[str]:
    """Regional availability, saying how far it was checked (see `Availability`)."""
    checked = s.availability
    if checked is not None and checked.scope == "global":
        lines = [
            f"- Regions: global service, not deployed into a region (checked {checked.checked})"
        ]
    elif checked is not None:
        if s.available_in is not None:
            where = f"only offered in {', '.join(s.available_in)}"
        elif s.unavailable_in:
            where = f"not offered in {', '.join(s.unavailable_in)}"
        else:
            where = "offered in all of them"
        lines = [
            f"- Regions: {where} (European and US regions checked {checked.checked} against "
            f"{AVAILABILITY_BASIS[checked.basis]})"
        ]
    else:
        lines = []
        if s.unavailable_in:
            lines.append(f"- Not offered in: {', '.join(s.unavailable_in)}")
        if s.available_in is not None:
            lines.append(f"- Only offered in: {', '.join(s.available_in)}")
        lines.append("- Regions: not checked region by region (only gaps noticed in passing)")
    if checked is not None:
        lines.append(f"- Availability source: {checked.source}")
        if checked.note:
            lines.append(f"- Availability note: {checked.note}")
    return lines


def _capability(kb: KnowledgeBase, c: Any) -> list[str]:
    out = [
        f"- Category: {link(kb, 'category/' + c.category)}",
        f"- Traits: {', '.join(t.value for t in c.traits) or '—'}",
        "",
        "## Services",
    ]
    for provider in sorted(kb.providers):
        services = kb.implementers(provider, c.id)
        if services:
            out.append(f"- {provider}: {_links(kb, 'service', [s.id for s in services])}")
        else:
            gap = c.no_equivalent.get(provider)
            out.append(f"- {provider}: none" + (f" — {gap.note}" if gap else ""))
    return out


def _pattern(kb: KnowledgeBase, p: Any) -> list[str]:
    out = [
        f"- Category: {link(kb, 'category/' + p.category)}",
        "",
        "## Problem",
        p.problem,
        "",
        "## Solution",
        p.solution,
        "",
        "## When to use",
        *_bullets(p.when_to_use),
        "",
        "## When to avoid",
        *_bullets(p.when_to_avoid),
        "",
        "## Trade-offs",
        *_bullets(p.tradeoffs),
    ]
    if p.effects:
        out += [
            "",
            "## Quality effects",
            *_bullets(
                [
                    f"{q.value}: {v:+d}"
                    for q, v in sorted(p.effects.items(), key=lambda i: i[0].value)
                ]
            ),
        ]
    if p.requires:
        out += ["", f"Requires: {_links(kb, 'capability', p.requires)}"]
    relations = p.relations
    for name in ("complements", "conflicts_with", "alternative_to", "specializes"):
        ids = getattr(relations, name)
        if ids:
            out.append(f"- {name.replace('_', ' ').capitalize()}: {_links(kb, 'pattern', ids)}")
    return out


def _blueprint(kb: KnowledgeBase, b: Any) -> list[str]:
    out = [f"Patterns: {_links(kb, 'pattern', b.patterns)}", "", "## Components"]
    for c in b.components:
        out.append(f"- **{c.role}** ({c.tier}): {link(kb, 'capability/' + c.capability)}")
    if b.flows:
        out += ["", "## Flows", *_bullets([f"{f.source} → {f.target}: {f.label}" for f in b.flows])]
    out += [
        "",
        "## Quality profile",
        *_bullets(
            [f"{q.value}: {v}/5" for q, v in sorted(b.quality.items(), key=lambda i: i[0].value)]
        ),
        "",
        f"Suits: {_links(kb, 'need', b.suits)}",
        "",
        "## Trade-offs",
        *_bullets(b.tradeoffs),
    ]
    return out


def _tool(kb: KnowledgeBase, t: Any) -> list[str]:
    out = [
        f"- Category: {link(kb, 'category/' + t.category)}",
        f"- Related: {_links(kb, 'tool', t.related)}",
        f"- Practices: {_links(kb, 'pattern', t.practices)}",
        "",
        "## Managed equivalents",
    ]
    for provider, services in sorted(t.managed_equivalents.items()):
        out.append(f"- {provider}: {_links(kb, 'service', services)}")
    return out


def _need(kb: KnowledgeBase, n: Any) -> list[str]:
    e = n.effects
    out = [f"- Kind: {n.need_kind.value}"]
    if e.jurisdiction:
        out.append(f"- Residency: every region in {link(kb, 'jurisdiction/' + e.jurisdiction)}")
    if e.providers:
        out.append(f"- Providers: {_links(kb, 'provider', e.providers)}")
    if e.compute_traits:
        out.append(
            f"- Every compute component must be: {', '.join(t.value for t in e.compute_traits)}"
        )
    if e.any_capability:
        out.append(f"- Needs one of: {_links(kb, 'capability', e.any_capability)}")
    if e.any_pattern:
        out.append(f"- Needs the pattern: {_links(kb, 'pattern', e.any_pattern)}")
    if e.controls:
        out.append(f"- Adds controls: {_links(kb, 'capability', e.controls)}")
    if e.weights:
        out.append("- Weights: " + ", ".join(f"{q.value} ×{w:g}" for q, w in e.weights.items()))
    if e.secondary_region:
        out.append("- Adds a second region in the same jurisdiction")
    if e.country:
        out.append(f"- Country: every region in {e.country} (the regions' country code)")
    out += [f"- On {link(kb, 'provider/' + p)}: {text}" for p, text in e.provider_notes.items()]
    for provider, scope in e.in_scope.items():
        out += [
            "",
            f"## Services in scope on {link(kb, 'provider/' + provider)}",
            "",
            f"{len(scope.services)} services, list of {scope.checked}: <{scope.source}>. {scope.note}",
            "",
            _links(kb, "service", scope.services),
        ]
        if scope.exempt:
            out += ["", f"Allowed without being listed: {_links(kb, 'service', scope.exempt)}"]
        if scope.excluded_features:
            out += [
                "",
                "Not covered although their product is listed: "
                + _links(kb, "service", scope.excluded_features),
            ]
        if scope.verified_against is None:
            out += ["", "Every entry is unverified: no copy of the provider's list could be read."]
        else:
            out += ["", f"Read from a copy of the provider's list: <{scope.verified_against}>."]
            if scope.unverified:
                out += [
                    "",
                    f"Unverified (not named on that copy): {_links(kb, 'service', scope.unverified)}",
                ]
    return out


def _region(kb: KnowledgeBase, r: Any) -> list[str]:
    return [
        f"- Provider: {link(kb, 'provider/' + r.provider)}",
        f"- Code: `{r.code}`",
        f"- City: {r.city}, {r.country} ({r.geography})",
        f"- Jurisdictions: {_links(kb, 'jurisdiction', r.jurisdictions)}",
        f"- Default for: {', '.join(r.default_for) or '—'}; second region for: "
        f"{', '.join(r.secondary_for) or '—'}",
        f"- Opt-in: {'yes' if r.opt_in else 'no'}",
        f"- Verified: {r.verified}",
        "",
        "## Services not offered here",
        *_missing_services(kb, r),
    ]


def _missing_services(kb: KnowledgeBase, r: Any) -> list[str]:
    from archkb.engine.resolve import is_available

    missing = [
        s for s in kb.services.values() if s.provider == r.provider and not is_available(s, r)
    ]
    if not missing:
        return ["- None recorded."]
    return [f"- {link(kb, 'service/' + s.id)}" for s in sorted(missing, key=lambda s: s.name)]


_RENDERERS = {
    "service": _service,
    "capability": _capability,
    "pattern": _pattern,
    "blueprint": _blueprint,
    "tool": _tool,
    "need": _need,
    "region": _region,
}

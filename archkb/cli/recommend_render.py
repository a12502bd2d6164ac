"""Text output of recommendations (as `blocks.py` blocks) and why-not answers (no engine logic
here)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .blocks import Block, Box, Column, Grid, Line, emit

if TYPE_CHECKING:
    from archkb.engine.kb import KnowledgeBase
    from archkb.engine.results import Recommendation, RecommendationSet, WhyNot


def render_recommendations(
    kb: KnowledgeBase, result: RecommendationSet, explain: bool, provider_given: bool
) -> None:
    emit(recommendation_blocks(kb, result, explain))


def recommendation_blocks(
    kb: KnowledgeBase, result: RecommendationSet, explain: bool
) -> list[Block]:
    """What `archkb recommend` prints, as blocks (`blocks.emit` prints them)."""
    blocks: list[Block] = [Line(f"[bold]Needs:[/] {', '.join(result.needs)}")]
    if explain:
        blocks.append(_constraints_grid(kb, result))
    if not result.ranked:
        blocks += _unranked(result)
    else:
        for rec in result.recommendations:
            blocks += _one(rec, result, explain)
        blocks.append(Line("[dim]~ = partial fit (see `archkb map SERVICE` for the caveat)[/]"))
    if explain:
        blocks += exclusion_blocks(result, limit=None)
    elif result.excluded:
        blocks.append(
            Line(
                f"[dim]{len(result.excluded)} candidate(s) excluded; --explain or "
                "`archkb why-not BLUEPRINT --needs …` says why.[/]"
            )
        )
    return blocks


def _unranked(result: RecommendationSet) -> list[Block]:
    blocks: list[Block] = [Line(f"[yellow]{result.notice}[/]")]
    columns = [Column(c) for c in ("#", "blueprint", "qualifies on", "not on")]
    rows = [
        [
            str(rec.rank),
            f"{rec.name} [dim]({rec.blueprint})[/]",
            ", ".join(sorted(rec.providers)),
            "; ".join(f"{p}: {why}" for p, why in sorted(rec.dropped.items())),
        ]
        for rec in result.recommendations
    ]
    blocks.append(Grid(columns, rows))
    if result.suggestions:
        blocks.append(
            Line(f"Workload needs that would narrow this: {', '.join(result.suggestions)}")
        )
    needs = ",".join(result.needs)
    blocks.append(
        Line(
            f"[dim]  next: archkb recommend --needs {needs},<workload need>   "
            f"or  archkb show blueprint/<id>[/]"
        )
    )
    return blocks


def _one(rec: Recommendation, result: RecommendationSet, explain: bool) -> list[Block]:
    providers = sorted(rec.providers)
    body = [f"[dim]{rec.blueprint}[/] — {rec.summary}", "", "[bold]What it gives you:[/]"]
    body += [f"  • {r}" for r in rec.reasons]
    body += ["", "[bold]Trade-offs:[/]"]
    body += [f"  • {t}" for t in rec.tradeoffs[: None if explain else 2]]
    if rec.what_would_change:
        body += ["", "[bold]What would change the answer:[/]"]
        body += [f"  • {w}" for w in rec.what_would_change]
    notes = sorted({n for p in providers for n in rec.providers[p].notes})
    if notes:
        body += ["", "[bold]Notes:[/]", *[f"  • {n}" for n in notes]]
    if rec.dropped:
        body += ["", "[bold]Not possible on:[/]"]
        body += [f"  • {p}: {why}" for p, why in sorted(rec.dropped.items())]
    if explain and rec.score_terms:
        body += ["", "[bold]Score terms:[/]"]
        body += [f"  {t.value:+5.1f}  {t.sentence}" for t in rec.score_terms]
    title = f"#{rec.rank} {rec.name} · score {rec.score:g}"
    needs = ",".join(result.needs)
    lines = [
        f"archkb export diagram --blueprint {rec.blueprint} --needs {needs} "
        f"--provider {','.join(providers)} -o {rec.blueprint}.png"
    ]
    lines += [
        f"archkb export iac --blueprint {rec.blueprint} --needs {needs} --provider {p} "
        f"--tool terraform -o infra-{p}/"
        for p in providers
    ]
    return [
        Box(title, "\n".join(body)),
        _services_grid(rec),
        Line("[dim]  next: " + "\n        ".join(lines) + "[/]\n"),
    ]


def _services_grid(rec: Recommendation) -> Grid:
    providers = sorted(rec.providers)
    columns = [Column("role", no_wrap=True), *[Column(p.upper()) for p in providers]]
    roles = list(dict.fromkeys(c.role for p in providers for c in rec.providers[p].components))
    rows = []
    for role in roles:
        cells = []
        for provider in providers:
            comp = next((c for c in rec.providers[provider].components if c.role == role), None)
            cells.append(
                "" if comp is None else comp.service_name + (" ~" if comp.fit == "partial" else "")
            )
        rows.append([role, *cells])
    rows.append(
        [
            "[dim]region[/]",
            *[
                ", ".join(f"{r.code} ({r.city})" for r in rec.providers[p].regions)
                for p in providers
            ],
        ]
    )
    return Grid(columns, rows)


def _constraints_grid(kb: KnowledgeBase, result: RecommendationSet) -> Grid:
    """The constraints as a table: what each one demands and which need set it."""
    columns = [Column(c) for c in ("constraint", "demands", "from need")]
    return Grid(columns, constraint_rows(kb, result), title="Constraints")


def constraint_rows(kb: KnowledgeBase, result: RecommendationSet) -> list[tuple[str, str, str]]:
    """(constraint, what it demands, need ids) rows, in need order."""
    rows: list[tuple[str, str, str]] = []
    for need_id in result.needs:
        effects = kb.needs[need_id].effects
        if effects.jurisdiction:
            place = effects.country or effects.jurisdiction
            rows.append(("residency", f"every region in {place}", need_id))
        if effects.providers:
            rows.append(("provider", ", ".join(effects.providers), need_id))
        for trait in effects.compute_traits:
            rows.append(("compute", f"all compute is {trait.value}", need_id))
        if effects.any_capability:
            names = [kb.capabilities[c].name for c in effects.any_capability]
            rows.append(("must include one of", ", ".join(names), need_id))
        if effects.any_pattern:
            names = [kb.patterns[p].name for p in effects.any_pattern]
            rows.append(("must use the pattern", " or ".join(names), need_id))
        if effects.controls:
            names = [kb.capabilities[c].name for c in effects.controls]
            rows.append(("controls added", ", ".join(names), need_id))
        if effects.in_scope:
            rows.append(
                (
                    "services in scope",
                    f"only those on {', '.join(effects.in_scope)}'s lists",
                    need_id,
                )
            )
        if effects.secondary_region:
            rows.append(("second region", "same jurisdiction, another city", need_id))
        for quality, weight in sorted(effects.weights.items(), key=lambda i: i[0].value):
            rows.append(("weight", f"{quality.value} ×{weight:g}", need_id))
    return rows


def render_exclusions(result: RecommendationSet, limit: int | None) -> None:
    emit(exclusion_blocks(result, limit))


def exclusion_blocks(result: RecommendationSet, limit: int | None) -> list[Block]:
    if not result.excluded:
        return []
    return [
        Line("\n[bold]Excluded:[/]"),
        *[Line(f"  {e.blueprint} on {e.provider}: {e.reason}") for e in result.excluded[:limit]],
    ]


def render_why_not(answer: WhyNot) -> None:
    from .base import console

    out = console()
    needs = ", ".join(answer.needs)
    if answer.rank is not None:
        where = ", ".join(answer.qualifies_on)
        if not answer.ranked:
            out.print(
                f"{answer.blueprint} qualifies for {needs} on {where}: it is #{answer.rank} of "
                f"{answer.qualifying} in the unranked list (only constraint needs were given)."
            )
        elif answer.rank <= 3:
            out.print(
                f"{answer.blueprint} qualifies for {needs} on {where} and ranks "
                f"#{answer.rank} of {answer.qualifying}: it is among the top 3 shown by default."
            )
        else:
            out.print(
                f"{answer.blueprint} qualifies for {needs} on {where} but ranks "
                f"#{answer.rank} of {answer.qualifying}, below the default --top 3 "
                f"(`archkb recommend --needs {','.join(answer.needs)} --top {answer.rank}`)."
            )
    for reason in answer.reasons:
        out.print(f"{reason.provider:>6}: {reason.reason}")

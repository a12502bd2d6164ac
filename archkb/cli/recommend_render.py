"""Rich rendering of recommendations and why-not answers (no engine logic here)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import console

if TYPE_CHECKING:
    from rich.console import Console

    from archkb.engine.kb import KnowledgeBase
    from archkb.engine.results import Recommendation, RecommendationSet, WhyNot


def render_recommendations(
    kb: KnowledgeBase, result: RecommendationSet, explain: bool, provider_given: bool
) -> None:
    out = console()
    out.print(f"[bold]Needs:[/] {', '.join(result.needs)}")
    if explain:
        render_constraints(kb, result, out)
    if not result.ranked:
        _render_unranked(result, out)
    else:
        for rec in result.recommendations:
            _render_one(rec, result, explain, out)
        out.print("[dim]~ = partial fit (see `archkb map SERVICE` for the caveat)[/]")
    if explain:
        render_exclusions(result, limit=None)
    elif result.excluded:
        out.print(
            f"[dim]{len(result.excluded)} candidate(s) excluded; --explain or "
            "`archkb why-not BLUEPRINT --needs …` says why.[/]"
        )


def _render_unranked(result: RecommendationSet, out: Console) -> None:
    from rich.table import Table

    out.print(f"[yellow]{result.notice}[/]")
    table = Table(show_header=True, header_style="bold", pad_edge=False)
    for column in ("#", "blueprint", "qualifies on", "not on"):
        table.add_column(column, overflow="fold")
    for rec in result.recommendations:
        table.add_row(
            str(rec.rank),
            f"{rec.name} [dim]({rec.blueprint})[/]",
            ", ".join(sorted(rec.providers)),
            "; ".join(f"{p}: {why}" for p, why in sorted(rec.dropped.items())),
        )
    out.print(table)
    if result.suggestions:
        out.print(f"Workload needs that would narrow this: {', '.join(result.suggestions)}")
    needs = ",".join(result.needs)
    out.print(
        f"[dim]  next: archkb recommend --needs {needs},<workload need>   "
        f"or  archkb show blueprint/<id>[/]"
    )


def _render_one(
    rec: Recommendation, result: RecommendationSet, explain: bool, out: Console
) -> None:
    from rich.panel import Panel

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
    out.print(Panel("\n".join(body), title=title, title_align="left"))
    out.print(_services_table(rec))
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
    out.print("[dim]  next: " + "\n        ".join(lines) + "[/]\n")


def _services_table(rec: Recommendation) -> object:
    from rich.table import Table

    providers = sorted(rec.providers)
    table = Table(show_header=True, header_style="bold", expand=False, pad_edge=False)
    table.add_column("role", no_wrap=True)
    for provider in providers:
        table.add_column(provider.upper(), overflow="fold")
    roles = list(dict.fromkeys(c.role for p in providers for c in rec.providers[p].components))
    for role in roles:
        cells = []
        for provider in providers:
            comp = next((c for c in rec.providers[provider].components if c.role == role), None)
            cells.append(
                "" if comp is None else comp.service_name + (" ~" if comp.fit == "partial" else "")
            )
        table.add_row(role, *cells)
    table.add_row(
        "[dim]region[/]",
        *[", ".join(f"{r.code} ({r.city})" for r in rec.providers[p].regions) for p in providers],
    )
    return table


def render_constraints(kb: KnowledgeBase, result: RecommendationSet, out: Console) -> None:
    """The constraints as a table: what each one demands and which need set it."""
    from rich.table import Table

    table = Table(title="Constraints", show_header=True, header_style="bold", pad_edge=False)
    for column in ("constraint", "demands", "from need"):
        table.add_column(column, overflow="fold")
    for row in constraint_rows(kb, result):
        table.add_row(*row)
    out.print(table)


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
    out = console()
    if not result.excluded:
        return
    out.print("\n[bold]Excluded:[/]")
    for exclusion in result.excluded[:limit]:
        out.print(f"  {exclusion.blueprint} on {exclusion.provider}: {exclusion.reason}")


def render_why_not(answer: WhyNot) -> None:
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

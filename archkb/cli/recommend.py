"""`archkb recommend` and `archkb why-not`: the headline commands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from .common import (
    EXIT_NOT_FOUND,
    CliProblem,
    app,
    console,
    json_option,
    print_json,
    provider_list,
    providers_option,
)

if TYPE_CHECKING:
    from archkb.engine.kb import KnowledgeBase
    from archkb.engine.needs import ParsedNeeds
    from archkb.engine.results import RecommendationSet


def parse_or_fail(kb: KnowledgeBase, needs: str) -> ParsedNeeds:
    from archkb.engine.needs import NeedsError, parse_needs

    try:
        return parse_needs(kb, needs)
    except NeedsError as exc:
        raise CliProblem(f"--needs: {exc}") from None


NEEDS_HELP = "Comma-separated needs (ids or aliases), e.g. serverless,eu,low-cost. `archkb list need` lists them."


@click.command("recommend")
@click.option("--needs", required=True, help=NEEDS_HELP)
@providers_option
@click.option(
    "--top",
    default=3,
    show_default=True,
    type=click.IntRange(0, 100),
    help="How many blueprints (0 = all that qualify).",
)
@click.option(
    "--explain", is_flag=True, help="Show every score term, the constraints and exclusions."
)
@json_option
@click.pass_context
def recommend_command(
    ctx: click.Context, needs: str, provider: str, top: int, explain: bool, as_json: bool
) -> None:
    """Recommend reference architectures for your needs, on each provider, with reasons.

    \b
    Examples:
      archkb recommend --needs serverless,eu
      archkb recommend --needs kubernetes,high-availability,us --provider aws --explain
      archkb recommend --needs streaming,gdpr,eu --json
    """
    from archkb.engine.recommend import recommend

    kb = app(ctx).kb()
    parsed = parse_or_fail(kb, needs)
    providers = provider_list(kb, provider, "--provider")
    result = recommend(kb, parsed, providers, top)
    if as_json:
        print_json(recommendation_json(result))
        return
    if not result.recommendations:
        render_exclusions(result, limit=None)
        raise CliProblem(
            "no blueprint meets these needs (see the exclusions above)", EXIT_NOT_FOUND
        )
    render_recommendations(result, explain)


def recommendation_json(result: RecommendationSet) -> dict[str, Any]:
    """The documented, stable JSON shape of `recommend --json`."""
    return {
        "needs": result.needs,
        "constraints": result.constraints,
        "recommendations": [
            {
                "rank": r.rank,
                "blueprint": r.blueprint,
                "name": r.name,
                "score": r.score,
                "reasons": r.reasons,
                "tradeoffs": r.tradeoffs,
                "patterns": r.patterns,
                "providers": {
                    provider: {
                        "regions": [region.code for region in arch.regions],
                        "components": [
                            {
                                "role": c.role,
                                "capability": c.capability,
                                "service": c.service,
                                "service_name": c.service_name,
                            }
                            for c in arch.components
                        ],
                        "notes": arch.notes,
                    }
                    for provider, arch in r.providers.items()
                },
            }
            for r in result.recommendations
        ],
        "excluded": [e.model_dump() for e in result.excluded],
    }


def render_recommendations(result: RecommendationSet, explain: bool) -> None:
    from rich.panel import Panel
    from rich.table import Table

    out = console()
    out.print(f"[bold]Needs:[/] {', '.join(result.needs)}")
    for rec in result.recommendations:
        providers = sorted(rec.providers)
        table = Table(show_header=True, header_style="bold", expand=False, pad_edge=False)
        table.add_column("role", no_wrap=True)
        for provider in providers:
            table.add_column(provider.upper(), overflow="fold")
        roles = [c.role for c in rec.providers[providers[0]].components]
        for role in roles:
            cells = []
            for provider in providers:
                comp = next((c for c in rec.providers[provider].components if c.role == role), None)
                cells.append(
                    ""
                    if comp is None
                    else comp.service_name + (" ~" if comp.fit == "partial" else "")
                )
            table.add_row(role, *cells)
        table.add_row(
            "[dim]region[/]",
            *[
                ", ".join(f"{r.code} ({r.city})" for r in rec.providers[p].regions)
                for p in providers
            ],
        )
        reasons = rec.reasons if explain else rec.reasons[:3]
        body = [
            f"[dim]{rec.blueprint}[/] — {rec.summary}",
            "",
            "[bold]Why:[/]",
            *[f"  • {r}" for r in reasons],
            "",
            "[bold]Trade-offs:[/]",
            *[f"  • {t}" for t in rec.tradeoffs[: None if explain else 2]],
        ]
        notes = sorted({n for p in providers for n in rec.providers[p].notes})
        if notes:
            body += ["", "[bold]Notes:[/]", *[f"  • {n}" for n in notes]]
        title = f"#{rec.rank} {rec.name} · score {rec.score:g}"
        out.print(Panel("\n".join(body), title=title, title_align="left"))
        out.print(table)
        needs = ",".join(result.needs)
        out.print(
            f"[dim]  next: archkb export diagram --needs {needs} --rank {rec.rank} --provider aws "
            f"--format png -o {rec.blueprint}.png\n"
            f"        archkb export iac --needs {needs} --rank {rec.rank} --provider aws "
            f"--tool terraform -o infra/[/]\n"
        )
    out.print("[dim]~ = partial fit (see `archkb map SERVICE` for the caveat)[/]")
    if explain:
        out.print(f"\n[bold]Constraints:[/] {result.constraints}")
        render_exclusions(result, limit=None)
    elif result.excluded:
        out.print(
            f"[dim]{len(result.excluded)} candidate(s) excluded; --explain or "
            "`archkb why-not BLUEPRINT --needs …` says why.[/]"
        )


def render_exclusions(result: RecommendationSet, limit: int | None) -> None:
    out = console()
    if not result.excluded:
        return
    out.print("\n[bold]Excluded:[/]")
    for exclusion in result.excluded[:limit]:
        out.print(f"  {exclusion.blueprint} on {exclusion.provider}: {exclusion.reason}")


@click.command("why-not")
@click.argument("blueprint")
@click.option("--needs", required=True, help=NEEDS_HELP)
@providers_option
@json_option
@click.pass_context
def why_not_command(
    ctx: click.Context, blueprint: str, needs: str, provider: str, as_json: bool
) -> None:
    """Say which constraint removes BLUEPRINT for these needs (per provider).

    \b
    Example:
      archkb why-not three-tier-web-vms --needs serverless,eu
    """
    from archkb.engine.recommend import why_not

    from .core import resolve_or_fail

    kb = app(ctx).kb()
    key = resolve_or_fail(kb, blueprint, ("blueprint",))
    parsed = parse_or_fail(kb, needs)
    providers = provider_list(kb, provider, "--provider")
    reasons = why_not(kb, key.split("/", 1)[1], parsed, providers)
    if as_json:
        print_json(
            {
                "blueprint": key.split("/", 1)[1],
                "needs": parsed.ids,
                "qualifies_on": sorted(
                    set(providers) - {r.provider for r in reasons}
                    if not any(r.provider == "all" for r in reasons)
                    else set()
                ),
                "reasons": [r.model_dump() for r in reasons],
            }
        )
        return
    out = console()
    if not reasons:
        out.print(
            f"{key} qualifies on every provider for {', '.join(parsed.ids)}; "
            "it may simply rank below --top (try --top 0)."
        )
        return
    for reason in reasons:
        out.print(f"{reason.provider:>6}: {reason.reason}")

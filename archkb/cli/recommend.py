"""`archkb recommend` and `archkb why-not`: the headline commands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from .common import (
    EXIT_NOT_FOUND,
    CliProblem,
    app,
    json_option,
    print_json,
    provider_list,
    providers_option,
)
from .recommend_render import render_exclusions, render_recommendations, render_why_not

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


NEEDS_HELP = "Comma-separated needs (ids, names or aliases), e.g. serverless,eu,low-cost. `archkb list need` lists them."


@click.command("recommend")
@click.option("--needs", required=True, help=NEEDS_HELP)
@providers_option
@click.option(
    "--top",
    default=3,
    show_default=True,
    type=click.IntRange(0, 100),
    help="How many blueprints (0 = all that qualify; all by default when the needs only constrain).",
)
@click.option(
    "--explain",
    is_flag=True,
    help="Add the constraints as a table, every score term and every exclusion.",
)
@json_option
@click.pass_context
def recommend_command(
    ctx: click.Context, needs: str, provider: str, top: int, explain: bool, as_json: bool
) -> None:
    """Recommend reference architectures for your needs, on each provider, with reasons.

    With only constraint needs (residency, compliance, security, provider) the blueprints that
    qualify are listed unranked, with workload needs that would rank them. Exit 1 (text and
    --json alike) when nothing qualifies.

    \b
    Examples:
      archkb recommend --needs serverless,eu
      archkb recommend --needs kubernetes,high-availability,us --provider aws --explain
      archkb recommend --needs streaming,gdpr,eu --json
    """
    from click.core import ParameterSource

    from archkb.engine.needs import NeedsError
    from archkb.engine.recommend import only_constraints, recommend

    kb = app(ctx).kb()
    parsed = parse_or_fail(kb, needs)
    providers = provider_list(kb, provider, "--provider")
    if only_constraints(kb, parsed) and ctx.get_parameter_source("top") is ParameterSource.DEFAULT:
        top = 0
    try:
        result = recommend(kb, parsed, providers, top)
    except NeedsError as exc:
        raise CliProblem(f"--needs: {exc}") from None
    if as_json:
        print_json(recommendation_json(result))
    elif result.recommendations:
        render_recommendations(kb, result, explain, provider_given=provider != "all")
    else:
        render_exclusions(result, limit=None)
    if not result.recommendations:
        raise CliProblem(
            "no blueprint meets these needs" + ("" if as_json else " (see the exclusions above)"),
            EXIT_NOT_FOUND,
        )


def recommendation_json(result: RecommendationSet) -> dict[str, Any]:
    """The documented, stable JSON shape of `recommend --json`."""
    from archkb.engine.records import jsonable

    return {
        "needs": result.needs,
        "constraints": result.constraints,
        "ranked": result.ranked,
        "qualifying": result.qualifying,
        "notice": result.notice,
        "suggestions": result.suggestions,
        "recommendations": [
            {
                "rank": r.rank,
                "blueprint": r.blueprint,
                "name": r.name,
                "score": r.score,
                "reasons": r.reasons,
                "score_terms": [jsonable(t) for t in r.score_terms],
                "what_would_change": r.what_would_change,
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
                "dropped": r.dropped,
            }
            for r in result.recommendations
        ],
        "excluded": [jsonable(e) for e in result.excluded],
    }


@click.command("why-not")
@click.argument("blueprint")
@click.option("--needs", required=True, help=NEEDS_HELP)
@providers_option
@json_option
@click.pass_context
def why_not_command(
    ctx: click.Context, blueprint: str, needs: str, provider: str, as_json: bool
) -> None:
    """Say which constraint removes BLUEPRINT for these needs (per provider), or its rank.

    \b
    Example:
      archkb why-not three-tier-web-vms --needs serverless,eu
    """
    from archkb.engine.needs import NeedsError
    from archkb.engine.recommend import explain_why_not

    from .core import resolve_or_fail

    kb = app(ctx).kb()
    key = resolve_or_fail(kb, blueprint, ("blueprint",))
    parsed = parse_or_fail(kb, needs)
    providers = provider_list(kb, provider, "--provider")
    try:
        answer = explain_why_not(kb, key.split("/", 1)[1], parsed, providers)
    except NeedsError as exc:
        raise CliProblem(f"--needs: {exc}") from None
    if as_json:
        print_json(answer)
        return
    render_why_not(answer)

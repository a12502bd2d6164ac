"""`archkb recommend` and `archkb why-not`: the headline commands."""

from __future__ import annotations

import click

from .common import CliProblem, app, json_option, print_json, provider_list, providers_option
from .headline import TOP_DEFAULT, run_recommend
from .headline import parse_or_fail as parse_or_fail
from .headline import recommendation_json as recommendation_json
from .recommend_render import render_why_not

NEEDS_HELP = "Comma-separated needs (ids, names or aliases), e.g. serverless,eu,low-cost. `archkb list need` lists them."


@click.command("recommend")
@click.option("--needs", required=True, help=NEEDS_HELP)
@providers_option
@click.option(
    "--top",
    default=TOP_DEFAULT,
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

    top_given = ctx.get_parameter_source("top") is not ParameterSource.DEFAULT
    run_recommend(app(ctx), needs, provider, top, top_given, explain, as_json)


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

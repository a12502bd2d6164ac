"""`archkb map`: one service, a bill of services or Terraform, or a whole blueprint."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .common import (
    CliProblem,
    app,
    console,
    format_option,
    json_option,
    print_json,
    provider_list,
)

if TYPE_CHECKING:
    from archkb.engine.kb import KnowledgeBase
    from archkb.engine.mapping import ServiceMapping


@click.command("map")
@click.argument("query", required=False)
@click.option("--to", "to", help="Target providers: aws,azure,gcp (default: the other two).")
@click.option(
    "--from",
    "source",
    help="Source provider of a bill FILE (a list of names, or Terraform: read from the code "
    "when left out).",
)
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help="Bills: also list folded (configuration) and glue rows.",
)
@click.option("--blueprint", help="Resolve a whole blueprint on the --to provider(s).")
@click.option("--needs", help="With --blueprint: needs that pick the regions (e.g. eu).")
@format_option("Output format for bills.")
@json_option
@click.pass_context
def map_command(
    ctx: click.Context,
    query: str | None,
    to: str | None,
    source: str | None,
    blueprint: str | None,
    needs: str | None,
    fmt: str,
    as_json: bool,
    show_all: bool = False,
) -> None:
    """Map services across AWS, Azure and GCP.

    \b
    QUERY is a service name, alias or near miss; or a FILE (- for stdin): one service name
    per line (needs --from), a .tf / .tf.json / .tofu file, or a folder of Terraform
    (read recursively, local modules followed; --from is then read from the code).
    \b
    Examples:
      archkb map "AWS Lambda" --to azure,gcp
      archkb map cosmos --json
      archkb map infra/ --to gcp,azure --format md
      archkb map --from aws --to gcp main.tf --format md
      archkb map --blueprint serverless-rest-api --to azure --needs eu
    """
    kb = app(ctx).kb()
    if blueprint:
        return _map_blueprint(kb, blueprint, to, needs, as_json)
    if not query:
        raise CliProblem("give a service name, a FILE with --from, or --blueprint ID")
    if source or _is_terraform_query(query):
        from .bill import emit_table, map_bill

        table = map_bill(kb, query, source, to)
        emit_table(table, "json" if as_json else fmt, show_all)
        return
    from .core import resolve_or_fail

    key = resolve_or_fail(kb, query, ("service",))
    service = kb.services[key.split("/", 1)[1]]
    targets = (
        provider_list(kb, to, "--to")
        if to
        else [p for p in sorted(kb.providers) if p != service.provider]
    )
    from archkb.engine.mapping import map_service

    mapping = map_service(kb, query, service, [t for t in targets if t != service.provider])
    if as_json:
        print_json(mapping_json(mapping))
    else:
        _render_mapping(mapping)


def mapping_json(mapping: ServiceMapping) -> dict[str, Any]:
    """The documented JSON shape of `map QUERY --json`."""
    return {
        "query": mapping.query,
        "source": mapping.source.model_dump(),
        "equivalents": {
            p: [e.model_dump() for e in items] for p, items in mapping.equivalents.items()
        },
        "alternatives": {p: a.model_dump() for p, a in mapping.alternatives.items()},
    }


def _render_mapping(mapping: ServiceMapping) -> None:
    out = console()
    src = mapping.source
    out.print(
        f"[bold]{src.name}[/] ({src.provider}, {src.id}) — capability: {mapping.capability_name}"
    )
    for provider, items in mapping.equivalents.items():
        if items:
            for e in items:
                fit = "[green]exact[/]" if e.fit == "exact" else "[yellow]partial[/]"
                out.print(
                    f"  {provider:>6}: {e.name} ({e.id}) {fit}"
                    + (f" — {e.caveat}" if e.caveat else "")
                )
        else:
            alt = mapping.alternatives[provider]
            closest = f" closest: {alt.closest_name} ({alt.closest});" if alt.closest else ""
            out.print(f"  {provider:>6}: [red]no equivalent[/];{closest} {alt.note}")


def _is_terraform_query(query: str) -> bool:
    from archkb.engine.bill import is_terraform_path

    path = Path(query)
    if query == "-":
        return not sys.stdin.isatty()
    if path.is_dir():
        # A folder named like a service (`s3/`) must not hide the service: it needs Terraform
        # files near its top, or a path-looking query.
        return "/" in query or any(path.glob("*.tf*")) or any(path.glob("*/*.tf*"))
    return path.exists() and is_terraform_path(path)


def _map_blueprint(
    kb: KnowledgeBase, blueprint: str, to: str | None, needs: str | None, as_json: bool
) -> None:
    from archkb.engine.resolve import resolve_architecture
    from archkb.engine.results import Exclusion

    from .core import resolve_or_fail
    from .recommend import parse_or_fail

    key = resolve_or_fail(kb, blueprint, ("blueprint",))
    record = kb.blueprints[key.split("/", 1)[1]]
    parsed = parse_or_fail(kb, needs) if needs else None
    targets = provider_list(kb, to, "--to")
    results = {p: resolve_architecture(kb, record, p, parsed) for p in targets}
    if as_json:
        print_json({p: r.model_dump(mode="json") for p, r in results.items()})
        return
    out = console()
    for provider, result in results.items():
        if isinstance(result, Exclusion):
            out.print(f"[bold]{provider}[/]: [red]not possible[/]: {result.reason}")
            continue
        regions = ", ".join(f"{r.code} ({r.role})" for r in result.regions)
        out.print(f"[bold]{record.name} on {result.provider_name}[/] — {regions}")
        for c in result.components:
            fit = "" if c.fit == "exact" else f" [yellow](partial: {c.caveat})[/]"
            out.print(f"  {c.role:<18} {c.capability:<28} {c.service_name}{fit}")

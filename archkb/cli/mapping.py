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
    from archkb.engine.mapping import MigrationTable, ServiceMapping


@click.command("map")
@click.argument("query", required=False)
@click.option("--to", "to", help="Target providers: aws,azure,gcp (default: the other two).")
@click.option(
    "--from", "source", help="Source provider of a bill FILE (list of names or Terraform)."
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
) -> None:
    """Map services across AWS, Azure and GCP.

    \b
    QUERY is a service name, alias or near miss; with --from it is a FILE (or - for stdin):
    one service name per line, a .tf file, or a folder of .tf files.
    \b
    Examples:
      archkb map "AWS Lambda" --to azure,gcp
      archkb map cosmos --json
      archkb map --from aws --to gcp main.tf --format md
      archkb map --blueprint serverless-rest-api --to azure --needs eu
    """
    kb = app(ctx).kb()
    if blueprint:
        return _map_blueprint(kb, blueprint, to, needs, as_json)
    if not query:
        raise CliProblem("give a service name, a FILE with --from, or --blueprint ID")
    if source:
        if source not in kb.providers:
            raise CliProblem(
                f"--from: unknown provider {source!r} (known: {', '.join(sorted(kb.providers))})"
            )
        targets = provider_list(kb, to, "--to") if to else []
        if len(targets) != 1:
            raise CliProblem("--to: give exactly one target provider for a bill")
        table = _map_bill(kb, query, source, targets[0])
        _emit_table(table, "json" if as_json else fmt)
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


def _map_bill(kb: KnowledgeBase, path_text: str, source: str, target: str) -> MigrationTable:
    from archkb.engine.bill import BillInputError, read_bill
    from archkb.engine.mapping import MigrationTable, migration_row, summarize
    from archkb.engine.search import resolve_name

    try:
        if path_text == "-":
            items, kind = read_bill(None, sys.stdin.read())
        else:
            items, kind = read_bill(Path(path_text))
    except BillInputError as exc:
        raise CliProblem(str(exc)) from None
    if kind == "terraform":
        from archkb.engine.mapping import map_resource_types

        return map_resource_types(
            kb, [(i.label, i.resource_type or "") for i in items], source, target
        )
    rows = []
    for item in items:
        found = resolve_name(kb, item.label, ("service",))
        service = kb.services[found.key.split("/", 1)[1]] if found.key else None
        if service is not None and service.provider != source:
            rows.append(
                migration_row(
                    kb,
                    item.label,
                    None,
                    target,
                    unmapped_note=f"{service.name} is a {service.provider} service, not {source}",
                )
            )
            continue
        rows.append(
            migration_row(kb, item.label, service, target, unmapped_note="not a known service name")
        )
    return MigrationTable(
        source_provider=source, target_provider=target, rows=rows, summary=summarize(rows)
    )


def _emit_table(table: MigrationTable, fmt: str) -> None:
    if fmt == "json":
        print_json(table)
        return
    from .tables import emit_rows

    headers = ["source", "source service", "target service", "fit", "caveat / note"]
    rows = [
        [
            r.item,
            r.source.name if r.source else "?",
            r.target.name if r.target else "—",
            r.fit,
            r.note,
        ]
        for r in table.rows
    ]
    emit_rows(fmt, headers, rows, title=f"{table.source_provider} → {table.target_provider}")
    s = table.summary
    line = f"{s['total']} item(s): {s['exact']} exact, {s['partial']} partial, {s['unmapped']} unmapped"
    if fmt == "table":
        console().print(line)
    else:
        click.echo(line, err=True)


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

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
    from archkb.engine.mapping import Alternative, Equivalent, MigrationTable, ServiceMapping
    from archkb.engine.schema import Service


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
    if source is not None and source not in kb.providers:
        raise CliProblem(
            f"--from: unknown provider {source!r} (known: {', '.join(sorted(kb.providers))})"
        )
    if query == "-" or Path(query).exists():
        if source is None:
            raise CliProblem(f"{query}: a bill needs --from PROVIDER (the provider it is on)")
        targets = provider_list(kb, to, "--to") if to else []
        if len(targets) != 1:
            raise CliProblem("--to: give exactly one target provider for a bill")
        table = _map_bill(kb, query, source, targets[0])
        _emit_table(table, "json" if as_json else fmt)
        return
    wanted = provider_list(kb, to, "--to") if to else []
    service = _resolve_source(kb, query, source, tuple(wanted))
    targets = [p for p in (wanted or sorted(kb.providers)) if p != service.provider]
    if not targets:
        raise CliProblem(f"--to: {service.name} is already on {service.provider}; name another")
    from archkb.engine.mapping import map_service

    mapping = map_service(kb, query, service, targets)
    if as_json:
        print_json(mapping_json(mapping))
    else:
        _render_mapping(mapping)


BILL_SUFFIXES = (".tf", ".tofu", ".json", ".txt", ".csv", ".list")


def _looks_like_path(query: str) -> bool:
    """A missing file the user meant as a bill (so it gets "no such file", not "no service")."""
    return "/" in query or query.endswith(BILL_SUFFIXES)


def _resolve_source(
    kb: KnowledgeBase, query: str, source: str | None, targets: tuple[str, ...]
) -> Service:
    """The service `query` names, using --from and provider words; exit 1 naming candidates."""
    from archkb.engine.search import resolve_service

    from .common import EXIT_NOT_FOUND
    from .core import describe_keys

    found = resolve_service(kb, query, source=source, targets=targets)
    if found.key:
        return kb.services[found.key.split("/", 1)[1]]
    if source is not None and not found.matches and _looks_like_path(query):
        raise CliProblem(f"{query}: no such file (a bill is an existing file, or - for stdin)")
    if found.matches:
        raise CliProblem(
            f"{query!r} is ambiguous; candidates:\n  {describe_keys(kb, found.matches)}",
            EXIT_NOT_FOUND,
        )
    if source is not None and found.suggestions:
        raise CliProblem(
            f"no {source} service matches {query!r}; it names "
            + describe_keys(kb, found.suggestions, sep="; "),
            EXIT_NOT_FOUND,
        )
    from .core import resolve_or_fail

    resolve_or_fail(kb, query, ("service",))  # raises with "did you mean"
    raise AssertionError("unreachable: resolve_or_fail found what resolve_service did not")


def mapping_json(mapping: ServiceMapping) -> dict[str, Any]:
    """The documented JSON shape of `map QUERY --json`."""
    return {
        "query": mapping.query,
        "source": mapping.source.model_dump(),
        "equivalents": {
            p: [e.model_dump() for e in items] for p, items in mapping.equivalents.items()
        },
        "alternatives": {p: a.model_dump() for p, a in mapping.alternatives.items()},
        "by_capability": {
            capability: {p: [e.model_dump() for e in items] for p, items in answers.items()}
            for capability, answers in mapping.by_capability.items()
        },
        "gaps": {
            capability: {p: a.model_dump() for p, a in gaps.items()}
            for capability, gaps in mapping.gaps.items()
        },
        "lifecycle_note": mapping.lifecycle_note,
    }


def _render_mapping(mapping: ServiceMapping) -> None:
    out = console()
    src = mapping.source
    out.print(
        f"[bold]{src.name}[/] ({src.provider}, {src.id}) — capability: {mapping.capability_name}"
    )
    details = []
    if src.facets:
        details.append(f"facets: {', '.join(src.facets)}")
    if src.feature_of:
        details.append(f"a feature of {src.feature_of}")
    if details:
        out.print("  " + "; ".join(details))
    if mapping.lifecycle_note:
        out.print(f"  [red]{mapping.lifecycle_note}[/]")
    several = len(mapping.by_capability) > 1
    for capability, answers in mapping.by_capability.items():
        if several:
            out.print(f"[bold]{capability}[/]")
        for provider, items in answers.items():
            _render_answers(provider, items, mapping.gaps.get(capability, {}).get(provider))


def _render_answers(provider: str, items: list[Equivalent], gap: Alternative | None) -> None:
    out = console()
    if not items:
        assert gap is not None  # map_service records a gap for every empty answer
        closest = f" closest: {gap.closest_name} ({gap.closest});" if gap.closest else ""
        out.print(f"  {provider:>6}: [red]no equivalent[/];{closest} {gap.note}")
        return
    for e in items:
        fit = "[green]exact[/]" if e.fit == "exact" else "[yellow]partial[/]"
        life = "" if e.lifecycle == "ga" else f" [red]{e.lifecycle}[/]"
        out.print(
            f"  {provider:>6}: {e.name} ({e.id}) {fit}{life}"
            + (f" — {e.caveat}" if e.caveat else "")
        )
        if e.note:
            out.print(f"          [dim]{e.note}[/]")


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

"""`archkb map`: one service, a bill of services or Terraform, or a whole blueprint."""

from __future__ import annotations

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
    from archkb.engine.mapping import Alternative, Equivalent, ServiceMapping
    from archkb.engine.records import Service


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
    if source is not None and source not in kb.providers:
        raise CliProblem(
            f"--from: unknown provider {source!r} (known: {', '.join(sorted(kb.providers))})"
        )
    if _is_bill(query):  # a bill is an existing path or -; anything else is a name
        from .bill import emit_table, map_bill

        table = map_bill(kb, query, source, to)
        emit_table(table, "json" if as_json else fmt, show_all)
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
    from archkb.engine.records import jsonable

    return {
        "query": mapping.query,
        "source": jsonable(mapping.source),
        "equivalents": {
            p: [jsonable(e) for e in items] for p, items in mapping.equivalents.items()
        },
        "alternatives": {p: jsonable(a) for p, a in mapping.alternatives.items()},
        "by_capability": {
            capability: {p: [jsonable(e) for e in items] for p, items in answers.items()}
            for capability, answers in mapping.by_capability.items()
        },
        "gaps": {
            capability: {p: jsonable(a) for p, a in gaps.items()}
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


def _is_bill(query: str) -> bool:
    """`-` (stdin), an existing file, or a folder of Terraform."""
    path = Path(query)
    if query == "-":
        return True
    if path.is_dir():
        # A folder named like a service (`s3/`) must not hide the service: it needs Terraform
        # files near its top, or a path-looking query.
        return "/" in query or any(path.glob("*.tf*")) or any(path.glob("*/*.tf*"))
    return path.is_file()


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
        print_json(results)
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

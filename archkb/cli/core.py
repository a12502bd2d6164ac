"""Core commands: validate, stats, list, show, search, graph, compare."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from archkb.engine.kinds import KINDS

from .common import (
    EXIT_NOT_FOUND,
    CliProblem,
    app,
    console,
    format_option,
    json_option,
    print_json,
    print_table,
)

KIND_CHOICE = click.Choice(KINDS)


@click.command("validate")
@json_option
@click.pass_context
def validate_command(ctx: click.Context, as_json: bool) -> None:
    """Check every KB file (built-in + overlays) and print counts per kind.

    Reports every problem at once as FILE:LINE: RECORD: FIELD: MESSAGE and exits 2.

    \b
    Example:
      archkb --kb ./my-kb validate
    """
    ctx.find_root().obj.use_cache = False
    kb = app(ctx).kb()
    counts = kb.counts()
    if as_json:
        print_json({"valid": True, "counts": counts})
        return
    out = console()
    for kind, count in counts.items():
        out.print(f"{kind:<13}{count:>6}")
    out.print(f"[green]OK[/]: {sum(counts.values())} records, no problems")


@click.command("stats")
@json_option
@click.pass_context
def stats_command(ctx: click.Context, as_json: bool) -> None:
    """Counts per kind, per provider and per category."""
    from archkb.engine.stats import kb_stats

    stats = kb_stats(app(ctx).kb())
    if as_json:
        print_json(stats)
        return
    from rich.table import Table

    table = Table(title="Records per kind")
    table.add_column("kind")
    table.add_column("count", justify="right")
    for kind, count in stats["counts"].items():
        table.add_row(kind, str(count))
    print_table(table)
    table = Table(title="Per provider")
    columns = (
        "provider",
        "services",
        "features",
        "not current",
        "regions",
        "capabilities covered",
        "no equivalent",
        "availability checked",
    )
    for column in columns:
        table.add_column(column, justify="right" if column != "provider" else "left")
    for provider, row in stats["providers"].items():
        table.add_row(
            provider,
            str(row["services"]),
            str(row["features"]),
            str(row["not_current"]),
            str(row["regions"]),
            str(row["capabilities_covered"]),
            str(row["no_equivalent"]),
            str(row["availability_checked"]),
        )
    print_table(table)


@click.command("list")
@click.argument("kind", type=KIND_CHOICE)
@click.option("--provider", help="Only records of this provider (services, regions).")
@click.option("--category", help="Only records in this category.")
@json_option
@click.pass_context
def list_command(
    ctx: click.Context, kind: str, provider: str | None, category: str | None, as_json: bool
) -> None:
    """List the records of one KIND (id, name, summary).

    \b
    Examples:
      archkb list pattern
      archkb list service --provider gcp --category database
    """
    kb = app(ctx).kb()
    rows = []
    for record in kb.table(kind).values():
        if provider and getattr(record, "provider", None) != provider:
            continue
        if category and _category_of(kb, record) != category:
            continue
        rows.append(record)
    if as_json:
        print_json(
            [
                {"key": f"{kind}/{r.id}", "id": r.id, "name": r.name, "summary": r.summary}
                for r in rows
            ]
        )
        return
    if not rows:
        raise CliProblem(f"no {kind} records match", EXIT_NOT_FOUND)
    from rich.table import Table

    table = Table(title=f"{len(rows)} {kind} record(s)", expand=False)
    table.add_column("id", no_wrap=True)
    table.add_column("name")
    table.add_column("summary", overflow="fold", max_width=70)
    for record in rows:
        table.add_row(record.id, record.name, record.summary)
    print_table(table)


def _category_of(kb: Any, record: Any) -> str | None:
    if hasattr(record, "category"):
        return str(record.category)
    capability = getattr(record, "capability", None)
    return kb.capabilities[capability].category if capability in kb.capabilities else None


def describe_keys(kb: Any, keys: list[str], sep: str = "\n  ", limit: int = 10) -> str:
    """Record keys with their names (and providers, for services), for messages."""
    parts = []
    for key in keys[:limit]:
        record = kb.get(key)
        provider = getattr(record, "provider", None)
        parts.append(f"{key}  ({record.name}{', ' + provider if provider else ''})")
    return sep.join(parts)


def resolve_or_fail(kb: Any, query: str, kinds: tuple[str, ...] | None = None) -> str:
    """One record key for `query`, else exit 1 with candidates or "did you mean" (exit 2 when
    there is no name at all)."""
    from archkb.engine.search import resolve_name

    if not query.strip():
        raise CliProblem("give a name, id or kind/id (it is empty)")

    found = resolve_name(kb, query, kinds)
    if found.key:
        return str(found.key)
    if found.matches:
        raise CliProblem(
            f"{query!r} is ambiguous; candidates:\n  {describe_keys(kb, found.matches)}",
            EXIT_NOT_FOUND,
        )
    hint = ""
    if found.suggestions:
        hint = (
            "; did you mean "
            + " or ".join(f"{kb.get(k).name!r} ({k})" for k in found.suggestions[:3])
            + "?"
        )
    what = "/".join(kinds) if kinds else "record"
    raise CliProblem(f"no {what} matches {query!r}{hint}", EXIT_NOT_FOUND)


@click.command("show")
@click.argument("query")
@json_option
@click.pass_context
def show_command(ctx: click.Context, query: str, as_json: bool) -> None:
    """Show one record: by id, kind/id, official name or alias (any case).

    \b
    Examples:
      archkb show lambda
      archkb show "Azure Functions"
      archkb show pattern/cqrs
    """
    kb = app(ctx).kb()
    key = resolve_or_fail(kb, query)
    kind = key.split("/", 1)[0]
    record = kb.get(key)
    if as_json:
        from archkb.engine.records import jsonable

        data = jsonable(record)
        data.update({"key": key, "kind": kind, "id": record.id})
        origin = kb.origins.get(key)
        data["defined_in"] = {"file": origin.file, "line": origin.line} if origin else None
        print_json(data)
        return
    from rich.markdown import Markdown

    from archkb.present import plain_links, record_markdown

    text = plain_links(record_markdown(kb, kind, record))
    out = console()
    if out.is_terminal:
        out.print(Markdown(text, hyperlinks=False))
    else:  # piped: the Markdown itself, whole lines (rendering would crop them at 80 columns)
        click.echo(text)


@click.command("search")
@click.argument("text")
@click.option("--kind", type=KIND_CHOICE, help="Only this kind of record.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500))
@json_option
@click.pass_context
def search_command(
    ctx: click.Context, text: str, kind: str | None, limit: int, as_json: bool
) -> None:
    """Search records: what the text names first (ids, names, aliases, near misses such as
    "lamda"), then full-text hits over names, aliases and summaries (ranked; word prefixes
    match).

    \b
    Examples:
      archkb search queue --kind service
      archkb search lamda
    """
    from archkb.engine.search import find_records

    hits = find_records(app(ctx).kb(), text, kind, limit)
    if as_json:
        print_json(
            [{"key": h.key, "kind": h.kind, "name": h.name, "summary": h.summary} for h in hits]
        )
        return
    if not hits:
        raise CliProblem(f"nothing matches {text!r}", EXIT_NOT_FOUND)
    from rich.table import Table

    table = Table(title=f"{len(hits)} result(s) for {text!r}")
    table.add_column("key", no_wrap=True)
    table.add_column("name")
    table.add_column("summary", overflow="fold", max_width=60)
    for hit in hits:
        table.add_row(hit.key, hit.name, hit.summary)
    print_table(table)


@click.group("graph")
def graph_command() -> None:
    """Walk or export the knowledge graph."""


@graph_command.command("neighbors")
@click.argument("query")
@click.option("--depth", default=1, show_default=True, type=click.IntRange(1, 3))
@json_option
@click.pass_context
def graph_neighbors(ctx: click.Context, query: str, depth: int, as_json: bool) -> None:
    """Records linked to QUERY, grouped by edge kind.

    \b
    Example:
      archkb graph neighbors pattern/cqrs --depth 1
    """
    from archkb.engine.graph import neighbours

    kb = app(ctx).kb()
    key = resolve_or_fail(kb, query)
    groups = neighbours(kb.graph, key, depth)
    if as_json:
        print_json(
            {
                "key": key,
                "depth": depth,
                "neighbors": {
                    kind: [{"direction": d, "key": k, "name": n} for d, k, n in items]
                    for kind, items in groups.items()
                },
            }
        )
        return
    out = console()
    out.print(f"[bold]{kb.get(key).name}[/] ({key})")
    for kind, items in groups.items():
        out.print(f"\n[bold]{kind}[/]")
        for direction, node, name in items:
            out.print(f"  {direction} {node}  {name}")


@graph_command.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["graphml", "json"]), default="json", show_default=True
)
@click.option(
    "-o", "--output", required=True, type=click.Path(path_type=Path), help="File to write."
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.pass_context
def graph_export(ctx: click.Context, fmt: str, output: Path, force: bool) -> None:
    """Write the whole graph as GraphML or node-link JSON."""
    from archkb.engine.graph import graph_as_graphml, graph_as_json

    from .writing import write_text

    kb = app(ctx).kb()
    text = graph_as_graphml(kb.graph) if fmt == "graphml" else graph_as_json(kb.graph)
    write_text(output, text, force=force)
    g = kb.graph
    click.echo(
        f"wrote {output} ({g.number_of_nodes()} nodes, {g.number_of_edges()} edges)", err=True
    )


@click.command("compare")
@click.option("--category", help="Category id (e.g. database); see `archkb list category`.")
@click.option("--all", "everything", is_flag=True, help="Every category.")
@format_option()
@click.pass_context
def compare_command(ctx: click.Context, category: str | None, everything: bool, fmt: str) -> None:
    """Providers side by side per capability, like the vendors' comparison pages.

    \b
    Examples:
      archkb compare --category database
      archkb compare --all --format csv > services.csv
    """
    from archkb.engine.stats import comparison_rows

    kb = app(ctx).kb()
    if not everything and not category:
        raise CliProblem("give --category ID or --all")
    if category and category not in kb.categories:
        raise CliProblem(
            f"unknown category {category!r}; known: {', '.join(sorted(kb.categories))}"
        )
    rows = comparison_rows(kb, None if everything else category)
    if not rows:
        raise CliProblem(f"no capabilities in category {category!r}", EXIT_NOT_FOUND)
    providers = sorted(kb.providers)
    from .tables import emit_rows

    emit_rows(
        fmt,
        ["category", "capability", *providers],
        rows,
        title=f"Comparison: {category or 'all categories'}",
    )

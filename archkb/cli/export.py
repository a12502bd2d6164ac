"""`archkb export …`: compiled SQLite, ADR (and, as they land, diagrams and IaC)."""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from .common import CliProblem, F, app, provider_list, providers_option
from .lazy import LazyGroup
from .recommend import NEEDS_HELP, parse_or_fail
from .writing import write_text

EXPORT_MODULES: dict[str, str] = {"diagram": "export_diagram", "iac": "export_iac"}
"""Export subcommands that live in their own modules (imported on demand)."""


@click.group("export", cls=LazyGroup, commands=EXPORT_MODULES)
def export_command() -> None:
    """Write files for reviews and tools: review, diagram, iac, adr, sqlite."""


@click.command("sqlite")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.pass_context
def export_sqlite(ctx: click.Context, file: Path, force: bool) -> None:
    """Write the compiled KB (records, edges, FTS5 index) as a SQLite FILE (e.g. for Datasette)."""
    import tempfile

    from archkb.engine.store import build_database

    kb = app(ctx).kb()
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / "kb.sqlite"
        build_database(kb, staged)
        write_text(file, staged.read_bytes(), force=force)
    click.echo(f"wrote {file}", err=True)


def decision_options(func: F) -> F:
    """What a decision export takes: the needs, providers, options ranked, the one decided on
    and the decision date (an input, so the same inputs give the same file)."""
    for option in reversed(
        [
            click.option("--needs", required=True, help=NEEDS_HELP),
            providers_option,
            click.option(
                "--top",
                default=3,
                show_default=True,
                type=click.IntRange(1, 20),
                help="Options to rank.",
            ),
            click.option(
                "--rank",
                default=1,
                show_default=True,
                type=click.IntRange(1, 20),
                help="The option decided on.",
            ),
            click.option(
                "--date",
                "decided",
                type=click.DateTime(formats=["%Y-%m-%d"]),
                help="The decision date to write [default: today].",
            ),
        ]
    ):
        func = option(func)
    return func


@click.command("adr")
@decision_options
@click.option(
    "-o", "--output", required=True, type=click.Path(path_type=Path), help="Markdown file to write."
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.pass_context
def export_adr(
    ctx: click.Context,
    needs: str,
    provider: str,
    top: int,
    rank: int,
    output: Path,
    force: bool,
    decided: datetime.datetime | None,
) -> None:
    """Write a Markdown ADR (MADR layout) deciding on recommendation --rank (default: the top).

    \b
    Examples:
      archkb export adr --needs serverless,eu --provider aws -o docs/adr/0001-architecture.md
      archkb export adr --needs serverless,eu --rank 2 -o docs/adr/0002-event-processing.md
    """
    from archkb.engine.needs import NeedsError
    from archkb.engine.recommend import recommend
    from archkb.exports.service import adr_text

    kb = app(ctx).kb()
    parsed = parse_or_fail(kb, needs)
    providers = provider_list(kb, provider, "--provider")
    try:
        result = recommend(kb, parsed, providers, max(top, rank))
    except NeedsError as exc:
        raise CliProblem(f"--needs: {exc}") from None
    if not result.recommendations:
        raise CliProblem(
            "no blueprint meets these needs; nothing to decide (see `archkb recommend --explain`)",
            1,
        )
    if rank > len(result.recommendations):
        raise CliProblem(f"--rank {rank}: only {len(result.recommendations)} option(s) qualify")
    text = adr_text(
        kb,
        result,
        date=(decided or datetime.datetime.now()).date().isoformat(),
        provider=providers[0] if len(providers) == 1 else None,
        rank=rank,
    )
    write_text(output, text, force=force)
    click.echo(f"wrote {output}", err=True)


@click.command("review")
@decision_options
@click.option(
    "-o", "--output", required=True, type=click.Path(path_type=Path), help="Folder to write."
)
@click.option("--with-iac", is_flag=True, help="Add the starter IaC per provider (iac/PROVIDER/).")
@click.option("--force", is_flag=True, help="Replace the folder if it is not empty.")
@click.pass_context
def export_review(
    ctx: click.Context,
    needs: str,
    provider: str,
    top: int,
    rank: int,
    output: Path,
    with_iac: bool,
    force: bool,
    decided: datetime.datetime | None,
) -> None:
    """Write a design-review pack: one folder to attach to the review.

    README.md (needs, ranked options with reasons and trade-offs, the decision, services per
    provider, the diagrams, what was excluded and why), review.html (the same, one
    self-contained page), adr.md, diagrams/ (PNG and draw.io per provider) and, with
    --with-iac, iac/PROVIDER/. Needs Graphviz for the pictures.

    \b
    Examples:
      archkb export review --needs serverless,eu -o review/
      archkb export review --needs dr,eu --provider aws,gcp --with-iac -o review/
    """
    from archkb.engine.recommend import recommend
    from archkb.exports.diagram import DiagramError
    from archkb.exports.review import ReviewError
    from archkb.exports.service import review_pack

    from .writing import write_folder

    kb = app(ctx).kb()
    parsed = parse_or_fail(kb, needs)
    providers = provider_list(kb, provider, "--provider")
    result = recommend(kb, parsed, providers, max(top, rank))
    command = f"archkb export review --needs {','.join(parsed.ids)} --provider {provider}"
    command += f" --rank {rank}" + (" --with-iac" if with_iac else "")
    if not result.recommendations:
        raise CliProblem(
            "no blueprint meets these needs; nothing to review (see `archkb recommend --explain`)",
            1,
        )
    try:
        files = review_pack(
            kb,
            result,
            providers=providers,
            date=(decided or datetime.datetime.now()).date().isoformat(),
            rank=rank,
            command=command,
            with_iac=with_iac,
        )
    except (ReviewError, DiagramError) as exc:
        raise CliProblem(str(exc)) from None
    paths = write_folder(output, files, force=force)
    click.echo(f"wrote {len(paths)} files to {output}", err=True)


export_command.add_command(export_sqlite)
export_command.add_command(export_adr)
export_command.add_command(export_review)

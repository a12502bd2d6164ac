"""`archkb export diagram`: PNG/SVG/PDF/DOT (diagrams + Graphviz), Mermaid and draw.io files."""

from __future__ import annotations

from pathlib import Path

import click

from .common import CliProblem, app, provider_list
from .recommend import NEEDS_HELP
from .writing import write_text

FORMATS = ("png", "svg", "pdf", "jpg", "dot", "mermaid", "drawio")
"""The same as archkb.exports.diagram.FORMATS (a test keeps them equal): repeated here so that
`archkb export --help` does not import the exporters."""
SUFFIX_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf", ".jpg": "jpg", ".jpeg": "jpg",
                  ".dot": "dot", ".gv": "dot", ".mmd": "mermaid", ".mermaid": "mermaid",
                  ".md": "mermaid", ".markdown": "mermaid", ".drawio": "drawio"}  # fmt: skip
MARKDOWN = (".md", ".markdown")
"""Mermaid written to a Markdown file is fenced as ```mermaid so GitHub draws it."""


@click.command("diagram")
@click.option("--needs", help=NEEDS_HELP + " Draws recommendation --rank N.")
@click.option(
    "--rank", type=click.IntRange(1, 100), help="Which recommendation to draw [default: 1]."
)
@click.option(
    "--blueprint",
    help="Draw this blueprint (id or name) instead; --needs then only "
    "places it (region, DR, controls).",
)
@click.option(
    "--provider",
    default="all",
    show_default=True,
    help="aws, azure, gcp, a comma list, or all (one file per provider).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Output format [default: from the -o suffix, else png].",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="File to write (with several providers, -PROVIDER is added before the "
    "suffix), or an existing folder. Default: BLUEPRINT-PROVIDER.EXT here.",
)
@click.option(
    "--direction",
    type=click.Choice(("LR", "TB")),
    default="LR",
    show_default=True,
    help="Flow direction: left to right or top to bottom.",
)
@click.option(
    "--from-terraform",
    "from_terraform",
    metavar="DIR",
    help="Draw what existing Terraform deploys (a folder, .tf, .tf.json or .tofu file).",
)
@click.option("--to", "to", help="With --from-terraform: draw the design mapped to this provider.")
@click.option("--force", is_flag=True, help="Overwrite existing files.")
@click.pass_context
def diagram_command(
    ctx: click.Context,
    needs: str | None,
    rank: int | None,
    blueprint: str | None,
    provider: str,
    fmt: str | None,
    output: Path | None,
    direction: str,
    force: bool,
    from_terraform: str | None = None,
    to: str | None = None,
) -> None:
    """Draw an architecture diagram for a design review.

    Provider icons, regions (primary and secondary with replication), network (VPC/VNet,
    subnets), tiers, zone-redundant components, numbered request steps with a legend and
    labelled flows. PNG, JPG, SVG (self-contained) and PDF need Graphviz's `dot`; DOT, Mermaid
    (.mmd, renders on GitHub) and draw.io (.drawio, editable in diagrams.net) are written
    without it. The format comes from --format or the -o extension; the two must agree.

    \b
    Examples:
      archkb export diagram --needs serverless,eu --provider aws --format png -o review.png
      archkb export diagram --needs serverless,eu --provider all --format svg
      archkb export diagram --blueprint three-tier-web-vms --provider gcp -o three-tier.drawio
      archkb export diagram --from-terraform infra/ --to gcp --format svg
    """
    from archkb.exports.diagram import DiagramError, render_diagram

    from .selection import select_architectures

    kb = app(ctx).kb()
    providers = provider_list(kb, provider, "--provider")
    fmt = output_format(output, fmt)
    if from_terraform:
        if needs or blueprint:
            raise CliProblem("--from-terraform draws the code: leave out --needs and --blueprint")
        from .bill import existing_design

        archs = [existing_design(kb, from_terraform, to)]
    elif to:
        raise CliProblem("--to works with --from-terraform; for designs use --provider")
    else:
        archs = select_architectures(kb, needs, rank, blueprint, providers)
    files: list[tuple[Path, bytes]] = []
    for arch in archs:
        try:
            data = render_diagram(arch, fmt, direction)
        except DiagramError as exc:
            raise CliProblem(str(exc)) from None
        path = _target(output, arch.blueprint, arch.provider, fmt, len(archs) > 1)
        if fmt == "mermaid" and path.suffix.lower() in MARKDOWN:
            from archkb.exports.mermaid import markdown_block

            data = markdown_block(data.decode()).encode()
        files.append((path, data))
    existing = [str(path) for path, _ in files if path.exists() and not force]
    if existing:  # check all first: never leave half of a --provider all export behind
        raise CliProblem(f"{', '.join(existing)} exists; use --force to overwrite")
    for path, data in files:
        write_text(path, data, force=force)
        click.echo(f"wrote {path}", err=True)


def output_format(output: Path | None, fmt: str | None) -> str:
    """The format to write: --format, else the -o suffix, else png. A suffix that is unknown
    or names another format than --format is bad input (exit 2): never PNG bytes in a .jpg."""
    suffix = output.suffix.lower() if output and not output.is_dir() else ""
    implied = SUFFIX_FORMATS.get(suffix)
    if suffix and implied is None:
        known = ", ".join(sorted(SUFFIX_FORMATS))
        raise CliProblem(f"-o {output}: unsupported extension {suffix!r} (use one of {known})")
    if fmt and implied and implied != fmt:
        raise CliProblem(
            f"-o {output} is a {implied} file name but --format is {fmt}; "
            f"change the extension or drop --format"
        )
    return fmt or implied or "png"


def _target(output: Path | None, blueprint: str, provider: str, fmt: str, several: bool) -> Path:
    from archkb.exports.diagram import EXTENSIONS

    default = f"{blueprint}-{provider}.{EXTENSIONS[fmt]}"
    if output is None:
        return Path(default)
    if output.is_dir():
        return output / default
    if several:
        return output.with_name(f"{output.stem}-{provider}{output.suffix}")
    return output

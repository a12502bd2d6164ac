"""`archkb export iac`: starter infrastructure code for one architecture, one provider, one tool."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from .common import CliProblem, app, provider_list
from .recommend import NEEDS_HELP
from .writing import write_folder

TOOLS = (
    "ansible", "cloudformation", "compose", "github-actions", "gitlab-ci", "helm", "kubernetes",
    "terraform",
)  # fmt: skip
"""The tools of archkb.exports.iac.TOOL_MODULES (a test keeps them equal), repeated here so that
`archkb export --help` does not import the exporters."""


@click.command("iac")
@click.option("--needs", help=NEEDS_HELP + " Uses recommendation --rank N.")
@click.option("--rank", type=click.IntRange(1, 100), help="Which recommendation [default: 1].")
@click.option(
    "--blueprint",
    help="Use this blueprint (id or name) instead; --needs then only places it "
    "(region, DR, controls).",
)
@click.option("--provider", required=True, help="aws, azure or gcp.")
@click.option(
    "--tool",
    required=True,
    type=click.Choice(TOOLS),
    help="Which IaC to write (each says when it does not fit the architecture).",
)
@click.option(
    "-o", "--output", required=True, type=click.Path(path_type=Path), help="Folder to write."
)
@click.option("--force", is_flag=True, help="Replace an existing, non-empty folder.")
@click.pass_context
def iac_command(
    ctx: click.Context,
    needs: str | None,
    rank: int | None,
    blueprint: str | None,
    provider: str,
    tool: str,
    output: Path,
    force: bool,
) -> None:
    """Write starter IaC (with a README saying what to fill in) for an architecture.

    Terraform (modules plus dev and prod roots) fits every architecture; the other tools say
    when they do not fit and which do.

    \b
    Examples:
      archkb export iac --needs serverless,eu --provider aws --tool terraform -o infra/
      archkb export iac --blueprint three-tier-web-vms --provider gcp --tool terraform -o infra/
    """
    from archkb.exports.iac.render import IacError
    from archkb.exports.service import iac_files

    from .selection import select_architectures

    kb = app(ctx).kb()
    providers = provider_list(kb, provider, "--provider")
    if len(providers) != 1:
        raise CliProblem("--provider: give exactly one of " + ", ".join(sorted(kb.providers)))
    (arch,) = select_architectures(kb, needs, rank, blueprint, providers)
    command = _command(needs, rank, blueprint, providers[0], tool)
    try:
        files = iac_files(kb, arch, tool, command)
    except IacError as exc:
        raise CliProblem(str(exc)) from None
    write_folder(output, files, force=force)
    click.echo(
        f"wrote {len(files)} files to {output} ({tool}, {arch.blueprint} on {arch.provider})",
        err=True,
    )


def _command(
    needs: str | None, rank: int | None, blueprint: str | None, provider: str, tool: str
) -> str:
    """The command that reproduces this export (without the output folder, so the files are
    the same wherever they are written)."""
    parts = ["archkb", "export", "iac"]
    if needs:
        parts += ["--needs", needs]
    if rank:
        parts += ["--rank", str(rank)]
    if blueprint:
        parts += ["--blueprint", blueprint]
    parts += ["--provider", provider, "--tool", tool]
    return shlex.join(parts)

"""`archkb validate-iac`: any folder of Terraform against the pinned providers' schemas."""

from __future__ import annotations

from pathlib import Path

import click

from .common import EXIT_NOT_FOUND, CliProblem, json_option, print_json


@click.command("validate-iac")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--schemas",
    type=click.Path(path_type=Path),
    help="Folder of derived provider schemas [default: $ARCHKB_TFSCHEMA_DIR, else the archkb "
    "cache's tfschema/].",
)
@json_option
def validate_iac_command(folder: Path, schemas: Path | None, as_json: bool) -> None:
    """Check every .tf file under FOLDER against the aws, azurerm and google schemas.

    Each resource and data block: known type, no unknown argument or nested block, no missing
    required one, no argument the next provider major removes, references TYPE.NAME.ATTR to
    attributes that exist; then provider-behaviour rules (see docs/iac-validation.md). Prints
    FILE:LINE ADDRESS ARGUMENT MESSAGE [CHECK] per finding. Offline: the schemas are derived
    at set-up (`make tfschema`).

    Exit codes: 0 clean, 1 findings, 2 bad input (no .tf, unparsable HCL, no schemas).

    \b
    Example:
      archkb export iac --blueprint serverless-rest-api --provider gcp --tool terraform -o infra/
      archkb validate-iac infra/
    """
    from archkb.exports.iac.validate import ConfigError, SchemaMissing, validate_folder

    try:
        report = validate_folder(folder, schemas)
    except (ConfigError, SchemaMissing) as exc:
        raise CliProblem(str(exc)) from None
    if as_json:
        print_json(
            {
                "files": report.files,
                "checked": dict(report.checked),
                "unchecked": dict(report.unchecked),
                "violations": [v.__dict__ for v in report.violations],
            }
        )
    else:
        for violation in report.violations:
            click.echo(violation.render())
        checked = ", ".join(f"{n} {p}" for p, n in sorted(report.checked.items())) or "none"
        unchecked = ", ".join(f"{n} {p}" for p, n in sorted(report.unchecked.items()))
        tail = f"; not checked (no schema): {unchecked}" if unchecked else ""
        verdict = f"{len(report.violations)} finding(s)" if report.violations else "OK"
        click.echo(f"{verdict}: {report.files} file(s), blocks checked: {checked}{tail}", err=True)
    if report.violations:
        raise SystemExit(EXIT_NOT_FOUND)

"""Terraform export: every blueprint on every provider renders, parses, formats and scans clean.

The session's Terraform job (tests/exports/terraform_job.py, a process of its own started when
the session begins) renders all outputs into one folder, validates them against the provider
schemas and runs checkov once over it (terraform and secrets); the parametrised tests read its
results.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import hcl2
import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.engine.results import ResolvedArchitecture, ResolvedComponent
from archkb.exports.iac import TOOL_MODULES
from archkb.exports.iac.render import render_tool
from archkb.exports.iac.tools.terraform import catalog, fits
from archkb.exports.iac.validate import Report

from archkb.cli.export_iac import TOOLS
from tests.conftest import run_cli
from tests.exports import terraform_job as job
from tests.exports.iac_helpers import CheckovReport, count_inline_skips, inline_skips
from tests.exports.iac_matrix import MatrixRow, render_matrix, update_matrix
from tests.exports.terraform_outputs import (
    META,
    NEEDS_CASES,
    OUTPUTS,
    PROFILE_CASES,
    architecture,
)

SKIP_BUDGET = 3
PROFILE_SKIPS = {"CKV_AWS_157", "CKV2_AWS_50"}
"""Multi-AZ checks a design without the high-availability need fails on purpose (single zone,
and dev always): suppressed where the zone_redundant input decides, outside the budget."""
PROFILE_REASON = "follows the high-availability need"


@pytest.fixture(scope="module")
def architectures(kb: KnowledgeBase) -> dict[str, ResolvedArchitecture]:
    return {output: architecture(kb, output) for output in OUTPUTS}


@pytest.fixture(scope="module")
def rendered(terraform_job: Path) -> Path:
    """Every output written under one folder (<blueprint or needs case>/<provider>/…), by the
    session's Terraform job (tests/exports/terraform_job.py), shared by all workers."""
    return job.rendered(terraform_job)


@pytest.fixture(scope="module")
def scan(terraform_job: Path) -> CheckovReport:
    """The job's checkov results: terraform checks over every output, secrets over every file."""
    return job.scan(terraform_job)


def _text(value: object) -> str:
    """python-hcl2 keeps string quotes (`'"eu-west-1"'`); compare without them."""
    return str(value).strip('"')


def _block(blocks: list[dict[str, Any]], label: str) -> dict[str, Any]:
    """The body of the labelled block (`variable "region"`, `backend "s3"`)."""
    found = next(b for b in blocks if _text(next(iter(b))) == label)
    body: dict[str, Any] = next(iter(found.values()))
    return body


def _tf_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".tf", ".hcl"))


@pytest.mark.parametrize("output", OUTPUTS)
def test_output_has_roots_modules_and_readmes(rendered: Path, output: str) -> None:
    folder = rendered / output
    assert (folder / "README.md").is_file()
    for env in ("dev", "prod"):
        for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "backend.hcl"):
            assert (folder / "envs" / env / name).is_file(), f"envs/{env}/{name}"
    modules = sorted((folder / "modules").iterdir())
    assert modules
    for module in modules:
        for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md"):
            assert (module / name).is_file(), f"{module.name}/{name}"


@pytest.mark.parametrize("output", OUTPUTS)
def test_readme_says_where_it_came_from_and_how_to_deploy(
    rendered: Path, architectures: dict[str, ResolvedArchitecture], output: str
) -> None:
    readme = (rendered / output / "README.md").read_text()
    arch = architectures[output]
    assert META.kb_fingerprint[:12] in readme and META.command in readme
    assert all(f"`{need}`" in readme for need in arch.needs)
    assert "## What to fill in" in readme and "backend.hcl" in readme
    assert "terraform init -backend-config=backend.hcl" in readme
    for module in (rendered / output / "modules").iterdir():
        assert f"modules/{module.name}/README.md" in readme


@pytest.fixture(scope="module")
def validated(terraform_job: Path) -> dict[str, Report]:
    """`archkb validate-iac` on every output (each .tf parsed once, then schema and rules), by
    the session's Terraform job."""
    return job.validated(terraform_job)


@pytest.mark.parametrize("output", OUTPUTS)
def test_every_file_parses_as_hcl(
    rendered: Path, validated: dict[str, Report], output: str
) -> None:
    assert validated[output].files == len(list((rendered / output).rglob("*.tf")))
    for path in _tf_files(rendered / output):
        if path.suffix != ".tf":  # the .tf files were parsed by `validated`
            hcl2.loads(path.read_text())


@pytest.mark.parametrize("output", OUTPUTS)
def test_every_resource_fits_the_pinned_provider_schema(
    validated: dict[str, Report], output: str
) -> None:
    """Known types, arguments and blocks, required ones present, nothing deprecated, every
    attribute reference real, no provider-behaviour rule broken (docs/iac-validation.md)."""
    report = validated[output]
    provider = {"aws": "aws", "azure": "azurerm", "gcp": "google"}[output.split("/")[1]]
    assert report.checked[provider] > 10
    assert not report.violations, "\n".join(v.render() for v in report.violations)


def test_validation_matrix_in_the_docs_is_current(
    validated: dict[str, Report], scan: CheckovReport
) -> None:
    """docs/iac-validation.md shows every blueprint × provider × check as this run found it."""
    rows = []
    for output in OUTPUTS:
        name, provider = output.split("/")
        if name in NEEDS_CASES or name in PROFILE_CASES:
            continue
        found = scan.under(output)
        report = validated[output]
        rows.append(
            MatrixRow(
                name, provider, report.files, sum(report.checked.values()),
                len(report.violations), len(found.passed), len(found.failed),
                len(found.skipped),
            )
        )  # fmt: skip
    assert update_matrix(render_matrix(rows)), (
        "docs/iac-validation.md's matrix differs from this run; regenerate it with "
        "ARCHKB_UPDATE_GOLDEN=1 pytest tests/exports/test_iac_terraform.py -k matrix"
    )


@pytest.mark.parametrize("output", OUTPUTS)
def test_checkov_reports_no_failed_check(scan: CheckovReport, output: str) -> None:
    found = scan.under(output)
    assert not found.parsing_errors
    assert found.passed, "checkov scanned nothing"
    assert not found.failed, found.describe_failures()


def test_checkov_secrets_scan_finds_nothing(scan: CheckovReport) -> None:
    leaks = [f for f in scan.failed if f.framework == "secrets"]
    assert not leaks, "\n".join(f"{f.check_id} {f.file}" for f in leaks)


@pytest.mark.parametrize("output", OUTPUTS)
def test_inline_skips_are_few_and_justified(rendered: Path, output: str) -> None:
    skips = inline_skips(rendered / output)
    profile = [s for s in skips if PROFILE_REASON in s[2]]
    assert {check for _, check, _ in profile} <= PROFILE_SKIPS, profile
    assert count_inline_skips(rendered / output) - len(profile) <= SKIP_BUDGET, skips
    assert all(len(reason.split()) >= 4 for _, _, reason in skips), skips


@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not on PATH")
def test_terraform_fmt_accepts_everything(rendered: Path) -> None:
    proc = subprocess.run(
        ["terraform", "fmt", "-check", "-recursive", "-diff", str(rendered)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-4000:]


@pytest.mark.parametrize("output", OUTPUTS)
def test_region_defaults_inside_the_jurisdiction(
    kb: KnowledgeBase, rendered: Path, architectures: dict[str, ResolvedArchitecture], output: str
) -> None:
    arch = architectures[output]
    variables = hcl2.loads((rendered / output / "envs" / "dev" / "variables.tf").read_text())
    region = _block(variables["variable"], "region")
    condition = str(region["validation"][0]["condition"])
    default = _text(region["default"])
    jurisdiction = arch.jurisdiction or "us"
    record = next(r for r in kb.regions_by_provider[arch.provider] if r.code == default)
    assert jurisdiction in record.jurisdictions
    for code in arch.allowed_regions:
        assert f'"{code}"' in condition
    others = {r.code for r in kb.regions_by_provider[arch.provider]} - set(arch.allowed_regions)
    assert not any(f'"{code}"' in condition for code in others)


@pytest.mark.parametrize("output", OUTPUTS)
def test_rendering_is_deterministic(
    architectures: dict[str, ResolvedArchitecture], output: str
) -> None:
    arch = architectures[output]
    assert render_tool("terraform", arch, META) == render_tool("terraform", arch, META)


@pytest.mark.parametrize("output", OUTPUTS)
def test_roots_pin_versions_and_keep_remote_state(rendered: Path, output: str) -> None:
    versions = hcl2.loads((rendered / output / "envs" / "prod" / "versions.tf").read_text())
    terraform = versions["terraform"][0]
    assert _text(terraform["required_version"]).startswith("~>")
    for providers in terraform["required_providers"]:
        specs = [spec for name, spec in providers.items() if not name.startswith("__")]
        assert specs and all(_text(spec["version"]).startswith("~>") for spec in specs)
    kind = {"aws": "s3", "azure": "azurerm", "gcp": "gcs"}[output.split("/")[1]]
    backend = _block(terraform["backend"], kind)
    if kind == "s3":
        assert backend["use_lockfile"] is True
    main = (rendered / output / "envs" / "prod" / "main.tf").read_text()
    for key in ("project", "environment", '"managed-by"'):
        assert re.search(rf"^\s+{key}\s+=", main, re.MULTILINE), key


VAR = re.compile(r"\bvar\.([a-z0-9_]+)")
DECLARED = re.compile(r'^variable "([^"]+)"', re.MULTILINE)
MODULE_REF = re.compile(r"\bmodule\.([a-z0-9_]+)\.([a-z0-9_]+)")
RESOURCE_REF = re.compile(
    r'(?<![\w."/-])(data\.)?((?:aws|azurerm|azuread|azuredevops|google|time|archive)_[a-z0-9_]+)'
    r"\.([a-z0-9_]+)\b"
)
BLOCK = re.compile(
    r'^(resource|data|module|variable|output) "([^"]+)"(?: "([^"]+)")?', re.MULTILINE
)


def _undeclared_blocks(main: str, text: str) -> list[str]:
    """References to resources or data sources the module does not declare."""
    resources = {(t, n) for kind, t, n in BLOCK.findall(main) if kind == "resource"}
    data = {(t, n) for kind, t, n in BLOCK.findall(main) if kind == "data"}
    missing = []
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        for is_data, kind, name in RESOURCE_REF.findall(line):
            if (kind, name) not in (data if is_data else resources):
                missing.append(f"{is_data}{kind}.{name}")
    return missing


@pytest.mark.parametrize("output", OUTPUTS)
def test_every_reference_resolves(rendered: Path, output: str) -> None:
    """No provider schema offline, but wiring mistakes are still caught: each var.X used in a
    module or root is declared there, each resource or data source referenced is declared, no
    block is declared twice, and each module.M.O a root uses is an output of M."""
    folder = rendered / output
    outputs = {}
    for module in sorted((folder / "modules").iterdir()):
        main = (module / "main.tf").read_text()
        everything = "".join(p.read_text() for p in sorted(module.glob("*.tf")))
        assert not _undeclared_blocks(main, main + (module / "outputs.tf").read_text())
        blocks = BLOCK.findall(everything)
        assert len(blocks) == len(set(blocks)), f"{module.name}: a block is declared twice"
        declared = set(DECLARED.findall((module / "variables.tf").read_text()))
        used = set(
            VAR.findall((module / "main.tf").read_text() + (module / "outputs.tf").read_text())
        )
        assert used <= declared, f"{module.name}: undeclared {sorted(used - declared)}"
        # Terraform reads outputs from every file: a template may add one beside the resources
        # it exists for (the aws logs module's spans destination, when tracing feeds it).
        outputs[module.name.replace("-", "_")] = set(
            re.findall(r'^output "([^"]+)"', everything, re.MULTILINE)
        )
    for env in ("dev", "prod"):
        main = (folder / "envs" / env / "main.tf").read_text()
        declared = set(DECLARED.findall((folder / "envs" / env / "variables.tf").read_text()))
        assert set(VAR.findall(main)) <= declared
        # A module block's outputs are its source's (a copy in the second region shares one).
        sources = dict(
            re.findall(r'module "([^"]+)" \{\n  source = "\.\./\.\./modules/([^"]+)"', main)
        )
        for module, name in MODULE_REF.findall(main):
            source = sources[module].replace("-", "_")
            assert name in outputs[source], f"module.{module}.{name}"


def test_terraform_fits_everyarchitecture(architectures: dict[str, ResolvedArchitecture]) -> None:
    assert all(fits(arch) is None for arch in architectures.values())


def test_catalog_covers_every_capability_the_blueprints_use(
    architectures: dict[str, ResolvedArchitecture],
) -> None:
    capabilities = catalog().capabilities
    missing = sorted(
        {f"{c.capability} on {a.provider}" for a in architectures.values() for c in a.components
         if a.provider not in capabilities.get(c.capability, {})}
    )  # fmt: skip
    assert not missing


def test_unknown_capability_gets_a_documented_stub(
    architectures: dict[str, ResolvedArchitecture],
) -> None:
    arch = architectures["serverless-rest-api/aws"]
    extra = ResolvedComponent(
        role="quantum", capability="quantum-computing", capability_name="Quantum computing",
        tier="app", label="Quantum jobs", service="aws-braket", service_name="Amazon Braket",
        fit="exact", terraform=["aws_braket_job"],
    )  # fmt: skip
    files = render_tool(
        "terraform", dataclasses.replace(arch, components=[*arch.components, extra]), META
    )
    assert "No template yet" in files["modules/quantum/README.md"]
    assert "aws_braket_job" in files["modules/quantum/main.tf"]
    hcl2.loads(files["modules/quantum/main.tf"])
    assert "quantum" in files["README.md"]


def test_cli_offers_every_registered_tool() -> None:
    assert sorted(TOOLS) == sorted(TOOL_MODULES)


def test_cli_writes_the_headline_export(tmp_path: Path) -> None:
    out = tmp_path / "infra"
    result = run_cli("export", "iac", "--needs", "serverless,eu", "--provider", "aws",
                     "--tool", "terraform", "-o", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (out / "envs" / "dev" / "main.tf").is_file()
    assert "--needs serverless,eu" in (out / "README.md").read_text()


def test_cli_refuses_a_non_empty_folder_without_force(tmp_path: Path) -> None:
    out = tmp_path / "infra"
    args = ["export", "iac", "--blueprint", "static-website-cdn", "--provider", "gcp",
            "--tool", "terraform", "-o", str(out)]  # fmt: skip
    assert run_cli(*args).exit_code == 0
    again = run_cli(*args)
    assert again.exit_code == 2 and "--force" in again.output
    assert run_cli(*args, "--force").exit_code == 0


def test_cli_needs_exactly_one_provider(tmp_path: Path) -> None:
    result = run_cli("export", "iac", "--blueprint", "serverless-rest-api", "--provider", "all",
                     "--tool", "terraform", "-o", str(tmp_path / "x"))  # fmt: skip
    assert result.exit_code == 2 and "exactly one" in result.output


def test_cli_says_which_tools_fit_when_one_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import archkb.exports.iac.tools.terraform as terraform

    monkeypatch.setattr(terraform, "fits", lambda arch: "pretend it does not fit")
    result = run_cli("export", "iac", "--blueprint", "serverless-rest-api", "--provider", "aws",
                     "--tool", "terraform", "-o", str(tmp_path / "x"))  # fmt: skip
    assert result.exit_code == 2
    assert "does not fit" in result.output and "tools that fit" in result.output
    assert not (tmp_path / "x").exists()

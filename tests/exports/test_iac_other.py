"""Non-Terraform IaC exports pass their validators: every blueprint × provider a tool fits is
rendered once into a temporary folder, then checkov, cfn-lint, ansible-playbook and yamllint
each run once over all of them (checkov alone costs ~4 s to start).

Structure checks per format (stack wiring, Compose rules, Helm placeholders, pinned actions)
are in test_iac_other_formats.py.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from archkb.engine.kb import KnowledgeBase
from archkb.engine.needs import parse_needs
from archkb.engine.resolve import resolve_architecture
from archkb.engine.results import ResolvedArchitecture
from archkb.exports.iac.render import ExportMeta, IacError, render_tool, tool_module

from .iac_helpers import CheckovReport, inline_skips, run_checkov, tools_bin

TOOLS = (
    "cloudformation",
    "kubernetes",
    "helm",
    "compose",
    "ansible",
    "github-actions",
    "gitlab-ci",
)
SCANNED = {
    "cloudformation": "cloudformation",
    "kubernetes": "kubernetes",
    "helm": "kubernetes",
    "ansible": "ansible",
    "github-actions": "github_actions",
    "gitlab-ci": "gitlab_ci",
}
"""Tool → checkov framework (Compose has none: test_iac_other_formats checks its structure)."""
PROVIDERS = ("aws", "azure", "gcp")
BASE_NEEDS = "eu"
EXTRA_CASES = [
    ("dr-warm-standby", "aws", "eu,disaster-recovery"),
    ("microservices-on-kubernetes", "gcp", "us"),
    ("three-tier-web-vms", "azure", "uk"),
]
"""A second region (DR replicas) and two more jurisdictions, on top of every blueprint in `eu`."""
MAX_SKIPS = 3
HELM_PLACEHOLDER = re.compile(
    r"\{\{ (\.Values(?:\.[A-Za-z][A-Za-z0-9]*)+|\.Release\.Name|\.Chart\.Name) \}\}"
)
RELEASE = "demo"


@dataclass(frozen=True)
class Output:
    """One tool's files for one architecture."""

    tool: str
    name: str
    arch: ResolvedArchitecture
    meta: ExportMeta
    files: dict[str, str]


def export_meta(needs: str) -> ExportMeta:
    ids = tuple(n.strip() for n in needs.split(","))
    return ExportMeta("0.0.0-test", "kbtest1234", ids, f"archkb export iac --needs {needs}")


def architectures(kb: KnowledgeBase) -> list[tuple[str, ResolvedArchitecture, ExportMeta]]:
    """(case name, architecture, meta) for every blueprint × provider, plus EXTRA_CASES."""
    cases = [(bp, p, BASE_NEEDS) for bp in sorted(kb.blueprints) for p in PROVIDERS]
    cases += EXTRA_CASES
    result = []
    for blueprint, provider, needs in cases:
        arch = resolve_architecture(kb, kb.blueprints[blueprint], provider, parse_needs(kb, needs))
        assert isinstance(arch, ResolvedArchitecture), (blueprint, provider, needs, arch)
        suffix = "" if needs == BASE_NEEDS else "-" + needs.replace(",", "-")
        result.append((f"{blueprint}-{provider}{suffix}", arch, export_meta(needs)))
    return result


def render_helm_chart(files: dict[str, str]) -> dict[str, str]:
    """The chart's templates with their placeholders filled from values.yaml and Chart.yaml.

    The templates use only `.Values.a.b`, `.Release.Name` and `.Chart.Name`, so a substitution
    renders them exactly as `helm template` would, without the helm binary.
    """
    values = yaml.safe_load(files["values.yaml"])
    chart = yaml.safe_load(files["Chart.yaml"])["name"]

    def fill(match: re.Match[str]) -> str:
        expr = match.group(1)
        if expr == ".Release.Name":
            return RELEASE
        if expr == ".Chart.Name":
            return str(chart)
        value = values
        for key in expr.split(".")[2:]:
            value = value[key]
        assert not isinstance(value, dict | list), f"{expr} is not a scalar"
        return str(value)

    rendered = {}
    for path, text in files.items():
        if path.startswith("templates/") and path.endswith(".yaml"):
            out = HELM_PLACEHOLDER.sub(fill, text)
            assert "{{" not in out, f"{path}: placeholder outside the allowed subset"
            rendered[path.removeprefix("templates/")] = out
    return rendered


@pytest.fixture(scope="module")
def outputs(kb: KnowledgeBase) -> list[Output]:
    found = []
    for name, arch, meta in architectures(kb):
        for tool in TOOLS:
            if tool_module(tool).fits(arch) is None:
                found.append(Output(tool, name, arch, meta, render_tool(tool, arch, meta)))
    return found


def write_tree(base: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def scan_root(outputs: list[Output], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """root/<tool>/<case>/… for every output. Helm charts appear there rendered; the raw
    charts go to root/../helm-charts, where checkov never reads unrendered templates."""
    root = tmp_path_factory.mktemp("iac-other") / "scan"
    for out in outputs:
        if out.tool == "helm":
            write_tree(root / out.tool / out.name, render_helm_chart(out.files))
            write_tree(root.parent / "helm-charts" / out.name, out.files)
        else:
            write_tree(root / out.tool / out.name, out.files)
    return root


@pytest.fixture(scope="module")
def checkov(scan_root: Path) -> CheckovReport:
    return run_checkov(scan_root, sorted(set(SCANNED.values())))


def of(outputs: list[Output], tool: str) -> list[Output]:
    return [o for o in outputs if o.tool == tool]


def test_every_tool_renders_for_the_architectures_it_fits(outputs: list[Output]) -> None:
    minimum = {
        "cloudformation": 17,
        "kubernetes": 15,
        "helm": 15,
        "compose": 15,
        "ansible": 12,
        "github-actions": 51,
        "gitlab-ci": 51,
    }
    for tool, least in minimum.items():
        assert len(of(outputs, tool)) >= least, tool
    assert (
        len({o.arch.blueprint for o in outputs if o.tool not in {"github-actions", "gitlab-ci"}})
        >= 8
    )


@pytest.mark.parametrize(
    ("tool", "blueprint", "provider", "reason"),
    [
        ("cloudformation", "serverless-rest-api", "azure", "only to AWS"),
        ("kubernetes", "serverless-rest-api", "aws", "no container component"),
        ("helm", "static-website-cdn", "gcp", "no container component"),
        ("compose", "three-tier-web-vms", "azure", "no container component"),
        ("ansible", "serverless-event-processing", "aws", "no virtual-machine component"),
        ("ansible", "microservices-on-kubernetes", "gcp", "no virtual-machine component"),
    ],
)
def test_unfit_tool_says_why_and_names_the_tools_that_fit(
    kb: KnowledgeBase, tool: str, blueprint: str, provider: str, reason: str
) -> None:
    arch = resolve_architecture(kb, kb.blueprints[blueprint], provider, parse_needs(kb, "eu"))
    assert isinstance(arch, ResolvedArchitecture)
    assert reason in (tool_module(tool).fits(arch) or "")
    with pytest.raises(IacError, match=r"tools that fit: .*github-actions"):
        render_tool(tool, arch, export_meta("eu"))


@pytest.mark.parametrize("tool", sorted(SCANNED))
def test_checkov_passes_with_no_failures(
    checkov: CheckovReport, outputs: list[Output], tool: str
) -> None:
    mine = checkov.under(tool)
    assert not mine.failed, mine.describe_failures()
    assert not mine.parsing_errors
    scanned = {f.file.split("/")[2] for f in mine.passed}
    assert scanned == {o.name for o in of(outputs, tool)}, "every output must be scanned"


@pytest.mark.parametrize("tool", TOOLS)
def test_inline_skips_are_few_and_justified(
    scan_root: Path, outputs: list[Output], tool: str
) -> None:
    for out in of(outputs, tool):
        skips = inline_skips(scan_root / tool / out.name)
        assert len(skips) <= MAX_SKIPS, (out.name, skips)
        assert all(len(reason) > 20 for _, _, reason in skips), (out.name, skips)


def test_cfn_lint_reports_nothing(scan_root: Path) -> None:
    templates = sorted(str(p) for p in (scan_root / "cloudformation").rglob("*.yaml"))
    proc = subprocess.run(
        [str(tools_bin() / "cfn-lint"), "--", *templates],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # Exit code bits: 2 errors, 4 warnings, 8 informational. Errors fail; we aim for none at all.
    assert proc.returncode == 0, proc.stdout[-5000:]


def test_ansible_syntax_check(scan_root: Path) -> None:
    """One ansible-playbook run: a parent playbook imports every output's site.yml, with all
    inventories loaded (an inventory that does not parse is an error, not a warning)."""
    base = scan_root / "ansible"
    sites = sorted(base.glob("*/site.yml"))
    assert sites
    parent = base / "all-sites.yml"
    parent.write_text(
        "---\n"
        + "".join(f"- ansible.builtin.import_playbook: {s.relative_to(base)}\n" for s in sites)
    )
    inventories = [
        a
        for s in sites
        for env in ("dev", "prod")
        for a in ("-i", str(s.parent / "inventories" / env / "hosts.yml"))
    ]
    env = {**os.environ, "ANSIBLE_INVENTORY_UNPARSED_FAILED": "True", "ANSIBLE_NOCOLOR": "1"}
    proc = subprocess.run(
        [str(tools_bin() / "ansible-playbook"), "--syntax-check", *inventories, str(parent)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=base,
    )
    parent.unlink()
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def test_yamllint_relaxed_finds_no_errors(scan_root: Path) -> None:
    charts = scan_root.parent / "helm-charts"
    targets = [
        str(scan_root),
        *map(str, sorted(charts.glob("*/Chart.yaml"))),
        *map(str, sorted(charts.glob("*/values.yaml"))),
    ]
    proc = subprocess.run(
        [str(tools_bin() / "yamllint"), "-d", "relaxed", "-f", "parsable", *targets],
        capture_output=True,
        text=True,
        timeout=300,
    )
    errors = [line for line in proc.stdout.splitlines() if "[error]" in line]
    assert not errors, "\n".join(errors[:40])
    linted = {line.split(":")[0] for line in proc.stdout.splitlines()}
    assert any(".github/workflows/iac.yml" in f for f in linted), "hidden folders must be linted"


@pytest.mark.parametrize("tool", TOOLS)
def test_rendering_is_deterministic(outputs: list[Output], tool: str) -> None:
    for out in of(outputs, tool):
        again = render_tool(tool, out.arch, out.meta)
        assert again == out.files, out.name
        assert all(text.endswith("\n") and "\r" not in text for text in again.values()), out.name


@pytest.mark.parametrize("tool", TOOLS)
def test_regions_stay_inside_the_jurisdiction(
    kb: KnowledgeBase, outputs: list[Output], tool: str
) -> None:
    codes = {
        p: sorted((r.code for r in kb.regions_by_provider[p]), key=len, reverse=True)
        for p in PROVIDERS
    }
    seen = 0
    for out in of(outputs, tool):
        pattern = re.compile(
            r"(?<![a-z0-9-])("
            + "|".join(map(re.escape, codes[out.arch.provider]))
            + r")(?![a-z0-9-])"
        )
        allowed = set(out.arch.allowed_regions)
        assert out.arch.primary_region.code in allowed
        for path, text in out.files.items():
            found = set(pattern.findall(text))
            assert found <= allowed, (out.name, path, found - allowed)
            seen += len(found)
    if tool not in {"github-actions", "gitlab-ci", "compose"}:
        assert seen, f"{tool} output names no region at all"


@pytest.mark.parametrize("tool", TOOLS)
def test_every_output_has_a_readme_with_its_provenance(outputs: list[Output], tool: str) -> None:
    for out in of(outputs, tool):
        readme = out.files["README.md"]
        for expected in (
            out.meta.archkb_version,
            out.meta.kb_fingerprint,
            out.meta.command,
            out.arch.blueprint_name,
            "## What to fill in",
        ):
            assert expected in readme, (out.name, expected)
        assert re.search(r"## How to (deploy|run|install)", readme), out.name


DIGEST_SCRIPT = """
import hashlib
from archkb.engine.kb import KnowledgeBase
from archkb.engine.load import builtin_kb_root, load_records
from archkb.engine.needs import parse_needs
from archkb.engine.resolve import resolve_architecture
from archkb.exports.iac.render import ExportMeta, render_tool, tool_module
kb = KnowledgeBase.from_records(load_records([builtin_kb_root()]))
meta = ExportMeta("0", "fp", ("eu",), "cmd")
digest = hashlib.sha256()
for bp in ("three-tier-web-vms", "microservices-on-kubernetes", "serverless-rest-api"):
    for provider in ("aws", "gcp"):
        arch = resolve_architecture(kb, kb.blueprints[bp], provider, parse_needs(kb, "eu"))
        for tool in TOOLS:
            if tool_module(tool).fits(arch) is None:
                for path, text in sorted(render_tool(tool, arch, meta).items()):
                    digest.update(path.encode() + b"\\0" + text.encode())
print(digest.hexdigest())
"""


def test_output_does_not_depend_on_hash_seeds() -> None:
    """Set iteration order changes between processes; the files must not."""
    script = f"TOOLS = {TOOLS!r}\n" + DIGEST_SCRIPT
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            timeout=120,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(digests) == 1

"""GitHub Actions workflow that formats, validates and scans the exported IaC.

The CI tools fit every architecture: Terraform exists for every provider, and the workflow
adds a CloudFormation, Kubernetes or Ansible step only when that export fits too. Actions
are pinned by full commit SHA (checked against each action's release tag), tools by exact
version, and the workflow token can only read the repository.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archkb.engine.results import ResolvedArchitecture

from . import ansible, cloudformation, kubernetes, terraform

if TYPE_CHECKING:
    from archkb.exports.iac.render import ExportMeta

IAC_DIR = "infra"
"""Where the workflow expects the exported IaC (the `-o` folder of `archkb export iac`)."""

TOOL_VERSIONS = {
    "terraform": "1.11.4",
    "python": "3.12",
    "python_image": "3.12.8-slim-bookworm",
    "helm": "3.16.3",
    "checkov": "3.3.30",
    "cfn-lint": "1.58.0",
    "ansible-core": "2.19.14",
}

ACTIONS = {
    "checkout": {
        "uses": "actions/checkout",
        "sha": "3d3c42e5aac5ba805825da76410c181273ba90b1",
        "version": "v7.0.1",
    },
    "setup-terraform": {
        "uses": "hashicorp/setup-terraform",
        "sha": "dfe3c3f87815947d99a8997f908cb6525fc44e9e",
        "version": "v4.0.1",
    },
    "setup-python": {
        "uses": "actions/setup-python",
        "sha": "5fda3b95a4ea91299a34e894583c3862153e4b97",
        "version": "v7.0.0",
    },
}
"""Release tags resolved to commits in each action's own repository (tag → commit)."""


def ci_context(arch: ResolvedArchitecture) -> dict[str, Any]:
    """What both CI tools need: which checks apply and the pinned tool versions."""
    frameworks = ["terraform", "secrets"]
    cfn = cloudformation.fits(arch) is None
    k8s = kubernetes.fits(arch) is None
    vms = ansible.fits(arch) is None
    if cfn:
        frameworks.append("cloudformation")
    if k8s:
        frameworks.append("kubernetes")
    if vms:
        frameworks.append("ansible")
    tools = ["checkov"] + (["cfn-lint"] if cfn else []) + (["ansible-core"] if vms else [])
    stale = [check["id"] for check in terraform.stale_checkov_checks(arch.provider)]
    return {
        "iac_dir": IAC_DIR,
        "pip_packages": [f'"{tool}=={TOOL_VERSIONS[tool]}"' for tool in tools],
        "versions": TOOL_VERSIONS,
        "cloudformation": cfn,
        "kubernetes": k8s,
        "ansible": vms,
        "checkov_frameworks": frameworks,
        # Raw Helm templates are not manifests; charts are rendered with helm and scanned apart.
        # Checks reading only deprecated arguments are skipped by id (terraform catalog.yaml).
        "checkov_skip": ("--skip-path /templates/ " if k8s else "")
        + (f"--skip-check {','.join(stale)} " if stale else ""),
    }


def fits(arch: ResolvedArchitecture) -> str | None:
    return None


def context(arch: ResolvedArchitecture, meta: ExportMeta) -> dict[str, Any]:
    return {**ci_context(arch), "actions": ACTIONS}

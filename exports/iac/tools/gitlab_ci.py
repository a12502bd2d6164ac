"""GitLab CI pipeline that formats, validates and scans the exported IaC (see github_actions)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archkb.engine.results import ResolvedArchitecture

from .github_actions import ci_context

if TYPE_CHECKING:
    from archkb.exports.iac.render import ExportMeta

IMAGES = {
    "terraform": "hashicorp/terraform:{terraform}",
    "python": "python:{python_image}",
    "helm": "alpine/helm:{helm}",
}
"""Job images, pinned to exact version tags (pin digests too once your registry mirrors them)."""


def fits(arch: ResolvedArchitecture) -> str | None:
    return None


def context(arch: ResolvedArchitecture, meta: ExportMeta) -> dict[str, Any]:
    shared = ci_context(arch)
    images = {
        name: image.format(**{k.replace("-", "_"): v for k, v in shared["versions"].items()})
        for name, image in IMAGES.items()
    }
    return {**shared, "images": images}

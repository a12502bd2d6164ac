"""A Helm chart for container blueprints: the Kubernetes manifests with values as placeholders.

The chart's templates use only `{{ .Values.x }}`, `{{ .Release.Name }}` and `{{ .Chart.Name }}`
(no `include`, `toYaml` or conditionals), so anyone can read them as plain manifests, and our
tests render them with a substitution instead of the `helm` binary. Conditional parts (which
workloads, which ports) are decided at export time from the architecture.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archkb.engine.results import ResolvedArchitecture

from .kubernetes import container_fit, shared_context

if TYPE_CHECKING:
    from archkb.exports.iac.render import ExportMeta

CHART_VERSION = "0.1.0"


def fits(arch: ResolvedArchitecture) -> str | None:
    return container_fit(arch)


def context(arch: ResolvedArchitecture, meta: ExportMeta) -> dict[str, Any]:
    return {
        **shared_context(arch),
        "mode": "helm",
        "chart_name": arch.blueprint,
        "chart_version": CHART_VERSION,
    }

"""Kubernetes manifests for container blueprints, and the workload model Helm and Compose share.

A *workload* is one container component of the blueprint (the sample service of a managed
Kubernetes cluster, or a serverless-container app). Its backing services come from the
blueprint's flows: a database, cache or document store it talks to becomes a port to allow in
the NetworkPolicy, settings in its ConfigMap, and a local stand-in in docker-compose.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from archkb.engine.results import ResolvedArchitecture, ResolvedComponent

if TYPE_CHECKING:
    from archkb.exports.iac.render import ExportMeta

CONTAINER_KINDS = frozenset({"kubernetes", "container"})
"""Kinds of compute (`ResolvedComponent.compute`) that run container images."""

BACKING: dict[str, dict[str, Any]] = {
    "database": {"kind": "database", "env": "DATABASE", "port": 5432, "tls": "require"},
    "cache": {"kind": "cache", "env": "CACHE", "port": 6379, "tls": "true"},
    "documents": {"kind": "documents", "env": "DOCUMENTS", "port": 27017, "tls": "true"},
}
"""How a workload reaches each kind of backing store (`ResolvedComponent.backing_store`)."""

INGRESS: dict[str, dict[str, Any]] = {
    "aws": {
        "class_name": "alb",
        "controller": "AWS Load Balancer Controller (internal scheme)",
        "annotations": {
            "alb.ingress.kubernetes.io/scheme": "internal",
            "alb.ingress.kubernetes.io/target-type": "ip",
            "alb.ingress.kubernetes.io/ssl-redirect": "443",
        },
    },
    "azure": {
        "class_name": "webapprouting.kubernetes.azure.com",
        "controller": "AKS application routing add-on (public by default; configure an "
        "internal NginxIngressController to keep it private)",
        "annotations": {},
    },
    "gcp": {
        "class_name": "gce-internal",
        "controller": "GKE Ingress (internal Application Load Balancer; needs a proxy-only subnet)",
        "annotations": {},
    },
}
"""How each provider's managed ingress controller is selected, and how private it is."""

SECRET_SYNC = {
    "aws": "the AWS Secrets and Configuration Provider for the Secrets Store CSI Driver, or "
    "External Secrets Operator, reading AWS Secrets Manager with EKS Pod Identity",
    "azure": "the Azure Key Vault provider for the Secrets Store CSI Driver with Microsoft Entra "
    "Workload ID",
    "gcp": "the Secret Manager add-on for GKE (or External Secrets Operator) with Workload "
    "Identity Federation for GKE",
}
"""How a provider's secret store reaches pods as a mounted Secret (no secret values in Git)."""

FRONT_TIERS = frozenset({"edge", "web"})
PRIVATE_CIDR = "10.0.0.0/8"
"""Where cloud load balancers and managed data stores live; narrow it to your VPC range."""
IMAGE_DIGEST = "sha256:" + "0" * 64
"""Placeholder digest: manifests pin images by digest, and this one fails loudly until replaced."""


def container_components(arch: ResolvedArchitecture) -> list[ResolvedComponent]:
    return [c for c in arch.components if c.compute in CONTAINER_KINDS]


def container_fit(arch: ResolvedArchitecture) -> str | None:
    """Why a container tool does not fit (no container component), else None."""
    if container_components(arch):
        return None
    return (
        f"no container component ({arch.blueprint} runs on "
        f"{', '.join(sorted({c.capability_name for c in arch.components if c.tier == 'app'})) or 'no app tier'})"
    )


def values_key(slug: str) -> str:
    """`dead-letter` → `deadLetter`: a Go-template-safe key for Helm values."""
    head, *rest = re.split(r"[^A-Za-z0-9]+", slug)
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def reached(arch: ResolvedArchitecture, role: str) -> list[ResolvedComponent]:
    """Components `role` sends traffic to, looking through private endpoints (one hop)."""
    by_role = {c.role: c for c in arch.components}
    targets = [by_role[f.target] for f in arch.flows if f.source == role and f.target in by_role]
    through = [
        by_role[f.target]
        for t in targets
        if t.private_access
        for f in arch.flows
        if f.source == t.role and f.target in by_role
    ]
    return targets + through


def backing_services(targets: list[ResolvedComponent]) -> list[dict[str, Any]]:
    """The data stores among `targets`, with the port and settings a client needs."""
    return [
        {**BACKING[t.backing_store], "role": t.role, "service_name": t.service_name}
        for t in targets
        if t.backing_store in BACKING
    ]


def workloads(arch: ResolvedArchitecture) -> list[dict[str, Any]]:
    """One entry per container component: names, sizing defaults and backing services."""
    result = []
    for c in container_components(arch):
        name = "app" if c.compute == "kubernetes" else c.role
        targets = reached(arch, c.role)
        backing = backing_services(targets)
        fronted = [f.source for f in arch.flows if f.target == c.role]
        result.append(
            {
                "name": name,
                "key": values_key(name),
                "component": c.role,
                "label": c.label,
                "service_name": c.service_name,
                "public": any(x.role in fronted and x.tier in FRONT_TIERS for x in arch.components),
                "backing": backing,
                "secrets": any(t.secret_store for t in targets),
                "image": f"registry.example.com/{arch.blueprint}/{name}",
                "digest": IMAGE_DIGEST,
                "port": 8080,
                "min_replicas": 2,
                "max_replicas": 6,
                "cpu_target": 70,
                "requests": {"cpu": "100m", "memory": "128Mi"},
                "limits": {"cpu": "500m", "memory": "256Mi"},
            }
        )
    return result


def shared_context(arch: ResolvedArchitecture) -> dict[str, Any]:
    """What the Kubernetes manifests and the Helm chart both need."""
    return {
        "namespace": arch.blueprint,
        "workloads": workloads(arch),
        "ingress": INGRESS.get(arch.provider, INGRESS["aws"]),
        "secret_sync": SECRET_SYNC.get(arch.provider, "External Secrets Operator"),
        "on_kubernetes": any(c.compute == "kubernetes" for c in arch.components),
        "ingress_host": f"{arch.blueprint}.internal.example.com",
        "private_cidr": PRIVATE_CIDR,
        "region": arch.primary_region.code,
    }


def fits(arch: ResolvedArchitecture) -> str | None:
    return container_fit(arch)


def context(arch: ResolvedArchitecture, meta: ExportMeta) -> dict[str, Any]:
    return {**shared_context(arch), "mode": "kubernetes"}

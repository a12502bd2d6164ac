"""docker-compose.yml for running a container blueprint's workloads locally.

Managed data stores the workloads reach get local stand-ins (PostgreSQL, Redis, MongoDB) on an
internal network; everything else stays a cloud dependency the README names. Passwords come
from git-ignored files mounted as Compose secrets, never from the YAML.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archkb.engine.results import ResolvedArchitecture

from .kubernetes import BACKING, container_components, container_fit, workloads

if TYPE_CHECKING:
    from archkb.exports.iac.render import ExportMeta

STAND_INS: dict[str, dict[str, Any]] = {
    "database": {
        "image": "postgres:17.2-alpine",
        "user": "70:70",
        "data": "/var/lib/postgresql/data",
        "tmpfs": ["/var/run/postgresql", "/tmp"],
    },
    "cache": {
        "image": "redis:7.4.1-alpine",
        "user": "999:1000",
        "data": "/data",
        "tmpfs": ["/tmp"],
    },
    "documents": {
        "image": "mongo:7.0.15",
        "user": "999:999",
        "data": "/data/db",
        "tmpfs": ["/tmp"],
    },
}
"""Local images for managed data stores by kind (`ResolvedComponent.backing_store`), pinned to
exact versions (pin digests after pulling)."""


def fits(arch: ResolvedArchitecture) -> str | None:
    return container_fit(arch)


def context(arch: ResolvedArchitecture, meta: ExportMeta) -> dict[str, Any]:
    apps = workloads(arch)
    kinds = sorted(
        {b["kind"] for w in apps for b in w["backing"]}, key=lambda k: list(STAND_INS).index(k)
    )
    stands_for = {c.backing_store: c.capability for c in reversed(arch.components)}
    stand_ins = [
        {"kind": k, **STAND_INS[k], "stands_for": stands_for[k], "port": BACKING[k]["port"]}
        for k in kinds
    ]
    container = {c.role for c in container_components(arch)}
    cloud_only = [
        c.service_name if c.label == c.service_name else f"{c.service_name} ({c.label})"
        for c in arch.components
        if c.backing_store not in kinds
        and c.role not in container
        and c.tier in {"data", "integration", "security"}
    ]
    return {
        "project": arch.blueprint,
        "workloads": apps,
        "stand_ins": stand_ins,
        "cloud_only": cloud_only,
        "host_port_base": 8080,
    }

"""Ansible for VM blueprints: a site playbook, one playbook per VM group, two roles, two
inventories.

The layout follows Ansible's variable precedence on purpose: role `defaults/` hold every
tunable at the lowest precedence, `inventories/<env>/group_vars/` hold what differs between
environments and groups, and no role has a `vars/` file a user would have to fight. Roles use
only `ansible.builtin` modules, so the playbooks work without Galaxy collections.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from archkb.engine.results import ResolvedArchitecture, ResolvedComponent

from .kubernetes import backing_services, reached

if TYPE_CHECKING:
    from archkb.exports.iac.render import ExportMeta


ENVIRONMENTS = ("dev", "prod")

REMOTE_USER = {"aws": "ec2-user", "azure": "azureuser", "gcp": "ansible"}
"""Default login of each provider's stock Linux images (GCP: your OS Login user)."""

DYNAMIC_INVENTORY = {
    "aws": ("amazon.aws.aws_ec2", "instances tagged Component=<group>"),
    "azure": (
        "azure.azcollection.azure_rm",
        "VMs and scale-set instances tagged Component=<group>",
    ),
    "gcp": ("google.cloud.gcp_compute", "instances labelled component=<group>"),
}


def vm_components(arch: ResolvedArchitecture) -> list[ResolvedComponent]:
    return [c for c in arch.components if c.compute == "vm"]


def fits(arch: ResolvedArchitecture) -> str | None:
    if vm_components(arch):
        return None
    return f"no virtual-machine component ({arch.blueprint} has nothing to configure with Ansible)"


def _group(role: str) -> str:
    """Inventory group names may not contain `-`."""
    return re.sub(r"[^a-z0-9_]", "_", role.lower())


def context(arch: ResolvedArchitecture, meta: ExportMeta) -> dict[str, Any]:
    groups = []
    for c in vm_components(arch):
        targets = reached(arch, c.role)
        groups.append(
            {
                "name": _group(c.role),
                "label": c.label,
                "service_name": c.service_name,
                "autoscaled": c.autoscaled,
                "backing": backing_services(targets),
                "secret_store": next((t.service_name for t in targets if t.secret_store), None),
            }
        )
    plugin, selector = DYNAMIC_INVENTORY.get(arch.provider, DYNAMIC_INVENTORY["aws"])
    return {
        "groups": groups,
        "envs": [{"name": env} for env in ENVIRONMENTS],
        "env_groups": [{"env": env, "group": g} for env in ENVIRONMENTS for g in groups],
        "remote_user": REMOTE_USER.get(arch.provider, "ansible"),
        "region": arch.primary_region.code,
        "secondary_region": arch.regions[1].code if len(arch.regions) > 1 else None,
        "inventory_plugin": plugin,
        "inventory_selector": selector,
    }

"""What the architecture's profile changes in the Terraform: tiers, zones, the second region.

The engine decides the profile (`ResolvedArchitecture.patterns`, `highly_available`, the
`secondary` region, each component's `zone_redundant` and `replication`); this module only
turns those decisions into template-facing fields of a module, so `terraform.py` stays the
wiring and the catalogue (`profiles:` of an entry) says what each profile changes.
"""

from __future__ import annotations

from typing import Any

from archkb.engine.results import ResolvedArchitecture, ResolvedComponent

from ..catalog import ModuleSpec, TerraformCatalog

SERVERLESS_PATTERN = "serverless-architecture"
"""A blueprint built on this pattern runs nothing when idle: consumption or v2 tiers only."""
REPLICATED = (
    "database replica",
    "DNS failover",
    "secret replication",
    "storage replication",
    "cross-region backup copy",
)
"""The replication kinds the templates build in the second region (where the provider offers
one; the README's second-region line says what each provider's templates do)."""


def profiles(arch: ResolvedArchitecture) -> list[str]:
    """The catalogue profiles that apply to `arch`, in the order their overrides apply."""
    found = []
    if SERVERLESS_PATTERN in arch.patterns:
        found.append("serverless")
    return found


def apply_profiles(spec: ModuleSpec | None, names: list[str]) -> ModuleSpec | None:
    """The catalogue entry with each applying profile's fields replacing the base ones."""
    return spec.with_profiles(names) if spec is not None else None


def secondary_region(arch: ResolvedArchitecture) -> str | None:
    """The region the engine chose for the standby or second copy (role `secondary`), if any.

    Copies (database replicas, storage replicas, registry geo-replicas) go there and nowhere
    else: a single-region architecture gets none rather than a region picked here."""
    return next((str(r.code) for r in arch.regions if r.role == "secondary"), None)


def profile_fields(
    arch: ResolvedArchitecture, comp: ResolvedComponent | None, spec: ModuleSpec | None = None
) -> dict[str, Any]:
    """Module fields the templates read: zone redundancy and the replica to build, if any.

    A shared piece added by the exporter (comp None) spans zones when the design is highly
    available; it replicates nothing. A service the engine places globally replicates only
    when its catalogue entry says its storage locations are ours to choose (`replicates`)."""
    second = secondary_region(arch)
    replication = comp.replication if comp is not None else None
    if replication is None and comp is not None and spec is not None:
        replication = spec.replicates
    return {
        "profiles": profiles(arch),
        "zone_redundant": comp.zone_redundant if comp is not None else arch.highly_available,
        "replication": replication if second and replication in REPLICATED else None,
        "secondary_region": second,
    }


def pass_zone_redundancy(module: dict[str, Any]) -> None:
    """A module with a `zone_redundant` input gets the engine's decision from the prod root;
    dev stays in one zone (a development copy needs no zone failover)."""
    if any(v["var"] == "zone_redundant" for v in module["variables"]):
        prod = "true" if module["zone_redundant"] else "false"
        module["per_env"].append(
            {"var": "zone_redundant", "values": {"dev": "false", "prod": prod}}
        )


def plan_second_region(
    arch: ResolvedArchitecture, modules: list[dict[str, Any]], cat: TerraformCatalog
) -> None:
    """Give every replicating module what its copy in the engine's secondary region needs.

    aws: the `aws.secondary` provider alias, and the shared pieces its replica lives in
    (`replica_inputs`: the network and key of the standby region) as copies of the shared
    modules under the same source (`<ident>_secondary`, marked `secondary_copy`), with
    whatever those copies use copied too. azure and gcp: the region itself as an input (their
    APIs take a location per resource).
    """
    for module in modules:
        module["secondary_copy"] = False
    if secondary_region(arch) is None:
        return
    shared = cat.shared[arch.provider]
    fronted = any(m["fails_over_regions"] for m in modules)
    for module in modules:
        if fronted and module["replication"] == "DNS failover":
            module["replication"] = None  # the global load balancer's health checks fail over
    by_ident = {m["ident"]: m for m in modules}
    for module in (m for m in modules if m["replication"]):
        if arch.provider != "aws":
            module["variables"].append(SECONDARY_VARIABLE)
            values = {"dev": "var.secondary_region", "prod": "var.secondary_region"}
            module["per_env"].append({"var": "secondary_region", "values": values})
        for field in module["replica_inputs"]:
            if field.get("replication", module["replication"]) != module["replication"]:
                continue
            if "kind" not in field:  # filled in by hand (the standby entry point)
                module["required"].append(field)
                continue
            wanted = shared[field["kind"]].capability
            owner = next((m for m in modules if m["capability"] == wanted), None)
            if owner is None:  # the module does not use that shared piece (a custom catalogue)
                continue
            _copy(owner, by_ident)
            if arch.provider == "aws":  # the replica's resources use the secondary provider
                module["aliases"] = sorted({*module["aliases"], "secondary"})
            ref = {"module": f"{owner['ident']}_secondary", "output": field["output"]}
            module["inputs"].append({**field, "refs": [ref]})


SECONDARY_VARIABLE = {
    "var": "secondary_region",
    "type": "string",
    "default": "null",
    "description": "Region of the standby copy (the engine's secondary region).",
}


def _copy(module: dict[str, Any], by_ident: dict[str, dict[str, Any]]) -> None:
    """Mark `module` for a copy in the secondary region, and every module it takes inputs from
    (a network copy needs a key of its own region)."""
    if module["secondary_copy"]:
        return
    module["secondary_copy"] = True
    for field in module["inputs"]:
        for ref in field["refs"]:
            _copy(by_ident[ref["module"]], by_ident)

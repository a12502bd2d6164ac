"""CloudFormation for AWS: a parent stack and one nested stack per tier, wired by exported outputs.

What each KB service becomes is data (`exports/iac/cloudformation/catalog.yaml`). This module
only places snippets into tier stacks, adds the foundations they rely on (a customer key, a
secret, a private VPC, a log group) when the blueprint has no component for them, and orders
the stacks so every shared value is produced before a stack consumes it. Components without a
snippet keep their tier stack and are listed there, and in the README, as work to do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from archkb.engine.results import ResolvedArchitecture

from ..catalog import CLOUDFORMATION_CATALOG, CloudFormationCatalog, Snippet, load_catalog

if TYPE_CHECKING:
    from archkb.exports.iac.render import ExportMeta

TIER_ORDER = ("security", "network", "ops", "data", "integration", "web", "app", "edge")
"""Tie-break order of the nested stacks (dependencies between them come first)."""

ELB_LOG_ACCOUNTS = {
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
    "af-south-1": "098369216593",
    "ap-east-1": "754344448648",
    "ap-south-1": "718504428378",
    "ap-northeast-1": "582318560864",
    "ap-northeast-2": "600734575887",
    "ap-northeast-3": "383597477331",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ca-central-1": "985666609251",
    "eu-central-1": "054676820928",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-west-3": "009996457667",
    "eu-south-1": "635631232127",
    "eu-north-1": "897822967062",
    "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
}
"""Regions older than August 2022 deliver load balancer logs from these AWS accounts; newer
regions use the `logdelivery.elasticloadbalancing.amazonaws.com` service principal."""

ENDPOINT_ORDER = (
    "secretsmanager",
    "logs",
    "ecr.api",
    "ecr.dkr",
    "sts",
    "ec2",
    "eks",
    "ssm",
    "ssmmessages",
    "ec2messages",
)


@cache
def catalog() -> CloudFormationCatalog:
    """The snippet catalog (read and validated once per process)."""
    return load_catalog(CLOUDFORMATION_CATALOG, CloudFormationCatalog)


def pascal(slug: str) -> str:
    """`dead-letter` → `DeadLetter`: a CloudFormation logical-id fragment from a role slug."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", slug) if part)


@dataclass
class Placement:
    """One snippet in one tier stack, for a component (or a foundation the others need)."""

    tier: str
    snippet: str
    role: str
    label: str
    foundation: bool = False
    inputs: list[str] = field(default_factory=list)

    def spec(self) -> Snippet:
        return catalog().snippets[self.snippet]


def fits(arch: ResolvedArchitecture) -> str | None:
    if arch.provider != "aws":
        return (
            f"CloudFormation deploys only to AWS, and this architecture is on {arch.provider_name}"
        )
    return None


def _placements(arch: ResolvedArchitecture) -> tuple[list[Placement], list[dict[str, Any]]]:
    """Snippets for the components, plus foundations until every need is provided."""
    cat = catalog()
    placed: list[Placement] = []
    pending: list[dict[str, Any]] = []
    for c in arch.components:
        snippet = cat.services.get(c.service)
        if snippet:
            placed.append(Placement(c.tier, snippet, c.role, c.label))
    by_components = {v for p in placed for v in p.spec().provides}
    for c in arch.components:
        snippet = cat.services.get(c.service)
        required = cat.snippets[snippet].requires if snippet else []
        if not snippet or not set(required) <= by_components:
            placed = [p for p in placed if p.role != c.role]
            pending.append(
                {
                    "tier": c.tier,
                    "role": c.role,
                    "label": c.label,
                    "service_name": c.service_name,
                    "types": list(c.cloudformation),
                }
            )
    while True:
        provided = {value for p in placed for value in p.spec().provides}
        missing = [n for p in placed for n in p.spec().needs if n not in provided]
        if not missing:
            return placed, pending
        base = cat.foundations[missing[0]]
        placed.append(Placement(base.tier, base.snippet, base.snippet, base.label, True))


def _providers(placed: list[Placement]) -> dict[str, Placement]:
    """Shared value → the placement that provides it (each value has exactly one provider)."""
    providers: dict[str, Placement] = {}
    for p in placed:
        for value in p.spec().provides:
            if value in providers:
                raise ValueError(
                    f"two snippets provide {value}; the catalog must keep values unique"
                )
            providers[value] = p
    return providers


def _tier_rank(tier: str) -> tuple[int, str]:
    return (TIER_ORDER.index(tier) if tier in TIER_ORDER else len(TIER_ORDER), tier)


def _order(tiers: set[str], depends: dict[str, set[str]]) -> list[str]:
    """Tiers with their providers first; TIER_ORDER breaks ties so the output is stable."""
    ordered: list[str] = []
    left = set(tiers)
    while left:
        ready = sorted((t for t in left if depends[t] <= set(ordered)), key=_tier_rank)
        if not ready:
            raise ValueError(f"nested stacks depend on each other in a cycle: {sorted(left)}")
        ordered.append(ready[0])
        left.remove(ready[0])
    return ordered


def _endpoints(placed: list[Placement]) -> list[dict[str, str]]:
    wanted = {e for p in placed for e in p.spec().endpoints}
    return [{"service": e, "id": pascal(e)} for e in ENDPOINT_ORDER if e in wanted]


def _grants(arch: ResolvedArchitecture, placed: list[Placement]) -> list[str]:
    """Flows from generated compute to generated IAM-guarded stores, as sentences: statements a
    user must add, since workload roles start with their own secret, key and logs only."""
    spec_of = {p.role: p.spec() for p in placed if not p.foundation}
    by_role = {c.role: c for c in arch.components}

    def name(role: str) -> str:
        c = by_role[role]
        return c.label if c.label == c.service_name else f"{c.label} ({c.service_name})"

    grants = []
    for f in arch.flows:
        source, target = spec_of.get(f.source), spec_of.get(f.target)
        if source is None or target is None:
            continue
        if source.workload and target.iam_access:
            grants.append(f"{name(f.source)} → {name(f.target)}: {f.label}")
        elif source.iam_access and target.workload:
            grants.append(f"{name(f.target)} ← {name(f.source)}: {f.label}")
    return grants


def context(arch: ResolvedArchitecture, meta: ExportMeta) -> dict[str, Any]:
    """Tier stacks (ordered), their inputs and parameters, and the parent stack's wiring."""
    cat = catalog()
    placed, pending = _placements(arch)
    providers = _providers(placed)
    tiers = {p.tier for p in placed} | {p["tier"] for p in pending}
    depends: dict[str, set[str]] = {t: set() for t in tiers}
    for p in placed:
        spec = p.spec()
        wanted = spec.needs + [v for v in spec.optional if v in providers]
        p.inputs = wanted
        depends[p.tier] |= {providers[v].tier for v in wanted if providers[v].tier != p.tier}
    stacks: list[dict[str, Any]] = []
    for tier in _order(tiers, depends):
        mine = [p for p in placed if p.tier == tier]
        inputs = sorted({v for p in mine for v in p.inputs if providers[v].tier != tier})
        user = sorted({name for p in mine for name in p.spec().parameters})
        ref = {
            v: f"!Ref {v}"
            if v in inputs
            else cat.values[v].local.format(id=pascal(providers[v].role))
            for v in providers
        }
        sub = {v: (v if v in inputs else cat.values[v].local_sub or v) for v in providers}
        stacks.append(
            {
                "tier": tier,
                "logical_id": f"{pascal(tier)}Stack",
                "file": f"stacks/{tier}.yaml",
                "snippets": [
                    {
                        "template": f"snippets/{p.snippet}.yaml.j2",
                        "id": pascal(p.role),
                        "role": p.role,
                        "label": p.label,
                        "foundation": p.foundation,
                        "inputs": p.inputs,
                        "ref": ref,
                        "sub": sub,
                    }
                    for p in mine
                ],
                "pending": [c for c in pending if c["tier"] == tier],
                "inputs": [
                    {
                        "name": v,
                        "source": f"{pascal(providers[v].tier)}Stack",
                        "parameter": dict(cat.values[v].parameter),
                    }
                    for v in inputs
                ],
                "user_parameters": user,
                "prod_condition": any(p.spec().prod_condition for p in mine),
                "needs_secondary": bool(arch.regions[1:])
                and any(p.snippet == "secret" for p in mine),
            }
        )
    snippets = {p.snippet for p in placed}
    user_parameters = sorted({n for s in stacks for n in s["user_parameters"]})
    # The second region only matters where a snippet replicates into it.
    secondary = arch.regions[1] if any(s["needs_secondary"] for s in stacks) else None
    return {
        "stacks": stacks,
        "parameters": {n: cat.parameters[n] for n in user_parameters},
        "project_default": arch.blueprint[:32].rstrip("-"),
        "allowed_regions": list(arch.allowed_regions) or [arch.primary_region.code],
        "secondary_region": secondary,
        "secondary_allowed": [r for r in arch.allowed_regions if r != arch.primary_region.code],
        "data_ports": [port.record() for p in placed if (port := p.spec().port)],
        "vpc_interface_endpoints": _endpoints(placed),
        "vpc_gateway_endpoints": sorted({e for p in placed if (e := p.spec().gateway_endpoint)}),
        "kms_alarm_statement": "alarm-topic" in snippets,
        "log_bucket_for_elb": "load-balancer" in snippets,
        "elb_log_accounts": {
            r: ELB_LOG_ACCOUNTS[r] for r in arch.allowed_regions if r in ELB_LOG_ACCOUNTS
        }
        if "load-balancer" in snippets
        else {},
        "lb_target_type": "ip" if snippets & {"ecs-fargate-service", "eks-cluster"} else "instance",
        "foundations": sorted({p.label for p in placed if p.foundation}),
        "pending": pending,
        "built": [p for p in placed if not p.foundation],
        "grants": _grants(arch, placed),
    }

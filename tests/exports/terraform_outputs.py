"""The Terraform outputs the suite renders and checks: every blueprint × provider, plus the
headline recommendations and the blueprints under needs that change the Terraform."""

from __future__ import annotations

from pathlib import Path

from archkb.engine.kb import KnowledgeBase
from archkb.engine.needs import parse_needs
from archkb.engine.recommend import recommend
from archkb.engine.resolve import resolve_architecture
from archkb.engine.results import ResolvedArchitecture
from archkb.exports.iac.render import ExportMeta

PROVIDERS = ("aws", "azure", "gcp")
BLUEPRINTS = sorted(
    p.stem for p in (Path(__file__).parents[2] / "kb" / "blueprints").glob("*.yaml")
)
NEEDS_CASES = {"headline": "serverless,eu", "controls": "serverless,gdpr,eu"}
"""Recommendation #1 for these needs is exported too (`controls` adds key management, audit
logging and IAM as controls)."""
PROFILE_CASES = {
    "dr-pilot-light+dr": ("dr-pilot-light", "disaster-recovery"),
    "dr-warm-standby+dr": ("dr-warm-standby", "disaster-recovery"),
    "multi-region-active-active+dr": ("multi-region-active-active", "disaster-recovery"),
    "multi-tenant-saas+dr": ("multi-tenant-saas", "disaster-recovery"),
    "three-tier-web-vms+ha": ("three-tier-web-vms", "high-availability"),
}
"""Blueprints under needs that change the Terraform (the second region, zone redundancy):
validated like the plain ones (issue 16, point 4). `multi-tenant-saas+dr` copies object storage
and secrets into the second region."""
OUTPUTS = [f"{bp}/{p}" for bp in BLUEPRINTS for p in PROVIDERS] + [
    f"{case}/{p}" for case in [*NEEDS_CASES, *PROFILE_CASES] for p in PROVIDERS
]
META = ExportMeta("0.0-test", "0" * 64, (), "archkb export iac (test)")


def architecture(kb: KnowledgeBase, output: str) -> ResolvedArchitecture:
    """The architecture behind `output` (`<blueprint or case>/<provider>`)."""
    name, provider = output.split("/")
    if name in NEEDS_CASES:
        result = recommend(kb, parse_needs(kb, NEEDS_CASES[name]), [provider], 1)
        return result.recommendations[0].providers[provider]
    if name in PROFILE_CASES:
        blueprint, needs = PROFILE_CASES[name]
        arch = resolve_architecture(kb, kb.blueprints[blueprint], provider, parse_needs(kb, needs))
        assert isinstance(arch, ResolvedArchitecture), arch
        return arch
    arch = resolve_architecture(kb, kb.blueprints[name], provider)
    assert isinstance(arch, ResolvedArchitecture), arch
    return arch

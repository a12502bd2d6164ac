"""Round trip: the Terraform we generate, read back by our own reader, deploys the design.

For every blueprint on every provider the stack is rendered, written out and read with
`engine/terraform` (`read_inventory` + `owner_of`, exactly what `archkb map --from … DIR` does).
Each component's module (`module.<role>`, its submodules included) then yields the services
owning its resources and registry-module calls. What counts as deploying the design, for a
component whose engine-resolved service is S:

- S itself owns a resource in the module (by type, or by an `iac.when` attribute rule that
  picks a flavour, e.g. an ECS service with launch type FARGATE is Fargate);
- or S's product owns one, when S is a feature/flavour of it (`feature_of`): the product's
  resource configured as the feature counts;
- or, when S lists no Terraform type of its own, one of S's flavours (services whose
  `feature_of` is S) owns one: an umbrella product such as Memorystore is deployed as one of
  its flavours (Memorystore for Redis). A product with types of its own is not: EMR Serverless
  is not the EMR cluster a design asking for Amazon EMR gets.

This is required when S lists Terraform types or registry modules of its own. A service that
exists in Terraform only as a setting of another service's resource (only `iac.when` rules:
GKE's managed Prometheus flag on the cluster) may be found anywhere in the stack, since the
setting lives in the module of the resource it configures. A service with no Terraform presence
at all (SaaS and API-only services: Cloud Trace, Textract, Azure Pipelines, Vertex AI's model
APIs) cannot be read back; for those the module must at least not deploy *another* service of
the same capability as its main resource (a stand-in, e.g. Power BI Embedded for Power BI).

Stacks that still deploy something else are listed in `roundtrip_gaps.txt` beside this file:
the test fails on a mismatch outside the list and on a listed one that is fixed (delete its
line), so the list only shrinks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.engine.resolve import resolve_architecture
from archkb.engine.results import ResolvedArchitecture, ResolvedComponent
from archkb.engine.schema import Service
from archkb.engine.terraform import Inventory, read_inventory
from archkb.engine.terraform.owners import owner_of, rule_types
from archkb.exports.iac.render import ExportMeta, render_tool
from archkb.exports.iac.tools.terraform import hcl_ident

PROVIDERS = ("aws", "azure", "gcp")
BLUEPRINTS = sorted(
    p.stem for p in (Path(__file__).parents[2] / "kb" / "blueprints").glob("*.yaml")
)
KNOWN_GAPS = Path(__file__).with_name("roundtrip_gaps.txt")
META = ExportMeta("0.0-test", "0" * 64, (), "archkb export iac (test)")


def _known_gaps() -> set[str]:
    lines = KNOWN_GAPS.read_text().splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def _flavours(kb: KnowledgeBase, service: Service) -> set[str]:
    return {s.id for s in kb.services.values() if s.feature_of == service.id}


def accepted(kb: KnowledgeBase, service: Service) -> set[str]:
    """The services whose resources deploy `service` (see the module docstring)."""
    ids = {service.id}
    if not service.iac.terraform:
        ids |= _flavours(kb, service)
    if service.feature_of:
        ids.add(service.feature_of)
    return ids


def module_services(kb: KnowledgeBase, inventory: Inventory, ident: str | None) -> dict[str, bool]:
    """Service id → whether it owns a main resource, for what module `ident` declares (the
    whole stack when `ident` is None)."""
    prefix = f"module.{ident}"
    found: dict[str, bool] = {}
    for item in inventory.items:
        if item.kind not in ("resource", "module"):
            continue
        if ident is not None and item.module != prefix and not item.module.startswith(prefix + "."):
            continue
        owner = owner_of(kb, item)
        if owner is not None:
            found[owner.service.id] = found.get(owner.service.id, False) or owner.main
    return found


def mismatch(
    kb: KnowledgeBase, comp: ResolvedComponent, found: dict[str, bool], stack: dict[str, bool]
) -> str | None:
    """Why the module does not deploy the component's service, or None when it does.

    `found`: what the component's module deploys; `stack`: what the whole stack deploys."""
    service = kb.services[comp.service]
    ids = accepted(kb, service)
    if service.iac.terraform or service.iac.modules:
        if ids & found.keys():
            return None
        return f"deploys {sorted(found)}, none of {sorted(ids)}"
    if service.iac.when:
        if ids & stack.keys():
            return None
        return f"no resource of the stack is set up as {service.id}"
    stand_ins = sorted(
        sid
        for sid, main in found.items()
        if main and sid not in ids and kb.services[sid].capability == service.capability
    )
    return f"deploys {stand_ins} instead" if stand_ins else None


@pytest.fixture(scope="module")
def mismatches(kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    root = tmp_path_factory.mktemp("roundtrip")
    detail = rule_types(kb)
    result: dict[str, list[str]] = {}
    for blueprint in BLUEPRINTS:
        for provider in PROVIDERS:
            arch = resolve_architecture(kb, kb.blueprints[blueprint], provider)
            assert isinstance(arch, ResolvedArchitecture)
            out = root / blueprint / provider
            for relative, text in render_tool("terraform", arch, META).items():
                path = out / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
            inventory = read_inventory(out, detail=detail)
            unparsed = [i for i in inventory.items if i.kind == "unparsed"]
            assert not unparsed, f"{blueprint}/{provider}: the reader cannot read {unparsed}"
            lines = []
            stack = module_services(kb, inventory, None)
            for comp in arch.components:
                module = module_services(kb, inventory, hcl_ident(comp.role))
                why = mismatch(kb, comp, module, stack)
                if why is not None:
                    lines.append(f"{blueprint} {provider} {comp.role} {comp.service}: {why}")
            result[f"{blueprint}/{provider}"] = lines
    return result


def _key(line: str) -> str:
    """A gap line without its explanation (`blueprint provider role service`)."""
    return line.split(":", 1)[0]


@pytest.mark.parametrize("stack", [f"{b}/{p}" for b in BLUEPRINTS for p in PROVIDERS])
def test_every_component_deploys_its_resolved_service(
    mismatches: dict[str, list[str]], stack: str
) -> None:
    new = [line for line in mismatches[stack] if _key(line) not in _known_gaps()]
    assert not new, "modules deploying another service than the design:\n" + "\n".join(new)


def test_known_gaps_are_still_gaps(mismatches: dict[str, list[str]]) -> None:
    now = {_key(line) for lines in mismatches.values() for line in lines}
    closed = sorted(_known_gaps() - now)
    assert not closed, "deploy their service now; delete from roundtrip_gaps.txt:\n" + "\n".join(
        closed
    )


def test_the_reader_sees_the_azure_database_the_engine_chose(
    mismatches: dict[str, list[str]],
) -> None:
    """The defect that started this test: Azure's relational database resolved to PostgreSQL
    flexible server while the template deployed Azure SQL."""
    assert not [line for line in mismatches["three-tier-web-vms/azure"] if " db " in line]

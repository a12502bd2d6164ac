"""The IaC catalogues (`terraform/catalog.yaml`, `cloudformation/catalog.yaml`) as typed models.

Both files are validated when first read: an unknown key, a wrong type, a template file that
does not exist or a reference to something the catalogue does not define stops the export with
a `CatalogError` naming the file and the field (`capabilities.cdn.gcp.template`), instead of
surfacing later as a `KeyError` deep in a renderer or as HCL that silently lacks a piece.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .render import TEMPLATE_ROOT

TERRAFORM_CATALOG = TEMPLATE_ROOT / "terraform" / "catalog.yaml"
CLOUDFORMATION_CATALOG = TEMPLATE_ROOT / "cloudformation" / "catalog.yaml"


class CatalogError(ValueError):
    """A catalogue file is malformed; the message names the file and every bad field."""


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def record(self) -> dict[str, Any]:
        """The entry as the templates see it: only the keys the YAML gave, in field order."""
        return self.model_dump(exclude_unset=True, by_alias=True)


class Condition(_Entry):
    """When a conditional entry applies, decided once the blueprint's flows are wired:
    `if_linked` / `unless_linked` a flow provided that input, `if_public` the module is (or is
    not) internet-facing."""

    if_linked: str | None = None
    unless_linked: str | None = None
    if_public: bool | None = None

    def applies(self, linked: list[str], public: bool) -> bool:
        if self.unless_linked is not None and self.unless_linked in linked:
            return False
        if self.if_linked is not None and self.if_linked not in linked:
            return False
        return self.if_public is None or self.if_public == public


# Terraform ------------------------------------------------------------------------------------


class Use(Condition):
    kind: str


class Input(Condition):
    """An input a module receives from a shared piece's output."""

    var: str
    type: str
    output: str
    description: str


class Output(Condition):
    name: str
    value: str
    description: str
    sensitive: bool | None = None


class Variable(Condition):
    var: str
    type: str
    default: str
    description: str


class Required(Condition):
    var: str
    type: str
    description: str


class PerEnv(_Entry):
    var: str
    values: dict[str, str]


class Link(_Entry):
    """An input taken from the module at the other end of a blueprint flow."""

    to: list[str] | None = None
    from_: list[str] | None = Field(default=None, alias="from")
    var: str
    output: str
    type: str
    description: str
    list_: bool | None = Field(default=None, alias="list")
    """A list input: several flows each add their module's output."""


class SkipInput(Condition):
    var: str


class FirewallRule(_Entry):
    name: str
    priority: int
    ports: str
    source: str


class Subnet(_Entry):
    allow: list[FirewallRule] | None = None
    nat: bool | None = None
    delegation: str | None = None


class NetworkAsk(_Entry):
    """What a module asks of the network module, and how it sits in the network."""

    endpoints: list[str] | None = None
    gateway_endpoints: list[str] | None = None
    private_dns_zones: list[str] | None = None
    subnets: dict[str, Subnet] | None = None
    nat: bool | None = None
    private_service_access: bool | None = None
    public_unless_from: list[str] | None = None
    skip_inputs: list[str | SkipInput] | None = None


class ReplicaInput(_Entry):
    """With a second region, what a replicating module takes from the copy of a shared piece
    (`kind`, its `output`) made in that region, or, without `kind`, asks the user to fill in;
    `replication` limits it to one kind of replication (`DNS failover`)."""

    kind: str | None = None
    var: str
    output: str | None = None
    type: str
    description: str
    replication: str | None = None


class ModuleSpec(_Entry):
    """What archkb generates for one capability on one provider (see the catalogue's header)."""

    template: str | None = None
    """The template under `<provider>/` (without `.tf.j2`); default: the capability id.
    Capabilities deployed by the same HCL name one template."""
    uses: list[str | Use] = []
    extra_inputs: dict[str, list[Input]] = {}
    outputs: list[Output] = []
    variables: list[Variable] = []
    required: list[Required] = []
    per_env: list[PerEnv] = []
    grant: str | None = None
    grantee: bool = False
    grant_readers: bool = True
    """False when the grant only writes or the platform's own identity reads (image pulls):
    a workload fed by this resource then gets no grant of it."""
    owns_endpoints: bool = False
    fails_over_regions: bool = False
    """Its health checks move traffic between regions (a global load balancer in front): a
    second region then needs no DNS failover record."""
    replica_inputs: list[ReplicaInput] = []
    replicates: str | None = None
    """How a service the engine places globally still keeps a copy in the second region when
    there is one, because where it stores data is ours to choose (Secret Manager's
    user-managed replicas)."""
    links: list[Link] = []
    network: NetworkAsk = NetworkAsk()
    aliases: list[str] = []
    providers: list[str] = []
    notes: list[str] = []
    fill_in: list[str] = []
    profiles: dict[str, ModuleSpec] = {}
    """Fields that replace the entry's own when the architecture has that profile
    (`serverless`: built on the serverless-architecture pattern)."""

    def with_profiles(self, names: list[str]) -> ModuleSpec:
        """This entry with each applying profile's fields replacing its own, in order."""
        spec = self
        for name in names:
            override = self.profiles.get(name)
            if override is not None:
                spec = spec.model_copy(
                    update={key: getattr(override, key) for key in override.model_fields_set}
                )
        return spec


class SharedPiece(_Entry):
    capability: str
    module: str
    title: str
    service: str
    inputs: list[Input]


class ModuleInput(_Entry):
    var: str
    type: str
    value: str
    description: str


class ProviderSpec(_Entry):
    name: str
    source: str
    version: str
    tags_var: str
    grants: Literal["grantee", "target"]
    grant_type: str | None = None
    module_inputs: list[ModuleInput] = []


class ProviderPin(_Entry):
    source: str
    version: str


class StaleCheck(_Entry):
    id: str
    reads: str
    instead: str


class TerraformCatalog(_Entry):
    terraform_version: str
    providers: dict[str, ProviderSpec]
    checkov_stale: dict[str, list[StaleCheck]] = {}
    extra_providers: dict[str, ProviderPin] = {}
    shared: dict[str, dict[str, SharedPiece]]
    capabilities: dict[str, dict[str, ModuleSpec]]

    def template_path(self, provider: str, capability: str) -> str:
        """The module template of a capability on a provider (relative to the tool folder)."""
        spec = self.capabilities[capability][provider]
        return f"{provider}/{spec.template or capability}.tf.j2"

    def problems(self, root: Path) -> list[str]:
        """References the schema cannot check: templates exist, shared pieces and extra
        providers are defined, shared pieces have an entry of their own."""
        found = []
        for capability, by_provider in self.capabilities.items():
            for provider, spec in by_provider.items():
                where = f"capabilities.{capability}.{provider}"
                if provider not in self.providers:
                    found.append(f"{where}: unknown provider {provider!r}")
                    continue
                if not (root / self.template_path(provider, capability)).is_file():
                    found.append(
                        f"{where}.template: no file {self.template_path(provider, capability)}"
                    )
                kinds = [u if isinstance(u, str) else u.kind for u in spec.uses]
                kinds += list(spec.extra_inputs)
                for kind in kinds:
                    if kind not in self.shared.get(provider, {}):
                        found.append(f"{where}.uses: no shared piece {kind!r} on {provider}")
                for extra in spec.providers:
                    if extra not in self.extra_providers:
                        found.append(f"{where}.providers: {extra!r} is not in extra_providers")
        for provider, pieces in self.shared.items():
            for kind, piece in pieces.items():
                if provider not in self.capabilities.get(piece.capability, {}):
                    found.append(
                        f"shared.{provider}.{kind}.capability: no entry capabilities."
                        f"{piece.capability}.{provider}"
                    )
        return found


# CloudFormation -------------------------------------------------------------------------------


class Port(_Entry):
    name: str
    port: int


class Snippet(_Entry):
    """One snippet: the shared values it needs, may use, provides, and what it asks of the VPC."""

    requires: list[str] = []
    """Placed only when components provide these (else the component is listed as to add)."""
    needs: list[str] = []
    optional: list[str] = []
    provides: list[str] = []
    parameters: list[str] = []
    endpoints: list[str] = []
    gateway_endpoint: str | None = None
    port: Port | None = None
    prod_condition: bool = False
    workload: bool = False
    """Runs the workload's code (receives grants to the stores it reaches)."""
    iam_access: bool = False
    """A store a workload reaches through IAM (databases and caches: network and secret)."""


class Foundation(_Entry):
    tier: str
    snippet: str
    label: str


class SharedValue(_Entry):
    parameter: dict[str, str]
    local: str
    local_sub: str | None = None


class CloudFormationCatalog(_Entry):
    services: dict[str, str]
    snippets: dict[str, Snippet]
    foundations: dict[str, Foundation]
    values: dict[str, SharedValue]
    parameters: dict[str, dict[str, Any]]
    """Deploy-time parameters, in CloudFormation's own syntax (passed through)."""

    def problems(self, root: Path) -> list[str]:
        found = []
        for service, snippet_name in self.services.items():
            if snippet_name not in self.snippets:
                found.append(f"services.{service}: no snippet {snippet_name!r}")
        for name, snippet in self.snippets.items():
            if not (root / "snippets" / f"{name}.yaml.j2").is_file():
                found.append(f"snippets.{name}: no file snippets/{name}.yaml.j2")
            for key in ("requires", "needs", "optional", "provides"):
                for value in getattr(snippet, key):
                    if value not in self.values:
                        found.append(f"snippets.{name}.{key}: {value!r} is not in values")
            for parameter in snippet.parameters:
                if parameter not in self.parameters:
                    found.append(f"snippets.{name}.parameters: {parameter!r} is not in parameters")
        for value, base in self.foundations.items():
            if base.snippet not in self.snippets:
                found.append(f"foundations.{value}.snippet: no snippet {base.snippet!r}")
        return found


_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Catalog = TypeVar("Catalog", TerraformCatalog, CloudFormationCatalog)


def load_catalog(path: Path, model: type[Catalog]) -> Catalog:
    """Read and validate one catalogue file.

    Raises:
        CatalogError: naming the file and each bad field.
    """
    try:
        # The C parser reads the ~1,700-line catalogue in a tenth of the time; the TUI's export
        # dialog waits on this load.
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"{_shown(path)}: {exc}") from exc
    try:
        catalog = model.model_validate(data)
    except ValidationError as exc:
        lines = [
            f"{_shown(path)}: {'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
            for err in exc.errors()
        ]
        raise CatalogError("\n".join(lines)) from exc
    problems = catalog.problems(path.parent)
    if problems:
        raise CatalogError("\n".join(f"{_shown(path)}: {p}" for p in problems))
    return catalog


def _shown(path: Path) -> str:
    """The path relative to the package (exports/iac/...) when it is inside it."""
    try:
        return str(path.relative_to(TEMPLATE_ROOT.parent.parent))
    except ValueError:
        return str(path)

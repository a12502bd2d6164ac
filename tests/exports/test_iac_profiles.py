"""Tiers fit the profile (issue 16, point 4): serverless tiers, dev ≠ prod sizes, zone
redundancy when availability is asked for, and the second region the engine chose.

Each test renders the real Terraform for the engine's architecture and reads the module blocks
of the roots and the resources of the modules (python-hcl2 through the validator's parser).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.engine.needs import parse_needs
from archkb.engine.resolve import resolve_architecture
from archkb.engine.results import ResolvedArchitecture
from archkb.exports.iac.render import ExportMeta, render_tool
from archkb.exports.iac.tools.terraform import hcl_ident
from archkb.exports.iac.tools.terraform_profile import SERVERLESS_PATTERN
from archkb.exports.iac.validate import validate_modules
from archkb.exports.iac.validate.config import Block, parse_file, read_folder

from tests.exports.tfschema_helpers import schemas

PROVIDERS = ("aws", "azure", "gcp")
BLUEPRINTS = sorted(
    p.stem for p in (Path(__file__).parents[2] / "kb" / "blueprints").glob("*.yaml")
)
META = ExportMeta("0.0-test", "0" * 64, (), "archkb export iac (test)")

SIZED = {
    "api-management", "batch-computing", "ci-build", "data-warehouse", "function-as-a-service",
    "in-memory-cache", "managed-kubernetes", "relational-database", "serverless-containers",
    "stream-ingestion", "virtual-machines", "vm-autoscaling",
}  # fmt: skip
"""Capabilities whose size or capacity is ours to choose (instances, units, concurrency)."""
PER_USE = {
    ("api-management", "aws"): "HTTP API bills per request, no size",
    ("api-management", "gcp"): "API Gateway bills per call, no size",
    ("batch-computing", "gcp"): "each Batch job states its own machines",
    ("ci-build", "azure"): "Microsoft-hosted agents; the module is only the pipeline identity",
    ("ci-build", "gcp"): "Cloud Build's default pool bills per build minute",
    ("data-warehouse", "azure"): "Synapse serverless SQL bills per TB scanned",
    ("data-warehouse", "gcp"): "BigQuery on-demand bills per TB scanned",
    ("stream-ingestion", "aws"): "on-demand stream mode scales itself",
    ("stream-ingestion", "gcp"): "Pub/Sub bills per message volume",
}
"""Sized capabilities whose service on that provider has no size to set: nothing to differ."""


def _render(arch: ResolvedArchitecture, root: Path) -> Path:
    for relative, text in render_tool("terraform", arch, META).items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


_PARSED: dict[tuple[str, str], list[Block]] = {}


def _parse(path: Path, relative: str) -> list[Block]:
    """`parse_file`, once per distinct text: these tests read the same roots and modules many
    times (every plain stack again beside its variants), and python-hcl2 is the slow part."""
    key = (path.read_text(encoding="utf-8"), relative)
    if key not in _PARSED:
        _PARSED[key] = parse_file(path, relative)
    return _PARSED[key]


def _modules(main: Path) -> dict[str, dict[str, object]]:
    return {b.name: b.body for b in _parse(main, "main.tf") if b.kind == "module"}


def _resources(folder: Path) -> list[Block]:
    return [
        block
        for path in sorted(folder.glob("*.tf"))
        for block in _parse(path, path.name)
        if block.kind == "resource"
    ]


def _resolve(
    kb: KnowledgeBase, blueprint: str, provider: str, needs: str = ""
) -> ResolvedArchitecture:
    parsed = parse_needs(kb, needs) if needs else None
    arch = resolve_architecture(kb, kb.blueprints[blueprint], provider, parsed)
    assert isinstance(arch, ResolvedArchitecture), arch
    return arch


@pytest.fixture(scope="module")
def plain(
    kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[ResolvedArchitecture, Path]]:
    """Every blueprint × provider without needs, rendered."""
    root = tmp_path_factory.mktemp("profiles")
    found = {}
    for blueprint in BLUEPRINTS:
        for provider in PROVIDERS:
            arch = _resolve(kb, blueprint, provider)
            found[f"{blueprint}/{provider}"] = (arch, _render(arch, root / blueprint / provider))
    return found


def test_serverless_blueprints_use_consumption_or_v2_tiers(
    plain: dict[str, tuple[ResolvedArchitecture, Path]],
) -> None:
    """No Developer (no SLA) or Premium (idle VMs) API Management in a serverless design."""
    checked = 0
    for arch, folder in plain.values():
        if arch.provider != "azure" or SERVERLESS_PATTERN not in arch.patterns:
            continue
        for comp in arch.components:
            if comp.capability != "api-management":
                continue
            for env in ("dev", "prod"):
                sku = str(
                    _modules(folder / "envs" / env / "main.tf")[hcl_ident(comp.role)]["sku_name"]
                )
                assert sku.startswith("Consumption") or "V2_" in sku, (arch.blueprint, env, sku)
                checked += 1
    assert checked >= 2


def test_non_serverless_blueprints_keep_the_vnet_injected_tiers(
    plain: dict[str, tuple[ResolvedArchitecture, Path]],
) -> None:
    """The profile is what decides: event-driven-microservices is not built serverless."""
    arch, folder = plain["event-driven-microservices/azure"]
    assert SERVERLESS_PATTERN not in arch.patterns
    assert _modules(folder / "envs" / "prod" / "main.tf")["api"]["sku_name"] == "Premium_1"


def test_dev_and_prod_differ_in_size(plain: dict[str, tuple[ResolvedArchitecture, Path]]) -> None:
    """Every component with a size of its own is smaller in dev than in prod."""
    same = []
    checked = 0
    for stack, (arch, folder) in plain.items():
        dev = _modules(folder / "envs" / "dev" / "main.tf")
        prod = _modules(folder / "envs" / "prod" / "main.tf")
        for comp in arch.components:
            if comp.capability not in SIZED or (comp.capability, arch.provider) in PER_USE:
                continue
            ident = hcl_ident(comp.role)
            differing = {
                k for k in prod[ident] if k != "name" and prod[ident][k] != dev[ident].get(k)
            }
            checked += 1
            if not differing:
                same.append(f"{stack} {comp.role} ({comp.capability})")
    assert checked > 40
    assert not same, "dev and prod roots size these alike:\n" + "\n".join(same)


ZONED = {
    "aws": {"relational-database", "in-memory-cache"},
    "azure": {
        "relational-database", "in-memory-cache", "key-value-database", "document-database",
        "serverless-containers",
    },
    "gcp": {"relational-database", "in-memory-cache"},
}  # fmt: skip
"""Capabilities whose zone redundancy is a setting of ours (elsewhere the service spans zones
by itself, like DynamoDB and Cloud Run, or the template always spreads instances)."""


@pytest.mark.parametrize("provider", PROVIDERS)
def test_high_availability_turns_on_zone_redundancy(
    kb: KnowledgeBase,
    plain: dict[str, tuple[ResolvedArchitecture, Path]],
    tmp_path: Path,
    provider: str,
) -> None:
    """With the need, prod spreads every zonal component over zones; without it, it does not.
    Dev stays in one zone either way; the module's resources read the input."""
    checked = 0
    for blueprint in BLUEPRINTS:
        ha = _resolve(kb, blueprint, provider, "high-availability")
        assert ha.highly_available
        folder = _render(ha, tmp_path / blueprint)
        plain_arch, plain_folder = plain[f"{blueprint}/{provider}"]
        assert not plain_arch.highly_available
        for comp in ha.components:
            if comp.capability not in ZONED[provider]:
                continue
            ident = hcl_ident(comp.role)
            assert comp.zone_redundant, (blueprint, comp.role)
            prod = _modules(folder / "envs" / "prod" / "main.tf")[ident]
            dev = _modules(folder / "envs" / "dev" / "main.tf")[ident]
            before = _modules(plain_folder / "envs" / "prod" / "main.tf")[ident]
            assert (prod["zone_redundant"], dev["zone_redundant"]) == (True, False), comp.role
            assert before["zone_redundant"] is False, (blueprint, comp.role)
            text = (folder / "modules" / comp.role / "main.tf").read_text()
            text += (folder / "modules" / comp.role / "variables.tf").read_text()
            assert "var.zone_redundant" in text, (blueprint, comp.role)
            checked += 1
    assert checked >= 3


DR_BLUEPRINTS = ("dr-pilot-light", "dr-warm-standby", "multi-region-active-active")


def _in_second(block: Block) -> bool:
    return "aws.secondary" in str(block.body.get("provider")) or "var.secondary_region" in str(
        block.body
    )


REPLICAS = {
    ("aws", "database replica"): lambda b: (
        (b.type == "aws_db_instance" and "replicate_source_db" in b.body and _in_second(b))
        or (b.type == "aws_dynamodb_table" and "replica" in b.body)
    ),
    ("aws", "secret replication"): lambda b: (
        b.type == "aws_secretsmanager_secret" and "replica" in b.body
    ),
    ("aws", "DNS failover"): lambda b: (
        b.type == "aws_route53_record" and "SECONDARY" in str(b.body.get("failover_routing_policy"))
    ),
    ("azure", "database replica"): lambda b: (
        b.type == "azurerm_mssql_failover_group"
        or (b.type == "azurerm_cosmosdb_account" and _in_second(b))
        or (
            b.type in ("azurerm_postgresql_flexible_server", "azurerm_mongo_cluster")
            and "source_server_id" in b.body
            and _in_second(b)
        )
    ),
    ("azure", "DNS failover"): lambda b: (
        b.type == "azurerm_traffic_manager_external_endpoint" and _in_second(b)
    ),
    ("gcp", "database replica"): lambda b: (
        b.type == "google_sql_database_instance"
        and "master_instance_name" in b.body
        and _in_second(b)
    ),
    ("gcp", "DNS failover"): lambda b: (
        b.type == "google_dns_record_set" and "primary_backup" in str(b.body) and _in_second(b)
    ),
    ("aws", "storage replication"): lambda b: b.type == "aws_s3_bucket" and _in_second(b),
    ("azure", "storage replication"): lambda b: (
        b.type == "azurerm_storage_account" and _in_second(b)
    ),
    ("gcp", "storage replication"): lambda b: b.type == "google_storage_bucket" and _in_second(b),
    ("azure", "secret replication"): lambda b: b.type == "azurerm_key_vault" and _in_second(b),
    ("gcp", "secret replication"): lambda b: (
        b.type == "google_secret_manager_secret" and _in_second(b)
    ),
    ("aws", "cross-region backup copy"): lambda b: b.type == "aws_backup_vault" and _in_second(b),
}
"""What builds a component's copy in the secondary region, per provider and replication."""


def _replica(provider: str, replication: str, blocks: list[Block]) -> list[str]:
    """The resources of a module that build its copy in the secondary region."""
    return [f"{b.type}.{b.name}" for b in blocks if REPLICAS[provider, replication](b)]


REPLICA_GAPS = {
    ("key-value-database", "gcp"): (
        "Firestore replicates across regions only in a multi-region location chosen at creation;"
        " none holds both of the engine's regions (us-central1, us-east1)"
    ),
    ("backup-service", "azure"): (
        "a Recovery Services vault copies only to the region Azure pairs with the primary"
    ),
    ("backup-service", "gcp"): "google 8.7's Backup and DR plans have no cross-region copy rule",
}
"""Replicating components whose copy in the chosen region the templates do not build yet."""


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("blueprint", DR_BLUEPRINTS)
def test_dr_designs_build_the_second_region_the_engine_chose(
    kb: KnowledgeBase,
    plain: dict[str, tuple[ResolvedArchitecture, Path]],
    tmp_path: Path,
    blueprint: str,
    provider: str,
) -> None:
    """Database replicas and DNS failover land in the engine's secondary region, which the
    roots default to; without the need nothing of it is generated."""
    arch = _resolve(kb, blueprint, provider, "disaster-recovery")
    second = next(r.code for r in arch.regions if r.role == "secondary")
    folder = _render(arch, tmp_path)
    for env in ("dev", "prod"):
        variables = _parse(folder / "envs" / env / "variables.tf", "variables.tf")
        var = next(b for b in variables if b.kind == "variable" and b.name == "secondary_region")
        assert var.body["default"] == second
        if provider == "aws":
            main = (folder / "envs" / env / "main.tf").read_text()
            assert "region = var.secondary_region" in main
    built, gaps = 0, 0
    for comp in arch.components:
        if (comp.capability, provider) in REPLICA_GAPS and comp.replication:
            gaps += 1
            continue
        if (provider, comp.replication) not in REPLICAS:
            continue
        if comp.replication == "DNS failover" and any(
            c.capability == "global-load-balancer" for c in arch.components
        ):
            continue  # the global load balancer's health-checked routing fails over
        blocks = _resources(folder / "modules" / comp.role)
        assert _replica(provider, comp.replication, blocks), (comp.role, comp.replication)
        call = _modules(folder / "envs" / "prod" / "main.tf")[hcl_ident(comp.role)]
        if provider != "aws":
            assert call["secondary_region"] == "${var.secondary_region}", comp.role
        plain_folder = plain[f"{blueprint}/{provider}"][1]
        assert not _replica(
            provider, comp.replication, _resources(plain_folder / "modules" / comp.role)
        )
        built += 1
    assert built + gaps >= 1


@pytest.fixture(scope="module")
def disaster(
    kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[ResolvedArchitecture, Path]]:
    """Every blueprint × provider whose disaster-recovery design keeps object storage or
    secrets, rendered once: the engine puts their copies in its secondary region."""
    root = tmp_path_factory.mktemp("disaster")
    found = {}
    for blueprint in BLUEPRINTS:
        for provider in PROVIDERS:
            arch = _resolve(kb, blueprint, provider, "disaster-recovery")
            if any(
                c.replication == "storage replication" or c.capability == "secrets-management"
                for c in arch.components
            ):
                found[f"{blueprint}/{provider}"] = (
                    arch,
                    _render(arch, root / blueprint / provider),
                )
    return found


def _second(arch: ResolvedArchitecture) -> str:
    return next(str(r.code) for r in arch.regions if r.role == "secondary")


def _by_address(blocks: list[Block]) -> dict[str, Block]:
    return {f"{b.type}.{b.name}": b for b in blocks}


def _one(value: object) -> dict[str, object]:
    """The single nested block python-hcl2 gives as a one-item list."""
    assert isinstance(value, list) and len(value) == 1, value
    block = value[0]
    assert isinstance(block, dict)
    return block


def _copy_is_in_second_region(folder: Path, arch: ResolvedArchitecture, role: str) -> None:
    """The root's secondary_region defaults to the engine's choice, and the module's copy is
    placed with it: the aws.secondary provider (region = var.secondary_region) or the
    secondary_region input."""
    for env in ("dev", "prod"):
        variables = _parse(folder / "envs" / env / "variables.tf", "variables.tf")
        var = next(b for b in variables if b.kind == "variable" and b.name == "secondary_region")
        assert var.body["default"] == _second(arch)
    call = _modules(folder / "envs" / "prod" / "main.tf")[hcl_ident(role)]
    if arch.provider == "aws":
        assert "aws.secondary" in str(call["providers"]), role
        assert "region = var.secondary_region" in (folder / "envs/prod/main.tf").read_text()
    else:
        assert call["secondary_region"] == "${var.secondary_region}", role


def test_object_storage_replicates_into_the_second_region(
    disaster: dict[str, tuple[ResolvedArchitecture, Path]],
    plain: dict[str, tuple[ResolvedArchitecture, Path]],
) -> None:
    """S3 cross-region replication into a bucket of the secondary provider, Azure object
    replication into an account there, a GCS dual-region over both regions (or a second bucket
    and Storage Transfer replication); without the need, none of it."""
    checked = {p: 0 for p in PROVIDERS}
    for stack, (arch, folder) in disaster.items():
        for comp in arch.components:
            if comp.replication != "storage replication":
                continue
            _copy_is_in_second_region(folder, arch, comp.role)
            blocks = _by_address(_resources(folder / "modules" / comp.role))
            if arch.provider == "aws":
                replica = next(a for a, b in blocks.items() if REPLICAS["aws", comp.replication](b))
                rule = _one(blocks["aws_s3_bucket_replication_configuration.this"].body["rule"])
                destination = _one(rule["destination"])
                assert destination["bucket"] == "${" + replica + ".arn}", stack
                key = _one(destination["encryption_configuration"])["replica_kms_key_id"]
                assert key == "${var.replica_kms_key_arn}", stack
                versioned = {
                    str(b.body["bucket"])
                    for a, b in blocks.items()
                    if b.type == "aws_s3_bucket_versioning"
                }
                assert {"${aws_s3_bucket.this.id}", "${" + replica + ".id}"} <= versioned
                call = _modules(folder / "envs" / "prod" / "main.tf")[hcl_ident(comp.role)]
                assert str(call["replica_kms_key_arn"]).endswith("_secondary.key_arn}"), stack
            elif arch.provider == "azure":
                replica = next(
                    a for a, b in blocks.items() if REPLICAS["azure", comp.replication](b)
                )
                policy = blocks["azurerm_storage_object_replication.this"].body
                assert policy["destination_storage_account_id"] == "${" + replica + ".id}"
                assert policy["source_storage_account_id"] == "${azurerm_storage_account.this.id}"
                source = _one(blocks["azurerm_storage_account.this"].body["blob_properties"])
                assert (
                    source["change_feed_enabled"] is True and source["versioning_enabled"] is True
                )
                copy = _one(blocks[replica].body["blob_properties"])
                assert copy["versioning_enabled"] is True
            else:
                bucket = blocks["google_storage_bucket.this"].body
                placement = str(bucket["dynamic"])
                assert "upper(var.region), upper(var.secondary_region)" in placement, stack
                second = blocks["google_storage_bucket.replica"].body
                assert second["location"] == "${var.secondary_region}"
                spec = _one(
                    blocks["google_storage_transfer_job.replication"].body["replication_spec"]
                )
                assert _one(spec["gcs_data_sink"])["bucket_name"] == (
                    "${google_storage_bucket.replica[0].name}"
                )
            before = _resources(plain[stack][1] / "modules" / comp.role)
            assert not _replica(arch.provider, comp.replication, before), stack
            checked[arch.provider] += 1
    assert all(n >= 10 for n in checked.values()), checked


def test_secrets_have_a_copy_in_the_second_region(
    disaster: dict[str, tuple[ResolvedArchitecture, Path]],
) -> None:
    """Secrets Manager replicas, a second Key Vault (Key Vault has no placeable replica) and
    Secret Manager user-managed replicas in both regions (Secret Manager is global to the
    engine, but where it stores a secret is ours to choose)."""
    checked = {p: 0 for p in PROVIDERS}
    for stack, (arch, folder) in disaster.items():
        for comp in arch.components:
            if comp.capability != "secrets-management":
                continue
            _copy_is_in_second_region(folder, arch, comp.role)
            blocks = _resources(folder / "modules" / comp.role)
            assert _replica(arch.provider, "secret replication", blocks), stack
            if arch.provider == "gcp":
                secret = _by_address(blocks)["google_secret_manager_secret.this"].body
                replicas = _one(_one(secret["replication"])["user_managed"])["replicas"]
                assert [r["location"] for r in replicas] == [
                    "${var.region}",
                    "${var.secondary_region}",
                ]
            checked[arch.provider] += 1
    assert all(n >= 5 for n in checked.values()), checked


def test_cloud_sql_keeps_its_backups_in_the_second_region(
    disaster: dict[str, tuple[ResolvedArchitecture, Path]],
) -> None:
    checked = 0
    for stack, (arch, folder) in disaster.items():
        for comp in arch.components:
            if arch.provider != "gcp" or comp.capability != "relational-database":
                continue
            instance = _by_address(_resources(folder / "modules" / comp.role))[
                "google_sql_database_instance.this"
            ].body
            backups = _one(_one(instance["settings"])["backup_configuration"])
            assert backups["location"] == "${var.secondary_region}", stack
            _copy_is_in_second_region(folder, arch, comp.role)
            checked += 1
    assert checked >= 3


def test_firestore_uses_a_multi_region_only_when_it_holds_both_regions(
    disaster: dict[str, tuple[ResolvedArchitecture, Path]],
) -> None:
    """Firestore has no replica to place: the location is a multi-region location whose
    read-write regions include both of the engine's regions, else the primary region; the
    README says which pair would replicate."""
    checked = 0
    for arch, folder in disaster.values():
        for comp in arch.components:
            if arch.provider != "gcp" or comp.replication != "database replica":
                continue
            path = folder / "modules" / comp.role / "main.tf"
            if "google_firestore_database" not in path.read_text():
                continue
            blocks = _parse(path, "main.tf")
            locals_ = next(b.body for b in blocks if b.kind == "locals")
            assert locals_["multi_regions"]["nam7"] == ["us-central1", "us-east4"]
            assert "var.secondary_region" in str(locals_["spanning"])
            database = next(b for b in blocks if b.type == "google_firestore_database").body
            assert database["location_id"] == "${local.location}"
            assert "Firestore" in (folder / "README.md").read_text()
            checked += 1
    assert checked >= 3


def test_disaster_recovery_stacks_fit_the_provider_schemas(
    disaster: dict[str, tuple[ResolvedArchitecture, Path]],
) -> None:
    """The second-region resources pass `archkb validate-iac` (schema and rules): one stack for
    each kind of copy of each capability on each provider (the profile cases of the matrix
    also run checkov, but hold no object storage)."""
    covered: set[tuple[str, str, str]] = set()
    failures = []
    validated = 0
    for stack, (arch, folder) in disaster.items():
        kinds = {
            (arch.provider, c.capability, str(c.replication))
            for c in arch.components
            if c.replication or c.capability == "secrets-management"
        }
        if kinds <= covered:
            continue
        covered |= kinds
        validated += 1
        report = validate_modules(read_folder(folder), schemas())
        failures += [f"{stack}: {v.render()}" for v in report.violations]
    assert {("gcp", "object-storage", "storage replication")} <= covered
    assert validated >= 6
    assert not failures, "\n".join(failures)

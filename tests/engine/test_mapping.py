"""Cross-cloud mapping: every seed service maps to its counterparts; bills and Terraform."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from archkb.engine.bill import BillInputError, read_bill
from archkb.engine.kb import KnowledgeBase
from archkb.engine.mapping import map_resource_types, map_service
from archkb.engine.schema import Service
from archkb.engine.search import resolve_name

DATA = Path(__file__).resolve().parent.parent / "data"
ROWS = yaml.safe_load((DATA / "seed_services.yaml").read_text())["rows"]
PROVIDERS = ("aws", "azure", "gcp")


def seed_service(kb: KnowledgeBase, provider: str, name: str) -> Service:
    """Resolve a seed name on one provider (seed names are often bare: 'Functions', 'VPC')."""
    for query in (name, f"{provider} {name}", f"{kb.providers[provider].short_name} {name}"):
        found = resolve_name(kb, query, ("service",))
        for key in [found.key] if found.key else found.matches:
            service = kb.services[key.split("/", 1)[1]]
            if service.provider == provider:
                return service
    raise AssertionError(f"seed service {name!r} not found for {provider}")


CASES = [(row, src, dst) for row in ROWS for src in PROVIDERS for dst in PROVIDERS if src != dst]


@pytest.mark.parametrize(
    ("row", "source", "target"),
    CASES,
    ids=[f"{r[source]}->{target}" for r, source, target in CASES],
)
def test_seed_service_maps_to_its_counterpart(
    kb: KnowledgeBase, row: dict[str, str], source: str, target: str
) -> None:
    src = seed_service(kb, source, row[source])
    expected = seed_service(kb, target, row[target])
    mapping = map_service(kb, row[source], src, [target])
    named = [e.id for e in mapping.equivalents[target]]
    if target in mapping.alternatives:
        named.append(mapping.alternatives[target].closest or "")
    if row.get("via") == "closest":
        assert named, f"{src.id} has neither equivalent nor closest on {target}"
        return
    assert expected.id in named, (src.id, named)


def test_partial_fits_say_why(kb: KnowledgeBase) -> None:
    """A partial answer names what differs: the target's caveat, or a remark on facets,
    lifecycle or the source's own partial fit."""
    for service in kb.services.values():
        for target in PROVIDERS:
            if target == service.provider:
                continue
            for equivalent in map_service(kb, service.id, service, [target]).equivalents[target]:
                if equivalent.fit == "partial":
                    assert equivalent.caveat or equivalent.note, (service.id, equivalent.id)


def test_no_equivalent_gives_closest_and_note(kb: KnowledgeBase) -> None:
    ecs = kb.services["aws-ecs"]
    mapping = map_service(kb, "ecs", ecs, ["azure", "gcp"])
    assert mapping.equivalents["azure"] == []
    assert mapping.alternatives["azure"].closest == "azure-container-apps"
    assert mapping.alternatives["gcp"].note


TERRAFORM_EXPECTED = {
    ("aws-serverless", "aws", "azure"): {
        "aws_lambda_function.orders": ("azure-functions", "exact"),
        "aws_dynamodb_table.orders": ("azure-cosmos-db", "partial"),
        "aws_sqs_queue.dead_letters": ("azure-service-bus", "exact"),
        "aws_s3_bucket.archive": ("azure-blob-storage", "exact"),
        "aws_apigatewayv2_api.http": ("azure-api-management", "exact"),
        "aws_lambda_permission.api": (None, "unmapped"),
    },
    ("azure-web", "azure", "gcp"): {
        "azurerm_kubernetes_cluster.web": ("gcp-gke", "exact"),
        "azurerm_mssql_database.web": ("gcp-cloud-sql-for-sql-server", "exact"),
        "azurerm_key_vault.web": ("gcp-secret-manager", "exact"),
        "azurerm_resource_group.web": (None, "unmapped"),
    },
    ("gcp-data", "gcp", "aws"): {
        "google_bigquery_dataset.analytics": ("aws-redshift", "exact"),
        "google_storage_bucket.raw": ("aws-s3", "exact"),
        "google_cloud_run_v2_service.api": ("aws-fargate", "partial"),
    },
}


@pytest.mark.parametrize("case", sorted(TERRAFORM_EXPECTED), ids=lambda c: f"{c[0]}:{c[1]}->{c[2]}")
def test_terraform_fixture_maps_as_expected(kb: KnowledgeBase, case: tuple[str, str, str]) -> None:
    folder, source, target = case
    items, kind = read_bill(DATA / "tf" / folder)
    assert kind == "terraform"
    table = map_resource_types(
        kb, [(i.label, i.resource_type or "") for i in items], source, target
    )
    rows = {r.item: r for r in table.rows}
    assert len(rows) == len(items)  # unknown types are listed, never dropped
    for address, (service, fit) in TERRAFORM_EXPECTED[case].items():
        assert (rows[address].target.id if rows[address].target else None) == service, address
        assert rows[address].fit == fit, address
    assert table.summary["total"] == sum(table.summary[k] for k in ("exact", "partial", "unmapped"))


def test_bill_input_errors(tmp_path: Path) -> None:
    with pytest.raises(BillInputError, match="no such file"):
        read_bill(tmp_path / "missing.txt")
    bad = tmp_path / "bad.tf"
    bad.write_text('resource "aws_s3_bucket" "x" {\n  bucket = \n}\n')
    with pytest.raises(BillInputError, match="invalid HCL"):
        read_bill(bad)
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n\n")
    with pytest.raises(BillInputError, match="nothing to map"):
        read_bill(empty)
    (tmp_path / "dir").mkdir()
    with pytest.raises(BillInputError, match=r"no \.tf files"):
        read_bill(tmp_path / "dir")


def test_symlink_out_of_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "tf"
    folder.mkdir()
    outside = tmp_path / "outside.tf"
    outside.write_text('resource "aws_s3_bucket" "x" {}\n')
    (folder / "link.tf").symlink_to(outside)
    with pytest.raises(BillInputError, match="outside"):
        read_bill(folder)
    (folder / "link.tf").unlink()
    (folder / "zero.tf").symlink_to("/dev/zero")
    with pytest.raises(BillInputError):
        read_bill(folder)

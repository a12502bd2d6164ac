"""The equivalence rule (engine/equivalence.py) as properties over the whole KB, the names
issue 14 found missing, provider words in names, and Terraform types it found mis-mapped."""

from __future__ import annotations

import json

import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.engine.mapping import equivalents_for
from archkb.engine.resolve import candidate_services
from archkb.engine.search import resolve_service

from tests.conftest import DATA, run_cli

PROVIDERS = ("aws", "azure", "gcp")


def test_exact_needs_both_full_jobs_every_decisive_facet_and_ga(kb: KnowledgeBase) -> None:
    from archkb.engine.equivalence import decisive_facets, job_of

    for source in kb.services.values():
        for capability in source.capability_ids:
            source_job = job_of(kb, source, capability)
            for provider in PROVIDERS:
                if provider == source.provider:
                    continue
                for answer in equivalents_for(kb, source, provider, capability):
                    target = kb.services[answer.id]
                    assert target.lifecycle.status != "retired"
                    if answer.fit != "exact":
                        continue
                    target_job = job_of(kb, target, capability)
                    assert source_job and target_job
                    assert source_job.fit.value == target_job.fit.value == "exact"
                    assert decisive_facets(source) <= set(target.facets), (source.id, target.id)
                    assert target.lifecycle.status == "ga" and answer.facets_match


def test_designs_never_use_a_closing_service_when_a_current_one_exists(
    kb: KnowledgeBase,
) -> None:
    for capability in kb.capabilities:
        for provider in PROVIDERS:
            implementers = kb.implementers(provider, capability)
            chosen = candidate_services(kb, provider, capability)
            if any(s.lifecycle.is_current for s in implementers):
                assert all(s.lifecycle.is_current for s in chosen), (provider, capability)


MISSING_IN_ISSUE_14 = [
    ("AWS Database Migration Service", "aws"),
    ("Azure Database Migration Service", "azure"),
    ("GCP Database Migration Service", "gcp"),
    ("Azure Migrate", "azure"),
    ("Application Migration Service", "aws"),
    ("Migrate to Virtual Machines", "gcp"),
    ("Trusted Advisor", "aws"),
    ("Azure Advisor", "azure"),
    ("Active Assist", "gcp"),
    ("Azure Managed Lustre", "azure"),
    ("Google Cloud Managed Lustre", "gcp"),
    ("Storage Mover", "azure"),
    ("Storage Transfer Service", "gcp"),
    ("Cloud HSM", "gcp"),
    ("management groups", "azure"),
    ("Microsoft Fabric", "azure"),
    ("security groups", "aws"),
    ("network security groups", "azure"),
    ("VPC firewall rules", "gcp"),
    ("IAM roles", "aws"),
    ("managed identities", "azure"),
    ("service accounts", "gcp"),
    ("GCP Spot VMs", "gcp"),
    ("Spot Instances", "aws"),
    ("EC2 Dedicated Hosts", "aws"),
    ("S3 Standard-IA", "aws"),
    ("Blob cool tier", "azure"),
    ("Nearline", "gcp"),
    ("RDS for PostgreSQL", "aws"),
    ("Cloud SQL for SQL Server", "gcp"),
    ("Firestore with MongoDB compatibility", "gcp"),
    ("OpenSearch", "aws"),
    ("Transfer Family", "aws"),
    ("SES", "aws"),
    ("Lex", "aws"),
    ("Kendra", "aws"),
    ("Rekognition", "aws"),
    ("Storage Gateway", "aws"),
    ("VPC Lattice", "aws"),
    ("IoT Core", "aws"),
    ("IoT Hub", "azure"),
    ("Azure AI Search", "azure"),
    ("Vertex AI Search", "gcp"),
    ("App Configuration", "azure"),
    ("Parameter Store", "aws"),
    ("Parameter Manager", "gcp"),
    ("Notification Hubs", "azure"),
    ("SignalR", "azure"),
    ("Azure Virtual Desktop", "azure"),
    ("WorkSpaces", "aws"),
    ("Cloud Scheduler", "gcp"),
    ("EventBridge Scheduler", "aws"),
    ("Dialogflow", "gcp"),
    ("Document AI", "gcp"),
    ("Textract", "aws"),
    ("Document Intelligence", "azure"),
    ("Elastic IP", "aws"),
    ("public IP address", "azure"),
]


@pytest.mark.parametrize(("name", "provider"), MISSING_IN_ISSUE_14)
def test_names_issue_14_found_missing_resolve(kb: KnowledgeBase, name: str, provider: str) -> None:
    found = resolve_service(kb, name)
    assert found.key is not None, (name, found.matches, found.suggestions)
    assert kb.services[found.key.split("/", 1)[1]].provider == provider


def test_provider_words_and_options_settle_names() -> None:
    assert json.loads(run_cli("map", "AWS VPC", "--json").stdout)["source"]["id"] == "aws-vpc"
    assert json.loads(run_cli("map", "GCP VPC", "--json").stdout)["source"]["id"] == "gcp-vpc"
    from_gcp = run_cli("map", "API Gateway", "--from", "gcp", "--json")
    assert json.loads(from_gcp.stdout)["source"]["id"] == "gcp-api-gateway"
    to_azure = run_cli("map", "API Gateway", "--to", "azure")
    assert to_azure.exit_code == 1  # AWS's or Google's: both could be the source
    assert "(Amazon API Gateway, aws)" in to_azure.stderr
    assert "(API Gateway, gcp)" in to_azure.stderr
    not_there = run_cli("map", "lambda", "--from", "azure")
    assert not_there.exit_code == 1 and "aws-lambda" in not_there.stderr


@pytest.mark.parametrize(
    ("file", "source", "expected"),
    [
        (
            "aws.tf",
            "aws",
            {
                "aws_ssm_parameter.db_url": "aws-parameter-store",
                "aws_scheduler_schedule.nightly": "aws-eventbridge-scheduler",
            },
        ),
        (
            "azure.tf",
            "azure",
            {
                "azurerm_monitor_diagnostic_setting.app": "azure-monitor",
                "azurerm_linux_function_app.api": "azure-functions",
            },
        ),
    ],
)
def test_terraform_types_issue_14_found_mis_mapped(
    file: str, source: str, expected: dict[str, str]
) -> None:
    target = "gcp"
    result = run_cli(
        "map", "--from", source, "--to", target, str(DATA / "tf" / "issue14" / file), "--json"
    )
    rows = {row["item"]: row for row in json.loads(result.stdout)["rows"]}
    for item, service in expected.items():
        assert rows[item]["source"]["id"] == service
    wrong = {"aws-cloudtrail", "gcp-cloud-audit-logs", "gcp-eventarc", "gcp-workflows"}
    assert not {r["target"]["id"] for r in rows.values() if r["target"]} & wrong

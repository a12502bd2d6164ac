"""Country residency and compliance scope: the KB facts and what the recommender does with them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from archkb.engine.errors import KbLoadError
from archkb.engine.kb import KnowledgeBase
from archkb.engine.load import builtin_kb_root, load_records
from archkb.engine.needs import NeedsError, parse_needs
from archkb.engine.recommend import recommend, why_not
from archkb.engine.records import jsonable
from archkb.engine.resolve import resolve_architecture
from archkb.engine.results import ResolvedArchitecture
from archkb.engine.schema import NeedKind, ServiceScope
from archkb.exports.iac.render import ExportMeta, render_tool
from pydantic import ValidationError

from tests.conftest import run_cli

COUNTRIES = ["de", "fr", "nl", "se", "es", "it", "pl", "ie", "jp", "au", "in"]
"""Country needs the issue names besides the single-country jurisdictions (uk, ch, ca, br)."""


def test_country_needs_exist_for_countries_that_host_regions(kb: KnowledgeBase) -> None:
    for need_id in [*COUNTRIES, "uk", "ch", "ca", "br"]:
        assert kb.needs[need_id].need_kind is NeedKind.residency
    hosts = {r.country for r in kb.regions.values()}
    for need in kb.needs.values():
        if need.effects.country:
            assert need.effects.country in hosts, need.id
            inside = [
                r
                for r in kb.regions.values()
                if r.country == need.effects.country
                and need.effects.jurisdiction not in r.jurisdictions
            ]
            assert not inside, (
                f"{need.id}: regions of {need.effects.country} outside its jurisdiction"
            )


@pytest.mark.parametrize("need_id", COUNTRIES)
def test_country_need_places_every_region_in_the_country(kb: KnowledgeBase, need_id: str) -> None:
    parsed = parse_needs(kb, f"web-app,{need_id}")
    result = recommend(kb, parsed, top=0)
    country = kb.needs[need_id].effects.country
    assert result.recommendations
    for rec in result.recommendations:
        for provider, arch in rec.providers.items():
            assert {r.country for r in arch.regions} == {country}, (rec.blueprint, provider)
            assert all(kb.region(provider, c).country == country for c in arch.allowed_regions)  # type: ignore[union-attr]


def test_alias_and_dropped_provider_reason(kb: KnowledgeBase) -> None:
    parsed = parse_needs(kb, "api,Germany")
    assert parsed.country == "DE" and parsed.jurisdiction == "eu"
    netherlands = recommend(kb, parse_needs(kb, "api,nl"), top=1).recommendations[0]
    assert "aws" not in netherlands.providers
    assert netherlands.dropped["aws"] == "aws has no region in NL (the Netherlands)"
    standby = why_not(kb, "dr-warm-standby", parse_needs(kb, "vms,de,disaster-recovery"))
    assert any(e.provider == "aws" and "only one location in DE" in e.reason for e in standby)


def test_country_clashes(kb: KnowledgeBase) -> None:
    parse_needs(kb, "de,eu")  # Germany is in the EU: consistent
    for needs in ("de,fr", "de,us", "jp,uk"):
        with pytest.raises(NeedsError, match="clash"):
            parse_needs(kb, needs)


def test_sovereign_notes_where_they_matter(kb: KnowledgeBase) -> None:
    rec = recommend(kb, parse_needs(kb, "serverless,de"), top=1).recommendations[0]
    notes = " ".join(n for arch in rec.providers.values() for n in arch.notes)
    assert "European Sovereign Cloud" in notes and "Delos" in notes and "T-Systems" in notes


def test_scope_lists_are_facts_with_provider_sources(kb: KnowledgeBase) -> None:
    for need_id in ("hipaa", "pci-dss"):
        scopes = kb.needs[need_id].effects.in_scope
        assert set(scopes) == set(kb.providers), need_id
        for provider, scope in scopes.items():
            host = urlparse(scope.source).hostname
            assert host in kb.providers[provider].official_domains, scope.source
            for service_id in [*scope.services, *scope.exempt]:
                assert kb.services[service_id].provider == provider
            assert scope.note


def _entry_sources(kb: KnowledgeBase, need_id: str, provider: str) -> dict[str, tuple[str, bool]]:
    """Every entry of a scope list → (the page it stands on, whether it was read there)."""
    scope = kb.needs[need_id].effects.in_scope[provider]
    unverified = set(scope.unverified)
    return {s: (scope.source, s not in unverified) for s in scope.services}


@pytest.mark.parametrize("need_id", ["hipaa", "pci-dss"])
def test_every_scope_entry_has_a_source_and_a_verification_status(
    kb: KnowledgeBase, need_id: str
) -> None:
    for provider, scope in kb.needs[need_id].effects.in_scope.items():
        entries = _entry_sources(kb, need_id, provider)
        assert set(entries) == set(scope.services)
        assert set(scope.unverified) <= set(scope.services), (need_id, provider)
        for service_id, (source, _) in entries.items():
            assert urlparse(source).hostname in kb.providers[provider].official_domains
            assert kb.services[service_id].provider == provider
        if scope.verified_against is None:
            # nobody read a copy of the list: no entry may pass for verified
            assert not any(read for _, read in entries.values()), (need_id, provider)
        else:
            assert scope.verified_against.startswith("https://")
            assert any(read for _, read in entries.values()), (need_id, provider)
            # the note names the date of the copy the entries were read from
            assert f"{scope.checked.day} {scope.checked:%B %Y}" in scope.note


def test_a_pci_list_copied_from_the_hipaa_list_claims_no_verification(kb: KnowledgeBase) -> None:
    """Two programmes, two lists: where the PCI list is the HIPAA list, it was copied, not read."""
    hipaa, pci = (kb.needs[n].effects.in_scope for n in ("hipaa", "pci-dss"))
    for provider in kb.providers:
        if set(pci[provider].services) == set(hipaa[provider].services):
            assert set(pci[provider].unverified) == set(pci[provider].services), provider
    # the AWS lists were read from copies of two different pages, so they differ
    read = {
        n: {s for s, (_, ok) in _entry_sources(kb, n, "aws").items() if ok}
        for n in ("hipaa", "pci-dss")
    }
    assert read["hipaa"] and read["pci-dss"] and read["hipaa"] != read["pci-dss"]
    assert "aws-iam" in read["pci-dss"] and "aws-healthlake" in read["hipaa"]
    assert "aws-healthlake" not in pci["aws"].services


@pytest.mark.parametrize(
    ("unverified", "verified_against", "error"),
    [
        (["aws-lambda"], "https://example.org/copy", "not in services"),
        (["aws-s3"], None, "every entry of services must be listed as unverified"),
    ],
)
def test_scope_schema_rejects_inconsistent_verification(
    unverified: list[str], verified_against: str | None, error: str
) -> None:
    fields = {
        "services": ["aws-s3", "aws-sqs"],
        "source": "https://aws.amazon.com/compliance/services-in-scope/PCI/",
        "checked": "2021-09-24",
        "unverified": unverified,
        "verified_against": verified_against,
    }
    with pytest.raises(ValidationError, match=error):
        ServiceScope.model_validate(fields)
    fields["unverified"] = [] if verified_against else ["aws-s3", "aws-sqs"]
    assert ServiceScope.model_validate(fields).services == ["aws-s3", "aws-sqs"]


def test_scope_schema_rejects_an_excluded_feature_that_is_also_listed() -> None:
    fields = {
        "services": ["aws-rds"],
        "source": "https://aws.amazon.com/compliance/hipaa-eligible-services-reference/",
        "checked": "2022-04-18",
        "verified_against": "https://example.org/copy",
        "excluded_features": ["aws-rds"],
    }
    with pytest.raises(ValidationError, match="excluded features also listed as in scope"):
        ServiceScope.model_validate(fields)
    fields["excluded_features"] = ["aws-rds-for-db2"]
    assert ServiceScope.model_validate(fields).excluded_features == ["aws-rds-for-db2"]


def test_an_excluded_feature_must_be_a_feature_of_a_listed_product(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    record = jsonable(kb.needs["hipaa"])
    record.pop("kind", None)
    record["effects"]["in_scope"]["aws"]["excluded_features"] = [
        "aws-rds-for-db2",
        "aws-codeartifact",
    ]
    record["override"] = True
    (tmp_path / "needs").mkdir()
    (tmp_path / "needs" / "hipaa.yaml").write_text(yaml.safe_dump({"records": [record]}))
    with pytest.raises(KbLoadError) as failure:
        load_records([builtin_kb_root(), tmp_path])
    messages = [str(p) for p in failure.value.problems]
    assert any("'aws-codeartifact' is not a feature of a listed product" in m for m in messages), (
        messages
    )
    assert not any("aws-rds-for-db2" in m for m in messages), messages


def test_google_hipaa_list_was_read_and_differs_from_the_unread_pci_list(
    kb: KnowledgeBase,
) -> None:
    hipaa, pci = (kb.needs[n].effects.in_scope["gcp"] for n in ("hipaa", "pci-dss"))
    assert hipaa.verified_against and f"{hipaa.checked:%Y}" == "2026"
    read = set(hipaa.services) - set(hipaa.unverified)
    # products Google's Covered Products list names, which the offline compilation lacked
    assert {"gcp-api-gateway", "gcp-cloud-healthcare-api", "gcp-document-ai"} <= read
    # renamed on the list (Managed Service for Apache Spark, Knowledge Catalog) and so read
    assert {"gcp-dataproc", "gcp-dataplex"} <= read
    # named by no entry of the list: kept, but marked
    assert set(hipaa.unverified) == {
        "gcp-cloud-composer",
        "gcp-cloud-ngfw",
        "gcp-managed-prometheus",
    }
    # Looker Studio is covered only when the customer opts in, so it stays off the list
    assert "gcp-looker-studio" not in hipaa.services
    assert pci.verified_against is None and set(pci.services) != set(hipaa.services)


def _db2_first(kb: KnowledgeBase, root: Path) -> KnowledgeBase:
    """An overlay KB in which AWS's preferred relational database is RDS for Db2."""
    record = jsonable(kb.capabilities["relational-database"])
    record.pop("kind", None)
    record["preferred"]["aws"] = "aws-rds-for-db2"
    record["override"] = True
    (root / "capabilities").mkdir(parents=True)
    (root / "capabilities" / "db.yaml").write_text(yaml.safe_dump({"records": [record]}))
    return KnowledgeBase.from_records(load_records([builtin_kb_root(), root]))


def _db(kb: KnowledgeBase, needs: str) -> ResolvedArchitecture:
    arch = resolve_architecture(kb, kb.blueprints["paas-web-app"], "aws", parse_needs(kb, needs))
    assert isinstance(arch, ResolvedArchitecture), arch
    return arch


def test_a_feature_the_list_leaves_out_does_not_pass_with_its_product(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    """AWS's HIPAA list (2022) names RDS for five engines: RDS for Db2 may not hold PHI, though
    RDS is on the list; its PCI DSS tab names RDS as a whole, so Db2 passes there."""
    assert kb.needs["hipaa"].effects.in_scope["aws"].excluded_features == ["aws-rds-for-db2"]
    assert "aws-rds" in kb.needs["hipaa"].effects.in_scope["aws"].services
    db2 = _db2_first(kb, tmp_path / "kb")
    plain = _db(db2, "web-app,us")
    assert next(c.service for c in plain.components if c.role == "db") == "aws-rds-for-db2"
    hipaa = _db(db2, "web-app,hipaa,us")
    service = next(c.service for c in hipaa.components if c.role == "db")
    assert service != "aws-rds-for-db2" and service in db2.services
    assert any(
        n.startswith("Substitution: db uses")
        and "Amazon RDS for Db2 is not on AWS's list of services in scope for hipaa" in n
        for n in hipaa.notes
    ), hipaa.notes
    pci = _db(db2, "web-app,pci-dss,us")
    assert next(c.service for c in pci.components if c.role == "db") == "aws-rds-for-db2"
    shown = " ".join(run_cli("show", "need/hipaa").stdout.split())
    assert "Not covered although their product is listed: Amazon RDS for Db2" in shown


def _notes(kb: KnowledgeBase, needs: str, provider: str) -> list[str]:
    rec = recommend(kb, parse_needs(kb, needs), [provider], top=1).recommendations[0]
    return [n for n in rec.providers[provider].notes if n.startswith("Unverified scope")]


def test_designs_say_which_scope_entries_are_unverified(kb: KnowledgeBase) -> None:
    aws = kb.needs["hipaa"].effects.in_scope["aws"]
    assert "aws-bedrock" in aws.unverified
    (bedrock,) = _notes(kb, "rag,hipaa,us", "aws")
    assert "Amazon Bedrock is on archkb's list for AWS" in bedrock
    assert f"copy of AWS's own list of {aws.checked}" in bedrock and aws.source in bedrock
    # every service of the serverless API on AWS was read off the copy: nothing to say
    assert _notes(kb, "api,hipaa,us", "aws") == []
    # no copy of Google Cloud's list was read: the design says none of its services is confirmed
    (gcp,) = _notes(kb, "api,pci-dss,us", "gcp")
    assert "no copy of Google Cloud's own list could be read" in gcp
    result = recommend(kb, parse_needs(kb, "api,pci-dss,us"), ["gcp"], top=1)
    reason = result.recommendations[0].reasons
    assert "not yet confirmed on the provider's own list (Google Cloud)" in json.dumps(
        jsonable(reason)
    )


def test_an_entry_marked_unverified_is_named_in_the_design_and_why_not(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    """The marker is data: flag the Lambda entry and the same design names it."""
    record = jsonable(kb.needs["hipaa"])
    record.pop("kind", None)
    record["effects"]["in_scope"]["aws"]["unverified"].append("aws-lambda")
    record["override"] = True
    (tmp_path / "needs").mkdir()
    (tmp_path / "needs" / "hipaa.yaml").write_text(yaml.safe_dump({"records": [record]}))
    flagged = KnowledgeBase.from_records(load_records([builtin_kb_root(), tmp_path]))
    (note,) = _notes(flagged, "api,hipaa,us", "aws")
    assert note.startswith("Unverified scope (hipaa): AWS Lambda is on archkb's list for AWS")


def _exclusions(kb: KnowledgeBase, blueprint: str, needs: str) -> dict[str, str]:
    return {e.provider: e.reason for e in why_not(kb, blueprint, parse_needs(kb, needs))}


def test_exclusions_say_how_far_the_list_was_checked(kb: KnowledgeBase) -> None:
    hipaa = _exclusions(kb, "cicd-platform", "ci-cd,hipaa,us")
    assert "the list was read from a copy of 2022-04-18" in hipaa["aws"]
    # Google's HIPAA list, read off a copy of its page, names Cloud Build and Cloud Deploy
    assert "gcp" not in hipaa
    gcp = kb.needs["hipaa"].effects.in_scope["gcp"]
    mobile = _exclusions(kb, "mobile-backend", "mobile-backend,hipaa,us")["gcp"]
    assert "(Firebase Cloud Messaging not on it)" in mobile
    assert f"the list was read from a copy of {gcp.checked}" in mobile
    # nobody read Google's PCI DSS list: the exclusion says the list is not verified
    pci = _exclusions(kb, "cicd-platform", "ci-cd,pci-dss,us")
    assert "archkb's list is not verified against Google Cloud's own list" in pci["gcp"]
    why = run_cli("why-not", "cicd-platform", "--needs", "ci-cd,pci-dss,us")
    assert "not verified against Google Cloud's own list" in " ".join(why.stdout.split())


@pytest.mark.parametrize(
    "needs", ["serverless,hipaa,us", "kubernetes,pci-dss,eu", "web-app,hipaa", "streaming,pci-dss"]
)
def test_compliance_needs_keep_out_of_scope_services_out(kb: KnowledgeBase, needs: str) -> None:
    parsed = parse_needs(kb, needs)
    result = recommend(kb, parsed, top=0)
    assert result.recommendations
    for rec in result.recommendations:
        for provider, arch in rec.providers.items():
            for need_id, allowed in parsed.scope_for(provider):
                excluded = kb.needs[need_id].effects.in_scope[provider].excluded_features
                for component in arch.components:
                    service = kb.services[component.service]
                    assert service.id in allowed or service.feature_of in allowed, (
                        rec.blueprint,
                        service.id,
                    )
                    assert service.id not in excluded, (rec.blueprint, service.id)


def _api_service(kb: KnowledgeBase, needs: str) -> tuple[str, list[str]]:
    rec = recommend(kb, parse_needs(kb, needs), ["gcp"], top=1).recommendations[0]
    gcp = rec.providers["gcp"]
    return next(c.service for c in gcp.components if c.role == "api"), gcp.notes


def test_scope_substitutes_or_excludes_with_a_reason(kb: KnowledgeBase) -> None:
    # API Gateway is not on archkb's (unverified) PCI DSS list for Google Cloud: Apigee stands in
    service, notes = _api_service(kb, "api,pci-dss,us")
    assert service == "gcp-apigee"
    assert any(n.startswith("Substitution: api uses Apigee") for n in notes)
    # Google's HIPAA list, read off its page, names API Gateway: the usual service stays
    service, notes = _api_service(kb, "api,hipaa,us")
    assert service == "gcp-api-gateway"
    assert not any(n.startswith("Substitution:") for n in notes)
    reasons = why_not(kb, "cicd-platform", parse_needs(kb, "ci-cd,hipaa,us"))
    aws = next(e.reason for e in reasons if e.provider == "aws")
    assert aws.startswith("hipaa: AWS's list of services in scope for hipaa")


def _scope_overlay(kb: KnowledgeBase, root: Path, need_id: str, provider: str, drop: str) -> Path:
    """An overlay KB whose `need_id` record is the built-in one without `drop` on `provider`'s
    list: what the KB would say after a re-check finds the service out of scope."""
    record = jsonable(kb.needs[need_id])
    record.pop("kind", None)
    scope = record["effects"]["in_scope"][provider]
    assert drop in scope["services"], f"{drop} is not on the {need_id} list of {provider}"
    scope["services"].remove(drop)
    if drop in scope["unverified"]:
        scope["unverified"].remove(drop)
    record["override"] = True
    (root / "needs").mkdir(parents=True)
    (root / "needs" / f"{need_id}.yaml").write_text(yaml.safe_dump({"records": [record]}))
    return root


REMOVED = {"aws": "aws-lambda", "azure": "azure-functions", "gcp": "gcp-cloud-run-functions"}
"""Per provider, the function service that `api,hipaa,us` uses today (the serverless REST API's
handler): taking it off the list must take it out of every design on that provider."""


@pytest.mark.parametrize("need_id", ["hipaa", "pci-dss"])
@pytest.mark.parametrize("provider", sorted(REMOVED))
def test_a_service_taken_off_the_list_leaves_the_designs(
    kb: KnowledgeBase, tmp_path: Path, provider: str, need_id: str
) -> None:
    drop = REMOVED[provider]
    needs = f"api,{need_id},us"
    before = recommend(kb, parse_needs(kb, needs), [provider], top=1).recommendations[0]
    assert before.blueprint == "serverless-rest-api"
    assert drop in {c.service for c in before.providers[provider].components}

    overlay = _scope_overlay(kb, tmp_path / "kb", need_id, provider, drop)
    narrowed = KnowledgeBase.from_records(load_records([builtin_kb_root(), overlay]))
    parsed = parse_needs(narrowed, needs)
    result = recommend(narrowed, parsed, [provider], top=0)
    assert result.recommendations, "other designs still qualify"
    for rec in result.recommendations:
        assert drop not in {c.service for c in rec.providers[provider].components}, rec.blueprint
    reasons = [e.reason for e in why_not(narrowed, "serverless-rest-api", parsed)]
    name = kb.services[drop].name
    assert any(r.startswith(f"{need_id}: ") and f"({name} not on it)" in r for r in reasons), (
        reasons
    )

    # the same through the CLI, as a user with a re-checked list would run it
    args = ["--kb", str(overlay), "recommend", "--needs", needs, "--provider", provider]
    data = json.loads(run_cli(*args, "--json", "--top", "0").stdout)
    used = {
        c["service"]
        for rec in data["recommendations"]
        for c in rec["providers"][provider]["components"]
    }
    assert data["recommendations"] and drop not in used
    why = run_cli("--kb", str(overlay), "why-not", "serverless-rest-api", "--needs", needs)
    assert f"{name} not on it" in why.stdout


@pytest.mark.parametrize("need_id", ["hipaa", "pci-dss"])
@pytest.mark.parametrize("provider", ["aws", "azure", "gcp"])
def test_compliance_controls_are_in_scope_and_reach_the_iac(
    kb: KnowledgeBase, provider: str, need_id: str
) -> None:
    need = kb.needs[need_id]
    scope = need.effects.in_scope[provider]
    allowed = {*scope.services, *scope.exempt}
    rec = recommend(kb, parse_needs(kb, f"api,{need_id},us"), [provider], top=1).recommendations[0]
    arch = rec.providers[provider]
    controls = {c.role: c for c in arch.components if c.control}
    assert set(controls) == set(need.effects.controls)
    files = render_tool("terraform", arch, ExportMeta("0.0-test", "0" * 64, (), "test"))
    readme = files["README.md"]
    prefix = {"aws": "aws_", "azure": "azurerm_", "gcp": "google_"}[provider]
    for role, component in controls.items():
        assert component.service in allowed, (role, component.service)
        capability = kb.capabilities[role].name
        assert f"Note: {capability} added as a control for {need_id}." in readme
        assert f"[`{role}`](modules/{role}/README.md)" in readme
        declared = re.findall(r'^resource "([a-z0-9_]+)"', files[f"modules/{role}/main.tf"], re.M)
        assert any(t.startswith(prefix) for t in declared), (role, declared)

"""The IaC catalogues are typed and validated when read; templates are chosen by data and no
template file is a copy of another."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from archkb.exports.iac.catalog import (
    CLOUDFORMATION_CATALOG,
    TERRAFORM_CATALOG,
    CatalogError,
    CloudFormationCatalog,
    Condition,
    ModuleSpec,
    TerraformCatalog,
    Use,
    load_catalog,
)
from archkb.exports.iac.render import TEMPLATE_ROOT
from archkb.exports.iac.tools import cloudformation, terraform


def test_both_catalogues_load_as_typed_models() -> None:
    tf = terraform.catalog()
    assert isinstance(tf, TerraformCatalog)
    assert all(
        isinstance(spec, ModuleSpec) for by in tf.capabilities.values() for spec in by.values()
    )
    assert set(tf.providers) == {"aws", "azure", "gcp"}
    cfn = cloudformation.catalog()
    assert isinstance(cfn, CloudFormationCatalog)
    assert cfn.snippets["lambda-function"].workload
    assert cfn.snippets["s3-bucket"].iam_access
    assert not cfn.snippets["rds-postgres"].iam_access  # reached over the network, with a secret


def test_conditions_are_typed() -> None:
    tf = terraform.catalog()
    kinds = [
        u
        for by in tf.capabilities.values()
        for s in by.values()
        for u in s.uses
        if isinstance(u, Use)
    ]
    assert kinds and all(u.kind in tf.shared["aws"] for u in kinds)
    assert any(u.if_linked or u.unless_linked or u.if_public is not None for u in kinds)


@pytest.mark.parametrize(
    ("condition", "linked", "public", "applies"),
    [
        (Condition(), [], False, True),
        (Condition(if_linked="origin"), ["origin"], False, True),
        (Condition(if_linked="origin"), [], False, False),
        (Condition(unless_linked="origin"), ["origin"], False, False),
        (Condition(unless_linked="origin"), ["other"], True, True),
        (Condition(if_public=True), [], True, True),
        (Condition(if_public=True), [], False, False),
        (Condition(if_public=False, if_linked="a"), ["a"], False, True),
        (Condition(if_public=False, if_linked="a"), ["a"], True, False),
    ],
)
def test_a_condition_applies_as_the_catalogue_header_says(
    condition: Condition, linked: list[str], public: bool, applies: bool
) -> None:
    assert condition.applies(linked, public) is applies


def test_shared_templates_are_named_by_the_entry() -> None:
    tf = terraform.catalog()
    assert tf.template_path("gcp", "cdn") == "gcp/global-load-balancer.tf.j2"
    assert tf.template_path("azure", "cdn") == "azure/global-load-balancer.tf.j2"
    assert tf.template_path("aws", "cdn") == "aws/cdn.tf.j2"
    assert tf.problems(TERRAFORM_CATALOG.parent) == []
    assert cloudformation.catalog().problems(CLOUDFORMATION_CATALOG.parent) == []


def test_no_two_template_files_are_identical() -> None:
    """A capability deployed by the same HCL names one template (`template:` in the catalogue)
    instead of shipping a copy that the next fix updates in one place only."""
    by_hash: dict[str, list[str]] = {}
    for path in sorted(TEMPLATE_ROOT.parent.rglob("*.j2")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        by_hash.setdefault(digest, []).append(str(path.relative_to(TEMPLATE_ROOT.parent)))
    copies = [paths for paths in by_hash.values() if len(paths) > 1]
    assert not copies


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the Terraform templates whose catalogue has `old` replaced by `new` once."""
    root = tmp_path / "terraform"
    shutil.copytree(TERRAFORM_CATALOG.parent, root)
    path = root / "catalog.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


CDN_AZURE = "      template: global-load-balancer\n      uses: [logs]\n"


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        (
            CDN_AZURE,
            CDN_AZURE.replace("template:", "templat:"),
            "capabilities.cdn.azure.templat: Extra inputs are not permitted",
        ),
        (
            CDN_AZURE,
            CDN_AZURE.replace("global-load-balancer", "no-such-template"),
            "capabilities.cdn.azure.template: no file azure/no-such-template.tf.j2",
        ),
        (
            CDN_AZURE,
            CDN_AZURE.replace("[logs]", "[log]"),
            "capabilities.cdn.azure.uses: no shared piece 'log' on azure",
        ),
        (
            "      owns_endpoints: true\n",
            "      owns_endpoints: [kms]\n",
            "capabilities.private-endpoints.aws.owns_endpoints: Input should be a valid boolean",
        ),
        (
            "unless_linked: certificate_map_id,",
            "unles_linked: certificate_map_id,",
            "capabilities.cdn.gcp.required.0.unles_linked: Extra inputs are not permitted",
        ),
        ("    grants: target\n", "    grants: targets\n", "providers.gcp.grants: Input should be"),
    ],
)
def test_a_bad_entry_is_named_by_file_and_field(
    tmp_path: Path, old: str, new: str, said: str
) -> None:
    path = _broken(tmp_path, old, new)
    with pytest.raises(CatalogError) as caught:
        load_catalog(path, TerraformCatalog)
    message = str(caught.value)
    assert str(path) in message
    assert said in message


def test_a_bad_cloudformation_entry_is_named(tmp_path: Path) -> None:
    root = tmp_path / "cloudformation"
    shutil.copytree(CLOUDFORMATION_CATALOG.parent, root)
    path = root / "catalog.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  aws-sqs: sqs-queue\n", "  aws-sqs: sqs-queues\n"), "utf-8")
    with pytest.raises(CatalogError, match=r"catalog\.yaml: services\.aws-sqs: no snippet"):
        load_catalog(path, CloudFormationCatalog)


def test_unreadable_yaml_is_named(tmp_path: Path) -> None:
    path = _broken(tmp_path, "capabilities:\n", "capabilities: [\n")
    with pytest.raises(CatalogError, match=str(path)):
        load_catalog(path, TerraformCatalog)

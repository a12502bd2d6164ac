"""Deriving compact provider schemas from CDK binding assemblies, and the set-up's result."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from archkb.exports.iac.validate.derive import DeriveError, derive, read_assembly, removed_arguments
from archkb.exports.iac.validate.schema import schema_file, sources

from tests.exports.tfschema_helpers import schemas, tfschema_dir

DOCS = "https://registry.terraform.io/providers/hashicorp/demo/1.2.3/docs/resources/thing"
P = "@cdktn/provider-demo.thing"


def _prop(
    name: str, tf: str, *, optional: bool = False, type_: Any = None, block: bool = False
) -> dict[str, Any]:
    summary = (
        f"{tf} block."
        if block
        else f"Docs at Terraform Registry: {{@link {DOCS}#{tf} Thing#{tf}}}."
    )
    docs = {
        "summary": summary,
        "remarks": f"Docs at Terraform Registry: {{@link {DOCS}#{tf} Thing#{tf}}}",
    }
    prop: dict[str, Any] = {"name": name, "docs": docs, "type": type_ or {"primitive": "string"}}
    if optional:
        prop["optional"] = True
    return prop


def _assembly() -> dict[str, Any]:
    nested = {"fqn": f"{P}.ThingRule"}
    return {
        "types": {
            f"{P}.Thing": {
                "kind": "class",
                "fqn": f"{P}.Thing",
                "base": "cdktn.TerraformResource",
                "initializer": {
                    "docs": {"summary": f"Create a new {{@link {DOCS} demo_thing}} Resource."},
                    "parameters": [{}, {}, {"type": {"fqn": f"{P}.ThingConfig"}}],
                },
                "properties": [
                    {"name": "tfResourceType", "static": True, "type": {"primitive": "string"}},
                    {"name": "arn", "type": {"primitive": "string"}},
                    {"name": "sizeInput", "type": {"primitive": "number"}},
                    {"name": "size", "type": {"primitive": "number"}},
                    {"name": "ipv6CidrBlock", "type": {"primitive": "string"}},
                ],
            },
            f"{P}.ThingConfig": {
                "kind": "interface",
                "datatype": True,
                "properties": [
                    _prop("name", "name"),
                    _prop("size", "size", optional=True, type_={"primitive": "number"}),
                    _prop("count", "count", optional=True),
                    _prop(
                        "rule",
                        "rule",
                        optional=True,
                        block=True,
                        type_={
                            "union": {
                                "types": [
                                    {"fqn": "cdktn.IResolvable"},
                                    {"collection": {"kind": "array", "elementtype": nested}},
                                ]
                            }
                        },
                    ),
                    _prop(
                        "statement",
                        "statement",
                        optional=True,
                        block=True,
                        type_={"primitive": "any"},
                    ),
                ],
            },
            f"{P}.ThingRule": {
                "kind": "interface",
                "datatype": True,
                "properties": [_prop("action", "action")],
            },
        }
    }


def test_derive_reads_arguments_blocks_and_attributes() -> None:
    schema = derive(_assembly())
    thing = schema["resources"]["demo_thing"]
    assert thing["args"] == {"name": 1, "size": 0}  # `count` is a meta-argument
    assert thing["blocks"]["rule"] == {"args": {"action": 1}, "blocks": {}, "min": 0}
    assert thing["blocks"]["statement"]["opaque"] == 1  # too deep for the bindings to type
    assert thing["attrs"] == ["arn", "ipv6_cidr_block"]
    assert schema["data"] == {}


def test_removed_arguments_tell_deprecated_from_renamed() -> None:
    old = {
        "resources": {
            "demo_a": {"args": {"name": 1, "legacy": 0}, "blocks": {}},
            "demo_b": {"args": {"zone_name": 0, "ttl": 0}, "blocks": {}},
            "demo_c": {"args": {"group": 1}, "blocks": {}},
        },
        "data": {},
    }
    new = {
        "resources": {
            "demo_a": {"args": {"name": 1}, "blocks": {}},
            "demo_b": {"args": {"zone_id": 0, "ttl": 0}, "blocks": {}},
            "demo_c": {"args": {"group_id": 1}, "blocks": {}},
        },
        "data": {},
    }
    deprecated, renamed = removed_arguments(old, new)
    assert deprecated == {"resources": {"demo_a": ["legacy"]}}
    assert renamed == {"resources": {"demo_b": ["zone_name"], "demo_c": ["group"]}}


def test_read_assembly_takes_the_provider_version_from_the_wheel(tmp_path: Path) -> None:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tar:
        data = json.dumps(_assembly()).encode()
        info = tarfile.TarInfo("package/.jsii")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    wheel = tmp_path / "demo-1.0.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as whl:
        whl.writestr("demo/_jsii/provider-demo@1.0.0.jsii.tgz", raw.getvalue())
        whl.writestr(
            "demo-1.0.0.dist-info/METADATA",
            "# CDKTN prebuilt bindings for hashicorp/demo provider version 1.2.3\n",
        )
    assembly, version = read_assembly(wheel)
    assert version == "1.2.3" and "demo_thing" in derive(assembly)["resources"]

    with zipfile.ZipFile(tmp_path / "other.whl", "w") as whl:
        whl.writestr("other/__init__.py", "")
    with pytest.raises(DeriveError, match="no jsii assembly"):
        read_assembly(tmp_path / "other.whl")


@pytest.mark.parametrize("provider", sorted(sources()))
def test_set_up_schemas_are_the_pinned_packages(provider: str) -> None:
    """The derived files were made from exactly the package and provider version pinned."""
    source = sources()[provider]
    data = json.loads(schema_file(tfschema_dir(), provider).read_text())
    assert (data["package"], data["version"]) == (source["package"], source["version"])
    assert data["provider_version"] == source["provider_version"]
    assert len(data["resources"]) > 300 and len(data["data"]) > 100


def test_pinned_constraints_admit_the_validated_versions() -> None:
    """The Terraform constraint of each provider starts at the version its schema comes from,
    so `terraform init` never picks a version older than the one validated."""
    from archkb.exports.iac.tools.terraform import catalog

    pins = {p.name: p.version for p in catalog().providers.values()}
    for provider, source in sources().items():
        major, minor, _ = source["provider_version"].split(".")
        assert pins[provider] == f"~> {major}.{minor}", (provider, pins[provider])
        assert schemas()[provider].version == source["provider_version"]

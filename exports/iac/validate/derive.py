"""A compact provider schema derived from a prebuilt CDK Terrain binding's jsii assembly.

The bindings (`cdktn-provider-<name>` on PyPI) are generated from `terraform providers schema
-json` of one provider version. Their assembly keeps what validation needs: for every resource
and data source a config struct whose properties are the arguments (optional or not) and nested
blocks (struct types, documented as "<name> block."), and a class whose getters are every
attribute, computed ones included. Names are camelCase there; the documentation link of each
config property carries the Terraform name (`…/storage_account#account_tier`).

Compact form (JSON), per type: `{"args": {name: 1 if required else 0}, "blocks": {name:
{"min": 0|1, "args": …, "blocks": …}}, "attrs": [computed-only attribute names]}`.
"""

from __future__ import annotations

import json
import re
import tarfile
import zipfile
from pathlib import Path
from typing import Any

LINK = re.compile(r"\{@link (\S+) (\S+)\}")
ANCHOR = re.compile(r"#([a-z0-9_]+) ")
CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
META_ARGUMENTS = frozenset(
    {"connection", "count", "dependsOn", "forEach", "lifecycle", "provider", "provisioners"}
)
"""Properties of `TerraformMetaArguments`, handled by the validator itself."""
VERSION_LINE = re.compile(r"bindings for hashicorp/([a-z-]+) provider version (\S+)")

Schema = dict[str, Any]


class DeriveError(ValueError):
    """The package is not a provider binding, or not the provider version it should be."""


def snake(name: str) -> str:
    return CAMEL.sub("_", name).lower()


def read_assembly(wheel: Path) -> tuple[dict[str, Any], str]:
    """The jsii assembly inside a binding wheel, and the provider version its METADATA names."""
    with zipfile.ZipFile(wheel) as whl:
        names = whl.namelist()
        meta = next((n for n in names if n.endswith(".dist-info/METADATA")), None)
        tgz = next((n for n in names if n.endswith(".jsii.tgz")), None)
        if meta is None or tgz is None:
            raise DeriveError(f"{wheel}: no jsii assembly; not a CDK provider binding")
        found = VERSION_LINE.search(whl.read(meta).decode("utf-8", "replace"))
        with whl.open(tgz) as raw, tarfile.open(fileobj=raw, mode="r:gz") as tar:
            member = tar.extractfile("package/.jsii")
            if member is None:
                raise DeriveError(f"{wheel}: {tgz} has no package/.jsii")
            assembly: dict[str, Any] = json.load(member)
    if not found:
        raise DeriveError(f"{wheel}: METADATA does not name the provider version")
    return assembly, found.group(2)


def _struct(ref: dict[str, Any], types: dict[str, Any]) -> str | None:
    """The fqn of the struct a property holds (directly, in a list, or in a union), if any."""
    if "fqn" in ref:
        kind = types.get(ref["fqn"], {})
        return str(ref["fqn"]) if kind.get("datatype") else None
    if "collection" in ref:
        return _struct(ref["collection"]["elementtype"], types)
    for option in ref.get("union", {}).get("types", []):
        found = _struct(option, types)
        if found:
            return found
    return None


def _tf_name(prop: dict[str, Any]) -> str:
    docs = prop.get("docs", {})
    text = f"{docs.get('summary', '')} {docs.get('remarks', '')}"
    found = ANCHOR.search(text)
    return found.group(1) if found else snake(prop["name"])


def _struct_schema(fqn: str, types: dict[str, Any], depth: int = 0) -> Schema:
    args: dict[str, int] = {}
    blocks: dict[str, Schema] = {}
    for prop in types[fqn].get("properties", []):
        if depth == 0 and prop["name"] in META_ARGUMENTS:
            continue
        name = _tf_name(prop)
        nested = _struct(prop["type"], types)
        required = 0 if prop.get("optional") else 1
        if nested and depth < 12:
            block = _struct_schema(nested, types, depth + 1)
            block["min"] = required
            blocks[name] = block
        elif prop.get("docs", {}).get("summary", "") == f"{name} block.":
            # A block too deeply nested for the bindings to type (wafv2 `statement`): known,
            # its contents unchecked.
            blocks[name] = {"args": {}, "blocks": {}, "min": required, "opaque": 1}
        else:
            args[name] = required
    return {"args": args, "blocks": blocks}


def _all_props(fqn: str, types: dict[str, Any]) -> list[dict[str, Any]]:
    return list(types[fqn].get("properties", []))


def derive(assembly: dict[str, Any]) -> dict[str, Schema]:
    """{"resources": {type: schema}, "data": {type: schema}} for every type in the assembly."""
    types: dict[str, Any] = assembly["types"]
    out: dict[str, dict[str, Schema]] = {"resources": {}, "data": {}}
    for spec in types.values():
        base = spec.get("base")
        if spec.get("kind") != "class" or base not in (
            "cdktn.TerraformResource",
            "cdktn.TerraformDataSource",
        ):
            continue
        init = spec.get("initializer", {})
        link = LINK.search(init.get("docs", {}).get("summary", ""))
        params = init.get("parameters", [])
        if not link or len(params) < 3:
            continue
        tf_type = link.group(2)
        config = params[2]["type"]["fqn"]
        schema = _struct_schema(config, types)
        known = set(schema["args"]) | set(schema["blocks"])
        attrs = set()
        for prop in _all_props(spec["fqn"], types):
            name = prop["name"]
            if prop.get("static") or name.endswith("Input") or name in META_ARGUMENTS:
                continue
            attrs.add(snake(name))
        schema["attrs"] = sorted(attrs - known)
        kind = "resources" if base == "cdktn.TerraformResource" else "data"
        out[kind][tf_type] = schema
    return out


def _tokens(name: str) -> set[str]:
    return {t for t in name.split("_") if len(t) >= 3 and t not in ("enabled", "disabled")}


def removed_arguments(old: Schema, new: Schema) -> tuple[Schema, Schema]:
    """Per type, the arguments and blocks of `old` that `new` (the next major) lacks.

    Returns (deprecated, renamed). An argument is `renamed` when it cannot be dropped yet: it is
    required here, or the next major adds an argument sharing a word with it (azurerm 5's
    `private_dns_zone_id` for `private_dns_zone_name`), which may be its only replacement.
    Otherwise it is `deprecated`: whatever replaces it (a separate resource, an argument that
    already exists) is available at the pinned version, or nothing does.
    """
    deprecated: dict[str, dict[str, list[str]]] = {}
    renamed: dict[str, dict[str, list[str]]] = {}
    for kind in ("resources", "data"):
        for tf_type, schema in old[kind].items():
            later = new[kind].get(tf_type)
            if later is None:
                continue
            before = set(schema["args"]) | set(schema["blocks"])
            after = set(later["args"]) | set(later["blocks"])
            added = set().union(*(_tokens(n) for n in after - before)) if after - before else set()
            for name in sorted(before - after):
                required = schema["args"].get(name) or schema["blocks"].get(name, {}).get("min")
                into = renamed if required or _tokens(name) & added else deprecated
                into.setdefault(kind, {}).setdefault(tf_type, []).append(name)
    return deprecated, renamed

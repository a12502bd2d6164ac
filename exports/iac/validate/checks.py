"""Schema checks: each resource and data block against its provider's schema.

Known type, unknown arguments and nested blocks, missing required ones, arguments the next
provider major removes (deprecated now), and references `TYPE.NAME.ATTR` to attributes the
type does not have.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .config import Block, Module
from .schema import PREFIXES, ProviderSchema

META = frozenset({"count", "for_each", "depends_on", "provider", "lifecycle", "connection"})
META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection", "dynamic"})
REFERENCE = re.compile(
    r"(?<![\w.])(data\.)?([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][\w-]*)"
    r"((?:\[[^\]]*\])?)\.([A-Za-z_][\w]*)"
)
ALWAYS = frozenset({"id"})


@dataclass(frozen=True)
class Violation:
    """One finding, located."""

    file: str
    line: int
    address: str
    argument: str
    check: str
    message: str

    def render(self) -> str:
        where = f"{self.file}:{self.line}"
        arg = self.argument or "-"
        return f"{where} {self.address} {arg} {self.message} [{self.check}]"


def provider_of(type_: str) -> str | None:
    for provider, prefix in PREFIXES.items():
        if type_.startswith(prefix):
            return provider
    return None


def _is_block(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) for v in value) and bool(value)


def _dynamic_names(body: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """`dynamic "name" { content { … } }` → name → the content bodies."""
    found: dict[str, list[dict[str, Any]]] = {}
    for entry in body.get("dynamic", []):
        for label, spec in entry.items():
            name = label.strip('"')
            contents = spec.get("content", []) if isinstance(spec, dict) else []
            found.setdefault(name, []).extend(c for c in contents if isinstance(c, dict))
    return found


def _check_body(
    block: Block,
    schema: dict[str, Any],
    body: dict[str, Any],
    path: tuple[str, ...],
    top: bool,
) -> Iterator[Violation]:
    if schema.get("opaque"):
        return
    args: dict[str, int] = schema["args"]
    blocks: dict[str, Any] = schema["blocks"]
    dynamic = _dynamic_names(body)
    for key, value in body.items():
        if key.startswith("__") or (top and (key in META or key in META_BLOCKS)):
            continue
        if key == "dynamic":
            continue
        where = (*path, key)
        if key in blocks:
            for item in value if _is_block(value) else [value]:
                if isinstance(item, dict):
                    yield from _check_body(block, blocks[key], item, where, False)
        elif key in args:
            if _is_block(value) and value[0].get("__is_block__"):
                yield _violation(
                    block, where, "block-for-argument", f"{key} is an argument: write `{key} = …`"
                )
        else:
            kind = "block" if _is_block(value) else "argument"
            yield _violation(block, where, f"unknown-{kind}", f"unknown {kind} {key!r}")
    for name, contents in dynamic.items():
        where = (*path, name)
        if name not in blocks:
            yield _violation(block, where, "unknown-block", f"unknown block {name!r} (dynamic)")
            continue
        for content in contents:
            yield from _check_body(block, blocks[name], content, where, False)
    for name, required in args.items():
        if required and name not in body:
            yield _violation(block, path, "missing-argument", f"missing required argument {name!r}")
    for name, nested in blocks.items():
        if nested.get("min") and name not in body and name not in dynamic:
            yield _violation(block, path, "missing-block", f"missing required block {name!r}")


def _violation(block: Block, path: tuple[str, ...], check: str, message: str) -> Violation:
    return Violation(
        block.file, block.line_of(*path), block.address, ".".join(path), check, message
    )


def _deprecated(block: Block, provider: ProviderSchema) -> Iterator[Violation]:
    kind = "resources" if block.kind == "resource" else "data"
    for name in provider.deprecated.get(kind, {}).get(block.type, []):
        if name in block.body or name in _dynamic_names(block.body):
            yield _violation(
                block,
                (name,),
                "deprecated",
                f"{name!r} is deprecated: {provider.name} {provider.deprecated_by} removes it",
            )


def check_block(block: Block, schemas: dict[str, ProviderSchema]) -> Iterator[Violation]:
    """Schema findings for one resource or data block (nothing for providers without schema)."""
    provider = provider_of(block.type)
    if provider is None or provider not in schemas:
        return
    if "google-beta" in str(block.body.get("provider", "")):
        return  # beta-only arguments are not in the GA schema
    types = schemas[provider].types(block.kind)
    schema = types.get(block.type)
    if schema is None:
        what = "resource type" if block.kind == "resource" else "data source"
        yield _violation(
            block,
            (),
            "unknown-type",
            f"{provider} {schemas[provider].version} has no {what} {block.type!r}",
        )
        return
    yield from _check_body(block, schema, block.body, (), True)
    yield from _deprecated(block, schemas[provider])


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def check_references(module: Module, schemas: dict[str, ProviderSchema]) -> Iterator[Violation]:
    """References to attributes a declared resource or data source does not have."""
    declared = {
        (b.kind, b.type, b.name): b for b in module.blocks if b.kind in ("resource", "data")
    }
    for block in module.blocks:
        seen: set[str] = set()
        for text in _strings(block.body):
            for match in REFERENCE.finditer(text):
                is_data, type_, name, _, attr = match.groups()
                kind = "data" if is_data else "resource"
                target = declared.get((kind, type_, name))
                provider = provider_of(type_)
                if target is None or provider not in schemas or match.group(0) in seen:
                    continue
                seen.add(match.group(0))
                schema = schemas[provider].types(kind).get(type_)
                if schema is None:
                    continue
                known = set(schema["args"]) | set(schema["blocks"]) | set(schema["attrs"])
                if attr not in known | ALWAYS:
                    ref = match.group(0)
                    yield Violation(
                        block.file,
                        block.line_containing(ref),
                        block.address,
                        ref,
                        "unknown-attribute",
                        f"{type_} has no attribute {attr!r}",
                    )


MODULE_META = frozenset({"source", "version", "providers", "count", "for_each", "depends_on"})
MODULE_REF = re.compile(r"(?<![\w.])module\.([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)")
VAR_REF = re.compile(r"(?<![\w.])var\.([A-Za-z_][\w-]*)")
LOCAL_REF = re.compile(r"(?<![\w.])local\.([A-Za-z_][\w-]*)")


def _local_target(modules: list[Module], module: Module, call: Block) -> Module | None:
    import posixpath

    source = str(call.body.get("source", ""))
    if not source.startswith((".", "/")):
        return None
    target = posixpath.normpath(posixpath.join(module.path, source))
    return next((m for m in modules if posixpath.normpath(m.path) == target), None)


def check_module_interfaces(modules: list[Module]) -> Iterator[Violation]:
    """What `terraform validate` checks across modules: `var.X` and `local.X` declared, module
    inputs declared by the called module and its required ones passed, `module.M.O` naming a
    call of this module and an output of the module it calls (local sources only)."""
    for module in modules:
        variables = {v.name: v for v in module.of_kind("variable")}
        local_names = {
            k for b in module.of_kind("locals") for k in b.body if not k.startswith("__")
        }
        calls = {c.name: (c, _local_target(modules, module, c)) for c in module.of_kind("module")}
        for block in module.blocks:
            if block.kind == "variable":
                continue
            seen: set[str] = set()
            undeclared = (
                (VAR_REF, "var", variables.keys(), "undeclared-variable", "variable"),
                (LOCAL_REF, "local", local_names, "undeclared-local", "local value"),
            )
            for text in _strings(block.body):
                for pattern, prefix, known, check, what in undeclared:
                    for name in pattern.findall(text):
                        ref = f"{prefix}.{name}"
                        if name not in known and ref not in seen:
                            seen.add(ref)
                            yield _located(block, ref, check, f"no {what} {name!r} in this module")
                for name, output in MODULE_REF.findall(text):
                    ref = f"module.{name}.{output}"
                    if ref in seen:
                        continue
                    seen.add(ref)
                    if name not in calls:
                        yield _located(
                            block, ref, "unknown-module", f"no module block {name!r} here"
                        )
                        continue
                    target = calls[name][1]
                    if target is not None and output not in {
                        o.name for o in target.of_kind("output")
                    }:
                        yield _located(
                            block,
                            ref,
                            "unknown-module-output",
                            f"{target.path} has no output {output!r}",
                        )
        for call, target in calls.values():
            if target is None:
                continue
            declared = {v.name: v for v in target.of_kind("variable")}
            for key in call.body:
                if key.startswith("__") or key in MODULE_META or key in declared:
                    continue
                yield _violation(
                    call, (key,), "unknown-module-input", f"{target.path} has no variable {key!r}"
                )
            for name, variable in declared.items():
                if "default" not in variable.body and name not in call.body:
                    yield _violation(
                        call,
                        (),
                        "missing-module-input",
                        f"required input {name!r} of {target.path} not passed",
                    )


def _located(block: Block, ref: str, check: str, message: str) -> Violation:
    return Violation(block.file, block.line_containing(ref), block.address, ref, check, message)

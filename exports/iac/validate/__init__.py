"""Offline validation of a folder of Terraform against the pinned providers' schemas.

`validate_folder(path, schema_folder)` reads every .tf file under `path` (each directory a
module), checks each resource and data block against the derived schema of its provider
(`checks`), then the provider-behaviour rules that a schema cannot express (`rules`). It
returns the findings; the CLI (`archkb validate-iac`) prints them. The schemas come from
`fetch` (a set-up step); see docs/iac-validation.md.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .checks import (
    Violation,
    check_block,
    check_module_interfaces,
    check_references,
    provider_of,
)
from .config import ConfigError, Module, read_folder
from .rules import RULES
from .schema import ProviderSchema, SchemaMissing, load_schema, load_schemas, schema_dir

__all__ = [
    "ConfigError",
    "Report",
    "SchemaMissing",
    "Violation",
    "load_schemas",
    "schema_dir",
    "validate_folder",
    "validate_modules",
]


@dataclass
class Report:
    """What was checked and what was found."""

    files: int = 0
    checked: Counter[str] = field(default_factory=Counter)
    """Blocks checked against a schema, per provider."""
    unchecked: Counter[str] = field(default_factory=Counter)
    """Resource/data blocks of providers without a schema here (archive, time, …), per prefix."""
    violations: list[Violation] = field(default_factory=list)


def validate_modules(modules: list[Module], schemas: dict[str, ProviderSchema]) -> Report:
    """Schema checks and behaviour rules over already-read modules."""
    report = Report(files=sum(len(m.files) for m in modules))
    for module in modules:
        for block in module.blocks:
            if block.kind not in ("resource", "data"):
                continue
            provider = provider_of(block.type)
            if provider in schemas:
                report.checked[provider] += 1
                report.violations += check_block(block, schemas)
            else:
                report.unchecked[block.type.split("_")[0]] += 1
        report.violations += check_references(module, schemas)
    report.violations += check_module_interfaces(modules)
    for rule in RULES.values():
        report.violations += rule(modules)
    report.violations.sort(key=lambda v: (v.file, v.line, v.check, v.argument))
    return report


def validate_folder(path: Path, schema_folder: Path | None = None) -> Report:
    """Validate every .tf file under `path`.

    Raises:
        ConfigError: when `path` has no .tf file or one does not parse.
        SchemaMissing: when the provider schemas have not been set up.
    """
    modules = read_folder(path)
    used = {
        provider_of(b.type) for m in modules for b in m.blocks if b.kind in ("resource", "data")
    }
    folder = schema_folder or schema_dir()
    schemas = {name: load_schema(folder, name) for name in sorted(n for n in used if n)}
    return validate_modules(modules, schemas)

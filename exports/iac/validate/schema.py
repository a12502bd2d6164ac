"""Where the derived provider schemas live, which package each comes from, and loading them."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archkb.engine.store import cache_dir

SOURCES_FILE = Path(__file__).with_name("sources.json")
SCHEMA_DIR_ENV = "ARCHKB_TFSCHEMA_DIR"
PREFIXES = {"aws": "aws_", "azurerm": "azurerm_", "google": "google_"}
"""Provider name → the prefix of its resource types."""


class SchemaMissing(RuntimeError):
    """The derived schema of a provider is not there: set-up has not run."""


@dataclass(frozen=True)
class ProviderSchema:
    name: str
    version: str
    package: str
    resources: dict[str, Any]
    data: dict[str, Any]
    deprecated: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    deprecated_by: str = ""
    """The provider version whose absence of an argument marks it deprecated here."""

    def types(self, kind: str) -> dict[str, Any]:
        return self.resources if kind == "resource" else self.data


def sources() -> dict[str, dict[str, Any]]:
    """Provider → {package, version, provider, provider_version, next_major?} (sources.json)."""
    data: dict[str, dict[str, Any]] = json.loads(SOURCES_FILE.read_text())
    return {k: v for k, v in data.items() if not k.startswith("_")}


def schema_dir() -> Path:
    """`$ARCHKB_TFSCHEMA_DIR`, else `<archkb cache>/tfschema`."""
    if os.environ.get(SCHEMA_DIR_ENV):
        return Path(os.environ[SCHEMA_DIR_ENV])
    return cache_dir() / "tfschema"


def schema_file(folder: Path, provider: str) -> Path:
    source = sources()[provider]
    return folder / f"{provider}-{source['provider_version']}-{source['version']}.json"


def load_schema(folder: Path, provider: str) -> ProviderSchema:
    """The derived schema of `provider` at the pinned version, from `folder`.

    Raises:
        SchemaMissing: when set-up has not written it (the message says how to).
    """
    path = schema_file(folder, provider)
    if not path.exists():
        raise SchemaMissing(
            f"no {provider} schema at {path}: run `python -m archkb.exports.iac.validate.fetch "
            f"--out {folder}` (pip downloads the pinned bindings), or pass --schemas with the "
            "folder `make tfschema` wrote (build/tfschema in a checkout)"
        )
    data = json.loads(path.read_text())
    return ProviderSchema(
        provider,
        data["provider_version"],
        f"{data['package']}=={data['version']}",
        data["resources"],
        data["data"],
        data.get("deprecated", {}),
        data.get("deprecated_by", ""),
    )


def load_schemas(folder: Path) -> dict[str, ProviderSchema]:
    """Every pinned provider's schema (see `load_schema`)."""
    return {name: load_schema(folder, name) for name in sources()}

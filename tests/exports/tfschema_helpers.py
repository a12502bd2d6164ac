"""Where the derived provider schemas are for the tests, and small Terraform folders to check.

`make tfschema` writes them into build/tfschema (found through ARCHKB_TFSCHEMA_DIR); a test that
needs them fails (not skips) when they are missing, like the validators of iac_helpers.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from archkb.exports.iac.validate.schema import ProviderSchema, load_schemas, schema_file, sources

REPO = Path(__file__).resolve().parents[2]


def tfschema_dir() -> Path:
    path = Path(os.environ.get("ARCHKB_TFSCHEMA_DIR", REPO / "build" / "tfschema"))
    missing = [p for p in sources() if not schema_file(path, p).exists()]
    assert not missing, f"provider schemas {missing} missing in {path}: run `make tfschema`"
    return path


@functools.cache
def schemas() -> dict[str, ProviderSchema]:
    """Every pinned provider's schema, loaded once per test session."""
    return load_schemas(tfschema_dir())


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write {relative path: text} under `root`; returns `root`."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root

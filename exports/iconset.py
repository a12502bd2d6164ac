"""Which picture draws a node: the `diagrams` package's provider icon when the KB names one,
else archkb's own icon for the capability category (exports/icons, see PROVENANCE.md).

Every node gets a real file, so no renderer draws a placeholder box.
"""

from __future__ import annotations

import importlib
import os
import re
from pathlib import Path
from typing import Any

ICON_DIR = Path(__file__).resolve().parent / "icons"
GENERIC = "generic"
_ICON_PATH = re.compile(r"^diagrams(\.[a-z][a-z0-9_]*){2}\.[A-Z][A-Za-z0-9_]*$")


def icon_class(path: str | None) -> Any:
    """The diagrams Node class at `path`, or None. Only `diagrams.<provider>.<group>.<Class>`
    paths are imported: the path comes from (possibly user-supplied) KB data."""
    if not path or not _ICON_PATH.match(path):
        return None
    import diagrams

    module_name, _, name = path.rpartition(".")
    try:
        cls = getattr(importlib.import_module(module_name), name, None)
    except ImportError:
        return None
    is_icon = (
        isinstance(cls, type) and issubclass(cls, diagrams.Node) and getattr(cls, "_icon", None)
    )
    return cls if is_icon else None


def diagrams_root() -> str:
    """The folder holding the `diagrams` package (its icons are `resources/…` under it)."""
    import diagrams

    return os.path.dirname(os.path.dirname(os.path.abspath(str(diagrams.__file__))))


def own_icon(category: str) -> Path:
    """archkb's icon for a capability category (generic when it has none)."""
    path = ICON_DIR / f"{category}.png"
    return path if category and path.is_file() else ICON_DIR / f"{GENERIC}.png"


def icon_file(icon: str | None, category: str) -> tuple[Path, bool]:
    """The PNG that draws a node, and whether it is one of archkb's own icons."""
    cls = icon_class(icon)
    if cls is not None:
        return Path(diagrams_root(), cls._icon_dir, cls._icon), False
    return own_icon(category), True

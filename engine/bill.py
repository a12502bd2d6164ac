"""Read what `archkb map FILE` maps: a list of service names, or Terraform (a file or a folder).

Terraform goes to the reader in `engine.terraform` (resilient: unreadable files become rows).
A name list is read here, bounded: a regular file, a size cap, UTF-8.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .terraform.inventory import Inventory, Progress

MAX_INPUT_BYTES = 5 * 1024 * 1024
TERRAFORM_SUFFIXES = (".tf", ".tf.json", ".tofu", ".tofu.json")


class BillInputError(ValueError):
    """Unreadable or invalid input; the message names the file (and line when known)."""


@dataclass(frozen=True)
class Bill:
    """What to map: service names (`kind == "list"`) or a Terraform inventory."""

    kind: str
    names: list[str]
    inventory: Inventory | None = None


def is_terraform_path(path: Path) -> bool:
    return path.is_dir() or path.name.endswith(TERRAFORM_SUFFIXES)


def _read_regular(path: Path) -> str:
    if not path.exists():
        raise BillInputError(f"{path}: no such file")
    if not path.is_file():
        raise BillInputError(f"{path}: not a regular file")
    size = path.stat().st_size
    if size > MAX_INPUT_BYTES:
        raise BillInputError(f"{path}: {size:,} bytes; the limit is {MAX_INPUT_BYTES:,}")
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BillInputError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise BillInputError(f"{path}: cannot read ({exc.strerror})") from None


def items_from_list(text: str) -> list[str]:
    """One service name per line; blank lines and `#` comments are skipped."""
    return [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


def looks_like_terraform(text: str) -> bool:
    stripped = text.lstrip()
    return stripped.startswith("{") or any(
        line.lstrip().startswith(("resource ", "module ", "data ", "terraform ", "provider "))
        for line in text.splitlines()
    )


def read_bill(
    path: Path | None,
    stdin_text: str | None = None,
    progress: Progress | None = None,
    detail: frozenset[str] | None = None,
) -> Bill:
    """Names or a Terraform inventory from a file, a folder, or stdin (`path` None); `detail`
    as for `read_inventory`."""
    from .terraform import InventoryInputError, inventory_from_text, read_inventory

    if path is None:
        text = stdin_text or ""
        if looks_like_terraform(text):
            inventory = inventory_from_text(text)
            return Bill("terraform", [], _nonempty_inventory(inventory, "<stdin>"))
        return Bill("list", _nonempty(items_from_list(text), "<stdin>"))
    if is_terraform_path(path):
        try:
            inventory = read_inventory(path, progress, detail)
        except InventoryInputError as exc:
            raise BillInputError(str(exc)) from None
        return Bill("terraform", [], _nonempty_inventory(inventory, str(path)))
    return Bill("list", _nonempty(items_from_list(_read_regular(path)), str(path)))


def _nonempty(items: list[str], name: str) -> list[str]:
    if not items:
        raise BillInputError(f"{name}: nothing to map (no service names)")
    return items


def _nonempty_inventory(inventory: Inventory, name: str) -> Inventory:
    if not inventory.items:
        raise BillInputError(f"{name}: nothing to map (no resource, data or module blocks)")
    if all(item.kind == "unparsed" for item in inventory.items):
        # Unreadable files are rows when the rest maps; when nothing could be read, say why.
        shown = "; ".join(f"{i.file}:{i.line}: {i.message}" for i in inventory.items[:5])
        more = f" (and {len(inventory.items) - 5} more)" if len(inventory.items) > 5 else ""
        raise BillInputError(f"{name}: nothing could be read: {shown}{more}")
    return inventory

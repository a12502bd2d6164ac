"""Read what `archkb map --from P --to Q FILE` maps: a list of service names or Terraform.

Inputs may come from unknown repositories, so reading is bounded: regular files only, no
symlinks leading outside the given folder, a size cap per file and a file-count cap.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MAX_INPUT_BYTES = 5 * 1024 * 1024
MAX_TF_FILES = 500


class BillInputError(ValueError):
    """Unreadable or invalid input; the message names the file (and line when known)."""


@dataclass(frozen=True)
class BillItem:
    """One thing to map: a service name (from a list) or a Terraform resource."""

    label: str
    resource_type: str | None = None


def _read_regular(path: Path, root: Path | None = None) -> str:
    if path.is_symlink():
        target = path.resolve()
        if root is not None and not target.is_relative_to(root.resolve()):
            raise BillInputError(f"{path}: symlink points outside {root}; refusing to follow it")
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


def items_from_list(text: str) -> list[BillItem]:
    """One service name per line; blank lines and `#` comments are skipped."""
    items = [
        BillItem(line.strip())
        for line in text.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    return items


def items_from_terraform(text: str, name: str) -> list[BillItem]:
    """Every `resource "TYPE" "NAME"` block of one .tf file, as `TYPE.NAME` items."""
    import hcl2

    try:
        data = hcl2.loads(text)
    except Exception as exc:  # python-hcl2 raises lark errors of several kinds
        line = getattr(exc, "line", None)
        where = f"{name}:{line}" if isinstance(line, int) and line > 0 else name
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BillInputError(f"{where}: invalid HCL ({first[:200]})") from None
    items = []
    for block in data.get("resource", []) or []:
        for resource_type, instances in block.items():
            clean_type = resource_type.strip('"')
            for resource_name in instances:
                items.append(BillItem(f"{clean_type}.{resource_name.strip(chr(34))}", clean_type))
    return items


def read_bill(path: Path | None, stdin_text: str | None = None) -> tuple[list[BillItem], str]:
    """Items to map from a file, a folder of .tf files, or stdin (`path` None).

    Returns:
        The items and the input kind: `list` or `terraform`.
    """
    if path is None:
        text = stdin_text or ""
        if "resource" in text and "{" in text:
            return items_from_terraform(text, "<stdin>"), "terraform"
        return _nonempty(items_from_list(text), "<stdin>"), "list"
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.tf") if ".terraform" not in p.parts)
        if not files:
            raise BillInputError(f"{path}: no .tf files in this folder")
        if len(files) > MAX_TF_FILES:
            raise BillInputError(f"{path}: more than {MAX_TF_FILES} .tf files")
        items = []
        for file in files:
            items.extend(items_from_terraform(_read_regular(file, path), str(file)))
        return _nonempty(items, str(path)), "terraform"
    text = _read_regular(path)
    if path.suffix == ".tf":
        return _nonempty(items_from_terraform(text, str(path)), str(path)), "terraform"
    return _nonempty(items_from_list(text), str(path)), "list"


def _nonempty(items: list[BillItem], name: str) -> list[BillItem]:
    if not items:
        raise BillInputError(f"{name}: nothing to map (no service names or resource blocks)")
    return items

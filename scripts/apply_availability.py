"""Write checked regional availability into the KB's service files.

    python scripts/apply_availability.py FINDINGS.yaml [...]

Each findings file is a YAML list of entries like

    - id: gcp-cloud-run
      scope: regional            # or global
      basis: region-list         # region-list | endpoints | price-meters | service-docs
      checked: 2026-05-07        # date of the source data
      source: https://cloud.google.com/run/docs/locations
      note: optional, our own words
      unavailable_in: [europe-north2]   # in-scope codes only (European eu/uk/ch and US regions)
      available_in: null                # or the in-scope codes of a region-limited service

Only the in-scope regions are rewritten: codes of other regions already in a record are kept, so
an `available_in` list keeps its Asian or South American entries. The files are edited as text
(comments and layout survive); the KB is validated afterwards with `archkb validate`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
IN_SCOPE_JURISDICTIONS = {"eu", "uk", "ch", "us"}


def in_scope_regions() -> dict[str, set[str]]:
    """Provider → codes of its European and US regions, read from kb/regions."""
    scope: dict[str, set[str]] = {}
    for path in sorted((ROOT / "kb" / "regions").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text())
        provider = doc["defaults"]["provider"]
        for region in doc["records"]:
            if IN_SCOPE_JURISDICTIONS & set(region["jurisdictions"]):
                scope.setdefault(provider, set()).add(region["code"])
    return scope


def flow_list(codes: list[str]) -> str:
    return "[" + ", ".join(codes) + "]"


def record_span(lines: list[str], service_id: str) -> tuple[int, int] | None:
    """First and one-past-last line of the record `- id: service_id`."""
    start = next((i for i, ln in enumerate(lines) if ln.strip() == f"- id: {service_id}"), None)
    if start is None:
        return None
    end = start + 1
    while end < len(lines) and not lines[end].lstrip().startswith("- id: "):
        end += 1
    return start, end


def regional_lists(
    current: dict[str, Any], entry: dict[str, Any], scope: set[str]
) -> tuple[list[str] | None, list[str]]:
    """The record's new (available_in, unavailable_in).

    The record keeps its form: an `available_in` list stays one (its out-of-scope codes kept, its
    in-scope codes replaced); a record without one gets `unavailable_in`, even when the finding
    names the few regions where the service *is* offered, so nothing is claimed about regions
    outside the checked scope.
    """
    if entry["scope"] == "global":
        return None, []
    offered = entry.get("available_in")
    gaps = (
        sorted(scope - set(offered)) if offered is not None else entry.get("unavailable_in") or []
    )
    if current.get("available_in") is not None:
        kept = [c for c in current["available_in"] if c not in scope]
        return sorted(scope - set(gaps)) + kept, []
    kept = [c for c in current.get("unavailable_in") or [] if c not in scope]
    return None, sorted(set(gaps)) + kept


def rewrite(block: list[str], entry: dict[str, Any], scope: set[str]) -> list[str]:
    indent = block[0][: len(block[0]) - len(block[0].lstrip())] + "  "
    current: dict[str, Any] = yaml.safe_load("".join(block))[0]
    body = [
        ln
        for ln in block
        if not ln.startswith(f"{indent}unavailable_in:")
        and not ln.startswith(f"{indent}available_in:")
    ]
    # drop an existing availability block: its key line and the deeper-indented lines under it
    out: list[str] = []
    inside = False
    for ln in body:
        if ln.startswith(f"{indent}availability:"):
            inside = True
            continue
        if inside and ln.startswith(indent + "  "):
            continue
        inside = False
        out.append(ln)
    available, unavailable = regional_lists(current, entry, scope)
    added: list[str] = []
    if available is not None:
        added.append(f"{indent}available_in: {flow_list(available)}\n")
    elif unavailable:
        added.append(f"{indent}unavailable_in: {flow_list(unavailable)}\n")
    added.append(f"{indent}availability:\n")
    for key in ("scope", "basis", "checked", "source"):
        added.append(f"{indent}  {key}: {entry[key]}\n")
    if entry.get("note"):
        added.append(
            f"{indent}  note: {yaml.safe_dump(entry['note'], width=10_000).splitlines()[0]}\n"
        )
    at = next(i for i, ln in enumerate(out) if ln.startswith(f"{indent}sources:"))
    return out[:at] + added + out[at:]


def apply(entries: list[dict[str, Any]]) -> list[str]:
    scope = in_scope_regions()
    missing = []
    files = sorted((ROOT / "kb" / "services").glob("*/*.yaml"))
    texts = {path: path.read_text().splitlines(keepends=True) for path in files}
    for entry in entries:
        provider = entry["id"].split("-", 1)[0]
        for lines in texts.values():
            span = record_span(lines, entry["id"])
            if span:
                start, end = span
                lines[start:end] = rewrite(lines[start:end], entry, scope[provider])
                break
        else:
            missing.append(entry["id"])
    for path, lines in texts.items():
        text = "".join(lines)
        if text != path.read_text():
            path.write_text(text)
    return missing


def main(argv: list[str]) -> int:
    entries: list[dict[str, Any]] = []
    for name in argv:
        entries += yaml.safe_load(Path(name).read_text())
    missing = apply(entries)
    for service_id in missing:
        print(f"not found: {service_id}", file=sys.stderr)
    return 2 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""`archkb map FILE`: a bill of service names or existing Terraform → a migration table."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .common import CliProblem, console, provider_list

if TYPE_CHECKING:
    from archkb.engine.kb import KnowledgeBase
    from archkb.engine.migration import MigrationRow, MigrationTable
    from archkb.engine.results import ResolvedArchitecture

_HIDDEN = ("folded", "glue")


def map_bill(
    kb: KnowledgeBase, path_text: str, source: str | None, to: str | None
) -> MigrationTable:
    """Read the bill, settle the source and target providers, map."""
    from archkb.engine.bill import BillInputError, read_bill
    from archkb.engine.migration import (
        ProviderChoiceError,
        map_inventory,
        map_names,
        settle_providers,
    )
    from archkb.engine.terraform.owners import rule_types

    if source is not None and source not in kb.providers:
        raise CliProblem(
            f"--from: unknown provider {source!r} (known: {', '.join(sorted(kb.providers))})"
        )
    requested = provider_list(kb, to, "--to") if to else None
    if source is not None and requested and source in requested:
        raise CliProblem(f"--from {source} --to {source}: the source cannot be a target")
    try:
        if path_text == "-":
            bill = read_bill(None, sys.stdin.read())
        else:
            bill = read_bill(Path(path_text), progress=_progress(), detail=rule_types(kb))
    except BillInputError as exc:
        raise CliProblem(str(exc)) from None
    finally:
        _end_progress()
    if bill.inventory is None:
        if source is None:
            raise CliProblem("--from: a list of service names needs its source provider")
        return map_names(kb, bill.names, source, _targets(kb, source, requested))
    try:
        source, targets = settle_providers(kb, bill.inventory, source, requested, path_text)
    except ProviderChoiceError as exc:
        raise CliProblem(str(exc)) from None
    return map_inventory(kb, bill.inventory, source, targets)


def _targets(kb: KnowledgeBase, source: str, requested: list[str] | None) -> list[str]:
    return requested or [p for p in sorted(kb.providers) if p != source]


_PROGRESS_SHOWN = [False]


def _progress() -> Callable[[int, int], None] | None:
    if not sys.stderr.isatty():
        return None

    def report(done: int, total: int) -> None:
        if total >= 200 and (done % 50 == 0 or done == total):
            _PROGRESS_SHOWN[0] = True
            sys.stderr.write(f"\rreading Terraform: {done}/{total} files")
            sys.stderr.flush()

    return report


def _end_progress() -> None:
    if _PROGRESS_SHOWN[0]:
        sys.stderr.write("\r\033[K")
        _PROGRESS_SHOWN[0] = False


def emit_table(table: MigrationTable, fmt: str, show_all: bool) -> None:
    """Rows (folded and glue only with --all), the by-service rollup, then the summary."""
    from archkb.engine.migration import table_json

    from .tables import emit_rows

    if fmt == "json":
        _print_rows_json(table_json(table))
        return
    targets = table.target_providers
    rows = [r for r in table.rows if show_all or r.status not in _HIDDEN]
    headers = ["item", "where", "source service", *(f"→ {p}" for p in targets), "status", "note"]
    cells = [
        [
            r.item,
            f"{r.file}:{r.line}" if r.file else "",
            r.source.name if r.source else "—",
            *(_target_cell(r, p) for p in targets),
            r.status,
            _note(r, targets),
        ]
        for r in rows
    ]
    arrow = ", ".join(targets)
    emit_rows(fmt, headers, cells, title=f"{table.source_provider} → {arrow}")
    if fmt in ("table", "md") and table.by_service:
        rollup_headers = ["source service", "resources", "folded", *(f"→ {p}" for p in targets)]
        rollup = [
            [
                s.source.name,
                str(s.rows),
                str(s.folded),
                *(
                    f"{m.target.name} ({m.status})" if m.target else m.status
                    for m in (s.targets[p] for p in targets)
                ),
            ]
            for s in table.by_service
        ]
        if fmt == "md":
            sys.stdout.write("\n")
        emit_rows(fmt, rollup_headers, rollup, title="by service")
    line = _summary_line(table, show_all)
    if fmt == "table":
        console().print(line, soft_wrap=True)
    else:
        click.echo(line, err=True)


def _print_rows_json(data: dict[str, Any]) -> None:
    """Indented at the top, one compact line per row: the C encoder does the rows (Python's
    indenting encoder took longer than reading 1,000 files)."""
    import json

    parts = []
    for key, value in data.items():
        if isinstance(value, list) and value:
            items = ",\n".join("    " + json.dumps(v, ensure_ascii=False) for v in value)
            parts.append(f'  "{key}": [\n{items}\n  ]')
        else:
            parts.append(f'  "{key}": ' + json.dumps(value, ensure_ascii=False))
    sys.stdout.write("{\n" + ",\n".join(parts) + "\n}\n")


def _target_cell(row: MigrationRow, provider: str) -> str:
    mapping = row.targets.get(provider)
    if mapping is None:
        return ""
    if mapping.target is None:
        return "no equivalent"
    return (
        mapping.target.name
        if len(row.targets) == 1
        else f"{mapping.target.name} ({mapping.status})"
    )


def _note(row: MigrationRow, targets: list[str]) -> str:
    parts = [row.note] if row.note else []
    if len(targets) == 1 and (mapping := row.targets.get(targets[0])) and mapping.note:
        parts.append(mapping.note)
    return "; ".join(parts)


def _summary_line(table: MigrationTable, show_all: bool) -> str:
    s = table.summary
    coverage = f"{s['coverage']:.0%}" if isinstance(s["coverage"], float) else "n/a"
    hidden = "" if show_all or table.input == "list" else " (folded and glue rows: --all)"
    files = f" from {s['files']} file(s)" if table.input == "terraform" else ""
    return (
        f"{s['total']} item(s){files}: {s['exact']} exact, {s['partial']} partial, "
        f"{s['no_equivalent']} no equivalent, {s['unknown']} unknown, {s['folded']} folded, "
        f"{s['glue']} glue, {s['unparsed']} unparsed; coverage {coverage}{hidden}"
    )


def existing_design(kb: KnowledgeBase, path_text: str, to: str | None) -> ResolvedArchitecture:
    """`export diagram --from-terraform DIR [--to P]`: what the code deploys, or its mapping."""
    from archkb.engine.bill import BillInputError, is_terraform_path, read_bill
    from archkb.engine.migration import ProviderChoiceError, map_inventory, settle_providers
    from archkb.engine.terraform.architecture import existing_architecture
    from archkb.engine.terraform.owners import rule_types

    targets = provider_list(kb, to, "--to") if to else None
    if targets is not None and len(targets) != 1:
        raise CliProblem("--to: give one target provider for a diagram")
    path = Path(path_text)
    if path.exists() and not is_terraform_path(path):
        raise CliProblem(f"{path_text}: not Terraform (a folder, .tf, .tf.json or .tofu file)")
    try:
        bill = read_bill(path, progress=_progress(), detail=rule_types(kb))
        assert bill.inventory is not None
        source, mapped = settle_providers(kb, bill.inventory, None, targets, path_text)
        table = map_inventory(kb, bill.inventory, source, mapped[:1])
        return existing_architecture(kb, bill.inventory, table, targets[0] if targets else None)
    except (BillInputError, ProviderChoiceError, ValueError) as exc:
        raise CliProblem(str(exc) if path_text in str(exc) else f"{path_text}: {exc}") from None
    finally:
        _end_progress()

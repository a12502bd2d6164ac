"""CLI wrappers around `archkb.writer`: write problems become exit 2."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from archkb.writer import WriteProblem, write_file, write_tree

from .common import CliProblem


def write_text(path: Path, data: bytes | str, *, force: bool) -> None:
    try:
        write_file(path, data, force=force)
    except WriteProblem as exc:
        raise CliProblem(str(exc)) from None


def write_folder(path: Path, files: Mapping[str, bytes | str], *, force: bool) -> list[Path]:
    try:
        return write_tree(path, files, force=force)
    except WriteProblem as exc:
        raise CliProblem(str(exc)) from None

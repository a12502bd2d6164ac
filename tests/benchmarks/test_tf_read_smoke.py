"""benchmarks/tf_read.py writes a tree the reader takes whole: every block read, modules
followed, nothing unparsed (so the benchmark measures real work, not error paths)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from archkb.engine.terraform import read_inventory

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "tf_read.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("archkb_bench_tf_read", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_synthetic_tree_reads_cleanly(tmp_path: Path) -> None:
    bench = _script()
    root = bench.synth_tree(21, tmp_path)
    files = bench.tf_files(root)
    assert len(files) == 21
    inventory = read_inventory(root)
    assert inventory.files == 21
    assert not [i for i in inventory.items if i.kind == "unparsed"]
    resources = [i for i in inventory.items if i.kind == "resource"]
    assert len(resources) == 20 * 6
    assert all(r.module.startswith("module.m") for r in resources)
    seconds, errors, cpu = bench.parse_tree_sitter(files)
    assert errors == 0 and seconds >= 0 and cpu >= 0

"""The benchmark's synthetic KB generator: a 2× KB is valid, deterministic and usable.

Correctness only: the benchmark (`make bench`) measures time; these tests never do.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.engine.kinds import KINDS
from archkb.engine.load import builtin_kb_root, kb_files, load_records
from archkb.engine.needs import parse_needs
from archkb.engine.recommend import recommend
from archkb.engine.search import resolve_name
from archkb.engine.store import fingerprint, read_store, write_store

SYNTH = Path(__file__).resolve().parents[2] / "benchmarks" / "synth.py"


@pytest.fixture(scope="module")
def synth() -> ModuleType:
    """benchmarks/synth.py, imported by path (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("archkb_bench_synth", SYNTH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def root(synth: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "kb-2x"
    synth.generate(out, 2, seed=7)
    return out


@pytest.fixture(scope="module")
def synthetic(root: Path) -> KnowledgeBase:
    """The 2× KB loaded on its own, through the full YAML path (schema + integrity checks)."""
    return KnowledgeBase.from_records(load_records([root]))


def test_counts_double_the_copied_kinds(synthetic: KnowledgeBase, kb: KnowledgeBase) -> None:
    for kind in ("service", "region", "pattern", "blueprint", "tool"):
        assert len(synthetic.table(kind)) == 2 * len(kb.table(kind)), kind
    for kind in ("provider", "jurisdiction", "category", "capability", "need"):
        assert len(synthetic.table(kind)) == len(kb.table(kind)), kind


def test_copy_zero_is_the_builtin_kb(synthetic: KnowledgeBase, kb: KnowledgeBase) -> None:
    for kind in KINDS:
        for record_id, record in kb.table(kind).items():
            assert synthetic.table(kind)[record_id] == record, f"{kind}/{record_id}"


def test_recommend_returns_results(synthetic: KnowledgeBase) -> None:
    result = recommend(synthetic, parse_needs(synthetic, "serverless,eu"), None, 3)
    assert len(result.recommendations) == 3
    for rec in result.recommendations:
        for arch in rec.providers.values():
            assert arch.components and all(r.code for r in arch.regions)
    assert resolve_name(synthetic, "AWS Lambda", ("service",)).key == "service/aws-lambda"


def test_graph_edges_grow_with_the_copies(synthetic: KnowledgeBase, kb: KnowledgeBase) -> None:
    assert synthetic.graph.number_of_edges() > 1.8 * kb.graph.number_of_edges()


def test_same_seed_same_files(synth: ModuleType, root: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    synth.generate(again, 2, seed=7)
    first, second = kb_files(root), kb_files(again)
    assert [p.relative_to(root) for p in first] == [p.relative_to(again) for p in second]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(first, second, strict=True))
    assert fingerprint([root]) == fingerprint([again])


def test_existing_kb_is_reused_and_foreign_folders_are_refused(
    synth: ModuleType, root: Path, tmp_path: Path
) -> None:
    assert synth.generate(root, 2, seed=7)["reused"] is True
    foreign = tmp_path / "not-synthetic"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError):
        synth.generate(foreign, 2)
    assert (foreign / "notes.txt").read_text() == "keep me"


def test_compiled_store_round_trips(synthetic: KnowledgeBase, root: Path, tmp_path: Path) -> None:
    synthetic.fingerprint = fingerprint([root])
    path = tmp_path / "kb.sqlite"
    write_store(synthetic, path)
    loaded = read_store(path, synthetic.fingerprint)
    for kind in KINDS:
        assert list(loaded.table(kind)) == list(synthetic.table(kind)), kind
        assert loaded.table(kind) == synthetic.table(kind), kind
    assert loaded.origins == synthetic.origins


def test_builtin_root_is_untouched(root: Path) -> None:
    assert root.resolve() != builtin_kb_root().resolve()
    assert (root / "_synth.json").is_file()  # the manifest is beside, not inside, the KB
    assert all(not p.name.startswith("_") for p in kb_files(root))

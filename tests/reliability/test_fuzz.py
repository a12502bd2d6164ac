"""Property tests: the loader and the name resolver never raise anything but their own errors."""

from __future__ import annotations

from pathlib import Path

from archkb.engine.errors import KbLoadError
from archkb.engine.load import builtin_kb_root, read_records
from archkb.engine.search import resolve_name, search_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.builtin_kb import builtin_kb

KB = builtin_kb()
SAMPLES = [
    builtin_kb_root() / "patterns" / "circuit-breaker.yaml",
    builtin_kb_root() / "tools" / "kubernetes.yaml",
    builtin_kb_root() / "needs" / "residency.yaml",
    builtin_kb_root() / "blueprints" / "serverless-rest-api.yaml",
]
ORIGINALS = {p: p.read_bytes() for p in SAMPLES}


def mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    out = bytearray(data)
    for position, delete, insert in edits:
        at = position % (len(out) + 1)
        out[at : at + delete] = insert
    return bytes(out)


EDITS = st.lists(
    st.tuples(
        st.integers(0, 10_000),
        st.integers(0, 8),
        st.sampled_from(
            [
                b"",
                b":",
                b"- ",
                b"\t",
                b"&a ",
                b"*a",
                b"!!python/object:os.system ",
                b"\n  ",
                b"[",
                b"}",
                b"\xff",
                b"id: x\n",
                b"'",
                b"#",
                b"\x00",
            ]
        ),
    ),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sampled_from(SAMPLES), EDITS)
def test_mutated_kb_files_load_or_report_located_errors(
    tmp_path_factory: object, sample: Path, edits: list[tuple[int, int, bytes]]
) -> None:
    root = Path(tmp_path_factory.mktemp("mut"))  # type: ignore[attr-defined]
    target = root / sample.parent.name / sample.name
    target.parent.mkdir(parents=True)
    target.write_bytes(mutate(ORIGINALS[sample], edits))
    try:
        read_records([root])
    except KbLoadError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file.endswith(sample.name)
            assert problem.line is None or problem.line >= 1
            assert problem.message


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_name_resolution_and_search_never_raise(text: str) -> None:
    found = resolve_name(KB, text)
    assert found.key is None or found.key in {f"{k}/{r.id}" for k, r in KB.records()}
    for hit in search_text(KB, text, limit=5):
        assert hit.key

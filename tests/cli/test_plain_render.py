"""`archkb.cli.plain` prints, without rich, exactly what rich prints when stdout is not a
terminal — for the real recommendations at several widths, for generated panels and tables
(word wrapping, folding, collapsing columns), and end to end (`archkb recommend` piped, with
and without rich) — and hands anything it cannot promise to rich."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from archkb.engine.kb import KnowledgeBase
from archkb.engine.needs import parse_needs
from archkb.engine.recommend import only_constraints, recommend
from hypothesis import given, settings
from hypothesis import strategies as st

from archkb.cli.blocks import Box, Column, Grid, Line, emit, emit_rich
from archkb.cli.plain import _ONE_CELL, plain_width, render_plain
from archkb.cli.recommend_render import exclusion_blocks, recommendation_blocks

WIDTHS = (20, 41, 80, 123)
NEEDS = (
    "serverless,eu",
    "containers,gdpr,high-availability",
    "hipaa,us,event-driven",
    "web-app,de,low-cost",
    "hipaa,us",  # constraints only: the unranked table
    "hybrid,serverless",  # nothing qualifies: exclusions only
    "streaming,multi-region,disaster-recovery",
)
RICH_SETTINGS = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS", "COLUMNS")


@pytest.fixture()
def piped(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No setting that makes rich take the captured stdout for a terminal."""
    for name in RICH_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def rich_text(blocks: list, width: int, capsys: pytest.CaptureFixture[str]) -> str:
    """What rich prints for the blocks on a non-terminal stdout `width` columns wide."""
    from rich.console import Console

    capsys.readouterr()
    out = Console(highlight=False, width=width)
    out.soft_wrap = not out.is_terminal  # as `base.console()` sets it
    assert not out.is_terminal
    emit_rich(blocks, out)
    return capsys.readouterr().out


def answers(kb: KnowledgeBase) -> list[tuple[str, list]]:
    out = []
    for needs in NEEDS:
        parsed = parse_needs(kb, needs)
        top = 0 if only_constraints(kb, parsed) else 3
        result = recommend(kb, parsed, sorted(kb.providers), top)
        for explain in (False, True) if needs == "serverless,eu" else (False,):
            blocks = (
                recommendation_blocks(kb, result, explain)
                if result.recommendations
                else exclusion_blocks(result, limit=None)
            )
            out.append((f"{needs} explain={explain}", blocks))
    return out


def test_recommendations_print_as_rich_prints_them(
    kb: KnowledgeBase, capsys: pytest.CaptureFixture[str], piped: pytest.MonkeyPatch
) -> None:
    plain_count = 0
    for name, blocks in answers(kb):
        for width in WIDTHS:
            plain = render_plain(blocks, width)
            expected = rich_text(blocks, width, capsys)
            if plain is not None:
                plain_count += width >= 40
                assert plain == expected, (name, width)
            # `emit` prints the same either way (plain where it can, else rich)
            piped.setenv("COLUMNS", str(width))
            capsys.readouterr()
            emit(blocks)
            assert capsys.readouterr().out == expected, (name, width)
            piped.delenv("COLUMNS")
    # from 40 columns on, the answers are printed without rich, except --explain (its titled
    # table); at 20, the service tables' columns are too narrow for their padding
    assert plain_count == len(NEEDS) * len([w for w in WIDTHS if w >= 40])


def test_width_is_the_width_rich_would_use(piped: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    for columns in ("57", "132"):
        piped.setenv("COLUMNS", columns)
        assert plain_width() == Console().width == int(columns)
    piped.delenv("COLUMNS")
    assert plain_width() == Console().width  # a terminal on stdin/stderr, or 80
    piped.setenv("COLUMNS", "12")
    assert plain_width() is None  # too narrow: rich prints
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        piped.setenv("COLUMNS", "80")
        piped.setenv(name, "1")
        assert plain_width() is None
        piped.delenv(name)


def test_text_rich_could_read_as_markup_or_emoji_goes_to_rich(
    capsys: pytest.CaptureFixture[str], piped: pytest.MonkeyPatch
) -> None:
    for text in ("a [b]c[/b] d", "an :apple: a day", "tab\there", "back\\slash", "wide 漢字"):
        for blocks in (
            [Line(text)],
            [Box(text, "body")],
            [Box("t", text)],
            [Grid([Column("h")], [[text]])],
        ):
            assert render_plain(blocks, 80) is None, text
            piped.setenv("COLUMNS", "80")
            capsys.readouterr()
            emit(blocks)
            assert capsys.readouterr().out == rich_text(blocks, 80, capsys)
    assert render_plain([Grid([Column("h")], [["x"]], title="T")], 80) is None


def test_the_characters_taken_as_one_cell_are_one_cell_for_rich() -> None:
    from rich.cells import cell_len

    assert all(cell_len(ch) == 1 for ch in _ONE_CELL)


WORD = st.text(alphabet="abcdefghij—•·é-/()", min_size=1, max_size=24)
TEXT = st.lists(st.tuples(WORD, st.sampled_from([" ", "  ", ", "])), min_size=0, max_size=9).map(
    lambda pairs: "".join(w + s for w, s in pairs).strip(" ")
)


@settings(max_examples=200, deadline=None)
@given(
    width=st.integers(20, 140),
    headers=st.lists(WORD, min_size=1, max_size=5),
    first_no_wrap=st.booleans(),
    cells=st.lists(st.lists(TEXT, min_size=5, max_size=5), min_size=0, max_size=6),
)
def test_generated_tables_print_as_rich_prints_them(
    width: int, headers: list[str], first_no_wrap: bool, cells: list[list[str]]
) -> None:
    columns = [Column(h, no_wrap=first_no_wrap and i == 0) for i, h in enumerate(headers)]
    grid = Grid(columns, [row[: len(headers)] for row in cells])
    plain = render_plain([grid], width)
    if plain is not None:  # None only for columns too narrow for their padding
        assert plain == _rich_direct([grid], width)


@settings(max_examples=100, deadline=None)
@given(
    width=st.integers(20, 140),
    title=TEXT.filter(bool),
    body=st.lists(TEXT, min_size=1, max_size=6),
    line=TEXT,
)
def test_generated_panels_and_lines_print_as_rich_prints_them(
    width: int, title: str, body: list[str], line: str
) -> None:
    blocks = [Line(f"[bold]{line}[/]\n"), Box(title, "\n".join(body)), Line(f"[dim]{line}[/]")]
    assert render_plain(blocks, width) == _rich_direct(blocks, width)


def _rich_direct(blocks: list, width: int) -> str:
    """Rich's output on a non-terminal console of `width` columns (no capture fixture: the
    generated tests run many examples per test)."""
    import io

    from rich.console import Console

    buffer = io.StringIO()
    out = Console(file=buffer, highlight=False, width=width, _environ={})
    out.soft_wrap = not out.is_terminal
    assert not out.is_terminal
    emit_rich(blocks, out)
    return buffer.getvalue()


def test_archkb_recommend_piped_prints_what_rich_prints(tmp_path: Path) -> None:
    """End to end: the headline piped (plain, rich not imported) against the same command with
    `FORCE_COLOR=` (which rich reads as "not a terminal", and which sends it to rich), at the
    default width (80: no terminal) and a given one."""
    env = {k: v for k, v in os.environ.items() if k not in RICH_SETTINGS and k != "ARCHKB_PATH"}
    env["ARCHKB_CACHE_DIR"] = str(tmp_path)
    probe = "import sys, archkb.cli; sys.argv[0] = 'archkb'; archkb.cli.main(); "
    probe += "sys.stderr.write(str('rich' in sys.modules))"
    args = ["recommend", "--needs", "serverless,eu"]

    def run(extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", probe, *args],
            env={**env, **extra},
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            check=True,
        )

    for columns in ({}, {"COLUMNS": "64"}):
        plain, with_rich = run(columns), run({**columns, "FORCE_COLOR": ""})
        assert plain.stderr.endswith("False") and with_rich.stderr.endswith("True")
        assert "Serverless REST API" in plain.stdout
        assert plain.stdout == with_rich.stdout

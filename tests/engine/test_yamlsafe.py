"""The bounded, located YAML reader: values keep their lines; hostile input is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from archkb.engine.yamlsafe import MAX_DEPTH, MAX_FILE_BYTES, YamlProblem, read_located


def test_values_keep_their_lines() -> None:
    doc = read_located(b"a: 1\nb:\n  - x: 2\n    y: 2026-01-02\n")
    assert doc.data == {"a": 1, "b": [{"x": 2, "y": dt.date(2026, 1, 2)}]}
    assert doc.line_of(("b", 0, "y")) == 4
    assert doc.line_of(("b", 0, "missing")) == 3  # falls back to the closest ancestor


@pytest.mark.parametrize(
    ("raw", "line", "fragment"),
    [
        (b'a: 1\nb: !!python/object/apply:os.system ["true"]\n', 2, "not allowed"),
        (b"a: 1\na: 2\n", 2, "duplicate key 'a'"),
        (b"a: [1\n", 2, "syntax error"),
        (b"a: 1\nb: \xff\n", 2, "not valid UTF-8"),
        (b"a: 1\n\x00", 2, "NUL byte"),
        (b"a:\n\tb: 1\n", 2, "syntax error"),
        (b"base: &b {x: 1}\nother:\n  <<: *b\n", 3, "merge keys"),
        (b"1: one\n", 1, "not a string"),
        (b"[" * (MAX_DEPTH + 5) + b"]" * (MAX_DEPTH + 5), 1, "nesting deeper"),
    ],
)
def test_bad_yaml_is_refused_with_its_line(raw: bytes, line: int, fragment: str) -> None:
    with pytest.raises(YamlProblem) as caught:
        read_located(raw)
    assert caught.value.line == line
    assert fragment in caught.value.message


def test_alias_bomb_is_bounded() -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        name = chr(ord("a") + i)
        levels.append(f"{name}: &{name} [" + ", ".join(f"*{prev}" for _ in range(10)) + "]")
    with pytest.raises(YamlProblem, match="alias expansion"):
        read_located("\n".join(levels).encode())


def test_oversized_input_is_refused_before_parsing() -> None:
    with pytest.raises(YamlProblem, match="limit"):
        read_located(b"a: " + b"x" * MAX_FILE_BYTES)


def test_bom_is_accepted() -> None:
    assert read_located("\ufeffa: 1\n".encode()).data == {"a": 1}

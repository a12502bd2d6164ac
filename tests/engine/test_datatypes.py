"""`engine.datatypes.Data` behaves as the `@dataclass` it replaces on the headline's path:
the same construction (positional, keyword-only, defaults, factories), errors, repr, equality,
hashing, freezing, ordering, copying — checked against real dataclasses declared alike — and
the stdlib and pydantic still read its classes as dataclasses."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from typing import Any

import pytest
from archkb.engine.datatypes import Data, FrozenInstanceError, field, fields, replace
from pydantic import TypeAdapter


class Point(Data, frozen=True, order=True):
    x: int
    y: int = 0
    tags: list[str] = field(default_factory=list)
    note: str = field(default="", repr=False, compare=False)


@dataclasses.dataclass(frozen=True, order=True)
class PointDC:
    x: int
    y: int = 0
    tags: list[str] = dataclasses.field(default_factory=list)
    note: str = dataclasses.field(default="", repr=False, compare=False)


class Box(Data, frozen=True, slots=True, kw_only=True):
    width: float
    label: str | None = None


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class BoxDC:
    width: float
    label: str | None = None


class Bag(Data):
    items: dict[str, int] = field(default_factory=dict)
    name: str = "bag"


@dataclasses.dataclass
class BagDC:
    items: dict[str, int] = dataclasses.field(default_factory=dict)
    name: str = "bag"


PAIRS: list[tuple[type[Any], type[Any], tuple[Any, ...], dict[str, Any]]] = [
    (Point, PointDC, (1,), {}),
    (Point, PointDC, (1, 2), {"note": "n"}),
    (Point, PointDC, (), {"x": 3, "tags": ["a"]}),
    (Box, BoxDC, (), {"width": 2.5}),
    (Box, BoxDC, (), {"width": 1, "label": "l"}),
    (Bag, BagDC, (), {}),
    (Bag, BagDC, ({"a": 1},), {"name": "b"}),
]


def _rename(text: str) -> str:
    return text.replace("DC(", "(")


@pytest.mark.parametrize("ours, theirs, args, kwargs", PAIRS)
def test_instances_behave_as_dataclass_instances(
    ours: type[Any], theirs: type[Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    a, b = ours(*args, **kwargs), theirs(*args, **kwargs)
    assert repr(a) == _rename(repr(b))
    assert fields(a) == tuple(f.name for f in dataclasses.fields(b))
    assert [getattr(a, n) for n in fields(a)] == [getattr(b, n) for n in fields(a)]
    assert a == ours(*args, **kwargs) and a != b
    assert (ours.__hash__ is None) == (theirs.__hash__ is None)
    try:
        hash(b)
    except TypeError:  # unhashable: mutable, or a list among the fields
        with pytest.raises(TypeError):
            hash(a)
    else:
        assert hash(a) == hash(ours(*args, **kwargs))
    assert hasattr(a, "__dict__") == hasattr(b, "__dict__")  # slots or not
    assert pickle.loads(pickle.dumps(a)) == a
    assert copy.deepcopy(a) == a and copy.copy(a) == a
    assert dataclasses.asdict(a) == dataclasses.asdict(b)
    changed = {fields(a)[0]: getattr(a, fields(a)[0])}
    assert replace(a, **changed) == dataclasses.replace(a, **changed) == a


def test_defaults_from_factories_are_fresh() -> None:
    assert Point(1).tags is not Point(1).tags
    assert Bag().items is not Bag().items


def test_frozen_and_mutable() -> None:
    point = Point(1)
    with pytest.raises(FrozenInstanceError):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del point.y  # type: ignore[misc]
    bag = Bag()
    bag.name = "other"
    assert bag.name == "other"


def test_order_and_compare_false() -> None:
    assert Point(1, 2) < Point(1, 3) and Point(2) > Point(1, 9)
    assert sorted([Point(2), Point(1, 5), Point(1, 4)]) == [Point(1, 4), Point(1, 5), Point(2)]
    assert Point(1, note="a") == Point(1, note="b")  # `note` is not compared
    with pytest.raises(TypeError):
        _ = Box(width=1) < Box(width=2)  # type: ignore[operator]


@pytest.mark.parametrize(
    "make",
    [
        lambda: Point(),  # missing x
        lambda: Point(1, 2, [], "", 5),  # too many
        lambda: Point(1, x=1),  # twice
        lambda: Point(1, z=1),  # unknown
        lambda: Box(1.0),  # keyword-only
        lambda: Box(width=1.0, colour="red"),
    ],
)
def test_bad_arguments_raise_type_error_as_dataclasses_do(make: Any) -> None:
    with pytest.raises(TypeError):
        make()


def test_post_init_runs() -> None:
    class Scaled(Data, frozen=True, kw_only=True):
        value: float

        def __post_init__(self) -> None:
            object.__setattr__(self, "value", float(self.value))

    assert type(Scaled(value=1).value) is float


def test_pydantic_reads_them_as_dataclasses() -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(Box)
    assert adapter.dump_python(Box(width=2.0, label="x")) == {"width": 2.0, "label": "x"}
    assert not dataclasses.is_dataclass(Data)
    assert dataclasses.is_dataclass(Point) and dataclasses.is_dataclass(Box(width=1.0))


def test_subclasses_get_their_own_fields() -> None:
    assert [f.name for f in dataclasses.fields(Box)] == ["width", "label"]

    class Wide(Box, frozen=True, slots=True, kw_only=True):
        depth: int = 0

    assert [f.name for f in dataclasses.fields(Wide)] == ["width", "label", "depth"]
    assert repr(Wide(width=1.0)).endswith("Wide(width=1.0, label=None, depth=0)")


def test_init_is_compiled_on_first_use_with_the_dataclass_signature() -> None:
    class Lazy(Data, frozen=True):
        a: int
        b: list[int] = field(default_factory=list)

    before = Lazy.__init__
    assert Lazy(1) == Lazy(1, [])
    assert Lazy.__init__ is not before  # replaced by the compiled one
    assert Lazy.__init__.__qualname__.endswith("Lazy.__init__")
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'a'"):
        Lazy()  # type: ignore[call-arg]

"""Data classes without the `dataclasses` module, for the modules a headline command imports.

`@dataclass` writes each class's `__init__`, `__repr__`, `__eq__`, `__hash__` and
`__setattr__` as source text and compiles it (`exec`) when the class is defined, and importing
`dataclasses` imports `inspect` (with `ast`, `dis`, `tokenize`): together about a tenth of
`archkb recommend`'s start-up, spent before it does anything. `Data` gives the same classes —
fields from annotations, defaults and `field(default_factory=…)`, keyword-only or positional
arguments, frozen or not, slots, order, the same `repr` and equality — from methods written
once here, so defining a class costs one `type()` call; a class's `__init__` (the only method
that must be fast per instance) is compiled when its first instance is made.

Type checkers see `Data` subclasses as dataclasses (`typing.dataclass_transform`), so
constructor calls stay checked. `replace` and `fields` stand in for `dataclasses.replace` and
`dataclasses.fields` (names only); `records.jsonable` serialises these classes field by field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar, dataclass_transform

_MISSING: Any = object()
T = TypeVar("T")


class FrozenInstanceError(AttributeError):
    """Assigning to a field of a frozen instance (as `dataclasses.FrozenInstanceError`)."""


class _Field:
    __slots__ = ("compare", "default", "factory", "repr")

    def __init__(
        self, default: Any, factory: Callable[[], Any] | None, repr: bool, compare: bool
    ) -> None:
        self.default = default
        self.factory = factory
        self.repr = repr
        self.compare = compare


def field(
    *,
    default: Any = _MISSING,
    default_factory: Callable[[], Any] | None = None,
    repr: bool = True,
    compare: bool = True,
) -> Any:
    """A field's default (or a factory making a fresh one per instance), and whether `repr` and
    equality include it — as `dataclasses.field`."""
    return _Field(default, default_factory, repr, compare)


_Spec = tuple[str, Any, "Callable[[], Any] | None", bool, bool, bool]
"""(name, default or _MISSING, factory or None, keyword-only, in repr, compared)."""


class _DataMeta(type):
    def __new__(
        mcs,
        name: str,
        bases: tuple[type, ...],
        namespace: dict[str, Any],
        *,
        frozen: bool = False,
        kw_only: bool = False,
        slots: bool = False,
        order: bool = False,
    ) -> _DataMeta:
        specs: list[_Spec] = []
        for base in reversed(bases):
            specs += getattr(base, "_data_specs", ())
        for field_name, annotation in namespace.get("__annotations__", {}).items():
            if "ClassVar" in str(annotation):
                continue
            value = namespace.pop(field_name, _MISSING)
            if isinstance(value, _Field):
                spec = (
                    field_name,
                    value.default,
                    value.factory,
                    kw_only,
                    value.repr,
                    value.compare,
                )
            else:
                spec = (field_name, value, None, kw_only, True, True)
            specs = [s for s in specs if s[0] != field_name] + [spec]
        names = tuple(spec[0] for spec in specs)
        if slots:
            inherited = {n for base in bases for n in getattr(base, "_data_fields", ())}
            namespace["__slots__"] = tuple(n for n in names if n not in inherited)
        namespace["_data_specs"] = tuple(specs)
        namespace["_data_fields"] = names
        namespace["_data_compared"] = tuple(s[0] for s in specs if s[5])
        namespace["_data_frozen"] = frozen
        namespace["__match_args__"] = tuple(s[0] for s in specs if not s[3])
        if frozen:
            namespace.setdefault("__setattr__", _frozen_setattr)
            namespace.setdefault("__delattr__", _frozen_delattr)
            namespace.setdefault("__hash__", _hash)
        else:
            namespace.setdefault("__hash__", None)  # mutable and compared by value: unhashable
        if order:
            for method in ("__lt__", "__le__", "__gt__", "__ge__"):
                namespace.setdefault(method, _ORDER[method])
        made = super().__new__(mcs, name, bases, namespace)
        if "__init__" not in namespace:  # (`Data` defines its own)
            type.__setattr__(made, "__init__", _lazy_init(made))
        if any("__dataclass_fields__" in vars(base) for base in made.__mro__[1:]):
            made.__getattr__("__dataclass_fields__")  # else it would inherit its base's
        return made

    def __getattr__(cls, name: str) -> Any:
        """`__dataclass_fields__`, made when first asked for, so that `dataclasses.replace`,
        `fields`, `asdict` and `is_dataclass` work on these classes too (tests and tools that
        import `dataclasses` anyway)."""
        if name != "__dataclass_fields__" or (
            cls.__name__ == "Data" and cls.__module__ == __name__
        ):
            raise AttributeError(name)  # `Data` itself is no dataclass (subclasses would inherit)
        import dataclasses

        annotations: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            annotations.update(vars(klass).get("__annotations__", {}))
        made: dict[str, Any] = {}
        for field_name, default, factory, kw_only, shown, compared in cls._data_specs:
            spec: Any = dataclasses.field(
                default=default if default is not _MISSING else dataclasses.MISSING,
                default_factory=factory if factory is not None else dataclasses.MISSING,
                repr=shown,
                compare=compared,
                kw_only=kw_only,
            )
            spec.name = field_name
            spec.type = annotations[field_name]
            spec._field_type = dataclasses._FIELD  # type: ignore[attr-defined]
            made[field_name] = spec
        type.__setattr__(cls, "__dataclass_fields__", made)
        return made


@dataclass_transform(field_specifiers=(field,))
class Data(metaclass=_DataMeta):
    """Base of the engine's data classes: `class Job(Data, frozen=True, kw_only=True): …`."""

    __slots__ = ()
    _data_specs: ClassVar[tuple[_Spec, ...]] = ()
    _data_fields: ClassVar[tuple[str, ...]] = ()
    _data_compared: ClassVar[tuple[str, ...]] = ()
    _data_frozen: ClassVar[bool] = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Reached only through `super().__init__` from a subclass's own `__init__` (every
        other subclass gets `_lazy_init`): the fields' `__init__`, compiled for this call."""
        _make_init(type(self))(self, *args, **kwargs)

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{spec[0]}={getattr(self, spec[0])!r}" for spec in type(self)._data_specs if spec[4]
        )
        return f"{type(self).__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return _compared(self) == _compared(other)

    def __getstate__(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in type(self)._data_fields)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(type(self)._data_fields, state, strict=True):
            object.__setattr__(self, name, value)


def _lazy_init(cls: Any) -> Callable[..., None]:
    """An `__init__` that, on the class's first instance, puts `_make_init(cls)` in its place:
    classes that are never instantiated cost nothing, the others one small compile."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        init = _make_init(cls)
        type.__setattr__(cls, "__init__", init)
        init(self, *args, **kwargs)

    return __init__


def _make_init(cls: Any) -> Callable[..., None]:
    """The class's own `__init__`, with the signature `@dataclass` would give it (positional
    fields, then keyword-only ones; defaults; factories called per instance), assigning every
    field in order — as fast per instance as a dataclass's."""
    scope: dict[str, Any] = {"__set": object.__setattr__, "__MISSING": _MISSING}
    positional: list[str] = []
    keyword: list[str] = []
    body: list[str] = []
    for name, default, factory, kw_only, _, _ in cls._data_specs:
        if factory is not None:
            scope[f"__factory_{name}"] = factory
            param = f"{name}=__MISSING"
            body.append(f"    if {name} is __MISSING: {name} = __factory_{name}()")
        elif default is not _MISSING:
            scope[f"__default_{name}"] = default
            param = f"{name}=__default_{name}"
        else:
            param = name
        (keyword if kw_only else positional).append(param)
        body.append(f"    __set(self, {name!r}, {name})")
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    params = ", ".join(["self", *positional, *(["*", *keyword] if keyword else [])])
    source = f"def __init__({params}) -> None:\n" + ("\n".join(body) or "    pass") + "\n"
    made: dict[str, Any] = {}
    exec(source, scope, made)  # the source holds only the class's field names
    init: Callable[..., None] = made["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _compared(value: Any) -> tuple[Any, ...]:
    return tuple(getattr(value, name) for name in type(value)._data_compared)


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _hash(self: Any) -> int:
    return hash(_compared(self))


def _order(compare: Callable[[tuple[Any, ...], tuple[Any, ...]], bool]) -> Any:
    def method(self: Any, other: Any) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return compare(_compared(self), _compared(other))

    return method


_ORDER = {
    "__lt__": _order(lambda a, b: a < b),
    "__le__": _order(lambda a, b: a <= b),
    "__gt__": _order(lambda a, b: a > b),
    "__ge__": _order(lambda a, b: a >= b),
}


def fields(value: Any) -> tuple[str, ...]:
    """The field names of a `Data` class or instance, in order."""
    names: tuple[str, ...] = value._data_fields
    return names


def replace(value: T, **changes: Any) -> T:
    """A copy of a `Data` instance with some fields changed (as `dataclasses.replace`)."""
    current = {name: getattr(value, name) for name in fields(value)}
    return type(value)(**{**current, **changes})

"""Plain records (engine/records.py) mirror the pydantic models field for field, and a KB read
from YAML or from the compiled store holds the same records."""

from __future__ import annotations

import datetime as dt
import inspect
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from archkb.engine import records, schema
from archkb.engine.kb import KnowledgeBase
from archkb.engine.load import LoadedRecord, builtin_kb_root, load_records
from archkb.engine.records import RECORD_TYPES, from_row, jsonable, plain, to_row
from archkb.engine.store import data_json, load_knowledge_base
from pydantic import BaseModel

MODELS = {
    name: value
    for name, value in vars(schema).items()
    if isinstance(value, type)
    and issubclass(value, BaseModel)
    and value.__module__ == schema.__name__
    and name != "Record"
}


@pytest.fixture(scope="module")
def loaded() -> list[LoadedRecord]:
    return load_records([builtin_kb_root()])


@pytest.mark.parametrize("name", sorted(MODELS))
def test_each_model_has_a_plain_type_with_its_fields_in_order(name: str) -> None:
    plain_type = getattr(records, name)
    assert list(plain_type._fields) == list(MODELS[name].model_fields)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_each_model_property_is_a_plain_property(name: str) -> None:
    model_props = {n for n, v in inspect.getmembers(MODELS[name]) if isinstance(v, property)}
    model_props -= set(dir(BaseModel))
    plain_props = {
        n for n, v in inspect.getmembers(getattr(records, name)) if isinstance(v, property)
    }
    assert model_props <= plain_props


def test_every_builtin_record_reads_the_same_plain(loaded: list[LoadedRecord]) -> None:
    """Same values, same types, field by field (nested records as JSON), for every record."""
    for item in loaded:
        record = plain(item.record, item.kind)
        assert type(record) is RECORD_TYPES[item.kind]
        assert jsonable(record) == item.record.model_dump(mode="json", by_alias=True), item.key
        for name in record._fields:
            mine, theirs = getattr(record, name), getattr(item.record, name)
            if isinstance(theirs, BaseModel):
                assert type(mine).__name__ == type(theirs).__name__, (item.key, name)
            else:
                assert type(mine) is type(theirs), (item.key, name)
        for name in ("id", "name", "aliases", "summary"):
            assert getattr(record, name) == getattr(item.record, name)


def test_rows_round_trip_and_keep_enum_and_date_types(loaded: list[LoadedRecord]) -> None:
    lam = next(i for i in loaded if i.key == "service/aws-lambda")
    record = plain(lam.record, "service")
    again = from_row(records.Service, to_row(record, records.Service))
    assert again == record
    assert isinstance(again.fit, records.Fit) and isinstance(again.verified, dt.date)
    assert again.lifecycle.is_current and again.capability_ids[0] == "function-as-a-service"
    with pytest.raises(ValueError, match="fields"):
        from_row(records.Service, to_row(record, records.Service)[:-1])


def test_data_column_is_what_pydantic_wrote(loaded: list[LoadedRecord]) -> None:
    """`export sqlite` users query the `data` JSON: it stays pydantic's exclude-defaults dump."""
    for item in loaded:
        expected = item.record.model_dump_json(by_alias=True, exclude_defaults=True)
        assert data_json(item.kind, plain(item.record, item.kind)) == expected, item.key


def test_store_and_yaml_give_equal_knowledge_bases(cache: Path) -> None:
    from_yaml = KnowledgeBase.from_records(load_records([builtin_kb_root()]))
    load_knowledge_base()  # writes the store
    from_store, warnings = load_knowledge_base()
    assert warnings == [] and from_store.store_path is not None
    for kind in RECORD_TYPES:
        assert from_store.table(kind) == from_yaml.table(kind), kind
        assert list(from_store.table(kind)) == sorted(from_yaml.table(kind))
    assert from_store.origins == from_yaml.origins


def test_jsonable_writes_enums_dates_and_aliases() -> None:
    flow = records.Flow(source="api", target="db", label="reads")
    assert jsonable(flow) == {"from": "api", "to": "db", "label": "reads"}
    data: dict[Any, Any] = {records.Quality.cost: [dt.date(2026, 1, 2), records.Fit.exact]}
    assert jsonable(data) == {"cost": ["2026-01-02", "exact"]}
    assert not isinstance(jsonable(records.Fit.exact), StrEnum)

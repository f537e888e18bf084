"""Tests of kpixl.model: the records' and findings' own behaviour."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from kpixl.model import Place


def test_places_built_at_once_equal_places_built_one_by_one():
    cells = ["A2", "A3", "B10", None]
    fast = Place.of_cells("Dept.xlsx", "Measurements", cells)
    slow = [Place("Dept.xlsx", "Measurements", cell) for cell in cells]
    assert fast == slow
    assert [hash(p) for p in fast] == [hash(p) for p in slow]
    assert [str(p) for p in fast] == ["Dept.xlsx:Measurements!A2", "Dept.xlsx:Measurements!A3",
                                      "Dept.xlsx:Measurements!B10", "Dept.xlsx:Measurements"]
    assert pickle.loads(pickle.dumps(fast)) == slow
    assert dataclasses.replace(fast[0], cell="C2") == Place("Dept.xlsx", "Measurements", "C2")
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast[0].cell = "Z9"  # type: ignore[misc]
    assert Place.of_cells(None, None, []) == []


def test_a_measurement_record_has_the_schemas_input_columns_in_order_then_place_and_extra():
    """The reader builds measurement records positionally from the schema's input columns (reader.engines.build_records)."""
    import dataclasses

    from kpixl import schema
    from kpixl.model import MeasurementRecord

    fields = [f.name for f in dataclasses.fields(MeasurementRecord)]
    assert fields == [c.key for c in schema.MEASUREMENTS.input_columns] + ["place", "extra"]

"""Test kpixl.reader.route: which table sheets take the lean route and which are parsed whole."""

from __future__ import annotations

import openpyxl
import pytest

import workbooks as W
from kpixl.reader import precheck, route
from test_lean import _template


@pytest.mark.parametrize(("size", "drops", "lean"), [
    (route.LEAN_FROM_BYTES, [(2, 101, frozenset({6}))], True),  # 100 computed cells in a 192 KB sheet
    (route.LEAN_FROM_BYTES - 1, [(2, 1001, frozenset({6}))], False),  # a smaller sheet: whole
    (10 * 2**20, [(2, 50, frozenset({6, 7}))], False),  # 98 computed cells: nothing worth a copy
    (10 * 2**20, [(2, 40, frozenset({6})), (50, 70, frozenset({3, 4, 5}))], True),  # two tables: 39 + 63
    (10 * 2**20, [], False),  # nothing to drop
])
def test_the_route_follows_the_sheet_size_and_the_cells_dropped(size, drops, lean):
    assert route.lean_route(size, drops) is lean


def test_a_template_takes_the_lean_route_on_its_table_sheets_and_a_small_sheet_stays_whole(tmp_path, monkeypatch):
    path = _template(tmp_path / "dept.xlsx")
    pkg = precheck(path, bound_sheets=False)
    parts = {t.name: t.sheet_part for t in pkg.structure[2]}
    assert {parts["KPIs"], parts["Measurements"], parts["Commentary"]} <= set(pkg.lean)
    # The Evaluation sheet (about 100 KB) is parsed whole: the strip's fixed cost is more than it saves.
    assert pkg.infos[parts["Evaluation"]].file_size < route.LEAN_FROM_BYTES and parts["Evaluation"] not in pkg.lean
    monkeypatch.setattr(route, "LEAN_FROM_BYTES", 2**40)  # every sheet "small": all parsed whole
    whole = precheck(path, bound_sheets=False)
    assert not whole.lean and whole.parsed_source() == path.read_bytes()
    assert whole.sheets == pkg.sheets  # the input-cell scan finds the same on either route


def test_an_openpyxl_saved_template_takes_the_lean_route_and_both_engines_read_the_same(tmp_path, monkeypatch):
    source = _template(tmp_path / "dept.xlsx")
    saved = tmp_path / "saved.xlsx"
    openpyxl.load_workbook(source).save(saved)  # formulas kept, no cached values
    pkg = precheck(saved, bound_sheets=False)
    parts = {t.name: t.sheet_part for t in pkg.structure[2]}
    assert parts["Measurements"] in pkg.lean
    fast, exact, fast_tables = W.read_both_ways(saved, monkeypatch)
    W.assert_same_reads(fast, exact)
    assert sorted(fast_tables) == ["Commentary", "Evaluation", "KPIs", "Measurements", "Phasing"] and len(fast.measurements) == 9

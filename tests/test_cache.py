"""Test kpixl.cache: every formula cell kpixl writes carries the value its formula computes.

What Protected View, previewers and LibreOffice with default settings show is the
cached value. The proof: LibreOffice's recalculation (tests/libreoffice.py) of the
demo's department workbooks, the rollover output and an ``--examples`` template
filled with measurements gives the values the file already held (numbers to 1e-9,
text exactly), read with openpyxl ``data_only=True``.
"""

from __future__ import annotations

import math
import re
import shutil
import zipfile
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from kpixl import core, demo, examples, schema
from kpixl.model import MeasurementRecord
from kpixl.template import write_template

AS_OF = date(2026, 6, 30)

# 1-based columns of the KPIs table's Actual (then Plan, Attainment, Status) and Status's letter.
ACTUAL_COL = [c.key for c in schema.KPIS.columns].index("actual") + 1
STATUS_LETTER = get_column_letter(ACTUAL_COL + 3)


def _filled_examples(folder: Path, language: str) -> Path:
    """Write an --examples template with half a year of measurements of every example KPI."""
    start, deadline = date(2026, 1, 1), date(2026, 12, 31)
    records = examples.example_kpis(language, "Ann", "Sales", start, deadline)
    measurements = []
    for i, k in enumerate(records):
        base = k.baseline if k.baseline is not None else k.target / 2
        step = (k.target - base) / 12
        for month in range(1, 8 - i % 3):  # some KPIs have fewer months; one value past AsOf
            value = base + step * month * (1.1 if month % 2 else 0.9)
            if k.aggregation == core.SUM:
                value = k.target / 12 * (0.8 + 0.05 * month)
            measurements.append(MeasurementRecord(k.kpi_id, date(2026, month, 28), round(value, 4)))
    # A measurement typed in lower case (MATCH ignores case) and one for an unknown KPI.
    measurements.append(MeasurementRecord(records[0].kpi_id.lower(), date(2026, 3, 15), 5.0))
    measurements.append(MeasurementRecord("NOPE-1", date(2026, 3, 15), 5.0))
    return write_template(folder / f"filled-{language}.xlsx", language=language, examples=True, start=start,
                          deadline=deadline, measurements=measurements, as_of=AS_OF)


def formula_cells(path: Path) -> dict[tuple[str, str], str]:
    book = openpyxl.load_workbook(path)
    return {(ws.title, c.coordinate): c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
            if isinstance(c.value, str) and c.value.startswith("=")}


def agrees(cached: object, computed: object) -> bool:
    cached = "" if cached is None else cached
    if isinstance(cached, (int, float)) and isinstance(computed, (int, float)):
        return math.isclose(cached, computed, rel_tol=1e-9, abs_tol=1e-9)
    return cached == computed


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("cached")
    result = demo.run_demo(folder / "demo")
    found = {f"demo {key}": path for key, path in result.workbooks.items()}
    found["rollover"] = shutil.copy(result.next_period, folder / "rollover.xlsx")
    for language in schema.LANGUAGES:
        found[f"examples {language}"] = _filled_examples(folder, language)
    return {name: Path(path) for name, path in found.items()}


@pytest.fixture(scope="module")
def recalculated(files, recalc) -> dict[str, Path]:
    return dict(zip(files, recalc(*files.values())))


@pytest.mark.libreoffice
def test_cached_values_equal_libreoffices_recalculation(files, recalculated):
    for name, path in files.items():
        formulas = formula_cells(path)
        cached = openpyxl.load_workbook(path, data_only=True)
        computed = openpyxl.load_workbook(recalculated[name], data_only=True)
        compared, problems = set(), []
        for sheet, cell in formulas:
            mine = cached[sheet][cell].value
            theirs = computed[sheet][cell].value
            if theirs is None and sheet == computed.worksheets[2].title:
                continue  # LibreOffice leaves out the trailing empty Measurements rows it did not store
            compared.add((sheet, cell))
            if not agrees(mine, "" if theirs is None else theirs):
                problems.append(f"{sheet}!{cell}: cached {mine!r}, LibreOffice {theirs!r}")
        assert problems == [], (name, len(problems), problems[:10])
        # Everything but the Measurements sheet's empty tail was compared.
        skipped = {key for key in formulas if key not in compared}
        assert all(sheet == computed.worksheets[2].title for sheet, _ in skipped), name
        assert len(compared) > 5000, (name, len(compared))


@pytest.mark.libreoffice
def test_the_comparison_sees_a_wrong_cached_value(files, recalculated):
    # Break one cached Status in a copy: the comparison above must notice it.
    path = files["demo sales"]
    book = openpyxl.load_workbook(path, data_only=True)
    status = f"{STATUS_LETTER}2"
    assert book[schema.KPIS.sheet("en")][status].value in {core.word("status", s) for s in core.VOCABULARIES["status"]}
    computed = openpyxl.load_workbook(recalculated["demo sales"], data_only=True)
    assert not agrees("Off track" if computed["KPIs"][status].value != "Off track" else "On track",
                      computed["KPIs"][status].value)


def test_blank_rows_cache_empty_text_and_as_of_caches_the_writing_day(tmp_path, today):
    path = write_template(tmp_path / "blank.xlsx", formulas="xlwings")
    book = openpyxl.load_workbook(path, data_only=True)
    dash = book[schema.SHEET_DASHBOARD["en"]]
    assert dash["B2"].value.date() == today
    kpis = book[schema.KPIS.sheet("en")]
    assert [c.value for c in kpis[2][ACTUAL_COL - 1:ACTUAL_COL + 3]] == [None] * 4  # Actual..Status: "" is None
    assert [dash.cell(6, c).value for c in range(1, 11)] == [None] * 10
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet2.xml").decode()
    # Stored as an empty text (t="str"), which no reader takes for 0.
    assert f'<c r="{get_column_letter(ACTUAL_COL)}2" s="' in sheet and 't="str"><f>' in sheet
    meas = book[schema.MEASUREMENTS.sheet("en")]
    assert [c.value for c in meas[2][5:12]] == [None, 2, 0, 0, 0, 0, 0]


def test_xlwings_cells_cache_the_cores_numbers(tmp_path):
    xl = tmp_path / "x.xlsx"
    records = examples.example_kpis("en", "Ann", "Sales", date(2026, 1, 1), date(2026, 12, 31))
    measurements = [MeasurementRecord(k.kpi_id, date(2026, 1, 1) + timedelta(days=30 * m), 10.0 + m)
                    for k in records for m in range(1, 4)]
    write_template(xl, formulas="xlwings", examples=True, start=date(2026, 1, 1), deadline=date(2026, 12, 31),
                   measurements=measurements, as_of=AS_OF)
    got = openpyxl.load_workbook(xl, data_only=True)["KPIs"]
    for row, k in enumerate(records, start=2):
        points = [(m.period_end, m.value) for m in measurements if m.kpi_id == k.kpi_id]
        result = core.evaluate(k.definition(), points, AS_OF)
        assert got.cell(row, ACTUAL_COL).value == result.actual
        assert got.cell(row, ACTUAL_COL + 3).value == core.word("status", result.status)


def test_chart_caches_hold_the_cached_numbers_and_gaps_for_empty_rows(tmp_path, files):
    blank = write_template(tmp_path / "blank.xlsx")
    with zipfile.ZipFile(blank) as z:
        for chart in ("xl/charts/chart1.xml", "xl/charts/chart2.xml"):
            xml = z.read(chart).decode()
            assert "<c:numCache>" in xml and "<c:pt " not in xml.split("<c:numCache>")[1], chart
    path = files["demo sales"]
    book = openpyxl.load_workbook(path, data_only=True)
    dash = book[schema.SHEET_DASHBOARD["en"]]
    attainments = [dash.cell(row, 7).value for row in range(6, 9)]
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/charts/chart1.xml").decode()
    # One series per status: each KPI's attainment is cached in the series of its status.
    points = {}
    for series in xml.split("<c:barChart>")[1].split("</c:barChart>")[0].split("<c:ser>")[1:]:
        cache = series.split("<c:val>")[1].split("<c:numCache>")[1]
        points.update({int(i): float(v) for i, v in re.findall(r"<c:pt idx=\"(\d+)\"><c:v>([^<]*)</c:v>", cache)})
    assert [points[i] for i in sorted(points)] == pytest.approx(attainments, rel=1e-12)

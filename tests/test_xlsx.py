"""Test kpixl.xlsx: the safe workbook options, the one palette, and the XlsxWriter internals it relies on."""

from __future__ import annotations

import ast
import importlib.metadata
import inspect
import math
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
import xlsxwriter.format
import xlsxwriter.workbook
import xlsxwriter.worksheet
from hypothesis import given, settings
from hypothesis import strategies as st

from kpixl import core, xlsx

ROOT = Path(__file__).resolve().parent.parent

# The private XlsxWriter methods kpixl.xlsx overrides or calls, as XlsxWriter 3.x defines
# them. A release that changes one of them fails here, before it silently breaks a workbook.
RECORDED = {
    (xlsxwriter.worksheet.Worksheet, "_prepare_formula"): "(self, formula, expand_future_functions=False)",
    (xlsxwriter.worksheet.Worksheet, "_write_formula"):
        "(self, row: int, col: int, formula: str, cell_format: Optional[xlsxwriter.format.Format] = None, "
        "value=0) -> Literal[0, -1, -2]",
    (xlsxwriter.worksheet.Worksheet, "_write_blank"):
        "(self, row: int, col: int, _, cell_format: Optional[xlsxwriter.format.Format] = None) -> Literal[0, -1]",
    (xlsxwriter.worksheet.Worksheet, "_write_rows"): "(self) -> None",
    (xlsxwriter.worksheet.Worksheet, "_get_range_data"): "(self, row_start, col_start, row_end, col_end)",
    (xlsxwriter.worksheet.Worksheet, "_write_cell"): "(self, row: int, col: int, cell) -> None",
    (xlsxwriter.worksheet.Worksheet, "_xml_formula_element"): "(self, formula, result, attributes=[]) -> None",
    (xlsxwriter.worksheet.Worksheet, "_check_dimensions"):
        "(self, row: int, col: int, ignore_row=False, ignore_col=False) -> int",
    (xlsxwriter.worksheet.Worksheet, "_escape_data"): "(self, data)",
    (xlsxwriter.workbook.Workbook, "_store_workbook"): "(self) -> None",
    (xlsxwriter.format.Format, "_get_xf_index"): "(self)",
    # PlainRows: the pending row XlsxWriter holds, and how it escapes a text.
    (xlsxwriter.worksheet.Worksheet, "_write_single_row"): "(self, current_row_num=0) -> None",
    (xlsxwriter.worksheet.Worksheet, "_escape_control_characters"): "(data)",
}


@pytest.mark.parametrize("owner, name", list(RECORDED), ids=lambda x: getattr(x, "__name__", x))
def test_private_xlsxwriter_signatures_are_the_recorded_ones(owner, name):
    assert str(inspect.signature(getattr(owner, name))) == RECORDED[owner, name]


def test_private_xlsxwriter_attributes_kpixl_uses_exist():
    # Workbook zips through the module attribute ZipFile (Workbook._store_workbook patches it).
    assert xlsxwriter.workbook.ZipFile is zipfile.ZipFile
    # A formula cell is this named tuple, in this field order (Worksheet._write_formula copies it).
    assert xlsxwriter.worksheet.CellFormulaTuple._fields == ("formula", "format", "value")
    # Worksheet._write_cell reads a text cell's string and format, a row's and a column's format.
    assert xlsxwriter.worksheet.CellStringTuple._fields == ("string", "format")
    assert "row_format" in xlsxwriter.worksheet.RowInfo.__dataclass_fields__
    assert "column_format" in xlsxwriter.worksheet.ColumnInfo.__dataclass_fields__
    book = xlsxwriter.Workbook(None, {"in_memory": True})
    sheet = book.add_worksheet()
    for attribute in ("table", "dim_rowmin", "dim_rowmax", "dim_colmin", "dim_colmax", "fh", "previous_row",
                      "col_info", "constant_memory"):
        assert hasattr(sheet, attribute), attribute
    book.fileclosed = True  # nothing to write


def test_the_xlsxwriter_pin_is_the_installed_major_version():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    pin = re.search(r'"xlsxwriter>=[\d.]+,<(\d+)"', text, re.IGNORECASE)
    assert pin, "pyproject.toml pins xlsxwriter below a major version"
    installed = int(importlib.metadata.version("xlsxwriter").split(".")[0])
    assert int(pin.group(1)) == installed + 1


def test_every_workbook_kpixl_writes_is_made_by_new_workbook():
    # One constructor: no other module calls xlsxwriter.Workbook( or subclasses it.
    offenders = []
    for path in sorted((ROOT / "kpixl").rglob("*.py")):
        if path.name == "xlsx.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("Workbook", "Worksheet") and \
                    isinstance(node.value, ast.Name) and node.value.id == "xlsxwriter":
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_palette_is_defined_once():
    # The fills are literals only in kpixl/xlsx.py; the others import them.
    colours = {xlsx.HEADER_FILL, xlsx.INPUT_FILL, xlsx.CALC_FILL} | {fill for fill, _ in xlsx.STATUS_COLOURS.values()}
    colours |= {"#1F4E78"}  # the header colour that had drifted in the company workbook
    found = []
    for path in sorted((ROOT / "kpixl").rglob("*.py")):
        if path.name == "xlsx.py":
            continue
        text = path.read_text(encoding="utf-8")
        found += [f"{path.name}: {c}" for c in colours if c.casefold() in text.casefold()]
    assert found == []
    from kpixl import consolidate, template

    assert template.STATUS_COLOURS is xlsx.STATUS_COLOURS and template.HEADER_FILL == xlsx.HEADER_FILL
    assert consolidate._STATUS_COLOURS is xlsx.STATUS_COLOURS
    assert set(xlsx.STATUS_COLOURS) == set(core.VOCABULARIES["status"])


def test_new_workbook_writes_typed_text_as_text_even_when_asked_otherwise(tmp_path):
    path = tmp_path / "safe.xlsx"
    book = xlsx.new_workbook(path, {"strings_to_formulas": True, "strings_to_numbers": True,
                                    "strings_to_urls": True})
    sheet = book.add_worksheet()
    for row, text in enumerate(("=1+1", "0012", "https://example.com", "1e3")):
        sheet.write(row, 0, text)
    sheet.write(4, 0, "header", xlsx.header_format(book, text_wrap=True))
    book.close()
    ws = openpyxl.load_workbook(path)["Sheet1"]
    assert [(ws.cell(r, 1).value, ws.cell(r, 1).data_type) for r in range(1, 5)] == [
        ("=1+1", "s"), ("0012", "s"), ("https://example.com", "s"), ("1e3", "s")]
    assert ws.cell(1, 1).hyperlink is None and ws.cell(3, 1).hyperlink is None
    header = ws.cell(5, 1)
    assert header.font.b and header.alignment.wrap_text
    assert header.fill.fgColor.rgb == "FF" + xlsx.HEADER_FILL[1:]
    assert header.font.color.rgb == "FF" + xlsx.HEADER_FONT[1:]


def _sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml").decode()


def _write_cells(path: Path, worksheet_class) -> None:
    book = xlsxwriter.Workbook(str(path))
    book.worksheet_class = worksheet_class
    sheet = book.add_worksheet()
    bold = book.add_format({"bold": True})
    cases = [("=1+1", 2), ("=1/0", "#DIV/0!"), ("=A1>0", True), ("=A1<0", False), ('="a<b&c"', "a<b&c"),
             ("=NA()", "#N/A"), ('=IF(A1<>"",1,2)', 1.5)]
    for row, (formula, value) in enumerate(cases):
        sheet.write_formula(row, 0, formula, bold, value)
        sheet.write_formula(row, 1, formula, None, value)  # no format: XlsxWriter's own path
        sheet.write_formula(row, 2, formula, bold, value)  # a repeat of the same text
    book.close()


def test_worksheet_writes_formula_cells_as_xlsxwriter_does(tmp_path):
    # Worksheet writes formula cells itself (each text escaped once): byte for byte what
    # XlsxWriter writes, for every kind of cached value.
    ours, theirs = tmp_path / "ours.xlsx", tmp_path / "theirs.xlsx"
    _write_cells(ours, xlsx.Worksheet)
    _write_cells(theirs, xlsxwriter.worksheet.Worksheet)
    assert _sheet_xml(ours) == _sheet_xml(theirs)
    assert "<f>IF(A1&lt;&gt;\"\",1,2)</f>" in _sheet_xml(ours)


def test_worksheet_caches_an_empty_text_where_xlsxwriter_caches_nothing(tmp_path):
    path = tmp_path / "empty.xlsx"
    book = xlsx.new_workbook(path)
    book.worksheet_class = xlsx.Worksheet
    sheet = book.add_worksheet()
    sheet.write_formula(0, 0, '=""', book.add_format({"bold": True}), "")
    sheet.write_formula(1, 0, '=""', None, "")
    book.close()
    xml = _sheet_xml(path)
    assert re.search(r'<c r="A1" s="\d+" t="str"><f>""</f><v></v></c>', xml), xml
    assert '<c r="A2" t="str"><f>""</f><v></v></c>' in xml


def test_workbook_zips_at_its_level_and_restores_the_module(tmp_path):
    sizes = {}
    for level in (1, 9):
        path = tmp_path / f"level{level}.xlsx"
        book = xlsx.new_workbook(path, workbook_class=xlsx.Workbook)
        book.zip_level = level
        sheet = book.add_worksheet()
        for row in range(3000):
            sheet.write_number(row, 0, row % 7)
        book.close()
        with zipfile.ZipFile(path) as z:
            sizes[level] = z.getinfo("xl/worksheets/sheet1.xml").compress_size
    assert sizes[1] > sizes[9]
    assert xlsxwriter.workbook.ZipFile is zipfile.ZipFile


def test_the_header_style_is_spelled_out_only_in_xlsx():
    # Every header cell format comes from xlsx.header_style / header_format: no other module
    # pairs a background with the header fill (the README's "restyle the company header").
    offenders = []
    for path in sorted((ROOT / "kpixl").rglob("*.py")):
        if path.name == "xlsx.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):
                pairs = {k.value: v for k, v in zip(node.keys, node.values) if isinstance(k, ast.Constant)}
                fill = pairs.get("bg_color")
                if isinstance(fill, ast.Name) and fill.id == "HEADER_FILL" or \
                        isinstance(fill, ast.Attribute) and fill.attr == "HEADER_FILL":
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_restyling_the_header_in_xlsx_restyles_every_company_header(tmp_path, monkeypatch):
    from datetime import date

    from kpixl import consolidate as cons
    from kpixl.model import DepartmentWorkbook, KpiRecord, MeasurementRecord, Place

    monkeypatch.setattr(xlsx, "HEADER_FILL", "#123456")
    record = KpiRecord(kpi_id="S-1", name="Sales", level="low", direction=core.INCREASE, aggregation=core.LAST,
                       target=100.0, start=date(2026, 1, 1), deadline=date(2026, 12, 31),
                       place=Place("a.xlsx", "KPIs", "A2"))
    book = DepartmentWorkbook(path="a.xlsx", department="Sales", kpis=[record],
                              measurements=[MeasurementRecord("S-1", date(2026, 1, 31), 50.0)])
    out = tmp_path / "company.xlsx"
    cons.write_company_workbook(cons.consolidate_workbooks([book], date(2026, 3, 31)), out)
    workbook = openpyxl.load_workbook(out)
    fills = {}
    for name in ("KPIs", "Measurements", "History", "Summary"):
        for row in workbook[name].iter_rows():
            for cell in row:
                if cell.font is not None and cell.font.b and cell.fill.fgColor.rgb not in (None, "00000000"):
                    fills.setdefault(name, set()).add(cell.fill.fgColor.rgb)
    # The KPIs, Measurements and History headers and the Summary's tables: all the new fill, none the old.
    assert {name: fill for name, fill in fills.items()} == {name: {"FF123456"} for name in
                                                            ("KPIs", "Measurements", "History", "Summary")}


# ------------------------------------------------------------------ PlainRows

_TEXTS = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(
    ["", " lead", "trail ", "a & b < c > d", "_x0041_", "\x01ctrl", "Sø & Æble", "\t", "line\nbreak", "\r", "x\r"])
_VALUES = st.one_of(st.none(), _TEXTS, st.integers(-10**15, 10**15),
                    st.floats(allow_nan=False, allow_infinity=False), st.dates(date(1900, 3, 1), date(9999, 1, 1)),
                    st.booleans(), st.sampled_from([math.nan, math.inf, datetime(2026, 1, 2, 3, 4)]))
# The columns of the rows: text only, number (or text or bool), date only, a number column with its own format.
_NUMBERS, _DATES, _TAKES_TEXT = (False, True, False, True), (False, False, True, False), (True, True, False, True)
_BOOLEANS = (False, True, False, False)


def _write_both_ways(path: Path, rows, plain: bool) -> None:
    book = xlsx.new_workbook(path, {"constant_memory": True})
    sheet = book.add_worksheet()
    pct, day = book.add_format({"num_format": "0%"}), book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.set_column(2, 2, 12, day)
    for c in range(4):
        sheet.write_string(0, c, f"header {c}")
    rows_writer = xlsx.PlainRows(sheet, _NUMBERS, _DATES, _TAKES_TEXT, _BOOLEANS) if plain else None
    styles = rows_writer.styles({3: pct}) if rows_writer else None
    for r, row in enumerate(rows, start=1):
        if rows_writer and rows_writer.row(r, row, styles):
            continue
        if rows_writer:
            rows_writer.flush()
        for c, value in enumerate(row):  # as XlsxWriter writes each, the column's kind deciding
            if value is None:
                continue
            if isinstance(value, str) and _TAKES_TEXT[c]:
                sheet.write_string(r, c, value)
            elif isinstance(value, bool) and _BOOLEANS[c]:
                sheet.write_boolean(r, c, value)
            elif isinstance(value, (date, datetime)) and _DATES[c]:
                sheet.write_number(r, c, core.to_serial(value))
            elif isinstance(value, (int, float)) and not isinstance(value, bool) and _NUMBERS[c]:
                if math.isfinite(value):
                    sheet.write_number(r, c, value, pct if c == 3 else None)
                else:
                    sheet.write_string(r, c, "not finite")
            else:
                sheet.write_string(r, c, f"as its column's writer: {value!r}")
    if rows_writer:
        rows_writer.flush()
    book.close()


def _plain_text(value) -> bool:
    return not (isinstance(value, str) and value.startswith("<r>") and value.endswith("</r>"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_VALUES, _VALUES, _VALUES, _VALUES).filter(lambda row: all(map(_plain_text, row))),
                max_size=12))
def test_plain_rows_write_the_xml_xlsxwriter_writes(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("plain")
    _write_both_ways(folder / "xlsxwriter.xlsx", rows, plain=False)
    _write_both_ways(folder / "plain.xlsx", rows, plain=True)
    assert _sheet_xml(folder / "plain.xlsx") == _sheet_xml(folder / "xlsxwriter.xlsx")


def test_plain_rows_read_back_as_written_around_rows_xlsxwriter_writes(tmp_path):
    rows = [("a", 1.5, date(2026, 1, 5), 0.25), ("b", True, None, None), ("b", None, None, False), ("c", 2, date(2026, 1, 12), None),
            ("a & <b>", "text", datetime(2026, 1, 19), 1), ("<r>rich?</r>", None, None, None)]
    _write_both_ways(tmp_path / "plain.xlsx", rows, plain=True)
    sheet = openpyxl.load_workbook(tmp_path / "plain.xlsx").active
    got = [tuple(cell.value for cell in row) for row in sheet.iter_rows(min_row=2)]
    assert got == [("a", 1.5, datetime(2026, 1, 5), 0.25),
                   ("b", True, None, None), ("b", None, None, "as its column's writer: False"),
                   ("c", 2, datetime(2026, 1, 12), None),
                   ("a & <b>", "text", datetime(2026, 1, 19), 1),
                   # XlsxWriter would write this one unescaped, as rich text (a repair prompt in Excel).
                   ("<r>rich?</r>", None, None, None)]
    assert sheet["D2"].number_format == "0%" and sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet.dimensions == "A1:D7"


def test_plain_rows_need_a_constant_memory_sheet_with_its_header(tmp_path):
    book = xlsx.new_workbook(tmp_path / "a.xlsx")
    with pytest.raises(ValueError, match="constant_memory"):
        xlsx.PlainRows(book.add_worksheet(), (True,), (False,), (True,))
    book.close()
    book = xlsx.new_workbook(tmp_path / "b.xlsx", {"constant_memory": True})
    with pytest.raises(ValueError, match="header row"):
        xlsx.PlainRows(book.add_worksheet(), (True,), (False,), (True,))
    book.close()


def test_worksheet_writes_text_shaped_like_rich_text_as_text_in_constant_memory(tmp_path):
    rich = "<r><t>typed</t></r>"
    book = xlsx.new_workbook(tmp_path / "rich.xlsx", {"constant_memory": True})
    book.worksheet_class = xlsx.Worksheet
    sheet = book.add_worksheet()
    sheet.set_column(1, 1, 20, book.add_format({"bold": True}))
    sheet.set_row(1, 45)  # a tall row, as a long note's
    sheet.write_string(0, 0, rich)
    sheet.write_string(1, 1, rich)
    sheet.write_string(2, 0, "<r>plain</r> after")
    sheet.write_rich_string(3, 0, "a ", book.add_format({"italic": True}), "rich", " string")  # real rich text stays
    book.close()
    read = openpyxl.load_workbook(tmp_path / "rich.xlsx", rich_text=True).active
    assert (read["A1"].value, read["B2"].value, read["A3"].value) == (rich, rich, "<r>plain</r> after")
    assert read["B2"].font.b and read.row_dimensions[2].height == 45
    assert str(read["A4"].value) == "a rich string" and not isinstance(read["A4"].value, str)

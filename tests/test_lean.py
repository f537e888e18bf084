"""Test kpixl.reader.lean: the table sheets fastexcel parses, without their computed cells.

The stripping is checked against sheets built cell by cell (each cell's text known, so
the expected result is the same text without the dropped ones), on every form a cell
takes; the sheets it must leave whole; the reference parser against every reference;
the compiled tag scan (``kpixl/reader/_tagscan.c``) against numpy's on any bytes, and the
strip with each; and, end to end, that the fast engine reading the lean copy gives what the exact engine
reads from the original, with nothing typed beside or below a table lost.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpixl import schema
from kpixl.model import KpiRecord, MeasurementRecord
from kpixl.reader import lean, precheck, read_workbook
from kpixl.reader.ooxml import _input_columns
from kpixl.refs import column_letter, parse_ref
from kpixl.template import write_template

import workbooks as W
from conftest import under_ci

SCANS = ["numpy", "compiled"]


def use_scan(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Have strip_cells scan with ``name``; the compiled scan skips where it is not built, and fails under CI=true."""
    if name == "compiled":
        require_compiled()
    monkeypatch.setattr(lean, "_tags", lean._numpy_tags if name == "numpy" else lean._compiled_tags)


def require_compiled() -> None:
    if lean._tagscan is None:
        message = "kpixl.reader._tagscan is not built (pip install -e . with a C compiler)"
        if under_ci():
            pytest.fail(f"{message}; CI=true: the compiled scan must be tested", pytrace=False)
        pytest.skip(message)


@pytest.fixture(params=SCANS)
def scan(request, monkeypatch) -> str:
    """Run a test with each tag scan (see :func:`use_scan`)."""
    use_scan(monkeypatch, request.param)
    return request.param

# Every form a cell takes in the XML writers produce ({ref} is its reference).
CELL_FORMS = [
    '<c r="{ref}" s="3"/>',
    '<c r="{ref}"/>',
    '<c r="{ref}" s="8"><v>175.22</v></c>',
    '<c r="{ref}" t="s"><v>12</v></c>',
    '<c r="{ref}" s="15"><f>IF(A2&lt;&gt;"",MATCH(A2,KPIs[ID],0),"")</f><v>1</v></c>',
    '<c r="{ref}" s="15" t="str"><f>IF(1,"","")</f><v></v></c>',
    '<c r="{ref}"><f t="shared" ref="F2:F9" si="0">ROW()</f><v>2</v></c>',
    '<c r="{ref}"><f t="shared" si="0"/><v>3</v></c>',
    '<c r="{ref}"><f>1+1</f></c>',
    '<c r="{ref}" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
    '<c r="{ref}" t="inlineStr"><is><t>a &lt;c r="B2"&gt; in text</t></is></c>',
    '<c r="{ref}" t="inlineStr"><is><r><rPr><color rgb="FF0000"/><charset val="1"/></rPr><t>rich</t></r></is></c>',
    '<c r="{ref}" t="b"><v>1</v></c>',
]
HEAD = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' \
       b'<worksheet xmlns="x"><dimension ref="A1:Z9"/><sheetData>'
TAIL = b'</sheetData><conditionalFormatting sqref="A2:A9"><cfRule type="expression"><formula>1</formula></cfRule>' \
       b'</conditionalFormatting></worksheet>'


def sheet(rows: dict[int, list[tuple[int, int]]]) -> tuple[bytes, list[tuple[int, int, bytes]]]:
    """Return the XML of a sheet holding, per row, (column, form index) cells, and each cell as (row, column, text)."""
    cells: list[tuple[int, int, bytes]] = []
    for row in sorted(rows):
        for column, form in sorted(dict(rows[row]).items()):
            cells.append((row, column, CELL_FORMS[form].format(ref=f"{column_letter(column)}{row}").encode()))
    return _xml(rows, cells), cells


def _xml(rows, cells) -> bytes:
    body = b"".join(f'<row r="{row}" spans="1:9">'.encode() + b"".join(t for r, _c, t in cells if r == row) + b"</row>"
                    for row in sorted(rows))
    return HEAD + body + TAIL


def expected(rows, cells, drops) -> bytes | None:
    """Return the sheet without the dropped cells, built from the cells' own texts.

    Dropped: the named cells with a ``</c>``, and in the drops' rows every cell that closes
    itself (it holds no value); a row all of whose cells are dropped goes whole, ``<row>``
    to ``</row>``. None when no named cell with a ``</c>`` is there.
    """
    def named(row: int, column: int, text: bytes) -> bool:
        return not text.endswith(b"/>") and any(first <= row <= last and column in columns
                                                for first, last, columns in drops)

    def empty(row: int, column: int, text: bytes) -> bool:
        return text.endswith(b"/>") and any(first <= row <= last for first, last, _columns in drops)

    if not any(named(*cell) for cell in cells):
        return None
    kept = [cell for cell in cells if not named(*cell) and not empty(*cell)]
    gone = {row for row in rows if rows[row] and not any(r == row for r, _c, _t in kept)}
    return _xml({row: rows[row] for row in rows if row not in gone}, kept)


rows_strategy = st.dictionaries(
    st.one_of(st.integers(1, 30), st.integers(99_990, 1_048_576)),
    st.lists(st.tuples(st.one_of(st.integers(1, 30), st.sampled_from([26, 27, 52, 200, 702, 703, 16384])),
                       st.integers(0, len(CELL_FORMS) - 1)), min_size=0, max_size=8),
    min_size=1, max_size=12)
drops_strategy = st.lists(st.tuples(st.integers(1, 40), st.integers(1, 1_048_576),
                                    st.frozensets(st.one_of(st.integers(1, 30), st.just(16384)), min_size=1)),
                          min_size=1, max_size=3)


@pytest.mark.parametrize("scan_name", SCANS)
@settings(max_examples=300, deadline=None)
@given(rows=rows_strategy, drops=drops_strategy)
def test_strip_drops_exactly_the_named_cells_with_a_close_and_the_empty_cells_in_their_rows(scan_name, rows, drops):
    with pytest.MonkeyPatch.context() as monkeypatch:  # hypothesis runs the body many times: a context each
        use_scan(monkeypatch, scan_name)
        xml, cells = sheet(rows)
        assert lean.strip_cells(xml, drops) == expected(rows, cells, drops)
        # A bytearray (what libdeflate hands over) gives the same.
        assert lean.strip_cells(bytearray(xml), drops) == expected(rows, cells, drops)


@settings(max_examples=300, deadline=None)
@given(rows_strategy, drops_strategy, st.integers(1, 64))
def test_tags_found_in_chunks_give_the_same_bytes_as_in_one_pass(rows, drops, chunk):
    """However the part is cut into chunks (a tag's bytes across two of them), the lean sheet is the same."""
    xml, cells = sheet(rows)
    with pytest.MonkeyPatch.context() as monkeypatch:  # hypothesis runs the body many times: a context each
        use_scan(monkeypatch, "numpy")  # the compiled scan has no chunks
        monkeypatch.setattr(lean, "TAG_CHUNK", len(xml) + 1)
        whole = lean.strip_cells(xml, drops)
        monkeypatch.setattr(lean, "TAG_CHUNK", chunk)
        assert lean.strip_cells(xml, drops) == whole == expected(rows, cells, drops)
        found = lean._tags(xml)
    assert_tags_of(xml, found)
    if lean._tagscan is not None:
        assert_tags_of(xml, lean._compiled_tags(xml))


def assert_tags_of(xml: bytes, found) -> None:
    """Assert that ``found`` holds the tags of ``xml``, read with regular expressions."""
    tags = found.tags
    assert tags.tolist() == [m.start() for m in re.finditer(b"<", xml)]
    assert found.second.tolist() == [xml[t + 1] for t in tags.tolist()]
    assert found.third.tolist() == [xml[t + 2] for t in tags.tolist()]
    assert tags[found.cells].tolist() == [m.start() for m in re.finditer(rb"<c[ />\t\r\n]", xml)]
    assert tags[found.closes].tolist() == [m.start() for m in re.finditer(rb"</c>", xml)]
    assert [bytes(c) for c in found.heads.view("V24").ravel()] == [
        xml[min(t, len(xml) - 24):][:24] for t in tags[found.cells].tolist()]


# Bytes a tag scan reads: "<", cell and row names, what ends a name, and what does not.
SCAN_ALPHABET = b'<<<c/ >r\t\n\r"=A1o!?w:x'
SCAN_BYTES = st.binary(min_size=24, max_size=400).map(
    lambda raw: bytes(SCAN_ALPHABET[b % len(SCAN_ALPHABET)] for b in raw))


@settings(max_examples=500, deadline=None)
@given(st.one_of(SCAN_BYTES, st.binary(min_size=24, max_size=200)), st.integers(1, 64))
def test_the_compiled_scan_finds_what_numpy_finds_in_any_bytes(content, chunk):
    """Every field equal, dtype and shape too, however numpy cuts the part into chunks (tags at its edges included);
    the cells placed by their rows alike (random bytes seldom hold a row: the next test writes them)."""
    require_compiled()
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(lean, "TAG_CHUNK", chunk)
        by_numpy = lean._numpy_tags(content)
    for given_as in (content, bytearray(content), memoryview(content)):
        assert_same_scans(lean._compiled_tags(given_as), by_numpy)


def assert_same_scans(compiled, by_numpy) -> None:
    """Assert that two scans found the same tags (every field, dtype and shape too) and placed the cells alike."""
    assert by_numpy.by_row is lean._NOT_READ and compiled.by_row is not lean._NOT_READ
    for name, ours, theirs in zip(lean._Tags._fields[:-1], compiled, by_numpy):
        assert (ours.dtype, ours.shape) == (theirs.dtype, theirs.shape), name
        assert np.array_equal(ours, theirs), name
    placed, by_rows = lean._places_by_row(compiled), lean._places_by_row(by_numpy)
    assert (placed is None) == (by_rows is None)
    for name, ours, theirs in zip(("rows", "columns", "row tags", "owners"), placed or (), by_rows or ()):
        assert (ours.dtype, ours.shape) == (theirs.dtype, theirs.shape), name
        assert np.array_equal(ours, theirs), name


# What to change in a sheet's bytes to try the rules of placing cells by their rows.
EDITS = st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(list(b'"<>/ 0123456789ABZarocw:='))),
                 max_size=4)


@settings(max_examples=400, deadline=None)
@given(rows_strategy, EDITS, st.sampled_from([b"", b'<row r="7"/>', b'<c r="B1"/>', b"<rowBreaks/>",
                                              b'<row r="12345678">', b'<row  r="3">', b'<c r="A01"/>']))
def test_the_compiled_scan_places_cells_by_their_rows_as_numpy_does(rows, edits, extra):
    """Sheets written the plain way, and with bytes changed or a tag added where rows and references are read."""
    require_compiled()
    xml, _cells = sheet(rows)
    at = xml.index(b"<sheetData>") + len(b"<sheetData>")
    content = bytearray(xml[:at] + extra + xml[at:])
    for where, byte in edits:
        content[where % len(content)] = byte
    assert_same_scans(lean._compiled_tags(bytes(content)), lean._numpy_tags(bytes(content)))


def test_the_compiled_scan_reads_a_template_sheet_as_numpy_does(tmp_path):
    """Every sheet of a template with measurements (its pre-sized Measurements sheet: 10,000s of tags, the real shape)."""
    require_compiled()
    path = _template(tmp_path / "dept.xlsx")
    with zipfile.ZipFile(path) as archive:
        parts = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert max(len(p) for p in parts) > 500_000
    for part in parts:
        assert_same_scans(lean._compiled_tags(part), lean._numpy_tags(part))
    # Its Measurements sheet's cells are placed by their rows (the route a template's sheet takes).
    assert lean._places_by_row(lean._compiled_tags(max(parts, key=len))) is not None


def test_the_compiled_scan_refuses_what_is_no_part():
    require_compiled()
    with pytest.raises(ValueError, match="fewer than 24 bytes"):
        lean._tagscan.scan(b"<c r=\"A1\"/>")
    with pytest.raises(TypeError):
        lean._tagscan.scan("<c r=\"A1\"/>" * 4)


def test_strip_cells_scans_compiled_where_it_is_built():
    """Where kpixl was built with its C part, strip_cells uses it: under CI=true that must be the case."""
    require_compiled()
    assert lean._tags is lean._compiled_tags


@pytest.mark.parametrize("scan_name", SCANS)
@settings(max_examples=200, deadline=None)
@given(rows=rows_strategy)
def test_places_read_by_rows_are_the_places_read_cell_by_cell(scan_name, rows):
    with pytest.MonkeyPatch.context() as monkeypatch:
        use_scan(monkeypatch, scan_name)
        places_read_by_rows_are_the_places_read_cell_by_cell(rows)


def places_read_by_rows_are_the_places_read_cell_by_cell(rows):
    xml, cells = sheet(rows)
    found = lean._tags(xml)
    by_row = lean._places_by_row(found)
    by_cell = lean._places(found.heads)
    if not cells:
        assert by_row is None
        return
    assert by_row is not None and by_cell is not None
    assert by_row[0].tolist() == by_cell[0].tolist() == [r for r, _c, _t in cells]
    assert by_row[1].tolist() == by_cell[1].tolist() == [c for _r, c, _t in cells]


@pytest.mark.parametrize("change", [
    (b'<row r="3" spans="1:9">', b'<row spans="1:9" r="3">'),   # r not first: cell by cell
    (b'<c r="F3"', b'<c r="F4"'),                                # a cell naming another row than its own
    (b'<row r="3" spans="1:9">', b'<row r="03" spans="1:9">'),   # the row's digits are not the cells'
])
def test_rows_not_read_by_row_are_read_cell_by_cell(change, scan):
    xml, _ = sheet({2: [(5, 2), (6, 4)], 3: [(5, 2), (6, 4)]})
    odd = xml.replace(*change)
    assert odd != xml
    assert lean._places_by_row(lean._tags(odd)) is None
    rows, columns = lean._places(lean._tags(odd).heads)
    assert columns.tolist() == [5, 6, 5, 6]
    out = lean.strip_cells(odd, [(2, 4, frozenset({6}))])
    assert out is not None and b'r="F2"' not in out and b'<c r="E2"' in out and out.count(b"<c ") == 2


def test_a_row_left_empty_goes_whole_and_a_run_of_them_in_one_cut(scan):
    rows = {2: [(1, 2), (6, 4)], 3: [(1, 1), (6, 4)], 4: [(1, 0), (6, 4)], 5: [(1, 2), (6, 4)], 6: []}
    xml, cells = sheet(rows)
    out = lean.strip_cells(xml, [(2, 6, frozenset({6}))])
    assert out == expected(rows, cells, [(2, 6, frozenset({6}))])
    assert b'<row r="3"' not in out and b'<row r="4"' not in out and b'<row r="4" spans="1:9"></row>' not in out
    assert b'<row r="2"' in out and b'<row r="5"' in out and b'<row r="6" spans="1:9"></row>' in out


@pytest.mark.parametrize("chunk", [1, 3, 7])
def test_a_sheet_not_written_the_plain_way_is_left_whole_in_chunks_too(monkeypatch, chunk):
    monkeypatch.setattr(lean, "TAG_CHUNK", chunk)
    xml, _ = sheet({2: [(5, 2), (6, 4)], 3: [(5, 2), (6, 4)]})
    assert lean.strip_cells(xml, [(2, 3, frozenset({6}))]) is not None
    for old, odd in [(b"<sheetData>", b"<sheetData><!-- a <c r=\"B2\"> -->"), (b'<c r="F2"', b"<c"),
                     (b'<c r="F2"', b'<x:c r="F2"')]:
        assert lean.strip_cells(xml.replace(old, odd), [(2, 3, frozenset({6}))]) is None


def test_strip_keeps_header_totals_and_rows_below_and_columns_beside(scan):
    rows = {1: [(c, 3) for c in range(1, 8)],               # the header row
            2: [(c, 4) for c in range(1, 8)], 3: [(c, 4) for c in range(1, 8)],
            4: [(c, 2) for c in range(1, 8)],               # the totals row
            6: [(5, 2), (6, 2)]}                            # below the table, in a computed column
    xml, cells = sheet(rows)
    out = lean.strip_cells(xml, [(2, 3, frozenset({5, 6}))])
    assert out is not None and out.endswith(TAIL) and out.startswith(HEAD)
    assert re.findall(rb'<c r="([A-Z]+[0-9]+)"', out) == [
        f"{column_letter(c)}{r}".encode() for r, c, _text in cells if not (r in (2, 3) and c in (5, 6))]


@pytest.mark.parametrize("change", [
    (b"<sheetData>", b"<sheetData><!-- a <c r=\"B2\"> in a comment -->"),
    (b"<sheetData>", b"<sheetData><?pi <c r=\"B2\"?>"),
    (b"<v>1</v>", b"<v><![CDATA[1]]></v>"),
    (b'<c r="F2"', b'<c s="15" r="F2"'),     # the reference is not first
    (b'<c r="F2"', b"<c r='F2'"),            # single quotes
    (b'<c r="F2"', b'<c  r="F2"'),           # two spaces
    (b'<c r="F2"', b'<c r="f2"'),            # lower case
    (b'<c r="F2"', b'<c r="$F$2"'),
    (b'<c r="F2"', b'<c r="F12345678"'),     # eight digits
    (b'<c r="F2"', b'<c r="F"'),
    (b'<c r="F2"', b'<c r="2"'),
    (b'<c r="F2"', b'<c r="ABCD2"'),
    (b'<c r="F2"', b"<c"),                   # no reference: its place follows the cell before it
])
def test_a_sheet_not_written_the_plain_way_is_left_whole(change, scan):
    xml, _ = sheet({2: [(5, 2), (6, 4)], 3: [(5, 2), (6, 4)]})
    assert lean.strip_cells(xml, [(2, 3, frozenset({6}))]) is not None
    odd = xml.replace(*change)
    assert odd != xml
    assert lean.strip_cells(odd, [(2, 3, frozenset({6}))]) is None


def test_nothing_to_drop_is_none(scan):
    xml, _ = sheet({2: [(5, 2), (6, 0)]})
    assert lean.strip_cells(xml, [(2, 3, frozenset({6}))]) is None  # F2 closes itself: nothing to gain
    assert lean.strip_cells(xml, []) is None
    assert lean.strip_cells(b"", [(2, 3, frozenset({6}))]) is None
    assert lean.strip_cells(b'<x:worksheet><x:sheetData><x:c r="F2"><x:v>1</x:v></x:c></x:sheetData></x:worksheet>',
                            [(2, 3, frozenset({6}))]) is None  # prefixed: no <c at all


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 16384), st.integers(1, 9_999_999)), min_size=1, max_size=50))
def test_references_are_read_as_the_numbers_they_spell(refs):
    xml = b"".join(f'<c r="{column_letter(c)}{r}" s="1"><v>1</v></c>'.encode() for c, r in refs) + b" " * 24
    rows, columns = lean._places(lean._tags(xml).heads)
    assert rows.tolist() == [r for _, r in refs] and columns.tolist() == [c for c, _ in refs]


@given(st.binary(min_size=8, max_size=8), st.integers(0, 255))
def test_first_byte_finds_the_first_match(word, byte):
    found = lean._first_byte(np.frombuffer(word, "<u8"), byte)
    assert found.tolist() == [word.index(bytes([byte])) if bytes([byte]) in word else 8]


@given(st.text("0123456789", min_size=1, max_size=7), st.binary(max_size=7))
def test_numbers_are_parsed_eight_bytes_at_once(digits, tail):
    word = (digits.encode() + b'"' + tail + b"\0" * 8)[:8]
    assert lean._swar_number(np.frombuffer(word, "<u8"), np.array([len(digits)])).tolist() == [int(digits)]


@given(st.binary(min_size=1, max_size=7).filter(lambda b: not b.isdigit()))
def test_a_byte_that_is_no_digit_is_refused(text):
    word = (text + b"\0" * 8)[:8]
    assert lean._swar_number(np.frombuffer(word, "<u8"), np.array([len(text)])).tolist() == [-1]


# ------------------------------------------------------------------ end to end

def _template(path: Path, language: str = "en") -> Path:
    kpis = [KpiRecord(kpi_id=f"SAL-0{i}", name=f"KPI {i}", level="high", owner="Anna", direction="increase",
                      aggregation="sum", frequency="monthly", target=1200.0, start=W.START, deadline=W.DEADLINE)
            for i in range(1, 4)]
    measurements = [MeasurementRecord(k.kpi_id, d, 100.0 * (i + 1), note="checked" if i == 1 else None)
                    for k in kpis for i, d in enumerate(W.MONTH_ENDS)]
    write_template(path, language=language, kpis=kpis, measurements=measurements)
    return path


def test_the_fast_engine_parses_lean_table_sheets_and_reads_what_the_exact_engine_reads(tmp_path, monkeypatch):
    path = _template(tmp_path / "dept.xlsx")
    pkg = precheck(path)
    _sheets, _names, tables = pkg.structure
    # The Dashboard's own table is not kpixl's: its sheet stays whole; so do the Phasing sheet (no
    # computed column) and the Evaluation sheet (below route.LEAN_FROM_BYTES).
    parts = {t.name: t.sheet_part for t in tables if t.name in ("KPIs", "Measurements", "Commentary")}
    assert set(pkg.lean) == set(parts.values())
    with zipfile.ZipFile(path) as archive:
        whole = archive.read(parts["Measurements"])
    slim = pkg.lean[parts["Measurements"]]
    assert len(slim) * 5 < len(whole) and b"<f>" in whole and b"<f>" not in slim
    # Every input cell holding something is still there, byte for byte; the empty ones (the
    # template's pre-sized blank rows) are gone.
    info = next(t for t in tables if t.name == "Measurements")
    inputs = {column_letter(c) for c in _input_columns(schema.MEASUREMENTS, info)}
    assert inputs == {"A", "B", "C", "D", "E"}
    cell = re.compile(rb'<c r="([A-Z]+)[0-9]+"[^>]*?(?:/>|>.*?</c>)')
    kept = [m.group() for m in cell.finditer(whole) if m.group(1).decode() in inputs and not m.group().endswith(b"/>")]
    assert kept and kept == [m.group() for m in cell.finditer(slim) if m.group(1).decode() in inputs]
    assert b'<c r="A3000" ' in whole and b'<c r="A3000" ' not in slim
    # The copy fastexcel reads is a sound package.
    source = pkg.parsed_source()
    assert isinstance(source, bytes)
    with zipfile.ZipFile(io.BytesIO(source)) as copy:
        assert copy.testzip() is None and copy.read(parts["Measurements"]) == slim
    fast, exact, fast_tables = W.read_both_ways(path, monkeypatch)
    W.assert_same_reads(fast, exact)
    assert sorted(fast_tables) == ["Commentary", "Evaluation", "KPIs", "Measurements", "Phasing"] and len(fast.measurements) == 9


@pytest.mark.parametrize("column_key", ["calc_kpi_row", "calc_key"])
def test_a_value_typed_below_a_table_in_a_computed_column_is_still_named(tmp_path, monkeypatch, column_key):
    path = _template(tmp_path / "dept.xlsx")
    info = next(t for t in precheck(path).structure[2] if t.name == "Measurements")
    _top, left, bottom, _right = parse_ref(info.ref)
    header = schema.MEASUREMENTS.column(column_key).header("en")
    ref = f"{column_letter(left + info.columns.index(header))}{bottom + 1}"
    part = info.sheet_part
    W.rezip(path, lambda name, data: data.replace(
        b"</sheetData>", f'<row r="{bottom + 1}"><c r="{ref}"><v>5</v></c></row></sheetData>'.encode())
        if name == part else None)
    fast, exact, fast_tables = W.read_both_ways(path, monkeypatch)
    W.assert_same_reads(fast, exact)
    assert "Measurements" not in fast_tables
    assert [(f.code, f.place.cell) for f in fast.findings if f.code != "KPX307"] == [("KPX137", ref)]


@pytest.mark.parametrize("in_worker", [False, True], ids=["whole-sheet scan", "scanned with the lean copy"])
def test_a_formula_without_value_counts_only_in_an_input_cell(tmp_path, monkeypatch, in_worker):
    # In a worker the input cells are found from the tags the lean copy is made from; here the
    # whole sheet is scanned: both find the same cells.
    monkeypatch.setattr("kpixl.isolation.in_worker", lambda: in_worker)
    path = _template(tmp_path / "dept.xlsx")
    part = next(t for t in precheck(path).structure[2] if t.name == "Measurements").sheet_part
    assert part in precheck(path).lean

    def lose_value(cell: str):
        def edit(name, data):
            if name != part:
                return None
            found = re.search(rf'<c r="{cell}"([^>]*)>(.*?)</c>'.encode(), data)
            assert found, cell
            return data.replace(found.group(), f'<c r="{cell}"><f>1+1</f></c>'.encode())
        return edit

    W.rezip(path, lose_value("G3"))  # a computed (helper) cell: never read, so no finding
    assert read_workbook(path).findings == []
    W.rezip(path, lose_value("C3"))  # the Value cell
    found = [(f.code, f.place.cell) for f in read_workbook(path).findings]
    assert found == [("KPX208", "C3")]
    W.rezip(path, lambda name, data: data.replace(b'<c r="C4"', b'<c r="C4" t="e"><v>#N/A</v></c><c r="X4"')
            if name == part else None)  # an error saved in the next row's Value
    found = sorted((f.code, f.place.cell) for f in read_workbook(path).findings)
    assert found == [("KPX208", "C3"), ("KPX209", "C4")]


def test_both_pre_check_routes_make_the_same_lean_sheets(tmp_path):
    path = _template(tmp_path / "dept.xlsx", language="da")
    bounded, worker = precheck(path, bound_sheets=True), precheck(path, bound_sheets=False)
    assert dict(bounded.lean) == dict(worker.lean) and bounded.lean
    assert bounded.sheets == worker.sheets


@pytest.mark.libreoffice
def test_a_libreoffice_saved_template_is_made_lean_and_reads_the_same(tmp_path, monkeypatch, recalc):
    (saved,) = recalc(_template(tmp_path / "dept.xlsx"))
    assert precheck(saved).lean, "LibreOffice writes every cell the plain way"
    fast, exact, fast_tables = W.read_both_ways(saved, monkeypatch)
    W.assert_same_reads(fast, exact)
    assert sorted(fast_tables) == ["Commentary", "Evaluation", "KPIs", "Measurements", "Phasing"]
    assert [(m.kpi_id, m.period_end, m.value) for m in fast.measurements][:3] == [
        ("SAL-01", date(2026, 1, 31), 100.0), ("SAL-01", date(2026, 2, 28), 200.0),
        ("SAL-01", date(2026, 3, 31), 300.0)]


def test_only_computed_and_helper_columns_are_dropped_not_a_departments_own():
    from kpixl.reader.ooxml import TableInfo

    headers = ["KPI ID", "Period end", "Value", "Region", "(calc) KPI row", "Note", "(calc) ID key"]
    info = TableInfo(name="Measurements", sheet="M", ref="B3:H40", columns=headers, totals_rows=1)
    # Columns B.. : Region (E) is the department's own and stays; F and H are computed.
    assert lean.table_drop(schema.MEASUREMENTS, info) == (4, 39, frozenset({6, 8}))
    assert lean.table_drop(schema.MEASUREMENTS, TableInfo("Measurements", "M", "B3:H3", headers)) is None
    assert lean.table_drop(schema.MEASUREMENTS, TableInfo("Measurements", "M", "nonsense", headers)) is None


@pytest.mark.parametrize("typed", [None, "12,5"])
def test_a_cell_python_calamine_cannot_read_in_a_computed_column_stops_neither_engine(tmp_path, monkeypatch, typed):
    # Excel 365 saves #SPILL! and #CALC!, which python-calamine cannot read: in a computed
    # cell kpixl never reads, it must not make one engine fail where the other reads on
    # (with a text number elsewhere the table goes to the exact engine).
    path = _template(tmp_path / "dept.xlsx")
    part = next(t for t in precheck(path).structure[2] if t.name == "Measurements").sheet_part

    def edit(name, data):
        if name != part:
            return None
        data = re.sub(rb'<c r="F5"[^>]*?(?:/>|>.*?</c>)', b'<c r="F5" t="e"><f>SEQUENCE(2)</f><v>#SPILL!</v></c>',
                      data, count=1)
        if typed is not None:
            data = re.sub(rb'<c r="C7"[^>]*?(?:/>|>.*?</c>)', f'<c r="C7" t="inlineStr"><is><t>{typed}</t></is></c>'
                          .encode(), data, count=1)
        return data

    W.rezip(path, edit)
    fast, exact, fast_tables = W.read_both_ways(path, monkeypatch)
    W.assert_same_reads(fast, exact)
    assert len(fast.measurements) == (9 if typed is None else 8)  # C7's row has no valid value
    named = [(f.code, f.place.cell) for f in fast.findings if f.code in ("KPX109", "KPX204")]
    assert named == ([] if typed is None else [("KPX204", "C7")])  # the number typed as text, not "cannot be read"
    assert ("Measurements" in fast_tables) == (typed is None)


# ------------------------------------------------------------ a prefixed cell in an unprefixed sheet

_PREFIXED_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.'
                  b'openxmlformats.org/spreadsheetml/2006/main" xmlns:x="http://schemas.openxmlformats.org/'
                  b'spreadsheetml/2006/main"><sheetData>')


@pytest.mark.parametrize("cell", [
    b'<x:c t="inlineStr"><x:is><x:t>moved</x:t></x:is></x:c>',   # no reference: it follows the cell before it
    b'<x:c r="F2" t="inlineStr"><x:is><x:t>moved</x:t></x:is></x:c>',
    b'<x:c/>',
    b'<ns1.a-b:c t="n"><v>1</v></ns1.a-b:c>',
])
def test_a_prefixed_cell_in_an_unprefixed_sheet_leaves_it_whole(cell):
    """Issue 18 point 10: the lean copy finds cells as ``<c``; a ``<x:c>`` beside them would be missed and moved."""
    plain = (_PREFIXED_HEAD + b'<row r="2"><c r="A2"><v>1</v></c><c r="B2"><f>1+1</f><v>2</v></c></row>'
             b'</sheetData></worksheet>')
    assert lean.strip_cells(plain, [(2, 3, frozenset({2}))]) is not None
    odd = plain.replace(b"</c></row>", b"</c>" + cell + b"</row>")
    assert lean.strip_cells(odd, [(2, 3, frozenset({2}))]) is None
    # A prefixed row holding the cells too.
    odd = plain.replace(b'<row r="2">', b'<x:row r="2">').replace(b"</row>", b"</x:row>")
    assert lean.strip_cells(odd, [(2, 3, frozenset({2}))]) is None


def test_prefixed_elements_outside_the_sheet_data_and_rich_text_keep_a_sheet_lean():
    """Excel's extLst (``<x14:...>``) follows the sheet data, and rich text holds ``<rPr>``: neither is a cell."""
    xml = (_PREFIXED_HEAD + b'<row r="2" x14ac:dyDescent="0.25"><c r="A2" t="inlineStr"><is><r><rPr><rFont val="A"/>'
           b'</rPr><t>rich</t></r></is></c><c r="B2"><f>1+1</f><v>2</v></c></row></sheetData><extLst><ext uri="x">'
           b'<x14:conditionalFormattings><x14:conditionalFormatting/></x14:conditionalFormattings></ext></extLst>'
           b'</worksheet>')
    stripped = lean.strip_cells(xml, [(2, 3, frozenset({2}))])
    assert stripped is not None and b"<f>" not in stripped and b"rich" in stripped


def test_a_prefixed_cell_after_a_dropped_computed_cell_reads_where_it_was(tmp_path, monkeypatch):
    """Issue 18 point 10 end to end: a Comment typed after the computed columns, as ``<x:c>`` without ``r=``.

    The lean copy moved it from N2 into E2 (the row's blank Note: it follows D2 once the
    computed F2:M2 are gone); the sheet is parsed whole instead, and both engines read
    what the exact reader reads from the original file.
    """
    path = tmp_path / "dept.xlsx"
    computed = {c.key: W.Formula("1+1", 2) for c in schema.MEASUREMENTS.columns if c.computed}
    W.write_workbook(path, measurements=[dict(W.measurement_row("SAL-01", d, 100.0), **computed, Comment="typed")
                                         for d in W.MONTH_ENDS], extra_columns={"Measurements": ["Comment"]})
    part = W.sheet_part(path, "Measurements")
    last = column_letter(len(schema.MEASUREMENTS.columns) + 1)

    def edit(name: str, data: bytes) -> bytes | None:
        if name != part:
            return None
        data = data.replace(b"<worksheet ", b'<worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/'
                                            b'2006/main" ', 1)
        # The Comment of row 2, written as a prefixed cell without its reference (an inline string).
        return re.sub(rb'<c r="' + last.encode() + rb'2"[^>]*>.*?</c>',
                      b'<x:c t="inlineStr"><x:is><x:t>typed</x:t></x:is></x:c>', data, count=1)

    W.rezip(path, edit)
    with zipfile.ZipFile(path) as archive:
        assert b'<x:c t="inlineStr">' in archive.read(part)
    assert part not in precheck(path).lean  # parsed whole
    fast, exact, _fast_tables = W.read_both_ways(path, monkeypatch)
    W.assert_same_reads(fast, exact)
    # What the exact reader reads from the original file, with no lean copy at all.
    with monkeypatch.context() as patch:
        patch.setattr(lean, "strip_cells", lambda content, drops: None)
        from kpixl.reader import prechecks
        patch.setattr(prechecks, "strip_cells", lambda content, drops: None)
        original = read_workbook(path, engine="exact")
    assert [(m.kpi_id, m.value, m.note, m.extra) for m in fast.measurements] == [
        (m.kpi_id, m.value, m.note, m.extra) for m in original.measurements]
    assert [m.extra for m in original.measurements] == [{"Comment": "typed"}] * 3

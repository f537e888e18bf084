"""Test every kind of workbook kpixl writes against Excel's rules that the XSD schemas don't catch.

Excel repairs (or refuses) a file that is schema-valid but breaks one of these, with
a "We found a problem with some content" prompt:

* one data validation per cell (overlapping ``sqref``: "Removed Feature: Data validation");
* the ``_xlfn.`` prefix on every function newer than Excel 2007 (else ``#NAME?``);
* a table's header cells hold exactly its ``tableColumn`` names;
* defined names follow Excel's name rules;
* no formula longer than 8,192 characters.

The kinds: the template in English and Danish, native and xlwings, with and without
``--examples``; the demo's department workbooks, company workbook and next-period
workbook (consolidate and rollover outputs), in both languages.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from xlsxwriter.utility import xl_cell_to_rowcol

from kpixl import demo, schema
from kpixl.template import write_template

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
MAX_FORMULA = 8192

# Functions Excel 2007 does not know, with the version that introduced them: in a file
# they must be written as _xlfn.NAME. (Not exhaustive of Excel, but of what a workbook
# formula plausibly uses; add a function here before kpixl uses it.)
FUTURE_FUNCTIONS = {
    "AGGREGATE": 2010, "NETWORKDAYS.INTL": 2010, "WORKDAY.INTL": 2010, "STDEV.S": 2010, "STDEV.P": 2010,
    "VAR.S": 2010, "VAR.P": 2010, "MODE.SNGL": 2010, "PERCENTILE.INC": 2010, "PERCENTILE.EXC": 2010,
    "QUARTILE.INC": 2010, "RANK.EQ": 2010, "CEILING.PRECISE": 2010, "FLOOR.PRECISE": 2010,
    "IFNA": 2013, "DAYS": 2013, "ISOWEEKNUM": 2013, "XOR": 2013, "SHEET": 2013, "SHEETS": 2013,
    "FORMULATEXT": 2013, "NUMBERVALUE": 2013, "CEILING.MATH": 2013, "FLOOR.MATH": 2013,
    "FORECAST.LINEAR": 2016, "FORECAST.ETS": 2016,
    "MAXIFS": 2019, "MINIFS": 2019, "IFS": 2019, "SWITCH": 2019, "CONCAT": 2019, "TEXTJOIN": 2019,
    "LET": 2021, "XLOOKUP": 2021, "XMATCH": 2021, "FILTER": 2021, "SORT": 2021, "SORTBY": 2021,
    "UNIQUE": 2021, "SEQUENCE": 2021, "RANDARRAY": 2021,
    "LAMBDA": 2024, "TEXTSPLIT": 2024, "TEXTBEFORE": 2024, "TEXTAFTER": 2024, "VSTACK": 2024,
    "HSTACK": 2024, "TOCOL": 2024, "TOROW": 2024, "TAKE": 2024, "DROP": 2024, "CHOOSECOLS": 2024,
}
_FUNCTION = re.compile(r'"[^"]*"|((?:_xlfn\.|_xlws\.)?[A-Za-z_][A-Za-z0-9_.]*)\(')
# Excel's rules for a defined name: starts with a letter, _ or \, then letters, digits, _ or .;
# at most 255 characters; not a cell reference (A1 or R1C1 style) and not R or C.
_NAME = re.compile(r"^[A-Za-z_\\][A-Za-z0-9_.\\]*$")
_A1 = re.compile(r"^\$?[A-Za-z]{1,3}\$?[0-9]+$")
_R1C1 = re.compile(r"^[Rr]([0-9]*)?[Cc]([0-9]*)?$|^[RrCc]$")


# ----------------------------------------------------------------------------- the rules

def _rectangles(sqref: str) -> list[tuple[int, int, int, int]]:
    result = []
    for part in sqref.split():
        first, _, last = part.partition(":")
        r1, c1 = xl_cell_to_rowcol(first)
        r2, c2 = xl_cell_to_rowcol(last or first)
        result.append((r1, c1, r2, c2))
    return result


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def validation_overlaps(sheet_xml: bytes) -> list[str]:
    """Return the pairs of data validations that cover a common cell."""
    root = ElementTree.fromstring(sheet_xml)
    rules = [(dv.get("sqref", ""), dv.get("type", "any"))
             for dv in root.iterfind("m:dataValidations/m:dataValidation", NS)]
    problems = []
    for i, (ref_a, type_a) in enumerate(rules):
        for ref_b, type_b in rules[i + 1:]:
            if any(_overlap(a, b) for a in _rectangles(ref_a) for b in _rectangles(ref_b)):
                problems.append(f"{ref_a} ({type_a}) overlaps {ref_b} ({type_b})")
    return problems


def unprefixed_functions(formula: str) -> set[str]:
    """Return the functions newer than Excel 2007 that ``formula`` calls without ``_xlfn.``."""
    found = set()
    for match in _FUNCTION.finditer(formula):
        name = match.group(1)
        if name and name.upper() in FUTURE_FUNCTIONS:
            found.add(name.upper())
    return found


def invalid_name(name: str) -> bool:
    """Return True when ``name`` breaks Excel's defined-name rules."""
    if name.startswith("_xlnm."):
        return False
    return (len(name) > 255 or not _NAME.match(name) or bool(_A1.match(name)) or bool(_R1C1.match(name)))


def formulas_of(path: Path) -> dict[str, list[str]]:
    """Return every formula text in the file, by part: cells, conditional formats, validations, names, tables."""
    found: dict[str, list[str]] = {}
    with zipfile.ZipFile(path) as z:
        for part in z.namelist():
            if not part.endswith(".xml") or not part.startswith("xl/"):
                continue
            root = ElementTree.fromstring(z.read(part))
            texts = []
            for tag in ("f", "formula", "formula1", "formula2", "calculatedColumnFormula", "definedName"):
                texts.extend(e.text or "" for e in root.iter(f"{{{NS['m']}}}{tag}"))
            if texts:
                found[part] = texts
    return found


def rule_problems(path: Path) -> list[str]:
    """Return every broken rule in the workbook at ``path``, one line each."""
    problems = []
    with zipfile.ZipFile(path) as z:
        for part in z.namelist():
            if part.startswith("xl/worksheets/sheet") and part.endswith(".xml"):
                problems += [f"{part}: one validation per cell: {p}" for p in validation_overlaps(z.read(part))]
        workbook = ElementTree.fromstring(z.read("xl/workbook.xml"))
        for name in workbook.iterfind("m:definedNames/m:definedName", NS):
            if invalid_name(name.get("name", "")):
                problems.append(f"xl/workbook.xml: invalid defined name {name.get('name')!r}")
    for part, texts in formulas_of(path).items():
        for text in texts:
            missing = unprefixed_functions(text)
            if missing:
                problems.append(f"{part}: {sorted(missing)} without _xlfn. in {text[:80]}")
            if len(text) > MAX_FORMULA:
                problems.append(f"{part}: a formula of {len(text)} characters (limit {MAX_FORMULA}): {text[:80]}")
    book = openpyxl.load_workbook(path)
    for ws in book.worksheets:
        for table in ws.tables.values():
            min_col, min_row, max_col, _max_row = openpyxl.utils.cell.range_boundaries(table.ref)
            headers = [ws.cell(min_row, c).value for c in range(min_col, max_col + 1)]
            names = [column.name for column in table.tableColumns]
            if headers != names:
                problems.append(f"{ws.title}: table {table.name} header cells {headers} != tableColumn names {names}")
    return problems


# ----------------------------------------------------------------------------- the workbooks

KINDS = [(language, mode, examples) for language in schema.LANGUAGES for mode in ("native", "xlwings")
         for examples in (False, True)]


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[tuple, Path]:
    folder = tmp_path_factory.mktemp("kinds")
    return {(language, mode, examples): write_template(folder / f"{language}-{mode}-{examples}.xlsx",
                                                        language=language, formulas=mode, examples=examples)
            for language, mode, examples in KINDS}


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory) -> dict[str, Path]:
    files = {}
    for language, mode in (("en", "native"), ("da", "xlwings")):
        result = demo.run_demo(tmp_path_factory.mktemp(f"demo-{language}"), language=language, formulas=mode)
        for key, path in result.workbooks.items():
            files[f"{language} demo {key}"] = path
        files[f"{language} consolidate"] = result.company
        files[f"{language} rollover"] = result.next_period
    return files


@pytest.mark.parametrize(("language", "mode", "examples"), KINDS)
def test_every_template_kind_keeps_excels_rules(templates, language, mode, examples):
    assert rule_problems(templates[language, mode, examples]) == []


def test_the_demo_consolidate_and_rollover_outputs_keep_excels_rules(demo_files):
    assert len(demo_files) == 12
    problems = {name: rule_problems(path) for name, path in demo_files.items()}
    assert problems == {name: [] for name in demo_files}


def test_new_target_has_one_rule_that_checks_number_and_decision(templates):
    path = templates["en", "native", False]
    book = openpyxl.load_workbook(path)
    ws = book[schema.EVALUATION.sheet("en")]
    rules = [dv for dv in ws.data_validations.dataValidation if "F2" in str(dv.sqref)]
    assert len(rules) == 1
    assert rules[0].type == "custom"
    assert rules[0].formula1 == 'AND(ISNUMBER(F2),OR($E2="Adjust target",$E2="Juster mål"))'


# ----------------------------------------------------------------------------- the checks can fail

def test_the_checks_catch_each_broken_rule(tmp_path):
    overlapping = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dataValidations>'
                   b'<dataValidation type="decimal" sqref="F2:F51"/><dataValidation type="custom" sqref="F2:F51"/>'
                   b'<dataValidation type="list" sqref="G2:G9 A1"/></dataValidations></worksheet>')
    assert validation_overlaps(overlapping) == ["F2:F51 (decimal) overlaps F2:F51 (custom)"]
    assert unprefixed_functions('MAXIFS(A:A,B:B,1)+_xlfn.MINIFS(A:A,B:B,1)+SUM(1)+LEN("IFS(")') == {"MAXIFS"}
    assert unprefixed_functions("_xlfn.MAXIFS(A:A,B:B,1)+Forecast.Linear(1,A:A,B:B)") == {"FORECAST.LINEAR"}
    assert [n for n in ("AsOf", "kpixl_language", "_xlnm._FilterDatabase", "A1", "R1C1", "r", "1x", "a b",
                        "XFD1048576", "MeasurementsUsed", "R2D2") if invalid_name(n)] == ["A1", "R1C1", "r", "1x",
                                                                                            "a b", "XFD1048576"]
    import xlsxwriter

    bad = tmp_path / "bad.xlsx"
    wb = xlsxwriter.Workbook(str(bad))
    ws = wb.add_worksheet()
    ws.write_formula(0, 0, "=MAXIFS(B:B,C:C,1)")  # no use_future_functions: no prefix
    ws.write_formula(1, 0, "=" + "+".join(["1"] * 4200))
    ws.data_validation(2, 0, 5, 0, {"validate": "integer", "criteria": ">", "value": 0})
    ws.data_validation(4, 0, 9, 0, {"validate": "any", "input_message": "x"})
    ws.add_table(10, 0, 12, 1, {"name": "T", "columns": [{"header": "One"}, {"header": "Two"}]})
    ws.write_string(10, 1, "Changed")
    wb.close()
    problems = rule_problems(bad)
    assert len(problems) == 4, problems
    assert any("one validation per cell: A3:A6 (whole) overlaps A5:A10" in p for p in problems)
    assert any("['MAXIFS'] without _xlfn." in p for p in problems)
    assert any("a formula of 8399 characters" in p for p in problems)
    assert any("header cells ['One', 'Changed'] != tableColumn names ['One', 'Two']" in p for p in problems)

"""Test kpixl.template: the department workbook, read back with openpyxl (and LibreOffice).

Structure (tables, names, validations, protection, panes, formats, chart), languages,
examples, prefilled records, the overwrite rules, the CLI, the checked-in templates,
and one LibreOffice recalculation of a native workbook against the core.
"""

from __future__ import annotations

import importlib.util
import math
import shutil
import random
import re
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from click.testing import CliRunner

from kpixl import core, examples, formulas, schema, vocab
from kpixl.cli import cli
from kpixl.errors import DefinitionError, OutputError
from kpixl.model import EvaluationRecord, KpiRecord, MeasurementRecord
from kpixl.template import DASHBOARD_TABLE, STATUS_COLOURS, measurement_capacity, write_template

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "workbook_templates"


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def blank(tmp_path_factory):
    """Return {(language, mode): openpyxl workbook} of blank templates."""
    folder = tmp_path_factory.mktemp("blank")
    books = {}
    for language in schema.LANGUAGES:
        for mode in formulas.MODES:
            path = write_template(folder / f"{language}-{mode}.xlsx", language=language, formulas=mode,
                                  department="Sales & Marketing")
            books[language, mode] = openpyxl.load_workbook(path)
    return books


@pytest.fixture(scope="module")
def with_examples(tmp_path_factory):
    folder = tmp_path_factory.mktemp("examples")
    books = {}
    for language in schema.LANGUAGES:
        path = write_template(folder / f"ex-{language}.xlsx", language=language, examples=True, owner="Ann Berg",
                              department="Sales", start=date(2026, 1, 1), deadline=date(2026, 12, 31))
        books[language] = openpyxl.load_workbook(path)
    return books


def table_rows(wb, name: str) -> tuple[list[str], list[tuple]]:
    for ws in wb.worksheets:
        if name in ws.tables:
            rows = list(ws[ws.tables[name].ref])
            return [c.value for c in rows[0]], [tuple(c.value for c in r) for r in rows[1:]]
    raise KeyError(name)


def find_table(wb, name: str):
    for ws in wb.worksheets:
        if name in ws.tables:
            return ws, ws.tables[name]
    raise KeyError(name)


# ---------------------------------------------------------------- structure

@pytest.mark.parametrize("language", schema.LANGUAGES)
def test_sheets_in_the_workbook_language_and_lists_hidden(blank, language):
    wb = blank[language, "native"]
    assert wb.sheetnames == [schema.SHEET_GUIDE[language], schema.KPIS.sheet(language),
                             schema.MEASUREMENTS.sheet(language), schema.SHEET_DASHBOARD[language],
                             schema.EVALUATION.sheet(language), schema.PHASING.sheet(language), schema.COMMENTARY.sheet(language),
                             schema.SHEET_LISTS[language]]
    assert wb[schema.SHEET_LISTS[language]].sheet_state == "hidden"
    assert wb.active.title == schema.SHEET_GUIDE[language]


@pytest.mark.parametrize("language", schema.LANGUAGES)
@pytest.mark.parametrize("mode", formulas.MODES)
def test_tables_have_the_schema_headers_and_sizes(blank, language, mode):
    wb = blank[language, mode]
    expected_rows = {"KPIs": 50, "Measurements": 3000, "Evaluation": 50, "Phasing": formulas.PHASING_ROWS, "Commentary": 200}
    for table in schema.TABLES:
        ws, t = find_table(wb, table.name)
        assert ws.title == table.sheet(language)
        headers, rows = table_rows(wb, table.name)
        assert headers == [c.header(language) for c in table.columns]
        assert len(rows) == expected_rows[table.name]
        assert t.ref.startswith("A1:")
    headers, rows = table_rows(wb, DASHBOARD_TABLE)
    assert headers == [formulas.dashboard_header(k, language) for k, *_ in formulas.DASHBOARD_COLUMNS]
    assert len(rows) == 50


def test_calculated_columns_carry_the_formulas(blank):
    wb = blank["en", "native"]
    ws, t = find_table(wb, "KPIs")
    made = formulas.kpi_formulas("native", "en")
    for col in t.tableColumns:
        key = schema.KPIS.header_lookup()[schema.normalise_header(col.name)].key
        if key in made:
            assert col.calculatedColumnFormula is not None, key
    status_col = [c.header("en") for c in schema.KPIS.columns].index("Status") + 1
    assert ws.cell(2, status_col).value == made["status"]
    assert ws.cell(51, status_col).value == made["status"]
    # Inputs stay empty in a blank template.
    assert ws.cell(2, 1).value is None


@pytest.mark.parametrize("language", schema.LANGUAGES)
def test_defined_names_and_document_properties(blank, language):
    wb = blank[language, "xlwings"]
    names = {n: wb.defined_names[n].attr_text for n in wb.defined_names}
    assert names[schema.NAME_AS_OF] == f"{schema.SHEET_DASHBOARD[language]}!$B$2"
    assert names[schema.NAME_SCHEMA_VERSION] == f'"{schema.SCHEMA_VERSION}"'
    assert names[schema.NAME_LANGUAGE] == f'"{language}"'
    assert names[schema.NAME_DEPARTMENT] == '"Sales & Marketing"'
    assert names[schema.NAME_FORMULAS] == '"xlwings"'
    props = {p.name: p.value for p in wb.custom_doc_props}
    assert props == {schema.NAME_SCHEMA_VERSION: "1", schema.NAME_LANGUAGE: language,
                     schema.NAME_DEPARTMENT: "Sales & Marketing", schema.NAME_FORMULAS: "xlwings"}


def test_as_of_is_today_by_default_and_a_date_when_given(blank, tmp_path):
    assert blank["en", "native"]["Dashboard"]["B2"].value == "=TODAY()"
    path = write_template(tmp_path / "fixed.xlsx", as_of=date(2026, 6, 30))
    cell = openpyxl.load_workbook(path)["Dashboard"]["B2"]
    assert cell.value == datetime(2026, 6, 30)
    assert cell.number_format == schema.DATE
    assert cell.protection.locked is False


def column_hidden(ws, index: int) -> bool:
    # openpyxl groups neighbouring columns with equal settings into one dimension.
    return any(d.min <= index <= d.max and bool(d.hidden) for d in ws.column_dimensions.values())


def validations(ws) -> dict[str, object]:
    return {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}


@pytest.mark.parametrize("language", schema.LANGUAGES)
def test_dropdowns_point_at_the_lists_sheet(blank, language):
    wb = blank[language, "native"]
    lists = wb[schema.SHEET_LISTS[language]]
    ws = wb[schema.KPIS.sheet(language)]
    dvs = validations(ws)
    letters = {c.key: openpyxl.utils.get_column_letter(i + 1) for i, c in enumerate(schema.KPIS.columns)}
    for key in ("direction", "aggregation", "frequency", "level"):
        dv = dvs[f"{letters[key]}2:{letters[key]}51"]
        assert dv.type == "list"
        sheet, cells = dv.formula1.split("!")
        assert sheet == schema.SHEET_LISTS[language]
        words = [c.value for row in lists[cells.replace("$", "")] for c in row]
        assert tuple(words) == schema.vocabulary_words(schema.KPIS.column(key).vocabulary, language)
    assert dvs[f"{letters['start']}2:{letters['start']}51"].type == "date"
    target = dvs[f"{letters['target']}2:{letters['target']}51"]
    assert target.type == "decimal"
    assert target.prompt == schema.KPIS.column("target").note(language)
    meas = validations(wb[schema.MEASUREMENTS.sheet(language)])
    kpi_ids = meas["A2:A3001"]
    assert kpi_ids.type == "list"
    kpi_sheet = schema.KPIS.sheet(language).replace("'", "''")
    assert kpi_ids.formula1 == f"'{kpi_sheet}'!$A$2:$A$51" if "'" in kpi_sheet else f"{kpi_sheet}!$A$2:$A$51"
    evaluation = validations(wb[schema.EVALUATION.sheet(language)])
    decision = evaluation["E2:E51"]
    assert decision.type == "list"
    new_target = evaluation["F2:F51"]
    assert new_target.type == "custom"
    assert schema.DECISION_WORDS["da"]["adjust"] in new_target.formula1
    assert schema.DECISION_WORDS["en"]["adjust"] in new_target.formula1


@pytest.mark.parametrize("mode", formulas.MODES)
def test_inputs_unlocked_computed_locked_and_sheets_protected(blank, mode):
    wb = blank["en", mode]
    for table in schema.TABLES:
        ws, _t = find_table(wb, table.name)
        assert ws.protection.sheet is True
        assert not ws.protection.password
        for i, col in enumerate(table.columns, start=1):
            cell = ws.cell(2, i)
            assert cell.protection.locked is col.computed, (table.name, col.key)
            assert column_hidden(ws, i) is col.helper, (table.name, col.key)
    assert wb["Dashboard"].protection.sheet is True


def test_frozen_headers_and_print_setup(blank):
    wb = blank["en", "native"]
    assert wb["KPIs"].freeze_panes == "C2"
    assert wb["Measurements"].freeze_panes == "B2"
    assert wb["Evaluation"].freeze_panes == "B2"
    assert wb["Dashboard"].freeze_panes == "C6"
    for name in ("Measurements", "Dashboard", "Evaluation", "Commentary"):
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape"
        # fitToWidth 1 is the OOXML default, so it is not written.
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert (ws.page_setup.fitToWidth or 1) == 1 and ws.page_setup.fitToHeight == 0
    # The KPIs' 27 columns print at 70% over the pages they need, the ID and name repeated on each.
    kpis = wb["KPIs"]
    assert kpis.page_setup.orientation == "landscape" and kpis.page_setup.scale == 70
    assert not kpis.sheet_properties.pageSetUpPr.fitToPage and kpis.print_title_cols == "$A:$B"


@pytest.mark.parametrize("language", schema.LANGUAGES)
def test_dashboard_traffic_lights_icon_set_and_chart(blank, language):
    ws = blank[language, "native"][schema.SHEET_DASHBOARD[language]]
    rules = [(str(cf.sqref), rule) for cf in ws.conditional_formatting for rule in cf.rules]
    icon = [rule for ref, rule in rules if rule.type == "iconSet"]
    assert len(icon) == 1
    thresholds = [(c.type, float(c.val)) for c in icon[0].iconSet.cfvo[1:]]
    assert thresholds == [("num", core.DEFAULT_AMBER), ("num", core.DEFAULT_GREEN)]
    status_words = {rule.formula[0] for ref, rule in rules if rule.type == "cellIs"}
    # Besides the status words: the commentary columns' "Comment needed" and overdue actions above 0.
    needed = '"Comment needed"' if language == "en" else '"Kommentar mangler"'
    assert status_words == {f'"{core.word("status", s, language)}"' for s in core.VOCABULARIES["status"]} | {
        needed, "0"}
    assert len(ws._charts) == 2


CHART_NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
            "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}


def dashboard_charts(path: Path) -> list[ElementTree.Element]:
    """Return the chart XML roots drawn on the Dashboard, in drawing order."""
    rel = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
    with zipfile.ZipFile(path) as z:
        drawings = [n for n in z.namelist() if n.startswith("xl/drawings/_rels/")]
        assert drawings == ["xl/drawings/_rels/drawing1.xml.rels"]  # one sheet draws: the Dashboard
        assert 'Target="../drawings/drawing1.xml"' in z.read("xl/worksheets/_rels/sheet4.xml.rels").decode()
        targets = [r.get("Target") for r in ElementTree.fromstring(z.read(drawings[0])).iter(rel)]
        return [ElementTree.fromstring(z.read("xl/" + t.removeprefix("../"))) for t in targets]


def chart_summary(chart: ElementTree.Element) -> dict[str, object]:
    series = chart.findall(".//c:ser", CHART_NS)
    value_axis, category_axis = chart.find(".//c:valAx", CHART_NS), chart.find(".//c:catAx", CHART_NS)
    crosses_at = category_axis.find("c:crossesAt", CHART_NS)
    return {
        "title": "".join(t.text for t in chart.find("c:chart/c:title", CHART_NS).iter(f"{{{CHART_NS['a']}}}t")),
        "direction": chart.find(".//c:barDir", CHART_NS).get("val"),
        "series": [(s.find("c:tx/c:v", CHART_NS).text, s.find("c:cat//c:f", CHART_NS).text,
                    s.find("c:val//c:f", CHART_NS).text) for s in series],
        "value_format": value_axis.find("c:numFmt", CHART_NS).get("formatCode"),
        "value_min": (lambda m: None if m is None else float(m.get("val")))(
            value_axis.find("c:scaling/c:min", CHART_NS)),
        "category_axis_crosses_at": None if crosses_at is None else float(crosses_at.get("val")),
        # Absent plotVisOnly: the chart shows data of hidden rows and columns.
        "plots_hidden_cells": chart.find("c:chart/c:plotVisOnly", CHART_NS) is None,
    }


@pytest.mark.parametrize("language", schema.LANGUAGES)
def test_dashboard_charts_attainment_and_actual_as_percent_of_plan(tmp_path, language):
    path = write_template(tmp_path / "ex.xlsx", language=language, examples=True, start=date(2026, 1, 1),
                          deadline=date(2026, 12, 31))
    sheet = schema.SHEET_DASHBOARD[language]
    ws = openpyxl.load_workbook(path)[sheet]
    headers = [c.value for c in ws[5]]
    letter = {key: openpyxl.utils.get_column_letter(headers.index(formulas.dashboard_header(key, language)) + 1)
              for key in ("kpi_id", "attainment", "calc_vs_plan")}
    # The 11 example KPIs sit on sheet rows 6-16.
    ids = f"{sheet}!${letter['kpi_id']}$6:${letter['kpi_id']}$16"
    attainment, vs_plan = dashboard_charts(path)

    def series(source: str) -> list[tuple[str, str, str]]:
        """One series per status (a hidden helper: the value under its status only), then the plan at 100%."""
        found = []
        for status in (core.ON_TRACK, core.AT_RISK, core.OFF_TRACK):
            word = core.word("status", status, language)
            helper = openpyxl.utils.get_column_letter(
                headers.index(f"{formulas.dashboard_header(source, language)} - {word}") + 1)
            assert column_hidden(ws, headers.index(f"{formulas.dashboard_header(source, language)} - {word}") + 1)
            found.append((word, ids, f"{sheet}!${helper}$6:${helper}$16"))
        plan = openpyxl.utils.get_column_letter(headers.index("Plan (100%)") + 1)
        return found + [("Plan (100%)", ids, f"{sheet}!${plan}$6:${plan}$16")]

    # Columns growing from zero, coloured by status, with the plan as a line at 100%.
    assert chart_summary(attainment) == {
        "title": "Attainment per KPI" if language == "en" else "Målopfyldelse pr. KPI", "direction": "col",
        "series": series("attainment"), "value_format": "0%", "value_min": 0.0, "category_axis_crosses_at": None,
        "plots_hidden_cells": True}
    assert chart_summary(vs_plan) == {
        "title": "Against plan (higher is better)" if language == "en" else "I forhold til plan (højere er bedre)",
        "direction": "col", "series": series("calc_vs_plan"), "value_format": "0.0%", "value_min": 0.0,
        "category_axis_crosses_at": None, "plots_hidden_cells": True}
    colours = [s.find("c:spPr/a:solidFill/a:srgbClr", CHART_NS).get("val") for s in
               attainment.findall(".//c:barChart/c:ser", CHART_NS)]
    assert colours == [STATUS_COLOURS[s][0].lstrip("#").upper() for s in (core.ON_TRACK, core.AT_RISK,
                                                                         core.OFF_TRACK)]
    # The plotted helper column: hidden, locked, a percentage, #N/A (never a text "") without a ratio.
    col = headers.index(formulas.dashboard_header("calc_vs_plan", language)) + 1
    # After it, the hidden Φ helpers of the goals (issue 19).
    assert letter["calc_vs_plan"] == "N" and col == len(formulas.DASHBOARD_COLUMNS) - 3
    assert all(column_hidden(ws, i) for i in range(col, len(formulas.DASHBOARD_COLUMNS) + 1))
    assert all(not column_hidden(ws, i) for i in range(1, col))
    cell = ws.cell(6, col)
    assert cell.protection.locked is True and cell.number_format == schema.PCT
    assert cell.value == formulas.dashboard_formulas("native", language, first_data_row=6)["calc_vs_plan"]
    assert cell.value.count("NA()") == 2 and '""' not in cell.value


def test_against_plan_formula_reads_the_kpis_row_and_its_direction():
    made = formulas.dashboard_formulas("xlwings", "en", first_data_row=6)["calc_vs_plan"]
    a, p = "INDEX(KPIs!$Y$2:$Y$51,ROW()-5)", "INDEX(KPIs!$Z$2:$Z$51,ROW()-5)"
    d = "INDEX(KPIs!$AC$2:$AC$51,ROW()-5)"
    assert formulas._letter(schema.KPIS, "actual") == "Y" and formulas._letter(schema.KPIS, "plan") == "Z"
    assert formulas._letter(schema.KPIS, "calc_direction") == "AC"  # after the Phasing column
    assert made == (f"=IF(AND(ISNUMBER({a}),ISNUMBER({p})),IF({p}>0,IF({d}=\"decrease\",2-{a}/{p},"
                    f"IF({d}=\"maintain\",1-ABS({a}/{p}-1),{a}/{p})),NA()),NA())")
    assert formulas.dashboard_formulas("native", "da", first_data_row=6)["calc_vs_plan"] == \
        made.replace("KPIs!", "Nøgletal!")


@pytest.mark.parametrize("language", schema.LANGUAGES)
def test_status_strip_formulas_are_one_short_text_per_column_and_read_the_right_columns(tmp_path, language):
    # The strip's formulas are the same text on every row (so the writer prepares each once
    # and a 5,000-row Dashboard writes fast), short, and point at the columns they name.
    path = write_template(tmp_path / "strip.xlsx", language=language, rows=40, examples=True)
    ws = openpyxl.load_workbook(path)[schema.SHEET_DASHBOARD[language]]
    rows = list(ws.iter_rows())
    header = next(i for i, row in enumerate(rows) if row[0].value == formulas.dashboard_header("kpi_id", language))
    data = rows[header + 1:header + 41]
    months, keys = formulas.STRIP_MONTHS, formulas.STRIP_KEYS
    first = [c.value for c in rows[header - 1]].index(template_ui(language)["strip_title"])
    strip_cols = range(first, first + months + (len(keys) - 1) * months)
    for col in strip_cols:
        texts = {row[col].value for row in data}
        assert len(texts) == 1, (col, len(texts))
        text = texts.pop()
        # 1,300: the longest (min/max actual, Danish sheet names) is about 1,240 with the self-check gate.
        assert text.startswith("=") and len(text) < 1300, (col, len(text), text[:80])
    # Each month-end above its first helper; the visible header names its month.
    for i in range(months):
        helper = first + months + (len(keys) - 1) * i
        cell = f"${openpyxl.utils.get_column_letter(helper + 1)}${header}"
        assert rows[header - 1][helper].value == formulas.strip_month_end_formula(i)
        assert rows[header][first + i].value == formulas.strip_header_formula(cell, language)
    # The A1 references land on the columns of the names the formulas stand for.
    kpis_sheet = ws.parent[schema.KPIS.sheet(language)]
    for key in ("kpi_id", "calc_aggregation", "calc_kpi_row", "calc_count", "green", "baseline"):
        letter = formulas._letter(schema.KPIS, key)
        assert kpis_sheet[f"{letter}1"].value == schema.KPIS.column(key).header(language)
    measurements_sheet = ws.parent[schema.MEASUREMENTS.sheet(language)]
    for key in ("value", "period_end", "calc_kpi_row", "calc_in_window", "calc_position"):
        letter = formulas._letter(schema.MEASUREMENTS, key)
        assert measurements_sheet[f"{letter}1"].value == schema.MEASUREMENTS.column(key).header(language)


def template_ui(language: str) -> dict:
    from kpixl import template

    return template._UI[language]


def test_notes_and_smart_texts_wrap_in_wide_columns_and_prefilled_rows_grow(tmp_path):
    note = "Off track all year; a realistic step after the new checkout, and a longer tail for the test."
    kpis = [KpiRecord("A-1", target=10, specific="Short."), KpiRecord("A-2", target=10, specific="x " * 40)]
    path = write_template(tmp_path / "w.xlsx", kpis=kpis,
                          evaluations=[EvaluationRecord("A-1", decision="keep", notes=note),
                                       EvaluationRecord("A-2", decision="keep", notes="Short.")])
    wb = openpyxl.load_workbook(path)
    ws = wb["Evaluation"]
    notes = [c.key for c in schema.EVALUATION.columns].index("notes") + 1
    width = next(d.width for d in ws.column_dimensions.values() if d.min <= notes <= d.max)
    assert width >= 60
    assert ws.cell(2, notes).value == note
    for row in (2, 3, 51):  # prefilled and blank rows
        assert ws.cell(row, notes).alignment.wrap_text is True
        assert ws.cell(row, notes).protection.locked is False
    # 93 characters at ~66 a line: two lines; a one-line row keeps the default height.
    assert ws.row_dimensions[2].height == 30
    assert ws.row_dimensions[3].height is None
    kpi_ws = wb["KPIs"]
    letters = {c.key: i + 1 for i, c in enumerate(schema.KPIS.columns)}
    for key in ("specific", "measurable", "attainable", "relevant"):
        assert kpi_ws.cell(2, letters[key]).alignment.wrap_text is True, key
    assert kpi_ws.cell(2, letters["name"]).alignment.wrap_text is not True
    assert kpi_ws.row_dimensions[2].height is None
    assert kpi_ws.row_dimensions[3].height == 45  # 80 characters at ~37 a line: three lines
    assert wb["Measurements"].cell(2, 5).alignment.wrap_text is True
    for name in ("Evaluation", "KPIs"):
        assert wb[name].page_setup.orientation == "landscape"
    assert wb["Evaluation"].sheet_properties.pageSetUpPr.fitToPage is True


# ------------------------------------------------------------------ content

def test_guide_explains_smart_phases_owner_and_udf_setup(blank):
    def text(wb, sheet):
        return " ".join(str(c.value) for row in wb[sheet].iter_rows() for c in row if c.value)

    en = text(blank["en", "xlwings"], "Guide")
    for phrase in ("Specific", "Measurable", "Attainable", "Relevant", "Time-bound", "High-level",
                   "Low-level", "Design", "Execution", "Evaluation", "Re-design", "one responsible owner",
                   "tinted", "UDF Modules to kpixl.udfs", "from kpixl.udfs import *"):
        assert phrase.casefold() in en.casefold(), phrase
    assert "Sales & Marketing" in en
    native = text(blank["en", "native"], "Guide")
    assert "kpixl.udfs" not in native and "LibreOffice 7.4" in native
    da = text(blank["da", "xlwings"], "Vejledning")
    for phrase in ("Specifik", "Målbar", "Opnåelig", "Relevant", "Tidsbestemt", "Én ansvarlig",
                   "from kpixl.udfs import *"):
        assert phrase in da, phrase


def _guide_text(wb) -> str:
    sheet = wb.worksheets[0]  # the Guide comes first in both languages
    return " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)


# English Excel's error names and Danish Excel's (as Danish Excel's own help for ER.FEJL lists them).
EXCEL_ERRORS_DA = {"#NAME?": "#NAVN?", "#VALUE!": "#VÆRDI!", "#N/A": "#I/T", "#DIV/0!": "#DIVISION/0!",
                   "#REF!": "#REFERENCE!"}


def test_guide_gives_the_classic_add_in_steps_and_what_lite_users_do(blank):
    en = _guide_text(blank["en", "xlwings"])
    for phrase in ("Trust access to the VBA project object model", "Import Functions", "Ctrl+Alt+F9", ".xlsm",
                   "#NAME?", "xlwings Lite does not compute this workbook", "kpixl template --formulas native",
                   "type the kpixl functions in cells of your own"):
        assert phrase in en, phrase
    # The steps come in the order a user takes them.
    order = [en.index(p) for p in ("xlwings addin install", "Trust access", "Import Functions", "Ctrl+Alt+F9",
                                   ".xlsm")]
    assert order == sorted(order)
    da = _guide_text(blank["da", "xlwings"])
    for phrase in ("VBA-projektobjektmodellen", "Import Functions", "Ctrl+Alt+F9", ".xlsm", "#NAVN?",
                   "xlwings Lite beregner ikke denne projektmappe", "kpixl template --formulas native",
                   "skriv så kpixl-funktionerne i jeres egne celler"):
        assert phrase in da, phrase


@pytest.mark.parametrize("mode", ["xlwings", "native"])
def test_the_danish_guide_names_errors_as_danish_excel_shows_them(blank, mode):
    da = _guide_text(blank["da", mode])
    for english, danish in EXCEL_ERRORS_DA.items():
        assert english not in da, (english, danish)
    en = _guide_text(blank["en", mode])
    for danish in EXCEL_ERRORS_DA.values():
        assert danish not in en, danish


@pytest.mark.parametrize("language", schema.LANGUAGES)
def test_examples_are_complete_smart_definitions(with_examples, language):
    headers, rows = table_rows(with_examples[language], "KPIs")
    filled = [dict(zip(headers, r)) for r in rows if r[0]]
    assert len(filled) == 11
    required = ("kpi_name", "owner", "unit", "direction", "aggregation", "frequency", "baseline", "target",
                "start", "deadline", "data_source", "specific", "measurable", "attainable", "relevant")
    for row in filled:
        for key in required:
            column = schema.KPIS.column("name" if key == "kpi_name" else key)
            assert row[column.header(language)] not in (None, ""), (row, key)
        assert row[schema.KPIS.column("owner").header(language)] == "Ann Berg"
        assert row[schema.KPIS.column("department").header(language)] == "Sales"
        assert row[schema.KPIS.column("start").header(language)] == datetime(2026, 1, 1)
        direction = row[schema.KPIS.column("direction").header(language)]
        assert direction in schema.vocabulary_words("direction", language)
    names = [r[schema.KPIS.column("name").header(language)] for r in filled]
    if language == "en":
        assert names == ["Revenue growth", "Number of sales", "Average order value", "Leads",
                         "Conversion rate from search", "Webshop visitors", "Downloads", "Search visibility",
                         "Page views", "Returning customers", "Customer satisfaction"]
    else:
        assert "Omsætningsvækst" in names and "Kundetilfredshed" in names


def test_example_kpis_are_valid_for_the_core_and_realistic():
    kpis = examples.example_kpis("en", start=date(2026, 1, 1), deadline=date(2026, 12, 31), id_prefix="S-")
    ids = {k.kpi_id for k in kpis}
    for k in kpis:
        k.definition().check()
        assert k.kpi_id.startswith("S-")
        assert k.parent_id is None or k.parent_id in ids
        assert (k.level == "low") == (k.parent_id is not None)
    revenue = kpis[0]
    assert revenue.target == pytest.approx(revenue.baseline * 1.10)
    conversion = next(k for k in kpis if k.name == "Conversion rate from search")
    assert conversion.target == pytest.approx(conversion.baseline * 1.05)
    assert {k.direction for k in kpis} >= {core.INCREASE, core.MAINTAIN}
    assert {k.aggregation for k in kpis} >= {core.SUM, core.LAST, core.AVERAGE}
    assert examples.example_kpis("en")[0].owner == "Sales director"


def test_default_period_is_the_calendar_year_or_a_year_from_the_given_date():
    assert examples.default_period(today=date(2027, 5, 3)) == (date(2027, 1, 1), date(2027, 12, 31))
    assert examples.default_period(date(2026, 7, 1)) == (date(2026, 7, 1), date(2027, 6, 30))
    assert examples.default_period(None, date(2026, 6, 30)) == (date(2025, 7, 1), date(2026, 6, 30))


def test_prefilled_records_are_written_in_the_workbook_language(tmp_path):
    kpis = [KpiRecord("A-1", name="Leads", direction=core.DECREASE, aggregation=core.AVERAGE, level="low",
                      frequency="monthly", baseline=10, target=5, unit="%", start=date(2026, 1, 1))]
    measurements = [MeasurementRecord("A-1", date(2026, 1, 31), 0.07, entered_by="Bo", note="=HYPERLINK(\"x\")")]
    evaluations = [EvaluationRecord("A-1", decision="adjust", new_target=4, notes="tighter")]
    path = write_template(tmp_path / "da.xlsx", language="da", kpis=kpis, measurements=measurements,
                          evaluations=evaluations)
    wb = openpyxl.load_workbook(path)
    headers, rows = table_rows(wb, "KPIs")
    row = dict(zip(headers, rows[0]))
    assert (row["Retning"], row["Aggregering"], row["Niveau"], row["Frekvens"]) == ("mindske", "gennemsnit",
                                                                                    "lav", "månedlig")
    assert row["Startdato"] == datetime(2026, 1, 1)
    ws = wb["Nøgletal"]
    # Percent display comes from the conditional format on Unit, not from a fixed format.
    assert ws.cell(2, headers.index("Mål") + 1).number_format == schema.NUM
    headers, rows = table_rows(wb, "Measurements")
    assert rows[0][:5] == ("A-1", datetime(2026, 1, 31), 0.07, "Bo", '=HYPERLINK("x")')
    assert wb["Målinger"]["E2"].data_type == "s"  # text, never a formula
    headers, rows = table_rows(wb, "Evaluation")
    assert dict(zip(headers, rows[0]))["Beslutning"] == "Juster mål"
    assert dict(zip(headers, rows[0]))["Nyt mål"] == 4


def test_tables_grow_for_many_prefilled_records(tmp_path):
    kpis = [KpiRecord(f"K{i}", target=10) for i in range(70)]
    measurements = [MeasurementRecord("K1", date(2026, 1, 1) + timedelta(days=i), 1.0) for i in range(3500)]
    wb = openpyxl.load_workbook(write_template(tmp_path / "big.xlsx", kpis=kpis, measurements=measurements))
    assert len(table_rows(wb, "KPIs")[1]) == 70
    assert len(table_rows(wb, "Evaluation")[1]) == 70
    assert len(table_rows(wb, "Measurements")[1]) == 4500  # 3,500 prefilled + 1,000 free
    assert len(table_rows(wb, DASHBOARD_TABLE)[1]) == 70


@pytest.mark.parametrize("rows, prefilled, asked, expected", [
    (50, 0, None, 3000),        # a year of weekly values for 50 KPIs and some
    (10, 0, None, 3000),        # never fewer than 3,000 by default
    (100, 0, None, 6000),       # 60 per KPIs row
    (5000, 0, None, 20000),     # capped by default...
    (5000, 0, 50000, 50000),    # ...but not when asked for
    (50, 0, 200, 200),
    (50, 2500, None, 3500),     # prefilled rows leave 1,000 free
    (50, 150, 200, 1150),
])
def test_measurement_capacity(rows, prefilled, asked, expected):
    assert measurement_capacity(rows, prefilled, asked) == expected


def test_measurement_rows_sizes_the_table_its_validations_and_the_guide(tmp_path):
    wb = openpyxl.load_workbook(write_template(tmp_path / "m.xlsx", measurement_rows=1234, rows=20))
    assert len(table_rows(wb, "Measurements")[1]) == 1234
    assert len(table_rows(wb, "KPIs")[1]) == 20
    assert "A2:A1235" in validations(wb["Measurements"])
    guide = " ".join(str(c.value) for row in wb["Guide"].iter_rows() for c in row if c.value)
    assert "this workbook has 20 KPI rows and 1,234 measurement rows" in guide
    assert "kpixl template --rows N --measurement-rows N" in guide
    assert "Unprotect Sheet) and type in the row just below the table" in guide
    da = openpyxl.load_workbook(write_template(tmp_path / "d.xlsx", language="da", measurement_rows=1234))
    guide = " ".join(str(c.value) for row in da["Vejledning"].iter_rows() for c in row if c.value)
    assert "denne projektmappe har 50 KPI-rækker og 1.234 målingsrækker" in guide


def test_measurements_used_is_a_named_cell_on_the_lists_sheet(blank):
    for language in schema.LANGUAGES:
        wb = blank[language, "native"]
        ref = wb.defined_names[formulas.MEASUREMENTS_USED].attr_text
        assert ref == f"{schema.SHEET_LISTS[language]}!$L$3"
        cell = wb[schema.SHEET_LISTS[language]]["L3"]
        assert cell.value == formulas.measurements_used_formula(language).replace("MAXIFS", "_xlfn.MAXIFS")
        assert cell.protection.locked is True


# ------------------------------------------------------------ percent units

def percent_rules(ws) -> list[tuple[str, str]]:
    """Return (ranges, formula) of the conditional formats that set the 0.0% number format."""
    found = []
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            if rule.type == "expression" and rule.dxf is not None and rule.dxf.numFmt is not None:
                if rule.dxf.numFmt.formatCode.endswith('"' + schema.CALC_NUM):  # a decrease KPI's "left 1,234.00"
                    continue
                assert rule.dxf.numFmt.formatCode in (schema.PCT, schema.COUNT)
                if rule.dxf.numFmt.formatCode == schema.PCT:
                    found.append((str(cf.sqref), rule.formula[0]))
    return found


@pytest.mark.parametrize("language", schema.LANGUAGES)
def test_percent_units_switch_number_cells_to_percent_everywhere(blank, language):
    wb = blank[language, "native"]
    lists = schema.SHEET_LISTS[language]
    assert [wb[lists].cell(r, 9).value for r in range(3, 3 + len(vocab.PERCENT_UNITS))] == list(vocab.PERCENT_UNITS)
    assert "%" in vocab.PERCENT_UNITS and "procent" in vocab.PERCENT_UNITS and "percent" in vocab.PERCENT_UNITS
    units = f"{lists}!$I$3:$I$10"
    kpi_sheet = schema.KPIS.sheet(language)
    quoted = "'" + kpi_sheet.replace("'", "''") + "'" if "'" in kpi_sheet else kpi_sheet
    letters = {c.key: openpyxl.utils.get_column_letter(i + 1) for i, c in enumerate(schema.KPIS.columns)}
    assert letters["unit"] == "G"
    kpi_cols = ("baseline", "target", "tolerance", "actual", "plan", "calc_forecast")
    assert percent_rules(wb[kpi_sheet]) == [
        (" ".join(f"{letters[k]}2:{letters[k]}51" for k in kpi_cols), f"ISNUMBER(MATCH(TRIM($G2),{units},0))")]
    # The Dashboard's row n shows the KPIs' row n: sheet row 6 is KPIs row 2.
    # Target, Actual, Plan, Forecast and the goals (This month's goal, Needed this month, Needed per day).
    assert percent_rules(wb[schema.SHEET_DASHBOARD[language]]) == [
        ("D6:D55 E6:E55 F6:F55 J6:J55 K6:K55 L6:L55 M6:M55", f"ISNUMBER(MATCH(TRIM({quoted}!$G2),{units},0))")]
    # A measurement's or evaluation's KPI is found by the ID key (kpixl.vocab), as every ID lookup.
    key = vocab.excel_lookup_value(vocab.excel_key("$A2"))
    keys = f"{quoted}!${letters['calc_key']}$2:${letters['calc_key']}$51"
    lookup = f"INDEX({quoted}!$G$2:$G$51,MATCH({key},{keys},0))"
    assert percent_rules(wb[schema.MEASUREMENTS.sheet(language)]) == [
        ("C2:C3001", f"ISNUMBER(MATCH(TRIM({lookup}),{units},0))")]
    assert percent_rules(wb[schema.EVALUATION.sheet(language)]) == [
        ("B2:B51 F2:F51", f"ISNUMBER(MATCH(TRIM({lookup}),{units},0))")]
    # The columns are the ones the headers say.
    dash_headers = [formulas.dashboard_header(k, language) for k, *_ in formulas.DASHBOARD_COLUMNS]
    assert [dash_headers[i] for i in (3, 4, 5, 9)] == [formulas.dashboard_header(k, language)
                                                       for k in ("target", "actual", "plan", "forecast")]
    assert [schema.EVALUATION.columns[i].key for i in (1, 5)] == ["final_actual", "new_target"]


@pytest.mark.parametrize("language", schema.LANGUAGES)
def test_example_rates_are_fractions_with_the_percent_unit(with_examples, language):
    headers, rows = table_rows(with_examples[language], "KPIs")
    by_id = {r[0]: dict(zip(headers, r)) for r in rows if r[0]}
    unit, baseline, target = (schema.KPIS.column(k).header(language) for k in ("unit", "baseline", "target"))
    rates = {kpi_id for kpi_id, row in by_id.items() if row[unit] == "%"}
    assert rates == {"MKT-05", "SEO-08", "CUS-10"}  # conversion, search visibility, returning customers
    for kpi_id in rates:
        assert 0 < by_id[kpi_id][baseline] < by_id[kpi_id][target] < 1
    assert by_id["MKT-05"][baseline] == 0.02 and by_id["MKT-05"][target] == 0.021


# ---------------------------------------------------------- errors and CLI

def test_existing_file_is_refused_without_force_and_replaced_with_it(tmp_path):
    path = tmp_path / "dept.xlsx"
    path.write_bytes(b"old")
    with pytest.raises(OutputError, match=re.escape(f"{path}: already exists; use --force to overwrite it")):
        write_template(path)
    assert path.read_bytes() == b"old"
    assert write_template(path, force=True) == path
    assert zipfile.is_zipfile(path)
    assert [p.name for p in tmp_path.iterdir()] == ["dept.xlsx"]  # no temporary file left


@pytest.mark.parametrize("kwargs, message", [
    ({"language": "de"}, "unknown language 'de'; use en or da"),
    ({"formulas": "vba"}, "unknown formula mode 'vba'; use native or xlwings"),
    ({"rows": 0}, "rows must be at least 1 (rows 0)"),
    ({"measurement_rows": 0}, "measurement rows must be between 1 and 100000 (measurement rows 0)"),
    ({"measurement_rows": 100_001}, "measurement rows must be between 1 and 100000 (measurement rows 100001)"),
    ({"start": date(2026, 2, 1), "deadline": date(2026, 1, 1)},
     "the deadline must be after the start date (start 2026-02-01, deadline 2026-01-01)"),
    ({"kpis": [KpiRecord("A"), KpiRecord("A")]}, "KPI ID 'A' is given twice; KPI IDs must be unique"),
])
def test_bad_arguments_are_definition_errors(tmp_path, kwargs, message):
    with pytest.raises(DefinitionError) as error:
        write_template(tmp_path / "x.xlsx", **kwargs)
    assert str(error.value) == message
    assert not (tmp_path / "x.xlsx").exists()


def test_options_are_parsed_once_and_frozen():
    from kpixl.template import TemplateOptions

    options = TemplateOptions.from_arguments(language=" Danish ", formulas="XLWINGS", rows=3,
                                             kpis=[KpiRecord("A"), KpiRecord("B")],
                                             evaluations=[EvaluationRecord(f"E{i}", "keep") for i in range(5)],
                                             measurements=[MeasurementRecord("A", date(2026, 1, 31), 1.0)])
    assert (options.language, options.mode) == (vocab.Language.DA, vocab.FormulaMode.XLWINGS)
    assert options.language == "da" and options.mode == "xlwings"
    # Sized to the prefilled rows; 60 measurement rows per KPIs row asked for, at least 3,000.
    assert (options.kpi_rows, options.measurement_rows) == (5, 3000)
    assert [k.kpi_id for k in options.kpis] == ["A", "B"]
    with pytest.raises(AttributeError):
        options.kpi_rows = 9  # type: ignore[misc]
    examples_first = TemplateOptions.from_arguments(examples=True, kpis=[KpiRecord("ZZ-1")])
    assert examples_first.kpis[-1].kpi_id == "ZZ-1" and len(examples_first.kpis) > 1
    assert examples_first.start is not None and examples_first.deadline is not None


def test_the_templates_words_are_the_catalogues(tmp_path):
    from kpixl import texts

    words = texts.of("template", "da")
    book = openpyxl.load_workbook(write_template(tmp_path / "da.xlsx", language="da", formulas="xlwings"))
    dashboard = book[schema.SHEET_DASHBOARD["da"]]
    assert dashboard["A1"].value == words["title"]
    guide = [c.value for c in book[schema.SHEET_GUIDE["da"]]["A"] if c.value]
    assert guide[1] == words["guide_intro"]
    assert words["guide_formulas_title"].format(mode=words["mode_xlwings"]) in guide
    assert words["guide_formulas_xlwings"] in guide and words["guide_formulas_native"] not in guide


def test_cli_writes_the_template_and_refuses_to_overwrite(tmp_path):
    out = tmp_path / "sales.xlsx"
    runner = CliRunner()
    args = ["template", str(out), "--department", "Sales", "--lang", "da", "--formulas", "native", "--examples",
            "--owner", "Ann", "--start", "2026-01-01", "--deadline", "2026-12-31"]
    first = runner.invoke(cli, args, prog_name="kpixl")
    assert first.exit_code == 0, first.output
    assert first.output == f"Skrev {out}\n"  # --lang da: what it prints is Danish too
    wb = openpyxl.load_workbook(out)
    assert wb.defined_names[schema.NAME_FORMULAS].attr_text == '"native"'
    assert wb.defined_names[schema.NAME_LANGUAGE].attr_text == '"da"'
    again = runner.invoke(cli, args, prog_name="kpixl")
    assert again.exit_code == 1
    assert again.output == f"Fejl: {out}: findes allerede; brug --force for at overskrive den\n"
    english = runner.invoke(cli, [a for a in args if a not in ("--lang", "da")], prog_name="kpixl")
    assert english.output == f"Error: {out}: already exists; use --force to overwrite it\n"
    forced = runner.invoke(cli, args + ["--force"], prog_name="kpixl")
    assert forced.exit_code == 0
    bad = runner.invoke(cli, ["template", str(tmp_path / "y.xlsx"), "--formulas", "vba"], prog_name="kpixl")
    assert bad.exit_code == 2


def test_cli_measurement_rows_sizes_the_measurements_table(tmp_path):
    runner = CliRunner()
    out = tmp_path / "m.xlsx"
    result = runner.invoke(cli, ["template", str(out), "--measurement-rows", "1200"], prog_name="kpixl")
    assert result.exit_code == 0, result.output
    assert len(table_rows(openpyxl.load_workbook(out), "Measurements")[1]) == 1200
    # Native is the default formula mode (spec revision of 2026-11-29), in the CLI and the library.
    assert openpyxl.load_workbook(out).defined_names[schema.NAME_FORMULAS].attr_text == '"native"'
    write_template(tmp_path / "lib.xlsx")
    assert openpyxl.load_workbook(tmp_path / "lib.xlsx").defined_names[schema.NAME_FORMULAS].attr_text == '"native"'
    default = runner.invoke(cli, ["template", str(tmp_path / "d.xlsx"), "--rows", "55"], prog_name="kpixl")
    assert default.exit_code == 0, default.output
    assert len(table_rows(openpyxl.load_workbook(tmp_path / "d.xlsx"), "Measurements")[1]) == 3300
    bad = runner.invoke(cli, ["template", str(tmp_path / "y.xlsx"), "--measurement-rows", "0"], prog_name="kpixl")
    assert bad.exit_code == 2
    assert not (tmp_path / "y.xlsx").exists()


# -------------------------------------------------------------- the docs

def test_workbook_doc_names_every_column_unit_and_the_used_rows_formula():
    doc = (ROOT / "docs" / "workbook.md").read_text(encoding="utf-8")
    for table in schema.TABLES:
        for col in table.columns:
            for language in schema.LANGUAGES:
                assert f"`{col.header(language)}`" in doc, (table.name, col.key, language)
    for key, _source in formulas.DASHBOARD_COLUMNS:
        for language in schema.LANGUAGES:
            assert f"`{formulas.dashboard_header(key, language)}`" in doc, (key, language)
    assert ", ".join(f"`{u}`" for u in vocab.PERCENT_UNITS) in doc
    assert f"`{formulas.measurements_used_formula('en')}`" in doc  # the default 3,000 rows
    assert formulas.error_text("decrease", "da") in doc and formulas.error_text("decrease") in doc


# ------------------------------------------------------- checked-in files

def masked_members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        members = {name: z.read(name) for name in z.namelist()}
    # The As of cell (=TODAY()) caches the day the file was written.
    for name in members:
        if name.startswith("xl/worksheets/"):
            members[name] = re.sub(rb"<f>TODAY\(\)</f><v>\d+</v>", b"<f>TODAY()</f><v/>", members[name])
            # So do the status strip's month headers (the month names of the last month-ends).
            members[name] = re.sub(rb"(<f>INDEX\(\{[^<]*</f>)<v>[^<]*</v>", rb"\1<v/>", members[name])
            # And the strip's month-end cells (the last month-ends on or before the writing day).
            members[name] = re.sub(rb"(<f>DATE\(YEAR\(INT\(AsOf\)[^<]*</f>)<v>\d+</v>", rb"\1<v/>", members[name])
    members["docProps/core.xml"] = re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", b"<date/>",
                                          members["docProps/core.xml"])
    return members


def test_checked_in_templates_match_a_fresh_run(tmp_path):
    make = load_script("make_templates")
    got = make.make_templates(tmp_path)
    assert [p.name for p in got] == [f"kpixl-department-{lang}-{mode}.xlsx" for lang in schema.LANGUAGES
                                     for mode in formulas.MODES]
    for path in got:
        exp = TEMPLATES / path.name
        assert exp.exists(), f"{exp} is missing; run scripts/make_templates.py"
        exp_members, got_members = masked_members(exp), masked_members(path)
        assert sorted(exp_members) == sorted(got_members), path.name
        # Compared to a bool first: pytest's diff of two large XML parts would take many minutes.
        differing = [name for name in exp_members if exp_members[name] != got_members[name]]
        assert differing == [], f"{path.name}: {differing} differ; run scripts/make_templates.py"


# ------------------------------------------------------------ LibreOffice

def random_case(seed: int, language: str):
    """Return (kpis, measurements, as_of): every direction, aggregation and edge, in words of both languages."""
    rng = random.Random(seed)
    as_of = date(2026, 7, 15)
    kpis, measurements = [], []
    for i in range(40):
        direction = rng.choice([core.INCREASE, core.DECREASE, core.MAINTAIN])
        aggregation = rng.choice([core.SUM, core.AVERAGE, core.LAST, core.MIN, core.MAX])
        baseline = None if (direction == core.INCREASE and rng.random() < 0.4) else rng.choice([50.0, 100.0, 0.0])
        if direction == core.INCREASE:
            target = (baseline or 0) + rng.choice([20.0, 75.5])
        elif direction == core.DECREASE:
            baseline = baseline if baseline is not None else 100.0
            target = baseline - rng.choice([10.0, 40.0])
        else:
            target = rng.choice([80.0, 120.0])
        start = rng.choice([None, date(2026, 1, 1), date(2026, 7, 15), date(2026, 9, 1)])
        deadline = None if start is None or rng.random() < 0.2 else start + timedelta(days=rng.choice([180, 365]))
        green, amber = rng.choice([(None, None), (0.9, 0.6), (1.0, 1.0)])
        kpis.append(KpiRecord(
            f"R{i}", name=f"KPI {i}", direction=direction, aggregation=aggregation, baseline=baseline,
            target=target, tolerance=rng.choice([None, 5.0]) if direction == core.MAINTAIN else None,
            start=start, deadline=deadline, green=green, amber=amber))
        for _ in range(rng.choice([0, 1, 2, 5, 9])):
            day = date(2025, 12, 1) + timedelta(days=rng.randint(0, 300))
            measurements.append(MeasurementRecord(f"R{i}", day, round(rng.uniform(-20, 160), 2)))
    # A tie on the period end: row order decides 'last' and the running sums.
    measurements += [MeasurementRecord("R0", date(2026, 3, 31), 7.0), MeasurementRecord("R0", date(2026, 3, 31), 9.0)]
    kpis.append(KpiRecord("BAD", direction=core.DECREASE, aggregation=core.SUM, baseline=10, target=20))
    measurements.append(MeasurementRecord("BAD", date(2026, 2, 1), 3.0))
    return kpis, measurements, as_of


def close(expected, got) -> bool:
    if expected is None:
        return got in (None, "")
    if isinstance(expected, str):
        return got == expected
    return isinstance(got, (int, float)) and math.isclose(expected, got, rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.libreoffice
def test_native_workbook_recalculated_by_libreoffice_equals_the_core(tmp_path, recalc):
    cases = {lang: random_case(7 if lang == "en" else 8, lang) for lang in schema.LANGUAGES}
    # Small Measurements tables keep the soffice run short; the gaps case below is large.
    paths = [write_template(tmp_path / f"native-{lang}.xlsx", language=lang, formulas="native", kpis=k,
                            measurements=m, as_of=a, measurement_rows=500) for lang, (k, m, a) in cases.items()]
    paths.append(write_template(tmp_path / "udf-en.xlsx", formulas="xlwings", kpis=cases["en"][0],
                                measurements=cases["en"][1], as_of=cases["en"][2], measurement_rows=500))
    # Measurements typed far down a large table, after blank rows, still count.
    gap_kpis = [KpiRecord("G1", direction=core.INCREASE, aggregation=core.SUM, target=100.0,
                          start=date(2026, 1, 1), deadline=date(2026, 12, 31))]
    gap_measurements = ([MeasurementRecord("G1", date(2026, 1, 31), 5.0)]
                        + [MeasurementRecord(None, None, None)] * 2498
                        + [MeasurementRecord("g1", date(2026, 2, 28), 7.0),
                           MeasurementRecord("G1", date(2026, 12, 31), 1000.0)])  # after AsOf: not counted
    paths.append(write_template(tmp_path / "gaps.xlsx", formulas="native", kpis=gap_kpis,
                                measurements=gap_measurements, as_of=date(2026, 6, 30), measurement_rows=2600))
    recalculated = recalc(*paths)
    gaps = openpyxl.load_workbook(recalculated.pop(), data_only=True)
    assert gaps["Lists"]["L3"].value == 2500
    headers, rows = table_rows(gaps, "KPIs")
    assert rows[0][headers.index("Actual")] == 12.0
    for (lang, (kpis, measurements, as_of)), path in zip(cases.items(), recalculated):
        wb = openpyxl.load_workbook(path, data_only=True)
        starts = {k.kpi_id: k.start for k in kpis}
        counted = [i for i, m in enumerate(measurements, start=1)
                   if m.period_end <= as_of and (starts[m.kpi_id] is None or m.period_end >= starts[m.kpi_id])]
        assert wb[schema.SHEET_LISTS[lang]]["L3"].value == max(counted)
        headers, rows = table_rows(wb, "KPIs")
        by_key = {schema.KPIS.header_lookup()[schema.normalise_header(h)].key: i for i, h in enumerate(headers)}
        compared = 0
        for kpi, row in zip(kpis, rows):
            series = [(m.period_end, m.value) for m in measurements if m.kpi_id == kpi.kpi_id]
            try:
                result = core.evaluate(kpi.definition(), series, as_of)
            except DefinitionError:
                assert str(row[by_key["status"]]).startswith("#VALUE! "), kpi
                assert row[by_key["calc_trend"]] in (None, "") and row[by_key["calc_forecast"]] in (None, "")
                continue
            expected = {"actual": result.actual, "plan": result.plan, "attainment": result.attainment,
                        "status": core.word("status", result.status, lang),
                        "calc_trend": core.word("trend", result.trend, lang), "calc_forecast": result.forecast}
            for key, value in expected.items():
                assert close(value, row[by_key[key]]), (lang, kpi, key, value, row[by_key[key]])
            compared += 1
        assert compared == len(kpis) - 1
        d_headers, d_rows = table_rows(wb, DASHBOARD_TABLE)
        ratio_col = d_headers.index(formulas.dashboard_header("calc_vs_plan", lang))
        ratios = {"number": 0, "#N/A": 0}
        for kpi_row, dash in zip(rows, d_rows):
            assert dash[0] == kpi_row[0] or (dash[0] in (None, "") and kpi_row[0] is None)
            assert close(kpi_row[by_key["attainment"]] if kpi_row[0] else None, dash[6]) or \
                str(dash[6]).startswith("#VALUE!")
            # The chart's actual against plan (core.against_plan, right is better): a number only
            # with a numeric actual and a plan above 0.
            actual, plan = kpi_row[by_key["actual"]], kpi_row[by_key["plan"]]
            if isinstance(actual, (int, float)) and isinstance(plan, (int, float)) and plan > 0:
                direction = core.parse_direction(kpi_row[by_key["direction"]])
                assert close(core.against_plan(actual, plan, direction), dash[ratio_col]), \
                    (kpi_row[0], actual, plan, dash[ratio_col])
                ratios["number"] += 1
                ratios[direction] = ratios.get(direction, 0) + 1
            else:
                assert dash[ratio_col] == "#N/A", (kpi_row[0], actual, plan, dash[ratio_col])
                ratios["#N/A"] += 1
        assert ratios["number"] >= 10 and ratios["#N/A"] >= 5, ratios
        assert ratios.get(core.DECREASE) and ratios.get(core.MAINTAIN), ratios
    udf = openpyxl.load_workbook(recalculated[-1], data_only=True)
    headers, rows = table_rows(udf, "KPIs")
    # Without the add-in the UDF cells are #NAME?, while trend and forecast still compute.
    assert rows[0][headers.index("Actual")] == "#NAME?"
    assert rows[0][headers.index("(calc) Trend")] in {core.word("trend", t, "en") for t in core.VOCABULARIES["trend"]}


# ------------------------------------------------------------ the template at its own limits

def test_the_largest_template_passes_validate_and_the_bomb_guard_still_catches_a_larger_one(tmp_path):
    from kpixl import reader
    from kpixl.errors import WorkbookError
    from kpixl.template import MEASUREMENT_ROWS_LIMIT
    from kpixl.validate import validate

    # The largest sizes the CLI allows (--rows 5000 --measurement-rows 100000).
    largest = write_template(tmp_path / "largest.xlsx", rows=5000, measurement_rows=MEASUREMENT_ROWS_LIMIT)
    with zipfile.ZipFile(largest) as z:
        unpacked = sum(info.file_size for info in z.infolist())
        measurements = z.read("xl/tables/table2.xml").decode()
    last_col = openpyxl.utils.get_column_letter(len(schema.MEASUREMENTS.columns))
    assert f'ref="A1:{last_col}{MEASUREMENT_ROWS_LIMIT + 1}"' in measurements
    # Calibrated: kpixl's largest output sits well inside the guard, not at its edge.
    assert 0.5 * reader.MAX_TOTAL_UNCOMPRESSED < unpacked < 0.8 * reader.MAX_TOTAL_UNCOMPRESSED
    report = validate([largest])
    assert [str(f) for f in report.errors] == []
    # A file larger than the guard allows (its biggest sheet packed in again as often as it
    # takes) is a bomb: KPX111.
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(largest) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED,
                                                              compresslevel=1) as target:
        for info in source.infolist():
            with source.open(info) as src, target.open(info.filename, "w") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        sheet = source.getinfo("xl/worksheets/sheet3.xml").file_size
        for copy in range(-(-(reader.MAX_TOTAL_UNCOMPRESSED - unpacked) // sheet)):
            with source.open("xl/worksheets/sheet3.xml") as src, \
                    target.open(f"xl/media/padding{copy}.xml", "w") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
    with pytest.raises(WorkbookError) as info:
        reader.read_workbook(bomb)
    assert info.value.code == "KPX111"
    assert "possible decompression bomb" in str(info.value)


def test_kpi_id_columns_are_text_and_numbers_read_the_same_in_excel_and_libreoffice(tmp_path):
    path = write_template(tmp_path / "ids.xlsx", examples=True)
    wb = openpyxl.load_workbook(path)
    for table, key in ((schema.KPIS, "kpi_id"), (schema.KPIS, "parent_id"), (schema.MEASUREMENTS, "kpi_id"),
                       (schema.EVALUATION, "kpi_id")):
        col = table.columns.index(table.column(key)) + 1
        for row in (2, 3, 40):
            assert wb[table.sheet("en")].cell(row, col).number_format == "@", (table.name, key, row)
    # No "#,##0.##" (Excel shows 13,200,000. with a trailing point) anywhere in the styles.
    with zipfile.ZipFile(path) as z:
        styles = z.read("xl/styles.xml").decode()
    assert 'formatCode="#,##0.##"' not in styles and 'formatCode="#,##0.00##"' in styles
    # Count units switch the same cells to whole numbers, like the percent units do.
    counts = [rule for cf in wb["KPIs"].conditional_formatting for rule in cf.rules
              if rule.dxf is not None and rule.dxf.numFmt is not None and rule.dxf.numFmt.formatCode == "#,##0"]
    assert len(counts) == 1 and "Lists!$J$3:$J$" in counts[0].formula[0]
    lists = wb[schema.SHEET_LISTS["en"]]
    assert {"count", "leads", "antal"} <= {lists.cell(r, 10).value for r in range(3, 40)}

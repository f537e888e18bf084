"""Test kpixl.formulas: the formula text of every computed cell, in both modes and languages.

The numbers themselves are checked against the core in LibreOffice (test_template.py,
test_template_recalc.py); here we check the text: complete, plain-Excel only in native
mode, the UDF argument orders of the spec in xlwings mode, and structured references
that name real columns, fully qualified so LibreOffice resolves them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kpixl import formulas as fx
from kpixl import texts
from kpixl import schema

LANGS = schema.LANGUAGES
MODES = fx.MODES
TABLES = {t.name: t for t in schema.TABLES}

# Functions a native formula may use: those of the oldest Excel kpixl supports (no dynamic arrays).
NATIVE_FUNCTIONS = {name for name, since in fx.FUNCTION_SINCE.items() if since <= fx.MIN_EXCEL_VERSION}
UDFS = {"KPI_ACTUAL", "KPI_PLAN", "KPI_ATTAINMENT", "KPI_STATUS", "KPI_ELAPSED", "KPI_PHASE"}


def all_formulas(mode: str, language: str) -> dict[str, str]:
    out = {}
    for prefix, made in (("KPIs", fx.kpi_formulas(mode, language)),
                         ("Measurements", fx.measurement_formulas(mode, language)),
                         ("Evaluation", fx.evaluation_formulas(mode, language)),
                         ("Dashboard", fx.dashboard_formulas(mode, language, first_data_row=6))):
        out.update({f"{prefix}.{key}": text for key, text in made.items()})
    out["Lists.used"] = fx.measurements_used_formula(language)
    return out


def functions_in(formula: str) -> set[str]:
    without_strings = re.sub(r'"(?:[^"]|"")*"', '""', formula)
    return set(re.findall(r"([A-Z][A-Z0-9_.]*)\(", without_strings))


def nesting_depth(formula: str) -> int:
    depth = deepest = 0
    for ch in re.sub(r'"(?:[^"]|"")*"', '""', formula):
        if ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")":
            depth -= 1
            assert depth >= 0
    assert depth == 0
    return deepest


@pytest.mark.parametrize("mode", MODES)
def test_every_computed_column_has_a_formula(mode):
    for language in LANGS:
        assert set(fx.kpi_formulas(mode, language)) == {c.key for c in schema.KPIS.computed_columns}
        assert set(fx.measurement_formulas(mode, language)) == {c.key for c in schema.MEASUREMENTS.computed_columns}
        assert set(fx.evaluation_formulas(mode, language)) == {c.key for c in schema.EVALUATION.computed_columns}
        assert set(fx.dashboard_formulas(mode, language)) == {c[0] for c in fx.DASHBOARD_COLUMNS}


@pytest.mark.parametrize("language", LANGS)
def test_native_formulas_use_plain_excel_functions_only(language):
    for where, text in all_formulas("native", language).items():
        used = functions_in(text)
        assert used <= NATIVE_FUNCTIONS, (where, used - NATIVE_FUNCTIONS)
        assert text.startswith("="), where


@pytest.mark.parametrize("language", LANGS)
def test_xlwings_mode_calls_the_udfs_only_in_actual_plan_attainment_status(language):
    made = fx.kpi_formulas("xlwings", language)
    for key in ("actual", "plan", "attainment", "status"):
        assert functions_in(made[key]) & UDFS, key
    for where, text in all_formulas("xlwings", language).items():
        if where.split(".")[1] not in ("actual", "plan", "attainment", "status") or not where.startswith("KPIs"):
            assert not functions_in(text) & UDFS, where


def test_udf_argument_orders_follow_the_spec():
    made = fx.kpi_formulas("xlwings", "en")

    def this(header):
        return f"KPIs[[#This Row],[{header}]]"

    dates = f"{this('Start date')},{this('Deadline')},AsOf"
    # A phased KPI's elapsed is KPI_PHASE(start, deadline, as_of, weights) with its profile's row.
    weights = f"INDEX(Phasing!$B$2:$M$21,MATCH(TRIM({this('Phasing')}),Phasing!$A$2:$A$21,0),0)"
    elapsed = f'IF({this("Phasing")}="",KPI_ELAPSED({dates}),KPI_PHASE({dates},{weights}))'
    assert made["actual"] == (
        f'=IF({this("KPI ID")}="","",KPI_ACTUAL({this("KPI ID")},Measurements[[KPI ID]],Measurements[[Period end]],'
        f'Measurements[[Value]],{this("Aggregation")},AsOf,{this("Start date")}))')
    assert made["plan"] == (f'=IF({this("KPI ID")}="","",KPI_PLAN({this("Target")},{this("Baseline")},'
                            f'{this("Direction")},{elapsed},{this("Aggregation")},{this("Tolerance")}))')
    assert made["attainment"] == (
        f'=IF({this("KPI ID")}="","",KPI_ATTAINMENT({this("Actual")},{this("Target")},{this("Baseline")},'
        f'{this("Direction")},{elapsed},{this("Aggregation")},{this("Tolerance")}))')
    assert made["status"] == (
        f'=IF({this("KPI ID")}="","",KPI_STATUS({this("Actual")},{this("Target")},{this("Baseline")},'
        f'{this("Direction")},{elapsed},{this("Aggregation")},{this("Tolerance")},{this("Green from")},'
        f'{this("Amber from")},"en"))')
    assert fx.kpi_formulas("xlwings", "da")["status"].endswith(',"da"))')


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("language", LANGS)
def test_structured_references_are_qualified_and_name_real_columns(mode, language):
    for where, text in all_formulas(mode, language).items():
        assert "[@" not in text, where
        stripped = re.sub(r'"(?:[^"]|"")*"', '""', text)
        # Every bracket group belongs to a table name: no bare [[#This Row],...] or [Header].
        for match in re.finditer(r"(\w*)\[\[", stripped):
            assert match.group(1) in TABLES, (where, stripped[match.start():match.start() + 40])
        refs = re.findall(r"(\w+)\[\[(?:#This Row\],\[)?([^\]]+)\]\]", stripped)
        # The goals (issue 19) are written with A1 references, as the strip's: portable to other spreadsheets.
        assert refs or where == "Measurements.calc_row" or where.removeprefix("Dashboard.") in fx.GOAL_KEYS, where
        for table, header in refs:
            headers = [c.header(language) for c in TABLES[table].columns]
            assert header in headers, (where, table, header)


@pytest.mark.parametrize("mode", MODES)
def test_formulas_fit_excel_limits(mode):
    for language in LANGS:
        for where, text in all_formulas(mode, language).items():
            assert len(text) < 8192, where
            assert nesting_depth(text) < 64, where


def test_danish_workbook_formulas_use_danish_headers_and_status_words():
    made = fx.kpi_formulas("native", "da")
    assert "KPIs[[#This Row],[Mål]]" in made["plan"]
    assert '"På sporet"' in made["status"] and '"Bagud"' in made["status"]
    assert '"On track"' not in made["status"]
    assert '"Forbedres"' in made["calc_trend"]
    english = fx.kpi_formulas("native", "en")
    assert '"On track"' in english["status"] and '"Improving"' in english["calc_trend"]


@pytest.mark.parametrize("language", LANGS)
def test_vocabulary_cells_accept_both_languages(language):
    made = fx.kpi_formulas("native", language)
    for word in ("increase", "øge", "decrease", "mindske", "maintain", "fastholde"):
        assert f'"{word}"' in made["calc_direction"]
    for word in ("sum", "average", "gennemsnit", "last", "seneste", "min", "max", "maks"):
        assert f'"{word}"' in made["calc_aggregation"]
    # A blank direction is increase, a blank aggregation last (as KpiRecord.definition).
    assert '="","increase"' in made["calc_direction"]
    assert '="","last"' in made["calc_aggregation"]


def test_status_thresholds_use_the_rounded_attainment():
    made = fx.kpi_formulas("native", "en")["status"]
    assert "ROUND(KPIs[[#This Row],[Attainment]],9)>=IF(KPIs[[#This Row],[Green from]]=\"\",0.95," in made
    assert "ROUND(KPIs[[#This Row],[Attainment]],9)>=IF(KPIs[[#This Row],[Amber from]]=\"\",0.85," in made


def test_error_texts_start_with_value_and_exist_in_both_languages():
    keys = {key.removeprefix("error.") for key in texts.of("formulas", "en") if key.startswith("error.")}
    assert len(keys) == 18  # the catalogue's test checks both languages hold the same keys
    for language in LANGS:
        for key in keys:
            assert fx.error_text(key, language).startswith("#VALUE! ")
    assert fx.error_text("increase") == "#VALUE! an increase KPI needs its target above its baseline"


def test_structured_reference_escapes_special_header_characters():
    assert fx._escape_header("Q1 [draft] #2 'x'") == "Q1 '[draft'] '#2 ''x''"


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="unknown formula mode 'vba'"):
        fx.kpi_formulas("vba")


def test_dashboard_row_index_follows_the_first_data_row():
    made = fx.dashboard_formulas("native", "en", first_data_row=6)
    assert made["kpi_id"] == '=IF(INDEX(KPIs[[KPI ID]],ROW()-5)="","",IF(INDEX(KPIs[[KPI ID]],ROW()-5)="","",' \
                             'INDEX(KPIs[[KPI ID]],ROW()-5)))'
    assert "INDEX(KPIs[[(calc) Forecast]],ROW()-5)" in made["forecast"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("language", LANGS)
def test_measurement_ranges_stop_at_the_last_used_row(mode, language):
    # Whole-table ranges would make every counted row scan the whole pre-sized table.
    bounded = re.compile(r"INDEX\((Measurements\[\[[^\]]+\]\]),1\):INDEX\(\1,MeasurementsUsed\)")
    for where, text in all_formulas(mode, language).items():
        if where == "Lists.used":
            continue
        rest = bounded.sub("", text)
        if where == "KPIs.actual" and mode == "xlwings":
            # The UDF takes the whole columns (spec argument order); it filters in Python.
            rest = re.sub(r"KPI_ACTUAL\([^()]*\)", "", rest)
        assert "Measurements[[" not in rest.replace("Measurements[[#This Row]", ""), where


def test_measurements_used_depends_on_no_formula_that_uses_it():
    made = fx.measurement_formulas("native", "en")
    # MeasurementsUsed reads (calc) Row and (calc) In window; those (and what they read) must not use it.
    for key in ("calc_row", "calc_in_window", "calc_kpi_row"):
        assert fx.MEASUREMENTS_USED not in made[key], key
    kpis = fx.kpi_formulas("native", "en")
    assert fx.MEASUREMENTS_USED not in kpis["calc_direction"] + kpis["calc_aggregation"]
    assert fx.measurements_used_formula("da") == (
        "=MAX(1,IFERROR(AGGREGATE(14,6,Measurements[[(beregn) Række]]/((Measurements[[(beregn) I vinduet]]=1)),1),0)"
        "-MIN(Measurements[[(beregn) Række]])+1)")


# ------------------------------------------------------------ Excel versions

def test_function_table_knows_the_newer_functions_that_would_break_old_excel():
    assert fx.MIN_EXCEL_VERSION == 2010
    for name in ("MAXIFS", "MINIFS", "IFS", "LET", "XLOOKUP", "FILTER"):
        assert fx.FUNCTION_SINCE[name] > fx.MIN_EXCEL_VERSION, name
    assert fx.FUNCTION_SINCE["AGGREGATE"] == 2010 and fx.FUNCTION_SINCE["SUMIFS"] == 2007


def _sheet_formulas(path) -> dict[str, list[str]]:
    """Return every formula in a written workbook's sheets by part: cells, table columns,
    conditional formats, data validations and defined names."""
    import zipfile
    from xml.etree import ElementTree

    found: dict[str, list[str]] = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not name.endswith(".xml") or not name.startswith(("xl/worksheets/", "xl/tables/", "xl/workbook")):
                continue
            root = ElementTree.fromstring(z.read(name))
            tags = ("f", "formula", "formula1", "formula2", "calculatedColumnFormula", "definedName")
            texts = [el.text for el in root.iter() if el.tag.rsplit("}", 1)[-1] in tags and el.text]
            found[name] = texts
    return found


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("language", LANGS)
def test_every_function_the_template_writes_exists_in_the_stated_minimum_excel(tmp_path, mode, language):
    """List the functions of every formula in a written workbook against FUNCTION_SINCE.

    The newest must be no newer than MIN_EXCEL_VERSION, which the Guide (in the workbook's
    language) and the README state.
    """
    import openpyxl

    from kpixl.template import write_template

    path = write_template(tmp_path / f"{mode}-{language}.xlsx", language=language, formulas=mode, examples=True)
    used: dict[str, str] = {}
    for part, texts in _sheet_formulas(path).items():
        for text in texts:
            for name in functions_in(text.replace("_xlfn.", "").replace("_xlws.", "")):
                used.setdefault(name, f"{part}: {text[:80]}")
    udfs = {name for name in used if name.startswith("KPI_")}
    assert bool(udfs) == (mode == "xlwings")
    unknown = {name: where for name, where in used.items() if name not in fx.FUNCTION_SINCE and name not in udfs}
    assert not unknown, unknown
    newest = max(fx.FUNCTION_SINCE[name] for name in used if name not in udfs)
    assert newest <= fx.MIN_EXCEL_VERSION, {n: fx.FUNCTION_SINCE[n] for n in used if n not in udfs}
    assert {"AGGREGATE", "SUMIFS", "MATCH", "SUBSTITUTE"} <= set(used)
    # Functions newer than Excel 2007 carry the _xlfn. prefix in the file, or Excel shows #NAME?.
    raw = " ".join(t for texts in _sheet_formulas(path).values() for t in texts)
    assert "AGGREGATE(" in raw and "AGGREGATE(" not in raw.replace("_xlfn.AGGREGATE(", "")
    guide = openpyxl.load_workbook(path)[schema.SHEET_GUIDE[language]]
    text = " ".join(str(c.value) for row in guide.iter_rows() for c in row if c.value)
    stated = f"Excel {fx.MIN_EXCEL_VERSION} {'eller nyere' if language == 'da' else 'or later'}"
    assert stated in text
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"Excel {fx.MIN_EXCEL_VERSION} or later" in readme

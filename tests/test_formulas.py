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

from kpixl import core
from kpixl import formulas as fx
from kpixl import texts
from kpixl import schema
from kpixl.refs import column_letter

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

    def this(key):
        col = fx._letter(schema.KPIS, key)
        return f"INDEX(${col}:${col},ROW())"

    def guard(body):
        return f'=IF({this("kpi_id")}="","",IF(SelfCheckOK,{body},NA()))'

    dates = f"{this('start')},{this('deadline')},AsOf"
    # A phased KPI's elapsed is KPI_PHASE(start, deadline, as_of, weights) with its profile's row (issue 19).
    weights = f"INDEX(Phasing!$B$2:$M$21,MATCH(TRIM({this('phasing')}),Phasing!$A$2:$A$21,0),0)"
    elapsed = f'IF({this("phasing")}="",KPI_ELAPSED({dates}),KPI_PHASE({dates},{weights}))'
    assert made["actual"] == guard(
        f'KPI_ACTUAL({this("kpi_id")},Measurements!$A$2:$A$6001,Measurements!$B$2:$B$6001,'
        f'Measurements!$C$2:$C$6001,{this("aggregation")},AsOf,{this("start")})')
    assert made["plan"] == guard(f'KPI_PLAN({this("target")},{this("baseline")},'
                                 f'{this("direction")},{elapsed},{this("aggregation")},{this("tolerance")})')
    assert made["attainment"] == guard(
        f'KPI_ATTAINMENT({this("actual")},{this("target")},{this("baseline")},'
        f'{this("direction")},{elapsed},{this("aggregation")},{this("tolerance")})')
    assert made["status"] == guard(
        f'KPI_STATUS({this("actual")},{this("target")},{this("baseline")},'
        f'{this("direction")},{elapsed},{this("aggregation")},{this("tolerance")},{this("green")},'
        f'{this("amber")},"en")')
    assert fx.kpi_formulas("xlwings", "da")["status"].endswith(',"da"),NA()))')


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("language", LANGS)
def test_no_structured_references_and_this_row_cells_name_real_columns(mode, language):
    # Rule 1 of formulas.py: Gnumeric and Google Sheets read no structured reference.
    for where, text in all_formulas(mode, language).items():
        stripped = re.sub(r'"(?:[^"]|"")*"', '""', text)
        assert "[" not in stripped, where
        table = TABLES.get(where.split(".")[0])
        for letter in re.findall(r"INDEX\(\$([A-Z]+):\$\1,ROW\(\)\)", stripped):
            if where.startswith("Dashboard."):  # the goals read their own row's Φ helpers (issue 19)
                assert letter in {column_letter(i + 1) for i in range(len(fx.DASHBOARD_COLUMNS))}, (where, letter)
                continue
            assert table is not None, where
            assert letter in {fx._letter(table, c.key) for c in table.columns}, (where, letter)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("language", LANGS)
def test_formulas_use_no_construct_some_program_lacks(mode, language):
    # Rules 2 to 6 of formulas.py, each measured in IronCalc, Gnumeric or Google Sheets' documentation.
    for where, text in all_formulas(mode, language).items():
        stripped = re.sub(r'"(?:[^"]|"")*"', '""', text)
        assert "AGGREGATE(" not in stripped, where
        assert "IFERROR(" not in stripped, where
        assert not re.search(r"(?<![A-Z])N\(", stripped), where
        assert not re.search(r"\):INDEX\(|\$[0-9]+:INDEX\(", stripped), where
        # No whole-column range but inside INDEX (IronCalc scans every row of it).
        for match in re.finditer(r"\$([A-Z]+):\$\1\b", stripped):
            assert stripped[:match.start()].endswith(("INDEX(", "!")), (where, stripped[match.start() - 30:match.end()])
        assert "SUMPRODUCT" not in stripped or "ABS(OFFSET" not in stripped, where


@pytest.mark.parametrize("mode", MODES)
def test_formulas_fit_excel_limits(mode):
    for language in LANGS:
        for where, text in all_formulas(mode, language).items():
            assert len(text) < 8192, where
            assert nesting_depth(text) < 64, where


def test_danish_workbook_formulas_use_danish_headers_and_status_words():
    made = fx.kpi_formulas("native", "da")
    assert f"INDEX(${fx._letter(schema.KPIS, 'target')}:" in made["plan"]
    assert "Nøgletal!$" in made["calc_kpi_row"] and "'" not in made["calc_kpi_row"]
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
    for vocabulary in ("direction", "aggregation"):  # and whatever word is added later, in every language
        for value in core.VOCABULARIES[vocabulary]:
            for lang in LANGS:
                assert f'"{core.word(vocabulary, value, lang)}"' in made[f"calc_{vocabulary}"]
    # A blank direction is increase, a blank aggregation last (as KpiRecord.definition).
    assert '="","increase"' in made["calc_direction"]
    assert '="","last"' in made["calc_aggregation"]


def test_status_thresholds_use_the_rounded_attainment():
    made = fx.kpi_formulas("native", "en")["status"]
    att, green, amber = (fx._letter(schema.KPIS, key) for key in ("attainment", "green", "amber"))
    assert f'ROUND(INDEX(${att}:${att},ROW()),9)>=IF(INDEX(${green}:${green},ROW())="",0.95,' in made
    assert f'ROUND(INDEX(${att}:${att},ROW()),9)>=IF(INDEX(${amber}:${amber},ROW())="",0.85,' in made


def test_error_texts_start_with_value_and_exist_in_both_languages():
    keys = {key.removeprefix("error.") for key in texts.of("formulas", "en") if key.startswith("error.")}
    assert len(keys) == 18  # the catalogue's test checks both languages hold the same keys
    for language in LANGS:
        for key in keys:
            assert fx.error_text(key, language).startswith("#VALUE! ")
    assert fx.error_text("increase") == "#VALUE! an increase KPI needs its target above its baseline"


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="unknown formula mode 'vba'"):
        fx.kpi_formulas("vba")


def test_dashboard_row_index_follows_the_first_data_row():
    made = fx.dashboard_formulas("native", "en", first_data_row=6)
    assert made["kpi_id"] == '=IF(INDEX(KPIs!$A$2:$A$51,ROW()-5)="","",IF(INDEX(KPIs!$A$2:$A$51,ROW()-5)="","",' \
                             'INDEX(KPIs!$A$2:$A$51,ROW()-5)))'
    forecast = fx._letter(schema.KPIS, "calc_forecast")
    assert f"INDEX(KPIs!${forecast}$2:${forecast}$51,ROW()-5)" in made["forecast"]
    assert "KPIs!$A$2:$A$8," in fx.dashboard_formulas("native", "en", first_data_row=6, kpi_rows=7)["kpi_id"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("language", LANGS)
def test_measurement_ranges_stop_at_the_last_used_row(mode, language):
    # Whole-table ranges would make every counted row scan the whole pre-sized table.
    bounded = re.compile(r"OFFSET\([^!(]+!\$[A-Z]+\$2,0,0,MeasurementsUsed,1\)")
    sheet = schema.MEASUREMENTS.sheet(language)
    for where, text in all_formulas(mode, language).items():
        if where == "Lists.used":
            continue
        rest = bounded.sub("", text)
        if where == "KPIs.actual" and mode == "xlwings":
            # The UDF takes the whole columns (spec argument order); it filters in Python.
            rest = rest[:rest.index("KPI_ACTUAL")]
        assert f"{sheet}!" not in rest, where


def test_measurements_used_depends_on_no_formula_that_uses_it():
    made = fx.measurement_formulas("native", "en")
    # MeasurementsUsed reads (calc) Row and (calc) In window; those (and what they read) must not use it.
    for key in ("calc_row", "calc_in_window", "calc_kpi_row"):
        assert fx.MEASUREMENTS_USED not in made[key], key
    kpis = fx.kpi_formulas("native", "en")
    assert fx.MEASUREMENTS_USED not in kpis["calc_direction"] + kpis["calc_aggregation"]
    assert fx.measurements_used_formula("da", measurement_rows=10) == (
        "=IF(COUNTIFS(Målinger!$H$2:$H$21,1)=0,1,MAX(1,MAXIFS(Målinger!$G$2:$G$21,Målinger!$H$2:$H$21,1)-1))")


def test_every_kpi_formula_is_gated_on_the_self_check():
    for mode in MODES:
        for key, text in fx.kpi_formulas(mode, "en").items():
            if key != "calc_key":
                assert f"IF({fx.SELF_CHECK_OK}," in text and text.endswith(",NA()))"), key
    for key, text in fx.strip_formulas("en", month_end="$R$4").items():
        assert f"IF({fx.SELF_CHECK_OK}," in text, key
    # The Dashboard's goals and their phase helpers (issue 19), in both languages.
    for language in LANGS:
        for key, text in fx.goals_formulas(language).items():
            assert f"IF({fx.SELF_CHECK_OK}," in text and text.endswith(",NA()))"), key
        assert set(fx.GOAL_KEYS) <= set(fx.dashboard_formulas("native", language))


def test_self_check_covers_the_constructs_and_names_them_in_both_languages():
    letters = dict(zip(fx.SELF_CHECK_COLUMNS, "ABCD"))
    used = " ".join(fx.self_check_formula(k, "Lists", letters, 3, "Lists!$A$9") for k, _text, _a in fx.SELF_CHECKS)
    for construct in ("OFFSET(", "SUMIFS(", "COUNTIFS(", "AVERAGEIFS(", "MAXIFS(", "MINIFS(", "SUMPRODUCT(",
                      "MATCH(", "IFNA(", "INDEX(", "DATE(", "SUBSTITUTE(", "UPPER(", "TRIM(", "ROUND(",
                      "COUNTIF(", "ISNUMBER(", "DAY(", fx.MONTH_NUMBERS, "{1,2,3}", "Lists!$A$3:$C$7*"):
        assert construct in used, construct
    for language in LANGS:
        for key, _text, _answer in fx.SELF_CHECKS:
            assert texts.text("formulas", f"check.{key}", language)
    message = fx.self_check_message_formula(["A1"], ["D1"], "da")
    assert "Selvtjek OK" in message and 'IF(D1=1,"",A1&"; ")' in message


def test_self_check_covers_every_function_the_phasing_and_goal_formulas_use():
    letters = dict(zip(fx.SELF_CHECK_COLUMNS, "ABCD"))
    checked = " ".join(fx.self_check_formula(k, "Lists", letters, 3, "Lists!$A$9") for k, _t, _a in fx.SELF_CHECKS)
    phased = " ".join([fx.phase_density("X1", "P1", "YEAR(S1)"),
                       *fx.phase_helper_formulas("P1", "S1", "D1", "B1").values(),
                       *(test for test, _key in fx.phasing_error_checks("P1", "T1")),
                       fx.phase_formula("X1", profile="P1", start="S1", deadline="D1", base="B1", total="T1", linear="L1"),
                       *fx.goals_formulas("en").values()])
    # Scalar logic and MIN/MAX of two numbers: every formula of the workbook rests on them.
    functions = set(re.findall(r"([A-Z][A-Z.]*)\(", phased)) - {"IF", "OR", "AND", "NOT", "NA", "MIN", "MAX"}
    missing = {name for name in functions if f"{name}(" not in checked}
    assert not missing, missing
    # Φ's month array and its 2-D broadcast are checked as written.
    assert fx.MONTH_NUMBERS in checked and fx.MONTH_NUMBERS in phased


# ------------------------------------------------------------ Excel versions

def test_function_table_knows_the_newer_functions_that_would_break_old_excel():
    assert fx.MIN_EXCEL_VERSION == 2019
    for name in ("LET", "XLOOKUP", "FILTER", "LAMBDA"):
        assert fx.FUNCTION_SINCE[name] > fx.MIN_EXCEL_VERSION, name
    assert fx.FUNCTION_SINCE["MAXIFS"] == 2019 and fx.FUNCTION_SINCE["SUMIFS"] == 2007


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
    assert {"MAXIFS", "OFFSET", "SUMIFS", "MATCH", "SUBSTITUTE"} <= set(used)
    # Functions newer than Excel 2007 carry the _xlfn. prefix in the file, or Excel shows #NAME?.
    raw = " ".join(t for texts in _sheet_formulas(path).values() for t in texts)
    for name in ("MAXIFS(", "MINIFS(", "IFNA("):
        assert name in raw and name not in raw.replace("_xlfn." + name, ""), name
    guide = openpyxl.load_workbook(path)[schema.SHEET_GUIDE[language]]
    text = " ".join(str(c.value) for row in guide.iter_rows() for c in row if c.value)
    stated = f"Excel {fx.MIN_EXCEL_VERSION} {'eller nyere' if language == 'da' else 'or later'}"
    assert stated in text
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"Excel {fx.MIN_EXCEL_VERSION} or later" in readme

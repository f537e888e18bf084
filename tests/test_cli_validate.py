"""Test ``kpixl validate`` on the command line: exit codes, exact report lines, JSON, and no tracebacks."""

from __future__ import annotations

import json
import random
import string
from datetime import date, datetime

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpixl import schema
from kpixl.cli import cli
from kpixl.refs import column_letter as schema_letter
from kpixl.validate import check_workbook, validate

import workbooks as W

AS_OF = W.AS_OF.isoformat()


def run(*args: str):
    return CliRunner().invoke(cli, ["validate", *args], prog_name="kpixl")


def test_valid_workbook_exits_0(tmp_path):
    path = tmp_path / "ok.xlsx"
    W.write_workbook(path)
    result = run(str(path), "--as-of", AS_OF)
    assert result.exit_code == 0
    assert result.output == "1 file(s), 1 KPI(s), 3 measurement(s): 0 error(s), 0 warning(s)\n"


def test_errors_exit_1_with_exact_lines(tmp_path):
    path = tmp_path / "bad.xlsx"
    W.write_workbook(path, kpis=[W.kpi_row(target="12,5")], measurements=[W.measurement_row("NOPE")] * 1)
    result = run(str(path), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f'{path}:KPIs!L2: error KPX204: target "12,5" is text; type the number 12.5',
        f"{path}:Measurements!A2: error KPX401: KPI ID 'NOPE' is not in the KPIs table; pick an existing KPI ID "
        "or add the KPI",
        # No KPX405: a company (Level high) KPI with no measurement of its own is measured through its children.
        "1 file(s), 1 KPI(s), 1 measurement(s): 2 error(s), 0 warning(s)",
    ]


def test_warnings_exit_0_but_1_with_strict(tmp_path):
    path = tmp_path / "warn.xlsx"
    W.write_workbook(path, kpis=[W.kpi_row(deadline=None)])
    assert run(str(path), "--as-of", AS_OF).exit_code == 0
    strict = run(str(path), "--as-of", AS_OF, "--strict")
    assert strict.exit_code == 1
    assert strict.output.splitlines()[0] == (f"{path}:KPIs!A2: warning KPX306: no deadline: a SMART KPI is "
                                             "time-bound; type the deadline")


def test_usage_errors_exit_2(tmp_path):
    assert run().exit_code == 2
    assert run(str(tmp_path), "--format", "xml").exit_code == 2
    assert run(str(tmp_path), "--as-of", "tomorrow").exit_code == 2


def test_bad_files_each_get_one_line_and_the_run_goes_on(tmp_path):
    (tmp_path / "a.xlsx").write_text("KPI ID,Target\n")
    (tmp_path / "b.xlsx").write_bytes(b"")
    W.write_workbook(tmp_path / "c.xlsx")
    result = run(str(tmp_path), "--as-of", AS_OF)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert [line.split(": ")[1] for line in lines[:2]] == ["error KPX107", "error KPX104"]
    assert lines[2] == "3 file(s), 1 KPI(s), 3 measurement(s): 2 error(s), 0 warning(s)"


def test_json_equals_the_library_report(tmp_path):
    path = tmp_path / "bad.xlsx"
    W.write_workbook(path, kpis=[W.kpi_row(target="1.234", deadline=None)], language="da")
    result = run(str(path), "--format", "json", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert json.loads(result.output) == validate([path], as_of=W.AS_OF).to_dict()


# ------------------------------------------------------------------ fuzzing: never a traceback

def _assert_clean(result):
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    assert "unexpected" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


CELL_VALUES = st.one_of(
    st.none(), st.text(max_size=12), st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-10**12, 10**12), st.booleans(), st.dates(date(1900, 3, 1), date(2200, 1, 1)),
    st.sampled_from(["12,5", "1.234", "12%", "=1+1", "#N/A", "øge", "Behold", "2026-01-31", "", "  "]),
)
KPI_KEYS = [c.key for c in schema.KPIS.columns]
MEASUREMENT_KEYS = [c.key for c in schema.MEASUREMENTS.columns]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kpi_changes=st.dictionaries(st.sampled_from(KPI_KEYS), CELL_VALUES, max_size=6),
       measurement_changes=st.dictionaries(st.sampled_from(MEASUREMENT_KEYS), CELL_VALUES, max_size=3),
       dropped=st.lists(st.sampled_from(KPI_KEYS), max_size=3),
       extra_rows=st.integers(0, 2), language=st.sampled_from(["en", "da"]))
def test_mutated_cells_and_columns_never_give_a_traceback(tmp_path, kpi_changes, measurement_changes, dropped,
                                                         extra_rows, language):
    path = tmp_path / "fuzz.xlsx"
    measurements = W.default_measurements()
    measurements[0] = {**measurements[0], **measurement_changes}
    W.write_workbook(path, language=language, kpis=[W.kpi_row(**kpi_changes), W.kpi_row("B")][: 1 + extra_rows],
                     measurements=measurements[: 3 - extra_rows], drop_columns={"KPIs": dropped},
                     below={"KPIs": [W.kpi_row(**{"kpi_id": "C", **kpi_changes})]} if extra_rows else None)
    _assert_clean(run(str(path), "--as-of", AS_OF))


@pytest.fixture(scope="module")
def valid_bytes(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("valid") / "v.xlsx"
    W.write_workbook(path)
    return path.read_bytes()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), flips=st.integers(1, 8), cut=st.one_of(st.none(), st.floats(0, 1)))
def test_flipped_and_truncated_bytes_never_give_a_traceback(tmp_path, valid_bytes, seed, flips, cut):
    rng = random.Random(seed)
    data = bytearray(valid_bytes)
    for _ in range(flips):
        data[rng.randrange(len(data))] = rng.randrange(256)
    if cut is not None:
        data = data[: int(len(data) * cut)]
    path = tmp_path / "flipped.xlsx"
    path.write_bytes(bytes(data))
    _assert_clean(run(str(path), "--as-of", AS_OF))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(string.printable + "æøå", min_size=1, max_size=30))
def test_random_strings_in_the_sheet_xml_never_give_a_traceback(tmp_path, text):
    path = tmp_path / "xml.xlsx"
    W.write_workbook(path)
    part = W.sheet_part(path, "KPIs")
    payload = text.encode("utf-8")
    W.rezip(path, lambda name, data: data.replace(b"<sheetData>", b"<sheetData>" + payload) if name == part else None)
    _assert_clean(run(str(path), "--as-of", AS_OF))


def test_datetimes_in_number_cells_are_reported(tmp_path):
    path = tmp_path / "dt.xlsx"
    W.write_workbook(path, kpis=[W.kpi_row(target=datetime(2026, 1, 1))])
    result = run(str(path), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "KPX203: target is a date (2026-01-01), not a number" in result.output


def test_kpi_ids_match_ignoring_case_and_spaces_including_no_break_spaces(tmp_path):
    """Issue 9 item 1: measurements, evaluation and parent link typed in other case or spacing match."""
    path = tmp_path / "mixed.xlsx"
    measurements = [W.measurement_row(k, d, 100.0) for k, d in zip(("SAL-01", "Sal-01\u00a0", " sal-01\t"),
                                                                    W.MONTH_ENDS)]
    W.write_workbook(path, kpis=[W.kpi_row("sal-01"), W.kpi_row("SAL-02", level="low", parent_id="SAL-01\u00a0")],
                     measurements=measurements + W.default_measurements(["sal-02 "]),
                     evaluations=[W.evaluation_row("SAL-01\u00a0"), W.evaluation_row("Sal-02")])
    result = run(str(path), "--as-of", AS_OF)
    assert result.output == "1 file(s), 2 KPI(s), 6 measurement(s): 0 error(s), 0 warning(s)\n"
    assert result.exit_code == 0


def test_the_same_id_in_other_case_or_spacing_is_the_same_kpi_for_duplicates(tmp_path):
    path = tmp_path / "dup.xlsx"
    W.write_workbook(path, kpis=[W.kpi_row("SAL-01"), W.kpi_row("sal-01\u00a0")],
                     measurements=[W.measurement_row("SAL-01"), W.measurement_row("sal-01 ")])
    result = run(str(path), "--as-of", AS_OF)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert (f"{path}:KPIs!A3: error KPX301: KPI ID 'sal-01' is used twice (first at KPIs!A2); give each KPI its "
            "own ID") in lines, lines
    assert any(line.startswith(f"{path}:Measurements!A3: error ") and "a second value for KPI 'SAL-01' and period "
               "end 2026-01-31 (first at Measurements!A2)" in line for line in lines), lines

# ------------------------------------------------------------------ issue 9: folders, --recursive, pipes

def test_recursive_and_the_files_left_out_on_the_command_line(tmp_path):
    folder = tmp_path / "in"
    (folder / "north").mkdir(parents=True)
    W.write_workbook(folder / "a.xlsx")
    # Another department's workbook (not a copy of a.xlsx: other bytes, department and KPI ID).
    W.write_workbook(folder / "north" / "b.xlsx", kpis=[W.kpi_row("NOR-01", department="North")],
                     measurements=W.default_measurements(["NOR-01"]), evaluations=[W.evaluation_row("NOR-01")],
                     metadata_values={"kpixl_department": "North"})
    (folder / "a.csv").write_text("KPI ID\n")
    result = run(str(folder), "--as-of", AS_OF)
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        f"{folder / 'a.csv'}: warning KPX134: a CSV text file is not read; kpixl reads the department workbook "
        "(.xlsx), not CSV exports",
        f"{folder / 'north'}: warning KPX135: subfolder holds 1 workbook(s) that are not read; give the subfolder "
        "too, or use --recursive to read subfolders",
        "1 file(s), 1 KPI(s), 3 measurement(s): 0 error(s), 2 warning(s); 1 file(s) left out (1 .csv) and "
        "1 subfolder(s) left out (use --recursive)",
    ]
    deep = run(str(folder), "--as-of", AS_OF, "--recursive")
    assert deep.exit_code == 0
    assert deep.output.splitlines()[-1] == ("2 file(s), 2 KPI(s), 6 measurement(s): 0 error(s), 1 warning(s); "
                                            "1 file(s) left out (1 .csv)")


def test_as_of_today_is_a_date(tmp_path):
    path = tmp_path / "ok.xlsx"
    W.write_workbook(path)
    assert run(str(path), "--as-of", "today").exit_code in (0, 1)
    assert run(str(path), "--as-of", "yesterday").exit_code == 2


def test_piping_into_head_ends_quietly(tmp_path):
    """``kpixl validate ... | head -2`` through a real pipe: no BrokenPipeError, no traceback."""
    import shlex
    import subprocess
    import sys

    path = tmp_path / "many.xlsx"
    # 3000 measurements for an unknown KPI: ~400 KB of report lines, far more than a pipe holds.
    W.write_workbook(path, measurements=[W.measurement_row("NOPE", date(2026, 1, 1) + (date(2026, 1, 2) - date(2026, 1, 1)) * (i % 300), float(i))
                                         for i in range(3000)])
    command = f"{shlex.quote(sys.executable)} -m kpixl validate {shlex.quote(str(path))} --as-of {AS_OF} | head -2"
    done = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, timeout=300)
    assert done.stdout.count("\n") == 2 and done.stdout.startswith(f"{path}:")
    assert done.stderr == ""
    assert done.returncode == 1  # the report could not be written in full (pipefail shows kpixl's exit code)
    # The same with the reader gone before the first line: still quiet.
    process = subprocess.Popen([sys.executable, "-m", "kpixl", "validate", str(path), "--as-of", AS_OF],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=300) == 1
    assert stderr == b""


# ------------------------------------------------------------------ one language per run

def _danish_and_english(tmp_path):
    da = tmp_path / "web.xlsx"
    W.write_workbook(da, kpis=[W.kpi_row(target=None)], language="da")
    en = tmp_path / "other" / "sales.xlsx"
    en.parent.mkdir()
    W.write_workbook(en, kpis=[W.kpi_row("SAL-01")])
    return da, en


def test_danish_workbooks_get_a_danish_report_summary_included(tmp_path):
    """Issue 18 point 9: the summary line follows the workbooks' language, as the findings do."""
    da, _ = _danish_and_english(tmp_path)
    result = run(str(da), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{da}:Nøgletal!L2: fejl KPX201: Mål er tom; skriv den værdi, der skal nås inden deadline",
        "1 fil(er), 1 KPI(er), 3 måling(er): 1 fejl, 0 advarsel(er)"]


def test_lang_sets_the_one_language_of_the_run(tmp_path):
    da, en = _danish_and_english(tmp_path)
    result = run(str(da), "--as-of", AS_OF, "--lang", "en")
    assert result.output.splitlines() == [
        f"{da}:Nøgletal!L2: error KPX201: target is blank; type the value to reach by the deadline",
        "1 file(s), 1 KPI(s), 3 measurement(s): 1 error(s), 0 warning(s)"]
    # Workbooks in two languages without --lang: English, never one language per file.
    mixed = run(str(da), str(en), "--as-of", AS_OF)
    assert mixed.output.splitlines() == [
        f"{da}:Nøgletal!L2: error KPX201: target is blank; type the value to reach by the deadline",
        "2 file(s), 2 KPI(s), 6 measurement(s): 1 error(s), 0 warning(s)"]
    danish = run(str(da), str(en), "--as-of", AS_OF, "--lang", "da")
    assert danish.output.splitlines()[-1] == "2 fil(er), 2 KPI(er), 6 måling(er): 1 fejl, 0 advarsel(er)"
    assert json.loads(run(str(da), "--as-of", AS_OF, "--format", "json").output)["language"] == "da"


def test_what_a_danish_folder_holds_that_is_not_read_is_said_in_danish(tmp_path):
    da, _ = _danish_and_english(tmp_path)
    (tmp_path / "budget.ods").write_bytes(b"not read")
    result = run(str(tmp_path), "--as-of", AS_OF)
    assert result.output.splitlines() == [
        f"{tmp_path / 'budget.ods'}: advarsel KPX134: et OpenDocument-regneark (.ods) læses ikke; gem det som "
        "Excel-projektmappe (.xlsx) for at få det med",
        f"{tmp_path / 'other'}: advarsel KPX135: undermappen rummer 1 projektmappe(r), der ikke læses; angiv også "
        "undermappen, eller brug --recursive for at læse undermapper",
        f"{da}:Nøgletal!L2: fejl KPX201: Mål er tom; skriv den værdi, der skal nås inden deadline",
        "1 fil(er), 1 KPI(er), 3 måling(er): 1 fejl, 2 advarsel(er); 1 fil(er) udeladt (1 .ods) og 1 undermappe(r) "
        "udeladt (brug --recursive)"]


# ------------------------------------------------------------ a table whose definition is gone

def _table_gone(path: str, sheet: str, table: str, last: str, language: str = "en") -> str:
    """Return validate's KPX124 line for ``table``, read from ``sheet``'s A1:``last`` (its header row first)."""
    first_data = f"A2:{last}"
    if language == "da":
        return (f"{path}:{sheet}!A1: advarsel KPX124: der er ingen Excel-tabel ved navn {table}, men dette ark har dens "
                f"overskrifter: kpixl læser {first_data} under dem som tabellen {table}; gør området til en tabel "
                "igen, ellers tæller projektmappens egne formler det ikke med: i Excel markér "
                f"A1:{last}, Indsæt > Tabel (Tabellen har overskrifter), og derefter Tabeldesign > Tabelnavn: "
                f"{table}; i LibreOffice markér A1:{last}, Data > Definer område, Navn: {table}")
    return (f"{path}:{sheet}!A1: warning KPX124: there is no Excel table named {table}, but this sheet holds its "
            f"headers: kpixl reads {first_data} under them as the {table} table; make it a table again, or the "
            f"workbook's own formulas do not count it: in Excel select A1:{last}, Insert > Table (My table has "
            f"headers), then Table Design > Table Name: {table}; in LibreOffice select A1:{last}, Data > Define "
            f"Range, Name: {table}")


_LAST = {"KPIs": f"{schema_letter(len(schema.KPIS.columns))}2",
         "Measurements": f"{schema_letter(len(schema.MEASUREMENTS.columns))}4",
         "Evaluation": f"{schema_letter(len(schema.EVALUATION.columns))}2"}


@pytest.mark.parametrize("table", ["KPIs", "Measurements", "Evaluation"])
def test_a_table_whose_definition_is_gone_is_read_from_the_headers_left_on_its_sheet(tmp_path, monkeypatch, table):
    """Issue 18 point 7: the rows are read from the block under the headers, with a warning; nothing is lost.

    Before, a lost Measurements table read 0 measurements (KPX122), a lost KPIs table
    stopped the file (KPX121).
    """
    path = tmp_path / "Sales.xlsx"
    W.write_workbook(path)
    W.drop_table(path, table)
    result = run("--as-of", "2026-04-15", str(path))
    assert (result.exit_code, result.output) == (0, _table_gone(str(path), table, table, _LAST[table]) + "\n"
                                                 "1 file(s), 1 KPI(s), 3 measurement(s): 0 error(s), 1 warning(s)\n")
    fast, exact, _fast_tables = W.read_both_ways(path, monkeypatch)
    W.assert_same_reads(fast, exact)
    whole = tmp_path / "whole.xlsx"
    W.write_workbook(whole)
    original = check_workbook(whole, W.AS_OF)
    assert [(k.kpi_id, k.target) for k in fast.kpis] == [(k.kpi_id, k.target) for k in original.kpis]
    assert [(m.kpi_id, m.period_end, m.value) for m in fast.measurements] == [
        (m.kpi_id, m.period_end, m.value) for m in original.measurements]
    assert [(e.kpi_id, e.decision) for e in fast.evaluations] == [(e.kpi_id, e.decision) for e in original.evaluations]


def test_a_lost_table_is_found_by_its_headers_on_a_sheet_of_another_name_in_danish(tmp_path):
    path = tmp_path / "Salg.xlsx"
    W.write_workbook(path, language="da", sheet_names={"Measurements": "Data 2026"},
                     metadata_values={schema.NAME_LANGUAGE: "da"})
    W.drop_table(path, "Measurements")
    result = run("--as-of", "2026-04-15", str(path))
    assert (result.exit_code, result.output) == (
        0, _table_gone(str(path), "Data 2026", "Measurements", _LAST["Measurements"], "da") + "\n"
        "1 fil(er), 1 KPI(er), 3 måling(er): 0 fejl, 1 advarsel(er)\n")  # one language per run


@pytest.mark.libreoffice
def test_a_lost_measurements_table_in_a_libreoffice_saved_workbook_is_read(tmp_path, soffice, lo_profile, monkeypatch):
    """The workbook as LibreOffice 7.4 leaves it: the Measurements table gone, its cells saved by LibreOffice."""
    import libreoffice

    path = tmp_path / "Sales.xlsx"
    W.write_workbook(path)
    W.drop_table(path, "Measurements")
    (saved,) = libreoffice.convert([path], tmp_path / "saved", profile=lo_profile, soffice=soffice)
    result = run("--as-of", "2026-04-15", str(saved))
    assert (result.exit_code, result.output) == (
        0, _table_gone(str(saved), "Measurements", "Measurements", _LAST["Measurements"]) + "\n"
        "1 file(s), 1 KPI(s), 3 measurement(s): 0 error(s), 1 warning(s)\n")
    fast, exact, _fast_tables = W.read_both_ways(saved, monkeypatch)
    W.assert_same_reads(fast, exact)
    # The advice works: a LibreOffice database range (what Data > Define Range makes) named
    # Measurements over the range the warning names is saved as the Excel table Measurements.
    (ods,) = libreoffice.convert([saved], tmp_path / "ods", "ods", profile=lo_profile, soffice=soffice)
    last = _LAST["Measurements"]
    W.rezip(ods, lambda name, data: data.replace(
        b"<table:database-ranges>", b'<table:database-ranges><table:database-range table:name="Measurements" '
        b'table:target-range-address="Measurements.A1:Measurements.' + last.encode() + b'"/>', 1)
        if name == "content.xml" else None)
    (restored,) = libreoffice.convert([ods], tmp_path / "restored", profile=lo_profile, soffice=soffice)
    result = run("--as-of", "2026-04-15", str(restored))
    assert (result.exit_code, result.output) == (0, "1 file(s), 1 KPI(s), 3 measurement(s): 0 error(s), "
                                                    "0 warning(s)\n")


@pytest.mark.parametrize(("language", "department", "line"), [
    ("en", "Sales", "{path}:KPIs!E3: warning KPX312: Department 'Marketing' differs from the workbook's department "
                    "'Sales'; the KPI is read as 'Sales'; type 'Sales' here, or move the KPI to the 'Marketing' "
                    "workbook"),
    ("da", "Salg", "{path}:Nøgletal!E3: advarsel KPX312: Afdeling 'Marketing' er ikke projektmappens afdeling 'Salg'; "
                   "KPI'en læses som 'Salg'; skriv 'Salg' her, eller flyt KPI'en til projektmappen for 'Marketing'"),
])
def test_a_typed_department_other_than_the_workbooks_is_named_at_its_cell(tmp_path, language, department, line):
    """Issue 18: a KPI row typed 'Marketing' in the Sales workbook was read as Sales without a word."""
    import month_end as M

    path = M.department_workbook(tmp_path / f"{department}.xlsx", department,
                                 [M.kpi("SAL-01", department), M.kpi("SAL-02", "Marketing"),
                                  M.kpi("SAL-03", f"  {department.upper()} "), M.kpi("SAL-04", None)],
                                 language=language)
    result = run(str(path), "--as-of", M.AS_OF)
    assert result.exit_code == 0, result.output
    # Case and spacing are the same department; a blank Department is the workbook's.
    summary = {"en": "1 file(s), 4 KPI(s), 12 measurement(s): 0 error(s), 1 warning(s)",
               "da": "1 fil(er), 4 KPI(er), 12 måling(er): 0 fejl, 1 advarsel(er)"}[language]  # one language per run
    assert result.output.splitlines() == [line.format(path=path), summary]

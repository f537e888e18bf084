"""Test ``kpixl consolidate`` on the command line: messages, exit codes, same result as the library."""

from __future__ import annotations

import codecs
import csv
import json
import re
from pathlib import Path

import pandas as pd
import pytest
import python_calamine
from click.testing import CliRunner

import workbooks as wbf
from kpixl import consolidate as cons
from kpixl import schema
from kpixl.cli import cli
from kpixl.consolidate.export import JSON_TABLES

AS_OF = "2026-04-15"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="kpixl")


def table(path: Path, sheet: str) -> list[list]:
    return python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def department(path: Path, name: str, kpis: list[dict], measurements: list[dict]) -> Path:
    # Rows typed with kpi_row's default department are the workbook's own (another would be KPX312).
    kpis = [{**k, "department": name} if k.get("department") == "Sales" else k for k in kpis]
    wbf.write_workbook(path, kpis=kpis, measurements=measurements, evaluations=[],
                       metadata_values={schema.NAME_DEPARTMENT: name})
    return path


@pytest.fixture()
def inputs(tmp_path) -> list[Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    sales = department(folder / "sales.xlsx", "Sales", [wbf.kpi_row("SAL-01", level="high")],
                       wbf.default_measurements(["SAL-01"]))
    marketing = department(
        folder / "marketing.xlsx", "Marketing",
        [wbf.kpi_row("MKT-01", level="low", parent_id="SAL-01", department="Marketing", aggregation="last",
                     direction="increase", baseline=None, target=50.0, weight=2.0)],
        [wbf.measurement_row("MKT-01", d, v) for d, v in zip(wbf.MONTH_ENDS, (20.0, 30.0, 45.0))])
    return [marketing, sales]


def test_the_summary_says_the_included_files_have_warnings(tmp_path):
    """A warning can explain a striking number (2.1 typed for 2.1% counts as 210%): the summary names it."""
    folder = tmp_path / "in"
    folder.mkdir()
    department(folder / "web.xlsx", "Web",
               [wbf.kpi_row("WEB-01", unit="%", aggregation="last", baseline=0.02, target=0.035),
                wbf.kpi_row("WEB-02", unit="count", baseline=100.0, target=1200.0)],
               [wbf.measurement_row("WEB-01", wbf.MONTH_ENDS[0], 2.1), wbf.measurement_row("WEB-01", wbf.MONTH_ENDS[1], 2.4),
                wbf.measurement_row("WEB-02", wbf.MONTH_ENDS[0], 150000.0)])
    out = tmp_path / "company.xlsx"
    result = run("consolidate", str(folder), "-o", str(out), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    # KPX405: WEB-01 and WEB-02 miss a month before the as-of date.
    assert result.output.splitlines()[2] == ("5 warning(s) in the included files, listed on the Findings sheet "
                                             "(kpixl validate prints them): KPX405 x2, KPX407 x2, KPX408")


def test_consolidate_writes_the_workbook_and_a_summary(inputs, tmp_path):
    out = tmp_path / "company.xlsx"
    result = run("consolidate", str(inputs[0].parent), "-o", str(out), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Wrote {out}: 2 file(s), 2 KPI(s), 6 measurement(s) as of 2026-04-15"
    assert lines[1] == "Status: 1 On track, 1 At risk, 0 Off track, 0 Not started, 0 No data"
    assert lines[2] == ("Past values are not compared with last month's report: add --previous "
                        "LAST_MONTH_COMPANY.xlsx to list every value corrected since.")
    assert re.fullmatch(r"Done in \d+\.\d s", lines[3])
    # It ends with the company KPIs table; the change is since the month-end before (f = 89/364 then).
    f_then = 89 / 364
    att_now, att_then = (600 - 100 * 104 / 364) / (1100 * 104 / 364), (600 - 100 * f_then) / (1100 * f_then)
    assert lines[4:] == ["Company KPIs as of 2026-04-15:",
                         "  ID      KPI             Attainment  Status    Roll-up  Change since 2026-03-31",
                         f"  SAL-01  Revenue SAL-01      {att_now:.1%}  On track    90.0%  "
                         f"{(att_now - att_then) * 100:+.1f} pp"]
    kpis = table(out, "KPIs")
    header = kpis[0]
    rows = {r[header.index("KPI ID")]: dict(zip(header, r)) for r in kpis[1:]}
    # MKT-01: level KPI, no baseline: last value 45 of target 50 -> 0.9, At risk (amber 0.85 <= 0.9 < 0.95).
    assert rows["MKT-01"]["Attainment"] == pytest.approx(0.9, abs=1e-12)
    assert rows["MKT-01"]["Status"] == "At risk"
    # SAL-01 (sum, 100 -> 1200 over 2026): f = 104/364, actual 600, attainment (600 - 100f) / (1200f - 100f).
    f = 104 / 364
    assert rows["SAL-01"]["Attainment"] == pytest.approx((600 - 100 * f) / (1100 * f), abs=1e-12)
    assert rows["SAL-01"]["Roll-up score"] == pytest.approx(0.9, abs=1e-12)
    assert rows["SAL-01"]["Roll-up coverage"] == 1.0
    rollup = table(out, "Roll-up")
    assert rollup[1][:7] == ["SAL-01", "Revenue SAL-01", "Sales", "MKT-01", "Revenue MKT-01", "Marketing", 2.0]


def test_cli_and_library_give_the_same_workbook(inputs, tmp_path):
    run_result = run("consolidate", *map(str, inputs), "-o", str(tmp_path / "cli.xlsx"), "--as-of", AS_OF,
                     "--jobs", "2")
    assert run_result.exit_code == 0, run_result.output
    from datetime import date

    cons.consolidate(inputs, tmp_path / "lib.xlsx", as_of=date.fromisoformat(AS_OF))
    for sheet in ("Summary", "History", "KPIs", "Roll-up", "Measurements", "Findings", "Sources"):
        assert table(tmp_path / "cli.xlsx", sheet) == table(tmp_path / "lib.xlsx", sheet), sheet


def test_existing_output_needs_force(inputs, tmp_path):
    out = tmp_path / "company.xlsx"
    out.write_bytes(b"keep me")
    result = run("consolidate", *map(str, inputs), "-o", str(out), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert result.output == f"Error: {out}: already exists; use --force to overwrite it\n"
    assert out.read_bytes() == b"keep me"
    result = run("consolidate", *map(str, inputs), "-o", str(out), "--as-of", AS_OF, "--force")
    assert result.exit_code == 0 and out.read_bytes()[:2] == b"PK"


def test_output_equal_to_an_input_is_refused(inputs):
    before = inputs[1].read_bytes()
    result = run("consolidate", *map(str, inputs), "-o", str(inputs[1]), "--force")
    assert result.exit_code == 1
    assert result.output == f"Error: {inputs[1]}: the output is also an input; choose another output path\n"
    assert inputs[1].read_bytes() == before


def test_invalid_input_fails_with_the_errors_and_writes_nothing(inputs, tmp_path):
    bad = tmp_path / "in" / "old.xlsx"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    out = tmp_path / "company.xlsx"
    result = run("consolidate", str(tmp_path / "in"), "-o", str(out), "--as-of", AS_OF, "--csv",
                 str(tmp_path / "csv"))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == ("Error: 1 error(s) in 1 of 3 file(s); nothing was written (fix them, or use --skip-invalid "
                        "to leave those files out):")
    assert lines[1].startswith(f"  {bad}: error KPX105: ")
    assert not out.exists() and not (tmp_path / "csv").exists()
    assert sorted(p.name for p in out.parent.iterdir()) == ["in"]


def test_skip_invalid_leaves_the_file_out_and_says_so(inputs, tmp_path):
    bad = tmp_path / "in" / "notes.xlsx"
    bad.write_text("just,some\ntext,1\n")
    out = tmp_path / "company.xlsx"
    result = run("consolidate", str(tmp_path / "in"), "-o", str(out), "--as-of", AS_OF, "--skip-invalid")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Wrote {out}: 2 file(s), 2 KPI(s), 6 measurement(s) as of 2026-04-15"
    assert lines[2:4] == ["Skipped 1 invalid file(s):",
                          f"  {bad}: KPX107: is a text/CSV file renamed to a workbook name, not a workbook; open "
                          "it in Excel and save it as an Excel Workbook (.xlsx)"]
    sources = table(out, "Sources")
    assert [r[sources[0].index("Status")] for r in sources[1:]] == ["included", "skipped", "included"]


def test_duplicate_kpi_id_across_files_names_both_files(inputs, tmp_path):
    copy = department(tmp_path / "in" / "support.xlsx", "Support", [wbf.kpi_row("SAL-01", department="Support")],
                      wbf.default_measurements(["SAL-01"]))
    result = run("consolidate", *map(str, inputs), str(copy), "-o", str(tmp_path / "c.xlsx"), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert (f"  {copy}:KPIs!A2: error KPX601: KPI ID 'SAL-01' is also in {inputs[1]}:KPIs!A2; KPI IDs must be "
            "unique across the company: rename one of them") in result.output.splitlines()
    assert not (tmp_path / "c.xlsx").exists()


def test_danish_workbook_and_csv_tables(inputs, tmp_path):
    out = tmp_path / "firma.xlsx"
    result = run("consolidate", *map(str, inputs), "-o", str(out), "--as-of", AS_OF, "--lang", "da", "--csv",
                 str(tmp_path / "csv"))
    assert result.exit_code == 0, result.output
    assert python_calamine.CalamineWorkbook.from_path(str(out)).sheet_names == [
        "Oversigt", "Kommentarer og handlinger", "Handlinger", "Rettelser", "Historik", "KPI'er", "Oprulning",
        "Målinger", "Evaluering", "Fund", "Kilder"]
    kpis = table(out, "KPI'er")
    assert {r[kpis[0].index("Status")] for r in kpis[1:]} <= {"På sporet", "I risiko", "Bagud"}
    # One language per run: the console speaks Danish with --lang da.
    assert f"Skrev 12 CSV-fil(er) i {tmp_path / 'csv'}" in result.output.splitlines()
    text = (tmp_path / "csv" / "kpis.csv").read_text(encoding="utf-8")
    # --lang da writes the excel-da dialect unless told otherwise.
    assert text.startswith("\ufeffAfdeling;Kildefil;KPI-ID;KPI-navn;")


def _csv(path: Path, delimiter: str, encoding: str) -> list[list[str]]:
    with open(path, encoding=encoding, newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


NUMBER = re.compile(r"-?\d+(\.\d+)?(e[-+]?\d+)?")


def test_excel_da_csv_holds_the_numbers_of_the_plain_csv(inputs, tmp_path):
    """Issue 10 item 6: ';', decimal comma, UTF-8 with BOM, ISO dates; the same numbers as the plain dialect."""
    result = run("consolidate", *map(str, inputs), "-o", str(tmp_path / "firma.xlsx"), "--as-of", AS_OF,
                 "--lang", "da", "--csv", str(tmp_path / "da"))
    assert result.exit_code == 0, result.output
    result = run("consolidate", *map(str, inputs), "-o", str(tmp_path / "company.xlsx"), "--as-of", AS_OF,
                 "--csv", str(tmp_path / "en"))
    assert result.exit_code == 0, result.output
    compared = dates = 0
    for name in cons.CSV_FILES:
        assert (tmp_path / "da" / name).read_bytes().startswith(codecs.BOM_UTF8), name
        assert not (tmp_path / "en" / name).read_bytes().startswith(codecs.BOM_UTF8), name
        danish = _csv(tmp_path / "da" / name, ";", "utf-8-sig")
        plain = _csv(tmp_path / "en" / name, ",", "utf-8")
        assert [len(r) for r in danish] == [len(r) for r in plain], name
        for d_row, p_row in zip(danish[1:], plain[1:]):
            for d, p in zip(d_row, p_row):
                if NUMBER.fullmatch(p):
                    # Danish Excel reads "." as a thousands separator: there is none, and no exponent.
                    assert re.fullmatch(r"-?\d+(,\d+)?", d), (name, d)
                    assert float(d.replace(",", ".")) == float(p), (name, d, p)
                    compared += 1
                elif re.fullmatch(r"\d{4}-\d\d-\d\d", p):
                    assert d == p
                    dates += 1
    assert compared > 50 and dates > 6


def test_csv_dialect_can_be_chosen_against_the_language(inputs, tmp_path):
    result = run("consolidate", *map(str, inputs), "-o", str(tmp_path / "firma.xlsx"), "--as-of", AS_OF,
                 "--lang", "da", "--csv", str(tmp_path / "csv"), "--csv-dialect", "plain")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "csv" / "kpis.csv").read_text(encoding="utf-8").startswith("Afdeling,Kildefil,KPI-ID,")
    result = run("consolidate", *map(str, inputs), "-o", str(tmp_path / "c.xlsx"), "--as-of", AS_OF,
                 "--csv", str(tmp_path / "csv2"), "--csv-dialect", "excel-da")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "csv2" / "kpis.csv").read_text(encoding="utf-8").startswith("\ufeffDepartment;Source file;")
    result = run("consolidate", *map(str, inputs), "-o", str(tmp_path / "d.xlsx"), "--csv-dialect", "excel")
    assert result.exit_code == 2
    assert "Invalid value for '--csv-dialect': 'excel' is not one of 'plain', 'excel-da'." in result.output


def test_a_folder_without_workbooks_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    result = run("consolidate", str(tmp_path / "empty"), "-o", str(tmp_path / "c.xlsx"))
    assert result.exit_code == 1
    assert result.output == (f"Error: {tmp_path / 'empty'}: no .xlsx or .xlsm workbooks to consolidate; give the "
                             "department workbooks or the folder that holds them\n")
    assert not (tmp_path / "c.xlsx").exists()


def test_extra_columns_of_departments_reach_the_company_workbook_and_csv(tmp_path):
    """Issue 9 item 2: Region and Cost centre, after the standard columns, blank where a department has none."""
    folder = tmp_path / "in"
    folder.mkdir()
    wbf.write_workbook(folder / "sales.xlsx", kpis=[wbf.kpi_row("SAL-01", Region="North")],
                       measurements=[dict(wbf.measurement_row("SAL-01", d, 100.0), Region="North")
                                     for d in wbf.MONTH_ENDS],
                       extra_columns={"KPIs": ["Region"], "Measurements": ["Region"]}, evaluations=[],
                       metadata_values={schema.NAME_DEPARTMENT: "Sales"})
    wbf.write_workbook(folder / "support.xlsx", kpis=[wbf.kpi_row("SUP-01", level="low", parent_id="SAL-01")],
                       measurements=[dict(wbf.measurement_row("SUP-01", d, 5.0), **{"Cost centre": 4711.0,
                                                                                   "region": "South"})
                                     for d in wbf.MONTH_ENDS[:2]],
                       extra_columns={"Measurements": ["Cost centre", "region"]}, evaluations=[],
                       metadata_values={schema.NAME_DEPARTMENT: "Support"})
    sheets = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"company{jobs}.xlsx"
        result = run("consolidate", str(folder), "-o", str(out), "--as-of", AS_OF, "--jobs", jobs,
                     "--csv", str(tmp_path / f"csv{jobs}"))
        assert result.exit_code == 0, result.output
        sheets[jobs] = {name: table(out, name) for name in ("KPIs", "Measurements")}
    assert sheets["1"] == sheets["2"]
    kpis, ms = sheets["1"]["KPIs"], sheets["1"]["Measurements"]
    standard = [c.header("en") for c in cons.KPI_COLUMNS]
    assert kpis[0] == standard + ["Region"]
    assert {r[2]: r[-1] for r in kpis[1:]} == {"SAL-01": "North", "SUP-01": ""}
    assert ms[0] == [c.header("en") for c in cons.MEASUREMENT_COLUMNS] + ["Region", "Cost centre"]
    assert [(r[2], r[-2], r[-1]) for r in ms[1:]] == [("SAL-01", "North", "")] * 3 + [("SUP-01", "South", 4711.0)] * 2
    with open(tmp_path / "csv1" / "measurements.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][-2:] == ["Region", "Cost centre"]
    assert [r[-2:] for r in rows[1:]] == [["North", ""]] * 3 + [["South", "4711.0"]] * 2


def test_kpi_ids_match_ignoring_case_and_spaces_in_every_link(tmp_path):
    """Issue 9 item 1: a measurement typed ``sal-01`` counts, as it does on the workbook's own Dashboard.

    Measurements typed with other case, surrounding spaces and no-break spaces, a parent
    link and an all-lower-case KPI ID all match by kpixl.vocab.kpi_key.
    """
    folder = tmp_path / "in"
    folder.mkdir()
    typed = ("sal-01", "SAL-01\u00a0", " Sal-01\t")
    department(folder / "sales.xlsx", "Sales", [wbf.kpi_row("SAL-01", level="high")],
               [wbf.measurement_row(k, d, v) for k, d, v in zip(typed, wbf.MONTH_ENDS, (100.0, 200.0, 300.0))])
    department(folder / "marketing.xlsx", "Marketing",
               [wbf.kpi_row("mkt-01", level="low", parent_id="\u00a0sal-01 ", department="Marketing",
                            aggregation="last", baseline=None, target=50.0)],
               [wbf.measurement_row(k, d, v) for k, d, v in zip(("MKT-01", "mkt-01 ", "Mkt-01\u00a0"),
                                                                 wbf.MONTH_ENDS, (20.0, 30.0, 45.0))])
    out = tmp_path / "company.xlsx"
    result = run("consolidate", str(folder), "-o", str(out), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"Wrote {out}: 2 file(s), 2 KPI(s), 6 measurement(s) as of 2026-04-15"
    kpis = table(out, "KPIs")
    header = kpis[0]
    rows = {r[header.index("KPI ID")]: dict(zip(header, r)) for r in kpis[1:]}
    assert set(rows) == {"SAL-01", "mkt-01"}  # the IDs as typed in the KPIs tables
    assert rows["SAL-01"]["Actual"] == 600.0  # all three measurements count
    assert rows["mkt-01"]["Actual"] == 45.0 and rows["mkt-01"]["Status"] == "At risk"  # not "No data"
    assert rows["SAL-01"]["Roll-up score"] == pytest.approx(0.9, abs=1e-12)
    rollup = table(out, "Roll-up")
    assert rollup[1][:4] == ["SAL-01", "Revenue SAL-01", "Sales", "mkt-01"]
    assert len(table(out, "Findings")) == 1  # the header only: no finding
    measurements = table(out, "Measurements")
    ids = [r[measurements[0].index("KPI ID")] for r in measurements[1:]]
    assert sorted(ids) == ["SAL-01"] * 3 + ["mkt-01"] * 3  # shown as in the KPIs tables; the origin cell says where


def test_the_same_kpi_id_in_other_case_or_spacing_across_files_is_a_duplicate(inputs, tmp_path):
    copy = department(tmp_path / "in" / "support.xlsx", "Support",
                      [wbf.kpi_row("sal-01\u00a0", department="Support")], wbf.default_measurements(["sal-01"]))
    result = run("consolidate", *map(str, inputs), str(copy), "-o", str(tmp_path / "c.xlsx"), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert (f"  {copy}:KPIs!A2: error KPX601: KPI ID 'sal-01' is also in {inputs[1]}:KPIs!A2; KPI IDs must "
            "be unique across the company: rename one of them") in result.output.splitlines()

def test_consolidate_names_what_a_folder_holds_that_is_not_read_and_reads_subfolders_with_recursive(inputs, tmp_path):
    folder = inputs[0].parent
    (folder / "2025").mkdir()
    department(folder / "2025" / "service.xlsx", "Service", [wbf.kpi_row("SRV-01", level="high")],
               wbf.default_measurements(["SRV-01"]))
    (folder / "budget.ods").write_bytes(b"x")
    (folder / "~$sales.xlsx").write_bytes(b"x")
    out = tmp_path / "company.xlsx"
    result = run("consolidate", str(folder), "-o", str(out), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"Wrote {out}: 2 file(s), 2 KPI(s)")
    assert lines[2:5] == [
        "2 file(s) left out (1 .ods, 1 lock file) and 1 subfolder(s) left out (use --recursive):",
        f"  {folder / '2025'}: KPX135: subfolder holds 1 workbook(s) that are not read; give the subfolder too, "
        "or use --recursive to read subfolders",
        f"  {folder / 'budget.ods'}: KPX134: an OpenDocument spreadsheet (.ods) is not read; save it as an Excel "
        "Workbook (.xlsx) to include it",
    ]
    findings = table(out, "Findings")
    assert [(row[0], row[4]) for row in findings[1:4]] == [
        (str(folder / "2025"), "KPX135"), (str(folder / "budget.ods"), "KPX134"), (str(folder / "~$sales.xlsx"), "KPX138")]
    deep = run("consolidate", str(folder), "-o", str(out), "--as-of", "today", "--recursive", "--force")
    assert deep.exit_code == 0, deep.output
    assert deep.output.splitlines()[0].startswith(f"Wrote {out}: 3 file(s), 3 KPI(s)")
    assert "2 file(s) left out (1 .ods, 1 lock file):" in deep.output.splitlines()


def test_a_company_workbook_saved_in_the_departments_folder_is_left_out_next_month(inputs, tmp_path):
    """The company workbook written into the inputs' folder is named and left out on the next run, not an error."""
    folder = inputs[0].parent
    out = folder / "company.xlsx"
    first = run("consolidate", str(folder), "-o", str(out), "--as-of", AS_OF)
    assert first.exit_code == 0, first.output
    again = run("consolidate", str(folder), "-o", str(out), "--as-of", AS_OF, "--force")
    assert again.exit_code == 0, again.output
    assert again.output.splitlines()[0] == f"Wrote {out}: 2 file(s), 2 KPI(s), 6 measurement(s) as of 2026-04-15"
    assert (f"  {out}: KPX134: a company workbook kpixl consolidate wrote is not a department workbook, so it is "
            "not read; keep the company workbook outside the departments' folder") in again.output.splitlines()
    assert "1 file(s) left out (1 company workbook):" in again.output.splitlines()
    checked = run("validate", str(folder), "--as-of", AS_OF)
    assert checked.exit_code == 0, checked.output
    assert checked.output.splitlines()[-1].endswith("; 1 file(s) left out (1 company workbook)")
    # A workbook that merely has custom properties is still read (and fails as what it is).
    other = folder / "other.xlsx"
    import xlsxwriter
    book = xlsxwriter.Workbook(str(other))
    book.set_custom_property("kpixl_workbook", "department")
    book.add_worksheet()
    book.close()
    assert "other.xlsx: error KPX115" in run("validate", str(folder), "--as-of", AS_OF).output


# ------------------------------------------------------------------ one language per run

@pytest.fixture()
def danish_inputs(tmp_path) -> Path:
    """A folder of two Danish department workbooks: Salg is valid, Web has a blank target (KPX201)."""
    folder = tmp_path / "afdelinger"
    folder.mkdir()
    wbf.write_workbook(folder / "salg.xlsx", kpis=[wbf.kpi_row("SAL-01", level="high", department="Salg")],
                       measurements=wbf.default_measurements(["SAL-01"]), evaluations=[],
                       metadata_values={schema.NAME_DEPARTMENT: "Salg"}, language="da")
    wbf.write_workbook(folder / "web.xlsx", kpis=[wbf.kpi_row("WEB-01", target=None, department="Web")],
                       measurements=[],
                       evaluations=[], metadata_values={schema.NAME_DEPARTMENT: "Web"}, language="da")
    return folder


WEB_ERROR_DA = "KPX201: Mål er tom; skriv den værdi, der skal nås inden deadline"


def test_a_refused_danish_run_says_everything_in_danish(danish_inputs, tmp_path):
    """Issue 18 point 9: without --skip-invalid the refusal is Danish, its prefix included."""
    out = tmp_path / "firma.xlsx"
    result = run("consolidate", str(danish_inputs), "-o", str(out), "--as-of", AS_OF)
    assert result.exit_code == 1
    web = danish_inputs / "web.xlsx"
    assert result.output.splitlines() == [
        "Fejl: 1 fejl i 1 af 2 fil(er); intet blev skrevet (ret dem, eller brug --skip-invalid for at udelade de "
        "filer):",
        f"  {web}:Nøgletal!L2: fejl {WEB_ERROR_DA}"]
    assert not out.exists()


@pytest.mark.parametrize("lang", [None, "da"])
def test_skip_invalid_speaks_the_same_danish_as_without_it(danish_inputs, tmp_path, lang):
    """Issue 18 point 9: with --skip-invalid (and --lang da, or the workbooks' own Danish) nothing is English."""
    out = tmp_path / "firma.xlsx"
    result = run("consolidate", str(danish_inputs), "-o", str(out), "--as-of", AS_OF, "--skip-invalid",
                 *(["--lang", lang] if lang else []))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:5] == [
        f"Skrev {out}: 1 fil(er), 1 KPI(er), 3 måling(er) opgjort pr. {AS_OF}",
        "Status: 1 På sporet, 0 I risiko, 0 Bagud, 0 Ikke startet, 0 Ingen data",
        "Udelod 1 ugyldig(e) fil(er):",
        f"  {danish_inputs / 'web.xlsx'}: Nøgletal!L2: {WEB_ERROR_DA}",
        "Tidligere værdier er ikke sammenlignet med sidste måneds rapport: tilføj --previous "
        "SIDSTE_MÅNEDS_VIRKSOMHED.xlsx for at få hver rettet værdi listet."]
    assert re.fullmatch(r"Færdig på \d+,\d s", lines[5])
    assert lines[6:8] == [f"Virksomhedens KPI'er opgjort pr. {AS_OF}:",
                          "  ID      KPI             Målopfyldelse  Status     Oprulning  Ændring siden 2026-03-31"]
    sources = table(out, "Kilder")
    assert sources[2][sources[0].index("Årsag")] == f"Nøgletal!L2: {WEB_ERROR_DA}"
    findings = table(out, "Fund")
    # Web's high KPI without own measurements has no KPX405 (issue 20: its children's roll-up speaks for it).
    assert [r[findings[0].index("Alvor")] for r in findings[1:]] == ["fejl"]


def test_lang_en_makes_a_danish_folder_speak_english(danish_inputs, tmp_path):
    out = tmp_path / "company.xlsx"
    result = run("consolidate", str(danish_inputs), "-o", str(out), "--as-of", AS_OF, "--skip-invalid",
                 "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:4] == [
        f"Wrote {out}: 1 file(s), 1 KPI(s), 3 measurement(s) as of {AS_OF}",
        "Status: 1 On track, 0 At risk, 0 Off track, 0 Not started, 0 No data",
        "Skipped 1 invalid file(s):",
        f"  {danish_inputs / 'web.xlsx'}: Nøgletal!L2: KPX201: target is blank; type the value to reach by the "
        "deadline"]


def test_a_refused_output_is_said_in_the_language_of_lang(danish_inputs, tmp_path):
    out = tmp_path / "firma.xlsx"
    out.write_bytes(b"mine")
    result = run("consolidate", str(danish_inputs), "-o", str(out), "--as-of", AS_OF, "--lang", "da")
    assert (result.exit_code, result.output) == (1, f"Fejl: {out}: findes allerede; brug --force for at overskrive "
                                                    "den\n")
    assert out.read_bytes() == b"mine"


def _departments_with_extra_columns(folder: Path) -> None:
    """Write two departments whose tables have extra columns in the middle and at the end, as staff add them.

    Sales adds Comment in the middle of KPIs and at the end of Measurements and Evaluation;
    Support adds Origin (a column of the company workbook's own) at the end of KPIs and
    Region in the middle of Measurements.
    """
    folder.mkdir()
    wbf.write_workbook(folder / "sales.xlsx", kpis=[wbf.kpi_row("SAL-01", Comment="check Q2")],
                       measurements=[dict(wbf.measurement_row("SAL-01", d, 100.0), Comment=f"month {n}")
                                     for n, d in enumerate(wbf.MONTH_ENDS, start=1)],
                       evaluations=[dict(wbf.evaluation_row("SAL-01"), Comment="agreed with CFO")],
                       extra_columns={"KPIs": ["Comment"], "Measurements": ["Comment"], "Evaluation": ["Comment"]},
                       extra_at={"KPIs": 2}, metadata_values={schema.NAME_DEPARTMENT: "Sales"})
    wbf.write_workbook(folder / "support.xlsx", kpis=[wbf.kpi_row("SUP-01", level="low", parent_id="SAL-01",
                                                                 Origin="CRM")],
                       measurements=[dict(wbf.measurement_row("SUP-01", d, 5.0), Region="North")
                                     for d in wbf.MONTH_ENDS[:2]],
                       extra_columns={"KPIs": ["Origin"], "Measurements": ["Region"]}, extra_at={"Measurements": 1},
                       evaluations=[], metadata_values={schema.NAME_DEPARTMENT: "Support"})


def _consolidate_everything(folder: Path, out: Path, jobs: str) -> dict:
    """Consolidate ``folder`` into every output; return each one's KPIs and Measurements rows by header."""
    out.mkdir()
    result = run("consolidate", str(folder), "-o", str(out / "company.xlsx"), "--as-of", AS_OF, "--jobs", jobs,
                 "--csv", str(out / "csv"), "--parquet", str(out / "parquet"), "--format", "json")
    assert result.exit_code == 0, result.output
    report = result.stderr.splitlines()
    assert report[0] == f"Wrote {out / 'company.xlsx'}: 2 file(s), 2 KPI(s), 5 measurement(s) as of 2026-04-15"
    assert report[3] == ("The departments' extra column 'Origin' is headed 'Origin (extra)' on the company "
                         "workbook's KPIs sheet, which has a column Origin of its own")
    document = json.loads(result.stdout)
    read: dict = {}
    assert list(document["tables"]) == list(JSON_TABLES)
    for key, sheet in (("kpis", "KPIs"), ("measurements", "Measurements")):
        rows = table(out / "company.xlsx", sheet)
        with open(out / "csv" / cons.TABLES[key].csv, encoding="utf-8", newline="") as handle:
            csv_rows = list(csv.reader(handle))
        frame = pd.read_parquet(out / "parquet" / f"{key}.parquet")
        read[key] = {
            "xlsx": [dict(zip(rows[0], r)) for r in rows[1:]],
            "csv": [dict(zip(csv_rows[0], r)) for r in csv_rows[1:]],
            **({"json": document["tables"][key]} if key in JSON_TABLES else {}),  # measurements: CSV/Parquet only
            "parquet": frame.astype(object).where(frame.notna(), None).to_dict("records"),
        }
    return read


def _extras_seen(read: dict) -> dict:
    """Return, per table and output, (KPI ID, extra columns' values) of each row: what must not change."""
    seen = {}
    for key, headers, json_keys in (("kpis", ["Comment", "Origin (extra)"], ["extra:comment", "extra:origin"]),
                                    ("measurements", ["Comment", "Region"], ["extra:comment", "extra:region"])):
        for output, rows in read[key].items():
            names = headers if output in ("xlsx", "csv") else json_keys
            blank = "" if output in ("xlsx", "csv") else None
            seen[key, output] = [(row["KPI ID" if output in ("xlsx", "csv") else "kpi_id"],
                                  *[blank if row[n] is None else row[n] for n in names]) for row in rows]
    return seen


@pytest.mark.libreoffice
def test_extra_columns_in_every_table_travel_into_every_output(tmp_path, monkeypatch, soffice, lo_profile):
    """Issue 18 point 1: an extra KPIs column no longer crashes consolidate (IndexError in the streamed writer).

    Extra columns in the middle and at the end of KPIs and Measurements reach the company
    workbook, CSV, JSON and Parquet, a union blank where a department lacks one, with both
    engines, ``--jobs 1`` and ``--jobs 2``, from the files as written and re-saved by
    LibreOffice. Support's extra "Origin" does not overwrite the company's Origin column.
    """
    import libreoffice
    from kpixl.reader import engines

    folder = tmp_path / "in"
    _departments_with_extra_columns(folder)
    resaved = tmp_path / "resaved"
    libreoffice.convert(sorted(folder.iterdir()), resaved, profile=lo_profile, soffice=soffice)
    expected = {("kpis", "xlsx"): [("SAL-01", "check Q2", ""), ("SUP-01", "", "CRM")],
                ("measurements", "xlsx"): [("SAL-01", "month 1", ""), ("SAL-01", "month 2", ""),
                                           ("SAL-01", "month 3", ""), ("SUP-01", "", "North"),
                                           ("SUP-01", "", "North")]}
    for key in ("kpis", "measurements"):
        for output in ("csv", "json", "parquet") if key == "kpis" else ("csv", "parquet"):
            blank = "" if output == "csv" else None
            expected[key, output] = [tuple(blank if v == "" else v for v in row) for row in expected[key, "xlsx"]]
    runs = 0
    for source in (folder, resaved):
        for engine in ("fast", "exact"):
            monkeypatch.setattr(engines, "default_engine", lambda engine=engine: engine)
            for jobs in ("1", "2"):
                runs += 1
                read = _consolidate_everything(source, tmp_path / f"out{runs}", jobs)
                assert _extras_seen(read) == expected, (source.name, engine, jobs)
                kpis = read["kpis"]["xlsx"]
                assert list(kpis[0])[-2:] == ["Comment", "Origin (extra)"]
                assert [row["Origin"] for row in kpis] == ["KPIs!A2", "KPIs!A2"]
                assert list(read["measurements"]["xlsx"][0])[-2:] == ["Comment", "Region"]
    # The Evaluation table's extra column is kept with its row.
    from kpixl.reader import read_workbook

    for path in (folder / "sales.xlsx", resaved / "sales.xlsx"):
        assert [e.extra for e in read_workbook(path).evaluations] == [{"Comment": "agreed with CFO"}]


def test_an_extra_kpis_column_alone_does_not_crash_consolidate(tmp_path):
    """Issue 18 point 1 as found: a Comment column in one KPIs table only (no extra Measurements column).

    The company writer streams the measurements while the inputs are read, with the KPIs
    sheet opened on the table's own columns; it must start afresh once an extra KPIs column
    turns up (this was ``Error: unexpected IndexError: list index out of range``).
    """
    folder = tmp_path / "in"
    folder.mkdir()
    wbf.write_workbook(folder / "sales.xlsx", kpis=[wbf.kpi_row("SAL-01", Comment="check Q2")],
                       extra_columns={"KPIs": ["Comment"]}, evaluations=[],
                       metadata_values={schema.NAME_DEPARTMENT: "Sales"})
    department(folder / "support.xlsx", "Support", [wbf.kpi_row("SUP-01")], wbf.default_measurements(["SUP-01"]))
    for jobs, form in (("1", "text"), ("2", "text"), ("1", "json"), ("2", "json")):
        out = tmp_path / f"company-{jobs}-{form}.xlsx"
        result = run("consolidate", str(folder), "-o", str(out), "--as-of", AS_OF, "--jobs", jobs, "--format", form)
        assert result.exit_code == 0, result.output
        report = result.stderr if form == "json" else result.stdout
        assert report.splitlines()[0] == f"Wrote {out}: 2 file(s), 2 KPI(s), 6 measurement(s) as of 2026-04-15"
        kpis = table(out, "KPIs")
        assert kpis[0][-1] == "Comment"
        assert [(r[2], r[-1]) for r in kpis[1:]] == [("SAL-01", "check Q2"), ("SUP-01", "")]
        if form == "json":
            rows = json.loads(result.stdout)["tables"]["kpis"]
            assert [(r["kpi_id"], r["extra:comment"]) for r in rows] == [("SAL-01", "check Q2"), ("SUP-01", None)]


# ------------------------------------------------------------------ --skip-invalid is honestly incomplete (issue 18)

def _month_end_company(folder: Path, *, finance: bool = True) -> None:
    """Management's MGT-01 rolls up Sales (2 KPIs) and Web (1); Sales has an error, Finance is half-synced."""
    import month_end as M
    from kpixl.model import MeasurementRecord
    from kpixl.template import write_template

    folder.mkdir()
    M.department_workbook(folder / "Management.xlsx", "Management", [M.kpi("MGT-01", "Management",
                                                                           name="Revenue growth")], values=())
    sales = [M.kpi("SAL-01", "Sales", level="low", parent_id="MGT-01"),
             M.kpi("SAL-02", "Sales", level="low", parent_id="MGT-01")]
    # A value typed for a KPI ID that is not in the KPIs table: an error, but the KPI rows still read.
    write_template(folder / "Sales.xlsx", department="Sales", kpis=sales, evaluations=[],
                   measurements=[MeasurementRecord(k.kpi_id, end, 150.0) for k in sales for end in M.MONTH_ENDS]
                   + [MeasurementRecord("SAL-9", M.MONTH_ENDS[0], 1.0)])
    M.department_workbook(folder / "Web.xlsx", "Web", [M.kpi("WEB-01", "Web", level="low", parent_id="MGT-01")],
                          values=(50.0, 60.0, 70.0))
    if finance:  # OneDrive had synced a third of it
        (folder / "Finance.xlsx").write_bytes((folder / "Web.xlsx").read_bytes()[:3000])


def test_skip_invalid_marks_the_company_kpis_that_may_have_lost_children(tmp_path):
    import json

    import pyarrow.parquet as pq

    folder = tmp_path / "Month-end"
    _month_end_company(folder)
    out = tmp_path / "company.xlsx"
    result = run("consolidate", str(folder), "-o", str(out), "--as-of", AS_OF, "--skip-invalid",
                 "--parquet", str(tmp_path / "pq"))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = lines.index("Skipped 2 invalid file(s):")
    assert lines[start + 1:start + 3] == [
        f"  {folder / 'Finance.xlsx'}: KPX109: is truncated or corrupt (not a complete zip package); get a fresh "
        "copy or save it again from Excel",
        f"  {folder / 'Sales.xlsx'}: Measurements!A8: KPX401: KPI ID 'SAL-9' is not in the KPIs table; pick an "
        "existing KPI ID or add the KPI"]
    # The change is marked and explained: the picture lacks children, so it is no normal movement.
    assert lines[-2].startswith("  MGT-01  Revenue growth") and lines[-2].endswith(" *")
    assert lines[-1] == ("* incomplete: child KPIs may be missing (Finance.xlsx, Sales.xlsx left out with "
                         "--skip-invalid), so the change is not comparable")
    document = json.loads(run("consolidate", str(folder), "-o", str(out), "--as-of", AS_OF, "--skip-invalid",
                              "--force", "--format", "json").stdout)
    [mgt] = [row for row in document["tables"]["kpis"] if row["kpi_id"] == "MGT-01"]
    assert (mgt["incomplete"], mgt["incomplete_reason"]) == (
        True, "2 child KPI(s) in Sales.xlsx, left out; children may be missing: Finance.xlsx left out and could not "
              "be read (--skip-invalid)")
    assert [row["incomplete"] for row in document["tables"]["kpis"]] == [True, False]  # Web's own KPI is whole
    # Finance could not be read, so how many children are missing is unknown: no coverage, never 100%.
    assert {(row["child_id"], row["coverage"], row["incomplete"]) for row in document["tables"]["rollup"]} == {
        ("WEB-01", None, True)}
    parquet = pq.read_table(tmp_path / "pq" / "kpis.parquet")
    assert str(parquet.schema.field("incomplete").type) == "bool"
    assert parquet.column("incomplete").to_pylist() == [True, False]
    summary = table(out, "Summary")
    texts = [[c for c in row if c not in ("", None)] for row in summary]
    at = texts.index(["Left out (--skip-invalid): the company picture is incomplete"])
    assert texts[at + 1:at + 4] == [
        ["File", "Why"],
        [str(folder / "Finance.xlsx"), "KPX109: is truncated or corrupt (not a complete zip package); get a fresh "
                                       "copy or save it again from Excel"],
        [str(folder / "Sales.xlsx"), "Measurements!A8: KPX401: KPI ID 'SAL-9' is not in the KPIs table; pick an "
                                     "existing KPI ID or add the KPI"]]
    assert texts[at + 5:at + 8] == [
        ["Incomplete company KPIs: children may be missing, so their change is not comparable"],
        ["KPI ID", "Why incomplete"],
        ["MGT-01", "2 child KPI(s) in Sales.xlsx, left out; children may be missing: Finance.xlsx left out and could "
                   "not be read (--skip-invalid)"]]


def test_a_left_out_file_whose_rows_read_counts_its_children_as_not_covered(tmp_path):
    folder = tmp_path / "Month-end"
    _month_end_company(folder, finance=False)
    out = tmp_path / "company.xlsx"
    result = run("consolidate", str(folder), "-o", str(out), "--as-of", AS_OF, "--skip-invalid", "--lang", "da")
    assert result.exit_code == 0, result.output
    kpis = table(out, "KPI'er")
    head = kpis[0]
    [mgt] = [dict(zip(head, row)) for row in kpis[1:] if row[2] == "MGT-01"]
    assert (mgt["Ufuldstændig"], mgt["Hvorfor ufuldstændig"]) == (
        True, "2 underordnede KPI'er i Sales.xlsx, udeladt (--skip-invalid)")
    rollup = table(out, "Oprulning")
    coverage = rollup[0].index("Oprulningsdækning")
    # Web's one child of three (two are in the left-out Sales): 33%, not 100%.
    assert [row[coverage] for row in rollup[1:]] == [pytest.approx(1 / 3)]
    summary = [[c for c in row if c not in ("", None)] for row in table(out, "Oversigt")]
    assert ["Udeladt (--skip-invalid): virksomhedsbilledet er ufuldstændigt"] in summary
    assert ["MGT-01", "2 underordnede KPI'er i Sales.xlsx, udeladt (--skip-invalid)"] in summary


def test_an_incomplete_kpis_status_change_is_marked_not_comparable_on_the_summary(tmp_path):
    import month_end as M

    folder = tmp_path / "Månedsafslutning"
    folder.mkdir()
    M.department_workbook(folder / "Ledelse.xlsx", "Ledelse", [M.kpi("MGT-01", "Ledelse", name="Vækst")], values=(),
                          language="da")
    M.department_workbook(folder / "Salg.xlsx", "Salg",
                          [M.kpi("SAL-01", "Salg", level="low", parent_id="MGT-01"),
                           M.kpi("SAL-02", "Salg", level="low", parent_id="MGT-01", target=10.0, baseline=None)],
                          language="da")
    M.department_workbook(folder / "Web.xlsx", "Web", [M.kpi("WEB-01", "Web", level="low", parent_id="MGT-01")],
                          values=(50.0, 60.0, 70.0), language="da")
    (folder / "Økonomi.xlsx").write_bytes((folder / "Web.xlsx").read_bytes()[:3000])  # half-synced
    out = tmp_path / "firma.xlsx"
    result = run("consolidate", str(folder), "-o", str(out), "--as-of", AS_OF, "--skip-invalid", "--lang", "da")
    assert result.exit_code == 0, result.output
    # --lang da: the console speaks Danish too (one language per run).
    assert result.output.splitlines()[-2].endswith("-4,6 %-point, var I risiko *")
    summary = [[c for c in row if c not in ("", None)] for row in table(out, "Oversigt")]
    [moved] = [row for row in summary if row[:2] == ["Ledelse", "MGT-01"]]
    # I risiko -> Bagud reads as a move, but a child's file is missing: the name says it is not comparable.
    assert moved[2:4] == ["I risiko", "Bagud"] and moved[-1] == "Vækst (ufuldstændig: kan ikke sammenlignes)"

"""Test kpixl.company: template --company (the parent dropdown, Guide section, defined names)
and validate --company (parent links, deadlines, direction and unit against the company KPI).

Real workbooks are written with kpixl's template (or tests/workbooks.py for shapes the
template never writes), read back with openpyxl and kpixl's reader, and driven through
the CLI; the LibreOffice tests recalculate a --company workbook and re-save one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.utils.cell import range_boundaries

import libreoffice
import workbooks
from kpixl import company as company_mod, reader, schema
from kpixl.cli import cli
from kpixl.errors import DefinitionError, OutputError, ValidationFailed
from kpixl.model import KpiRecord, MeasurementRecord
from kpixl.template import write_template
from kpixl.validate import validate

START, DEADLINE = date(2026, 1, 1), date(2026, 12, 31)
AS_OF = date(2026, 6, 30)
SEPTEMBER = date(2026, 9, 30)  # MGT-02's deadline


def high(kpi_id: str, **changes) -> KpiRecord:
    """Return a valid high-level KPI of 2026."""
    record = KpiRecord(kpi_id=kpi_id, name=f"Company goal {kpi_id}", level="high", owner="Mette Kjær", unit="DKK",
                       direction="increase", aggregation="sum", frequency="monthly", baseline=100.0,
                       target=1200.0, start=START, deadline=DEADLINE, specific="s", measurable="m",
                       attainable="a", relevant="r")
    return dataclasses.replace(record, **changes)


def low(kpi_id: str, parent: str | None, **changes) -> KpiRecord:
    """Return a valid low-level KPI of 2026 supporting ``parent``."""
    return dataclasses.replace(high(kpi_id, name=f"Driver {kpi_id}", owner="Anna Berg"), level="low",
                               parent_id=parent, **changes)


COMPANY_KPIS = [high("MGT-01", unit="%", baseline=0.05, target=0.1, owner="Mette Kjær"),
                high("MGT-02", unit="DKK", target=1_250_000.5, owner="Jens Holm", deadline=date(2026, 9, 30)),
                high("MGT-03", direction="decrease", baseline=50.0, target=20.0, unit="days", owner="Sofie Lund")]


@pytest.fixture(scope="module")
def management(tmp_path_factory) -> Path:
    """Return a valid management workbook: three company KPIs and one low-level KPI of its own."""
    path = tmp_path_factory.mktemp("company") / "management.xlsx"
    return write_template(path, department="Management", formulas="native", as_of=AS_OF,
                          kpis=COMPANY_KPIS + [low("MGT-09", "MGT-01", unit="%", baseline=0.0, target=0.5)])


def parent_validations(path: Path) -> tuple[openpyxl.Workbook, list, int, int]:
    """Return the book, the data validations covering the KPIs table's Parent KPI ID column, its column and rows."""
    book = openpyxl.load_workbook(path)
    ws, table = libreoffice.find_table(book, schema.KPIS.name)
    min_col, min_row, _max_col, max_row = range_boundaries(table.ref)
    headers = [ws.cell(min_row, c).value for c in range(min_col, min_col + len(schema.KPIS.columns))]
    col = min_col + headers.index(schema.KPIS.column("parent_id").header(_language(book)))
    rules = [dv for dv in ws.data_validations.dataValidation
             if any(r.min_col <= col <= r.max_col for r in dv.sqref.ranges)]
    return book, rules, col, max_row


def _language(book) -> str:
    return "da" if "Vejledning" in book.sheetnames else "en"


def list_values(book, formula: str) -> list[str]:
    """Return the non-blank values of a list validation's source range (``Sheet!$M$3:$M$5``)."""
    sheet, ref = formula.lstrip("=").rsplit("!", 1)
    ws = book[sheet.strip("'").replace("''", "'")]
    return [c.value for row in ws[ref.replace("$", "")] for c in row if c.value not in (None, "")]


# ------------------------------------------------------------ template --company

@pytest.mark.parametrize("language", ["en", "da"])
@pytest.mark.parametrize("mode", ["native", "xlwings"])
def test_the_parent_dropdown_holds_exactly_the_company_ids(tmp_path, management, language, mode):
    out = write_template(tmp_path / "dept.xlsx", department="Sales", language=language, formulas=mode,
                         company=management)
    book, rules, col, last_row = parent_validations(out)
    # One rule per cell, covering every row of the column.
    assert len(rules) == 1
    rule = rules[0]
    covered = {(r, c) for rng in rule.sqref.ranges for r in range(rng.min_row, rng.max_row + 1)
               for c in range(rng.min_col, rng.max_col + 1) if c == col}
    assert covered == {(r, col) for r in range(2, last_row + 1)}
    assert rule.type == "list"
    assert rule.errorStyle in (None, "stop")  # a wrong ID is refused, not just warned about
    sheet = rule.formula1.lstrip("=").rsplit("!", 1)[0].strip("'")
    assert sheet == schema.SHEET_LISTS[language]  # a range on the Lists sheet: no add-in needed
    assert list_values(book, rule.formula1) == ["MGT-01", "MGT-02", "MGT-03"]  # MGT-09 is low-level
    # The company workbook it was made from: file name and SHA-256, as defined names.
    names = {name: book.defined_names[name].attr_text for name in (schema.NAME_COMPANY_FILE,
                                                                    schema.NAME_COMPANY_SHA256)}
    assert names[schema.NAME_COMPANY_FILE] == '"management.xlsx"'
    assert names[schema.NAME_COMPANY_SHA256] == '"' + hashlib.sha256(management.read_bytes()).hexdigest() + '"'
    read = reader.read_workbook(out)
    assert (read.company_file, read.company_sha256) == ("management.xlsx",
                                                        hashlib.sha256(management.read_bytes()).hexdigest())
    report = validate([out], as_of=AS_OF)
    assert report.valid and not report.findings


@pytest.mark.parametrize(("language", "lines"), [
    ("en", ["MGT-01  Company goal MGT-01. Owner: Mette Kjær. Target: 10% (increase). Deadline: 2026-12-31.",
            "MGT-02  Company goal MGT-02. Owner: Jens Holm. Target: 1,250,000.5 DKK (increase). "
            "Deadline: 2026-09-30.",
            "MGT-03  Company goal MGT-03. Owner: Sofie Lund. Target: 20 days (decrease). Deadline: 2026-12-31."]),
    ("da", ["MGT-01  Company goal MGT-01. Ansvarlig: Mette Kjær. Mål: 10% (øge). Frist: 2026-12-31.",
            "MGT-02  Company goal MGT-02. Ansvarlig: Jens Holm. Mål: 1.250.000,5 DKK (øge). Frist: 2026-09-30.",
            "MGT-03  Company goal MGT-03. Ansvarlig: Sofie Lund. Mål: 20 days (mindske). Frist: 2026-12-31."]),
])
def test_the_guide_lists_the_company_kpis_read_only(tmp_path, management, language, lines):
    out = write_template(tmp_path / "dept.xlsx", language=language, company=management)
    book = openpyxl.load_workbook(out)
    guide = book[schema.SHEET_GUIDE[language]]
    texts = [row[0] for row in guide.iter_rows(values_only=True) if row[0]]
    heading = "Company KPIs (from management.xlsx)" if language == "en" else \
        "Virksomhedens KPI'er (fra management.xlsx)"
    at = texts.index(heading)
    assert texts[at + 2:at + 5] == lines
    assert guide.protection.sheet
    assert all(cell.protection.locked for row in guide.iter_rows() for cell in row if cell.value)


def test_without_company_the_parent_column_has_no_list(tmp_path):
    out = write_template(tmp_path / "plain.xlsx")
    book, rules, _col, _last = parent_validations(out)
    assert [r.type for r in rules] in ([], [None], ["none"])  # only the input message, no list
    assert schema.NAME_COMPANY_FILE not in book.defined_names


def test_a_management_workbook_with_errors_is_refused_with_its_findings(tmp_path):
    bad = tmp_path / "management.xlsx"
    workbooks.write_workbook(bad, kpis=[workbooks.kpi_row("MGT-01", target="12,5")], measurements=[],
                             evaluations=[])
    out = tmp_path / "dept.xlsx"
    result = CliRunner().invoke(cli, ["template", str(out), "--company", str(bad)])
    assert result.exit_code == 1
    assert result.output.splitlines()[:2] == [
        f"Error: {bad}: the company workbook has 1 error(s), so it cannot be used for --company; fix them and run "
        "again:",
        f"  {bad}:KPIs!L2: error KPX204: target \"12,5\" is text; type the number 12.5",
    ]
    assert not out.exists()


def test_a_management_workbook_without_high_level_kpis_is_refused(tmp_path):
    only_low = write_template(tmp_path / "management.xlsx", kpis=[low("L-1", None)])
    with pytest.raises(DefinitionError, match=r"holds no high-level KPI \(Level high\)"):
        write_template(tmp_path / "dept.xlsx", company=only_low)


def test_a_prefilled_kpi_with_an_unknown_parent_is_refused(tmp_path, management):
    with pytest.raises(DefinitionError, match=r"1 KPI\(s\) name a parent that is not a high-level KPI of "
                                              r"management.xlsx: S-2 \(parent MGT-99\); use one of MGT-01, "
                                              r"MGT-02, MGT-03"):
        write_template(tmp_path / "dept.xlsx", company=management,
                       kpis=[low("S-1", "mgt-01"), low("S-2", "MGT-99")])
    assert not (tmp_path / "dept.xlsx").exists()


def test_the_company_workbook_is_never_the_output(tmp_path, management):
    copy = tmp_path / "management.xlsx"
    copy.write_bytes(management.read_bytes())
    with pytest.raises(OutputError, match="the output is also an input"):
        write_template(copy, company=copy, force=True)
    assert copy.read_bytes() == management.read_bytes()


# ------------------------------------------------------------ validate --company

@pytest.fixture()
def department(tmp_path) -> Path:
    """Return a department workbook (made without --company) with one of each link problem."""
    kpis = [
        low("S-1", "MGT-02", deadline=SEPTEMBER),                       # fine
        low("S-2", "MGT-07"),                                           # wrong parent
        low("S-3", " mgt-02 ", deadline=date(2026, 11, 30)),            # later deadline than MGT-02's
        low("S-4", "MGT-03", direction="decrease", baseline=40.0, target=30.0),  # unit differs only
        low("S-5", "MGT-02", direction="decrease", baseline=40.0, target=30.0, deadline=SEPTEMBER),  # direction
        high("S-6", parent_id="MGT-99"),                               # high-level: not a link
    ]
    return write_template(tmp_path / "sales.xlsx", department="Sales", kpis=kpis, as_of=AS_OF)


def test_validate_company_finds_wrong_parent_later_deadline_and_direction_conflict(department, management):
    result = CliRunner().invoke(cli, ["validate", "--company", str(management), str(department),
                                      "--as-of", "2026-01-15"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "KPX83" in line]
    assert lines == [
        f"{department}:KPIs!D3: error KPX830: parent KPI ID 'MGT-07' of KPI 'S-2' is not a high-level KPI of the "
        "company workbook management.xlsx; pick one of MGT-01, MGT-02, MGT-03",
        f"{department}:KPIs!O4: warning KPX831: deadline 2026-11-30 is after the deadline 2026-09-30 of its parent "
        "MGT-02: the KPI is not due when the company KPI is judged; move the deadline to 2026-09-30 or earlier",
        f"{department}:KPIs!G5: warning KPX833: unit 'DKK' differs from its parent MGT-03 ('days'); fine for a "
        "driver measured in its own unit (the roll-up counts attainment), otherwise correct the unit or the "
        "parent KPI ID",
        f"{department}:KPIs!H6: warning KPX832: direction decrease differs from its parent MGT-02 (increase); fine "
        "if moving this KPI that way drives the parent (the roll-up counts attainment), otherwise correct the "
        "direction or the parent KPI ID",
    ]
    assert result.output.splitlines()[-1] == "1 file(s), 6 KPI(s), 0 measurement(s): 1 error(s), 3 warning(s)"
    # Without --company none of these is checked, and the file is valid.
    plain = CliRunner().invoke(cli, ["validate", str(department), "--as-of", "2026-01-15"])
    assert plain.exit_code == 0 and "KPX83" not in plain.output


def test_validate_company_names_the_cell_where_the_column_really_is(tmp_path, management):
    # A table moved to C5 with Parent KPI ID dropped and re-added at the end: the finding follows the column.
    path = tmp_path / "moved.xlsx"
    row = workbooks.kpi_row("S-1", level="low", parent_id="NOPE")
    workbooks.write_workbook(path, kpis=[row], origin=(4, 2), drop_columns={"KPIs": ["parent_id"]},
                             extra_columns={"KPIs": ["Parent KPI ID"]})
    book = openpyxl.load_workbook(path)
    ws, _table = libreoffice.find_table(book, schema.KPIS.name)
    header_row = [c.value for c in ws[5]]
    col = header_row.index("Parent KPI ID")
    ws.cell(6, col + 1).value = "NOPE"
    book.save(path)
    report = validate([path], as_of=workbooks.AS_OF, company=management)
    [finding] = [f for f in report.findings if f.code == company_mod.E_UNKNOWN_PARENT]
    letter = openpyxl.utils.get_column_letter(col + 1)
    assert (finding.place.sheet, finding.place.cell) == ("KPIs", f"{letter}6")


def test_validate_company_json_and_strict(department, management):
    result = CliRunner().invoke(cli, ["validate", "--company", str(management), str(department), "--format", "json",
                                      "--as-of", "2026-01-15"])
    import json

    findings = json.loads(result.output)["findings"]
    codes = sorted(f["code"] for f in findings if f["code"].startswith("KPX83"))
    assert codes == ["KPX830", "KPX831", "KPX832", "KPX833"]
    assert {f["kpi_id"] for f in findings if f["code"].startswith("KPX83")} == {"S-2", "S-3", "S-4", "S-5"}


def test_warnings_alone_pass_unless_strict(tmp_path, management):
    path = write_template(tmp_path / "late.xlsx", kpis=[low("S-3", "MGT-02", deadline=date(2026, 11, 30))],
                          as_of=AS_OF)
    runner = CliRunner()
    args = ["validate", "--company", str(management), str(path), "--as-of", "2026-01-15"]
    assert runner.invoke(cli, args).exit_code == 0
    assert runner.invoke(cli, args + ["--strict"]).exit_code == 1


def test_validate_refuses_an_invalid_company_workbook(tmp_path, department):
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"not a workbook")
    result = CliRunner().invoke(cli, ["validate", "--company", str(bad), str(department)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {bad}: the company workbook has 1 error(s), so it cannot be used for "
                                    "--company; fix them and run again:\n  " + str(bad) + ": error KPX")
    with pytest.raises(ValidationFailed) as caught:
        validate([department], company=bad)
    assert caught.value.report is not None and caught.value.report.errors


def test_the_same_links_pass_validate_company_when_made_with_the_dropdown(tmp_path, management):
    dept = write_template(tmp_path / "dept.xlsx", company=management, as_of=AS_OF, kpis=[
        low("S-1", "MGT-02", deadline=SEPTEMBER),
        low("S-2", "mgt-01", unit="percent", baseline=0.0, target=0.5)])  # case and percent words match
    report = validate([dept], as_of=date(2026, 1, 15), company=management)
    assert report.valid and not [f for f in report.findings if f.code.startswith("KPX83")], report.findings


# ------------------------------------------------------------ LibreOffice

@pytest.mark.libreoffice
@pytest.mark.parametrize("language", ["en", "da"])
def test_a_company_workbook_recalculates_and_keeps_its_dropdown_in_libreoffice(tmp_path, management, recalc,
                                                                               language):
    from kpixl import core

    kpis = [low("S-1", "MGT-02", deadline=SEPTEMBER),
            low("S-2", "MGT-01", unit="%", baseline=0.01, target=0.04, aggregation="last"),
            low("S-3", "MGT-03", direction="decrease", baseline=40.0, target=30.0, aggregation="average",
                unit="days")]
    ends = [date(2026, m, 28) for m in range(1, 6)]
    values = {"S-1": [90.0, 110.0, 95.0, 120.0, 100.0], "S-2": [0.012, 0.015, 0.02, 0.022, 0.03],
              "S-3": [39.0, 37.5, 36.0, 35.0, 33.0]}
    measurements = [MeasurementRecord(k, d, v) for k, series in values.items() for d, v in zip(ends, series)]
    out = write_template(tmp_path / f"dept-{language}.xlsx", language=language, formulas="native",
                         company=management, kpis=kpis, measurements=measurements, as_of=AS_OF)
    [saved] = recalc(out)
    book = openpyxl.load_workbook(saved, data_only=True)
    rows = {row["kpi_id"]: row for row in libreoffice.read_table(book, schema.KPIS) if row["kpi_id"]}
    for kpi in kpis:
        result = core.evaluate(kpi.definition(), list(zip(ends, values[kpi.kpi_id])), AS_OF)
        got = rows[kpi.kpi_id]
        assert got["actual"] == pytest.approx(result.actual, rel=1e-9, abs=1e-9)
        assert got["attainment"] == pytest.approx(result.attainment, rel=1e-9, abs=1e-9)
        assert got["status"] == core.word("status", result.status, language)
    # Re-saved by LibreOffice: still one list rule on Parent KPI ID with exactly the company's IDs, still valid.
    again, rules, _col, _last = parent_validations(saved)
    assert len(rules) == 1 and rules[0].type == "list"
    assert list_values(again, rules[0].formula1) == ["MGT-01", "MGT-02", "MGT-03"]
    report = validate([saved], as_of=AS_OF, company=management)
    assert not report.errors, [str(f) for f in report.errors]
    assert not [f for f in report.findings if f.code.startswith("KPX83")]
    read = reader.read_workbook(saved)
    assert read.company_sha256 == company_mod.sha256_of(management)


def test_finding_codes_are_documented():
    text = Path(__file__).resolve().parent.parent.joinpath("docs", "validation.md").read_text(encoding="utf-8")
    for code in (company_mod.E_UNKNOWN_PARENT, company_mod.W_LATE_DEADLINE, company_mod.W_DIRECTION,
                 company_mod.W_UNIT):
        assert re.search(rf"^\| {code} \|", text, re.M), code


def test_a_danish_workbook_gets_its_link_findings_in_danish(tmp_path, management):
    dept = write_template(tmp_path / "salg.xlsx", language="da", as_of=AS_OF, kpis=[
        low("S-2", "MGT-07"), low("S-5", "MGT-02", direction="decrease", baseline=40.0, target=30.0,
                                  deadline=SEPTEMBER)])
    report = validate([dept], as_of=date(2026, 1, 15), company=management)
    links = {f.code: (f.place.sheet, f.place.cell, f.message) for f in report.findings if f.code.startswith("KPX83")}
    assert links == {
        "KPX830": ("Nøgletal", "D2", "overordnet KPI-ID 'MGT-07' for KPI 'S-2' er ikke en KPI på højt niveau i "
                                   "virksomhedens projektmappe management.xlsx; vælg en af MGT-01, MGT-02, MGT-03"),
        "KPX832": ("Nøgletal", "H3", "retningen mindske afviger fra den overordnede MGT-02 (øge); i orden, hvis "
                                   "KPI'en i den retning driver den overordnede (oprulningen tæller målopfyldelse), "
                                   "ellers ret retningen eller det overordnede KPI-ID"),
    }


def test_the_link_findings_are_data_said_in_either_language():
    """check_links' findings are message keys and facts: one finding reads right in English and in Danish."""
    from kpixl.company import Company, check_links
    from kpixl.message import Message
    from kpixl.model import DepartmentWorkbook, KpiRecord, Place

    company = Company(path=Path("ledelse.xlsx"), sha256="", language="da", kpis=(
        KpiRecord("MGT-02", level="high", direction="increase", unit="%", deadline=date(2026, 9, 30)),))
    kpis = [KpiRecord("S-1", level="low", parent_id="MGT-02", direction="decrease", unit="days",
                      deadline=date(2026, 11, 30), place=Place("salg.xlsx", "Nøgletal", "A2")),
            KpiRecord("S-2", level="low", parent_id="MGT-07", place=Place("salg.xlsx", "Nøgletal", "A3"))]
    workbook = DepartmentWorkbook(path="salg.xlsx", language="da", kpis=kpis,
                                  columns={"KPIs": {"parent_id": "D", "deadline": "O", "direction": "H", "unit": "G"}})
    findings = check_links(company, workbook)
    assert [(f.code, f.place.cell, f.language) for f in findings] == [
        ("KPX831", "O2", "da"), ("KPX832", "H2", "da"), ("KPX833", "G2", "da"), ("KPX830", "D3", "da")]
    assert all(isinstance(f.wording, Message) for f in findings)
    direction = findings[1]
    assert direction.wording.key == "KPX832"
    assert direction.message.startswith("retningen mindske afviger fra den overordnede MGT-02 (øge); ")
    assert direction.in_language("en").message == (
        "direction decrease differs from its parent MGT-02 (increase); fine if moving this KPI that way drives the "
        "parent (the roll-up counts attainment), otherwise correct the direction or the parent KPI ID")
    assert findings[3].message == ("overordnet KPI-ID 'MGT-07' for KPI 'S-2' er ikke en KPI på højt niveau i "
                                   "virksomhedens projektmappe ledelse.xlsx; vælg en af MGT-02")
    # The caller (validate --company) may say them in the run's one language instead.
    assert check_links(company, workbook, language="en")[0].message == (
        "deadline 2026-11-30 is after the deadline 2026-09-30 of its parent MGT-02: the KPI is not due when the "
        "company KPI is judged; move the deadline to 2026-09-30 or earlier")


def test_a_danish_management_workbook_with_errors_is_refused_in_danish(tmp_path):
    bad = tmp_path / "ledelse.xlsx"
    workbooks.write_workbook(bad, kpis=[workbooks.kpi_row("MGT-01", target="12,5")], measurements=[],
                             evaluations=[], language="da")
    out = tmp_path / "salg.xlsx"
    result = CliRunner().invoke(cli, ["template", str(out), "--company", str(bad)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == (f"Fejl: {bad}: virksomhedens projektmappe har 1 fejl, så den kan ikke bruges til --company; "
                        "ret dem, og kør igen:")
    assert lines[1].startswith(f"  {bad}:Nøgletal!L2: fejl KPX204: ")
    assert not out.exists()

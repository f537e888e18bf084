"""Test the sample company and ``kpixl demo``: the whole KPI cycle end to end, English and Danish.

The sample data tests are pure (no files). The demo runs twice per session (once
through the CLI in English, once through :func:`kpixl.demo.run_demo` in Danish
with xlwings formulas) and every other test reads what those runs wrote.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from kpixl import core, sample_data, schema
from kpixl.cli import cli
from kpixl.consolidate import CSV_FILES, WORKBOOK_SHEETS, sheet_name
from kpixl.demo import demo_paths, run_demo
from kpixl.errors import DefinitionError, OutputError
from kpixl.reader import read_workbook
from kpixl.validate import validate

HIGH_IDS = [k.kpi_id for k in sample_data.MANAGEMENT.kpis]


def actuals(data: sample_data.DepartmentData, as_of: date = sample_data.AS_OF) -> dict[str, core.KpiResult]:
    grouped: dict[str, list] = {}
    for m in data.measurements:
        grouped.setdefault(m.kpi_id, []).append((m.period_end, m.value))
    return {k.kpi_id: core.evaluate(k.definition(), grouped.get(k.kpi_id, []), as_of) for k in data.kpis}


# ------------------------------------------------------------------ the sample company

@pytest.fixture(scope="module")
def company_en() -> list[sample_data.DepartmentData]:
    return sample_data.company("en")


def test_the_company_is_management_plus_three_departments(company_en):
    assert [d.key for d in company_en] == ["management", "sales", "marketing", "customer-service"]
    assert [d.department for d in company_en] == ["Management", "Sales", "Marketing", "Customer Service"]
    assert [d.department for d in sample_data.company("da")] == ["Ledelse", "Salg", "Marketing", "Kundeservice"]
    management = company_en[0]
    assert 3 <= len(management.kpis) <= 4
    assert {k.level for k in management.kpis} == {"high"}
    assert {k.level for d in company_en[1:] for k in d.kpis} == {"low"}


def test_every_low_level_kpi_rolls_up_to_a_management_kpi(company_en):
    children = Counter()
    for data in company_en[1:]:
        for kpi in data.kpis:
            assert kpi.parent_id in HIGH_IDS, kpi.kpi_id
            assert kpi.weight is not None and kpi.weight > 0
            children[kpi.parent_id] += 1
    assert set(children) == set(HIGH_IDS)  # every company KPI has children


def test_every_kpi_is_a_valid_smart_definition_with_one_owner(company_en):
    ids = [k.kpi_id for d in company_en for k in d.kpis]
    assert len(ids) == len(set(ids))
    for data in company_en:
        for kpi in data.kpis:
            kpi.definition().check()
            assert kpi.owner and not any(sep in kpi.owner for sep in (",", ";", "/", "&", " and ", " og "))
            assert all((kpi.specific, kpi.measurable, kpi.attainable, kpi.relevant, kpi.unit, kpi.data_source))
            assert (kpi.start, kpi.deadline) == (sample_data.FISCAL_START, sample_data.FISCAL_END)


def test_danish_texts_differ_from_the_english_ones():
    en = {k.kpi_id: k for d in sample_data.company("en") for k in d.kpis}
    da = {k.kpi_id: k for d in sample_data.company("da") for k in d.kpis}
    assert da["SAL-01"].name == "Antal salg" and en["SAL-01"].name == "Number of sales"
    assert sum(en[i].specific != da[i].specific for i in en) == len(en)


def test_measurements_follow_the_frequency_and_the_late_department_stops_early(company_en):
    for data in company_en:
        per_kpi = Counter(m.kpi_id for m in data.measurements)
        for kpi in data.kpis:
            ends = sample_data.period_ends(kpi.frequency)
            if data.key == sample_data.LATE_DEPARTMENT:
                ends = [d for d in ends if d <= sample_data.LATE_CUTOFF]
            assert per_kpi[kpi.kpi_id] == len(ends), kpi.kpi_id
    assert len(sample_data.period_ends("weekly")) == 52
    assert len(sample_data.period_ends("monthly")) == 12
    late = company_en[3]
    assert max(m.period_end for m in late.measurements) == date(2025, 10, 31)
    on_time = [d for d in company_en if d.key != sample_data.LATE_DEPARTMENT]
    assert all(max(m.period_end for m in d.measurements) >= date(2025, 12, 28) for d in on_time)


def test_the_data_is_seasonal_and_reproducible(company_en):
    sales = {m.period_end.month: m.value for m in company_en[1].measurements if m.kpi_id == "SAL-01"}
    assert sales[12] > sales[11] > sales[10] > sales[7]  # the Q4 peak, the summer dip
    assert sample_data.company("en") == company_en
    assert sample_data.company("en", seed=7) != company_en


def test_the_year_tells_its_story(company_en):
    results = {kpi_id: r for d in company_en for kpi_id, r in actuals(d).items()}
    assert results["MGT-01"].status == core.ON_TRACK  # revenue growth beat its target
    assert results["MGT-01"].attainment > 1
    assert results["MGT-03"].status == core.OFF_TRACK  # webshop conversion clearly off track
    assert results["MKT-03"].attainment < 0.5
    off_track = [k for k, r in results.items() if r.status == core.OFF_TRACK]
    assert off_track == ["MGT-03", "MKT-03"]


def test_the_example_evaluation_fits_the_final_actuals(company_en):
    management = company_en[0]
    finals = {k: r.actual for k, r in actuals(management, sample_data.FISCAL_END).items()}
    decisions = {e.kpi_id: e for e in sample_data.evaluation_records(finals, "en")}
    assert {k: e.decision for k, e in decisions.items()} == {
        "MGT-01": "adjust", "MGT-02": "keep", "MGT-03": "adjust", "MGT-04": "retire"}
    targets = {k.kpi_id: k.target for k in management.kpis}
    assert decisions["MGT-01"].new_target > finals["MGT-01"] > targets["MGT-01"]
    assert targets["MGT-03"] > decisions["MGT-03"].new_target > finals["MGT-03"]
    assert targets["MGT-02"] > finals["MGT-02"]  # Keep is still a target to reach
    assert sample_data.evaluation_records(finals, "da")[0].notes == "Målet er nået; vi hæver det for næste år."


# ------------------------------------------------------------------ the demo, English, through the CLI

@pytest.fixture(scope="module")
def demo_en(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo-en") / "kpixl-demo"
    result = CliRunner().invoke(cli, ["demo", str(folder)], prog_name="kpixl")
    assert result.exit_code == 0, result.output
    return folder, result.output


def test_the_demo_summary_names_every_file(demo_en):
    folder, output = demo_en
    lines = output.splitlines()
    assert lines[0] == (f"Demo of the KPI cycle for Nordlys Living (fiscal year 2025, as of 2025-12-31, English, "
                        f"native formulas) in {folder}")
    for key, path in demo_paths(folder).items():
        assert str(path) in output, key
        assert path.is_file(), key
    assert f"Evaluation: company workbook {folder / 'company.xlsx'}" in lines
    assert f"  CSV tables in {folder / 'company-csv'} (12 files)" in lines
    assert f"Re-design: next period's management workbook {folder / 'next-period' / 'management.xlsx'}" in lines
    assert "  4 KPI(s): 1 kept, 2 adjusted, 1 retired, 0 without a decision (kept)" in lines


def test_the_demo_prints_the_company_kpis(demo_en):
    _, output = demo_en
    lines = output.splitlines()
    head = lines.index("Company KPIs as of 2025-12-31:")
    assert lines[head + 1].split() == ["ID", "KPI", "Attainment", "Status", "Roll-up", "Change", "since", "2025-11-30"]
    rows = lines[head + 2:head + 6]
    assert [row.split()[0] for row in rows] == HIGH_IDS
    assert "Off track" in rows[2] and "Webshop conversion rate" in rows[2]
    # Every company KPI has a roll-up score, then its change since the month-end before.
    assert all(re.search(r"\d\.\d%  +[-+]\d+\.\d pp", row) for row in rows), rows


def test_every_demo_workbook_validates_without_errors(demo_en):
    folder, output = demo_en
    paths = demo_paths(folder)
    departments = [paths[d.key] for d in sample_data.DEPARTMENTS]
    report = validate(departments, as_of=sample_data.AS_OF, company=paths["management"])
    assert report.errors == []
    links = {"KPX832", "KPX833"}  # drivers measured in their own units and directions
    late = [f for f in report.warnings if f.code not in links]
    assert {Path(f.place.path).name for f in late} == {"customer-service.xlsx"}  # the late one
    assert {f.code for f in report.warnings if f.code in links} == links
    assert f"Validation against the company KPIs: {report.summary()}" in output
    assert validate([paths["next-period"]], as_of=date(2026, 1, 15)).errors == []
    assert validate([folder / "departments"], as_of=sample_data.AS_OF).errors == []


def test_the_demo_splits_one_plan_and_links_the_departments_to_the_company(demo_en):
    folder, output = demo_en
    plan = read_workbook(folder / "plan.xlsx")
    assert len(plan.kpis) == sum(len(d.kpis) for d in sample_data.DEPARTMENTS)
    assert f"Design: the company plan {folder / 'plan.xlsx'}, split into {folder / 'design'} (kpixl split):" in output
    assert sorted(p.name for p in (folder / "design").iterdir()) == [
        "Customer Service.xlsx", "Management.xlsx", "Marketing.xlsx", "Sales.xlsx"]
    fields = ("kpi_id", "name", "level", "parent_id", "owner", "target", "deadline", "specific")
    planned = {k.kpi_id: tuple(getattr(k, f) for f in fields) for k in plan.kpis}
    written = {}
    for data in sample_data.DEPARTMENTS:
        book = read_workbook(folder / "departments" / data.file_name)
        written.update({k.kpi_id: tuple(getattr(k, f) for f in fields) for k in book.kpis})
        if data.key == "management":
            assert book.company_file is None
            continue
        assert book.company_file == "management.xlsx"
        # The Parent KPI ID dropdown offers exactly the company's KPI IDs.
        xl = openpyxl.load_workbook(folder / "departments" / data.file_name)
        ws = xl[schema.KPIS.sheet("en")]
        [rule] = [dv for dv in ws.data_validations.dataValidation if "D2" in str(dv.sqref)]
        sheet, ref = rule.formula1.lstrip("=").rsplit("!", 1)
        assert [c.value for row in xl[sheet][ref.replace("$", "")] for c in row] == HIGH_IDS
    assert written == planned  # the plan's definitions, through split, into the department workbooks


def test_the_workbooks_hold_the_sample_data(demo_en):
    folder, _ = demo_en
    for data in sample_data.company("en"):
        book = read_workbook(folder / "departments" / data.file_name)
        assert (book.language, book.formulas, book.department) == ("en", "native", data.department)
        assert [k.kpi_id for k in book.kpis] == [k.kpi_id for k in data.kpis]
        assert len(book.measurements) == len(data.measurements)
    management = read_workbook(folder / "departments" / "management.xlsx")
    assert [e.decision for e in management.evaluations] == ["adjust", "keep", "adjust", "retire"]


def test_the_company_workbook_and_csv(demo_en):
    folder, _ = demo_en
    book = openpyxl.load_workbook(folder / "company.xlsx", read_only=True)
    assert book.sheetnames == [sheet_name(t, "en") for t in WORKBOOK_SHEETS]
    book.close()
    assert sorted(p.name for p in (folder / "company-csv").iterdir()) == sorted(CSV_FILES)
    with open(folder / "company-csv" / "kpis.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    n_kpis = sum(len(d.kpis) for d in sample_data.DEPARTMENTS)
    assert len(rows) == n_kpis + 1


def test_the_company_workbook_shows_the_history_and_the_changes(demo_en):
    folder, _ = demo_en
    book = openpyxl.load_workbook(folder / "company.xlsx")
    history = book["History"]
    header = [c.value for c in history[4]]
    months = [date(2025, m, 1) for m in range(2, 13)] + [date(2026, 1, 1)]
    assert header[3] == "Roll-up now"
    assert [d.date() for d in header[4:]] == [date.fromordinal(m.toordinal() - 1) for m in months]
    rows = list(history.iter_rows(min_row=5, values_only=True))
    # One row per KPI, company KPIs first, each with its roll-up beside it.
    assert [r[1] for r in rows] == HIGH_IDS + [k.kpi_id for d in sample_data.DEPARTMENTS for k in d.kpis
                                               if k.kpi_id not in HIGH_IDS]
    assert all(isinstance(r[3], float) for r in rows[:len(HIGH_IDS)])
    summary = [r[0] for r in book["Summary"].iter_rows(values_only=True)]
    assert "Status changes since 2025-11-30" in summary
    # The rendered picture is in docs/ and shown there.
    docs = Path(__file__).resolve().parent.parent / "docs"
    assert (docs / "company-history.png").stat().st_size > 10_000
    assert "](company-history.png)" in (docs / "history.md").read_text(encoding="utf-8")


def test_the_next_period_follows_the_decisions(demo_en):
    folder, _ = demo_en
    old = read_workbook(folder / "departments" / "management.xlsx")
    new = read_workbook(folder / "next-period" / "management.xlsx")
    assert [k.kpi_id for k in new.kpis] == ["MGT-01", "MGT-02", "MGT-03"]  # MGT-04 retired
    grouped = old.measurements_by_kpi()
    decisions = {e.kpi_id: e for e in old.evaluations}
    for record in new.kpis:
        previous = next(k for k in old.kpis if k.kpi_id == record.kpi_id)
        final = core.evaluate(previous.definition(), grouped[record.kpi_id], previous.deadline).actual
        assert record.baseline == pytest.approx(final, abs=1e-12)
        expected = decisions[record.kpi_id].new_target if decisions[record.kpi_id].decision == "adjust" \
            else previous.target
        assert record.target == expected
        assert (record.start, record.deadline) == (date(2026, 1, 1), date(2026, 12, 31))
    assert new.measurements == []


def test_a_second_demo_needs_force(demo_en):
    folder, _ = demo_en
    before = (folder / "company.xlsx").read_bytes()
    result = CliRunner().invoke(cli, ["demo", str(folder)], prog_name="kpixl")
    assert result.exit_code == 1
    assert result.output == (f"Error: {folder}: already holds files of an earlier demo (plan.xlsx, "
                             f"departments/management.xlsx, departments/sales.xlsx, ... (9 in all)); use --force to "
                             f"overwrite them\n")
    assert (folder / "company.xlsx").read_bytes() == before


# ------------------------------------------------------------------ the demo, Danish, from Python

@pytest.fixture(scope="module")
def demo_da(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo-da")
    (folder / "company.xlsx").write_bytes(b"an earlier run")
    with pytest.raises(OutputError) as caught:
        run_demo(folder, language="da", formulas="xlwings")
    assert str(caught.value) == (f"{folder}: already holds files of an earlier demo (company.xlsx); use --force to "
                                 f"overwrite them")
    return run_demo(folder, language="da", formulas="xlwings", force=True)


def test_the_danish_demo_is_danish(demo_da):
    management = read_workbook(demo_da.workbooks["management"])
    assert (management.language, management.formulas, management.department) == ("da", "xlwings", "Ledelse")
    assert management.kpis[0].name == "Omsætningsvækst"
    book = openpyxl.load_workbook(demo_da.company, read_only=True)
    assert book.sheetnames == [sheet_name(t, "da") for t in WORKBOOK_SHEETS]
    book.close()
    rolled = read_workbook(demo_da.next_period)
    assert (rolled.language, rolled.formulas, rolled.department) == ("da", "xlwings", "Ledelse")


def test_the_danish_demo_validates_and_reports_in_danish(demo_da):
    assert demo_da.report.errors == []
    assert validate([*demo_da.workbooks.values()], as_of=sample_data.AS_OF).errors == []
    assert validate([demo_da.next_period], as_of=date(2026, 1, 15)).errors == []
    table = demo_da.status_table()
    assert table[0].split() == ["ID", "KPI", "Målopfyldelse", "Status", "Oprulning", "Ændring", "siden", "2025-11-30"]
    assert "Bagud" in table[3] and table[3].startswith("MGT-03  Konverteringsrate i webshoppen")
    lines = demo_da.summary_lines()
    folder = demo_da.directory
    assert lines[0] == (f"Demo af KPI-cyklussen for Nordlys Living (regnskabsår 2025, opgjort 2025-12-31, dansk, "
                        f"xlwings-formler) i {folder}")
    assert lines[1] == (f"Design: virksomhedens plan {folder / 'plan.xlsx'}, delt op i {folder / 'design'} "
                        f"(kpixl split):")
    assert [line.split()[0] for line in lines[4:8]] == ["Ledelse.xlsx", "Salg.xlsx", "Marketing.xlsx",
                                                        "Kundeservice.xlsx"]
    management = folder / "departments" / "management.xlsx"
    assert lines[8] == ("Udførelse: et års målinger i hver projektmappe; afdelingernes rullelister i Overordnet "
                        "KPI-ID tilbyder virksomhedens KPI'er fra management.xlsx (kpixl template --company)")
    report = demo_da.report
    assert lines[13] == (f"Validering mod virksomhedens KPI'er: 4 filer, 16 KPI'er, {report.measurement_count} "
                         f"målinger: 0 fejl, {len(report.warnings)} advarsler")
    assert lines[14] == (f"  (Kundeservice afleverede for sent: ingen målinger efter 2025-10-31; advarslerne vises af "
                         f"kpixl validate --company {management} {folder / 'departments'} --as-of 2025-12-31)")
    assert lines[15:18] == [f"Evaluering: virksomhedens projektmappe {folder / 'company.xlsx'}",
                            f"  CSV-tabeller i {folder / 'company-csv'} (12 filer)",
                            f"Redesign: ledelsens projektmappe for næste periode "
                            f"{folder / 'next-period' / 'management.xlsx'}"]
    assert lines[18:20] == ["  4 KPI'er: 1 beholdt, 2 justeret, 1 udfaset, 0 uden beslutning (beholdt)",
                            "  Ny periode: 2026-01-01 til 2026-12-31"]
    assert all(line.startswith("  Advarsel: ") for line in lines[20:-7])
    assert lines[-7] == "Virksomhedens KPI'er pr. 2025-12-31:"
    assert re.fullmatch(r"Færdig på \d+,\d s", lines[-1])
    # Percentages with a decimal comma, as Danish Excel shows them.
    for row, line in zip(demo_da.company_kpis, lines[-5:-1]):
        attainment = f"{row.attainment * 100:.1f}%".replace(".", ",")
        assert attainment in line and "." not in line.split()[-1]
    assert all(path.exists() for path in demo_da.files)
    assert (demo_da.directory / "company.xlsx").read_bytes() != b"an earlier run"


def test_the_demo_needs_a_folder_and_a_known_formula_mode(tmp_path):
    afile = tmp_path / "demo.txt"
    afile.write_text("not a folder", encoding="utf-8")
    result = CliRunner().invoke(cli, ["demo", str(afile)], prog_name="kpixl")
    assert result.exit_code == 2  # click's own check of DIR
    assert "is a file" in result.output
    with pytest.raises(OutputError) as refused:
        run_demo(afile)
    assert str(refused.value) == f"{afile}: is a file; give a folder for the demo"
    with pytest.raises(DefinitionError) as caught:
        run_demo(tmp_path / "d", formulas="vba")
    # The one parse (kpixl.vocab.FormulaMode), the same words as every other entry point.
    assert str(caught.value) == "unknown formula mode 'vba'; use native or xlwings"
    with pytest.raises(DefinitionError) as caught:
        run_demo(tmp_path / "d", language="fr")
    assert str(caught.value) == "unknown language 'fr'; use en or da"
    assert not (tmp_path / "d").exists()


def test_the_danish_demo_command_prints_danish(tmp_path):
    result = CliRunner().invoke(cli, ["demo", str(tmp_path / "demo"), "--lang", "da"], prog_name="kpixl")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Demo af KPI-cyklussen for Nordlys Living (regnskabsår 2025, opgjort 2025-12-31, "
                               "dansk, almindelige Excel-formler) i ")
    head = lines.index("Virksomhedens KPI'er pr. 2025-12-31:")
    assert lines[head + 1].split() == ["ID", "KPI", "Målopfyldelse", "Status", "Oprulning", "Ændring", "siden",
                                       "2025-11-30"]
    rows = lines[head + 2:head + 6]
    # Decimal commas: the roll-up, then the change in percentage points.
    assert all(re.search(r"\d,\d%  +[-+]\d+,\d %-point", row) for row in rows), rows
    assert "114,0%  På sporet" in rows[0]
    assert re.fullmatch(r"Færdig på \d+,\d s", lines[-1])
    # "Re-design" is the phase's name in the Danish Guide too.
    for english in ("Validation:", "Evaluation:", "Done in", "Company KPIs", "On track", "KPI(s)"):
        assert english not in result.output, english

"""Test kpixl.validate: every rule's code, severity, place and message; the report; inputs untouched."""

from __future__ import annotations

import hashlib
import importlib
import inspect
from datetime import date, timedelta

import pytest

from kpixl import core
from kpixl.errors import DefinitionError
from kpixl.validate import check_workbook, final_period_start, periods, validate

import workbooks as W


def findings_of(tmp_path, name="wb.xlsx", as_of=W.AS_OF, **knobs):
    path = tmp_path / name
    layout = W.write_workbook(path, **knobs)
    return check_workbook(path, as_of), layout, path


def by_code(workbook, code):
    return [f for f in workbook.findings if f.code == code]


def test_the_default_workbook_is_valid(tmp_path):
    wb, _, _ = findings_of(tmp_path)
    assert wb.findings == []


def test_bad_file_gives_one_error_finding_not_an_exception(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 truncated")
    wb = check_workbook(path, W.AS_OF)
    assert [(f.code, f.severity, f.place.path) for f in wb.findings] == [("KPX109", "error", str(path))]
    assert wb.kpis == [] and wb.path == str(path)


def test_duplicate_kpi_ids(tmp_path):
    wb, layout, _ = findings_of(tmp_path, kpis=[W.kpi_row("A"), W.kpi_row("a")], measurements=[])
    [finding] = by_code(wb, "KPX301")
    assert finding.message == "KPI ID 'a' is used twice (first at KPIs!A2); give each KPI its own ID"
    assert finding.place.cell == "A3" and finding.severity == "error"
    assert not any(k.valid for k in wb.kpis)


@pytest.mark.parametrize("overrides", [
    {"direction": "increase", "baseline": 500.0, "target": 400.0},
    {"direction": "increase", "baseline": None, "target": -1.0},
    {"direction": "decrease", "baseline": None, "target": 10.0},
    {"direction": "decrease", "baseline": 5.0, "target": 10.0},
    {"direction": "maintain", "target": 0.0, "tolerance": None},
    {"direction": "maintain", "target": 50.0, "tolerance": -1.0},
])
def test_definition_errors_reuse_the_core_message(tmp_path, overrides):
    wb, _, _ = findings_of(tmp_path, kpis=[W.kpi_row(**overrides)])
    row = W.kpi_row(**overrides)
    with pytest.raises(DefinitionError) as expected:
        core.check_definition(row["target"], row["baseline"], row["direction"], row["tolerance"])
    [finding] = by_code(wb, "KPX302")
    assert finding.message == str(expected.value)
    assert (finding.place.cell, finding.kpi_id) == ("A2", "SAL-01")
    assert wb.kpis[0].valid is False


def test_deadline_not_after_start(tmp_path):
    wb, _, _ = findings_of(tmp_path, kpis=[W.kpi_row(start=date(2026, 6, 1), deadline=date(2026, 6, 1))],
                           measurements=[])
    [finding] = by_code(wb, "KPX303")
    assert finding.message == ("the deadline must be after the start date (start 2026-06-01, deadline 2026-06-01); "
                               "move the deadline after the start")


def test_thresholds_and_negative_weight(tmp_path):
    wb, _, _ = findings_of(tmp_path, kpis=[W.kpi_row(green=0.8, amber=0.9, weight=-2.0)])
    assert by_code(wb, "KPX304")[0].message == ("green must be at least amber (green 0.8, amber 0.9); "
                                               "make Green from at least Amber from")
    assert by_code(wb, "KPX305")[0].message == "weight -2 is negative; type 0 or more (blank means 1)"


def test_threshold_typed_as_whole_percent_is_a_warning(tmp_path):
    wb, _, _ = findings_of(tmp_path, kpis=[W.kpi_row(green=95.0, amber=85.0)])
    assert [f.message for f in by_code(wb, "KPX310")][0].startswith("green from is 95, an attainment of 9500%")


def test_smart_warnings(tmp_path):
    kpis = [W.kpi_row(deadline=None, specific=None, relevant="  ", level="low", parent_id=None,
                      owner="Anna, Bo")]
    wb, _, _ = findings_of(tmp_path, kpis=kpis)
    got = {(f.code, f.severity): f.message for f in wb.findings}
    assert got == {
        ("KPX306", "warning"): "no deadline: a SMART KPI is time-bound; type the deadline",
        ("KPX307", "warning"): "SMART text missing: Specific, Relevant; describe how the KPI is specific, relevant",
        ("KPX308", "warning"): "a low-level KPI without a parent KPI ID does not roll up; type the ID of the "
                               "high-level KPI it supports",
        ("KPX311", "warning"): "owner 'Anna, Bo' looks like more than one person; a KPI has one responsible owner",
    }


def test_own_parent(tmp_path):
    wb, _, _ = findings_of(tmp_path, kpis=[W.kpi_row(level="low", parent_id="SAL-01")])
    assert [f.code for f in wb.findings] == ["KPX309"]


def test_measurement_for_unknown_kpi(tmp_path):
    wb, layout, _ = findings_of(tmp_path, measurements=W.default_measurements() + [W.measurement_row("XX-9")])
    [finding] = by_code(wb, "KPX401")
    assert finding.message == "KPI ID 'XX-9' is not in the KPIs table; pick an existing KPI ID or add the KPI"
    assert finding.place.sheet == "Measurements" and finding.place.cell == "A5"


def test_duplicate_measurement(tmp_path):
    rows = W.default_measurements() + [W.measurement_row(period_end=W.MONTH_ENDS[1], value=5.0)]
    wb, _, _ = findings_of(tmp_path, measurements=rows)
    [finding] = by_code(wb, "KPX402")
    assert finding.message == ("a second value for KPI 'SAL-01' and period end 2026-02-28 (first at Measurements!A3); "
                               "delete one of them")


def test_measurements_outside_start_and_deadline(tmp_path):
    rows = W.default_measurements() + [W.measurement_row(period_end=date(2025, 12, 31)),
                                       W.measurement_row(period_end=date(2027, 1, 31))]
    wb, _, _ = findings_of(tmp_path, measurements=rows)
    assert [f.message for f in by_code(wb, "KPX403")] == [
        "period end 2025-12-31 is before the KPI's start date 2026-01-01; check the date"]
    assert [f.message for f in by_code(wb, "KPX404")] == [
        "period end 2027-01-31 is after the KPI's deadline 2026-12-31; check the date"]


def test_missing_monthly_periods_are_late_submissions(tmp_path):
    rows = [W.measurement_row(period_end=W.MONTH_ENDS[0])]
    wb, _, _ = findings_of(tmp_path, measurements=rows)
    [finding] = by_code(wb, "KPX405")
    assert finding.severity == "warning" and finding.place.cell == "A2"
    assert finding.message == ("no measurement for 2 monthly period(s) ended before 2026-04-15: 2026-02, 2026-03; "
                               "enter the missing values in Measurements")


def test_a_period_not_yet_ended_is_not_late(tmp_path):
    wb, _, _ = findings_of(tmp_path, as_of=date(2026, 3, 31))
    assert wb.findings == []


def test_periods():
    assert [p[2] for p in periods("quarterly", date(2026, 2, 15), None, date(2026, 10, 1))] == ["2026-Q1", "2026-Q2",
                                                                                              "2026-Q3"]
    weeks = periods("weekly", date(2026, 1, 1), None, date(2026, 1, 20))
    assert [(a.isoformat(), b.isoformat()) for a, b, _ in weeks] == [("2026-01-01", "2026-01-07"),
                                                                   ("2026-01-08", "2026-01-14")]
    assert periods("monthly", date(2026, 1, 1), date(2026, 2, 10), date(2026, 6, 1))[-1][:2] == (
        date(2026, 2, 1), date(2026, 2, 10))
    assert periods("yearly", date(2026, 1, 1), None, date(2026, 12, 31)) == []


def test_evaluation_rules(tmp_path):
    evaluations = [W.evaluation_row(decision="adjust"), W.evaluation_row("NOPE"),
                   W.evaluation_row(decision="retire", new_target=5.0)]
    wb, _, _ = findings_of(tmp_path, evaluations=evaluations)
    assert [(f.code, f.place.cell) for f in wb.findings] == [("KPX502", "A2"), ("KPX501", "A3"), ("KPX504", "A4")]
    wb, _, _ = findings_of(tmp_path, name="b.xlsx", evaluations=[W.evaluation_row(decision="keep", new_target=5.0)])
    assert [f.message for f in wb.findings] == [
        "new target 5 is ignored with decision Keep; choose Adjust target or clear it"]


# ------------------------------------------------------------------ the run over many files

def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_validate_runs_over_folders_and_bad_files_and_leaves_inputs_untouched(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    W.write_workbook(folder / "a.xlsx")
    W.write_workbook(folder / "b.xlsx", kpis=[W.kpi_row(target="12,5")])
    (folder / "c.xlsx").write_text("a,b\n1,2\n")
    (folder / "~$a.xlsx").write_bytes(b"lock")
    empty = tmp_path / "empty"
    empty.mkdir()
    before = {p: _sha(p) for p in folder.iterdir()}
    stamps = {p: p.stat().st_mtime_ns for p in folder.iterdir()}
    calls = []
    report = validate([folder, empty, tmp_path / "gone.xlsx"], as_of=W.AS_OF,
                      progress=lambda done, total, item: calls.append((done, total, item)))
    assert {p: _sha(p) for p in folder.iterdir()} == before
    assert {p: p.stat().st_mtime_ns for p in folder.iterdir()} == stamps
    assert sorted(p.name for p in folder.iterdir()) == ["a.xlsx", "b.xlsx", "c.xlsx", "~$a.xlsx"]
    assert report.files == [str(folder / n) for n in ("a.xlsx", "b.xlsx", "c.xlsx")] + [str(tmp_path / "gone.xlsx")]
    assert [(f.code, f.place.path) for f in report.findings] == [
        ("KPX116", str(empty)), ("KPX138", str(folder / "~$a.xlsx")), ("KPX204", str(folder / "b.xlsx")), ("KPX107", str(folder / "c.xlsx")),
        ("KPX101", str(tmp_path / "gone.xlsx"))]
    assert calls == [(i, 4, f) for i, f in enumerate(report.files, start=1)]
    assert (report.kpi_count, report.measurement_count, report.valid) == (2, 6, False)


def test_report_text_and_json_agree(tmp_path):
    W.write_workbook(tmp_path / "a.xlsx", kpis=[W.kpi_row(deadline=None, target="1.234")], measurements=[])
    report = validate([tmp_path], as_of=W.AS_OF)
    data = report.to_dict()
    assert data["stats"] == {"files": 1, "kpis": 1, "measurements": 0, "errors": len(report.errors),
                             "warnings": len(report.warnings), "left_out": 0, "copies": 0}
    assert [f"{d['path']}:{d['sheet']}!{d['cell']}: {d['severity']} {d['code']}: {d['message']}"
            for d in data["findings"]] == [str(f) for f in report.findings]
    assert report.summary() == (f"1 file(s), 1 KPI(s), 0 measurement(s): {data['stats']['errors']} error(s), "
                                f"{data['stats']['warnings']} warning(s)")


def test_strict_makes_warnings_fail(tmp_path):
    W.write_workbook(tmp_path / "a.xlsx", kpis=[W.kpi_row(deadline=None)])
    assert validate([tmp_path], as_of=W.AS_OF).valid is True
    assert validate([tmp_path], as_of=W.AS_OF, strict=True).valid is False


# ------------------------------------------------------------------ workbooks made by kpixl template

def _write_template():
    try:
        module = importlib.import_module("kpixl.template")
    except ImportError:
        return None
    return getattr(module, "write_template", None)


@pytest.mark.parametrize("language", ["en", "da"])
@pytest.mark.parametrize("formulas", ["native", "xlwings"])
def test_template_made_workbook_validates_without_errors(tmp_path, language, formulas):
    write_template = _write_template()
    if write_template is None or "kpis" not in inspect.signature(write_template).parameters:
        pytest.skip("kpixl.template.write_template(kpis=...) is not available yet")
    from kpixl.model import KpiRecord, MeasurementRecord

    kpis = [KpiRecord(kpi_id="SAL-01", name="Revenue", level="high", owner="Anna Berg", direction="increase",
                      aggregation="sum", frequency="monthly", baseline=100.0, target=1200.0, start=W.START,
                      deadline=W.DEADLINE, specific="s", measurable="m", attainable="a", relevant="r")]
    measurements = [MeasurementRecord("SAL-01", d, 100.0) for d in W.MONTH_ENDS]
    path = tmp_path / f"t-{language}-{formulas}.xlsx"
    write_template(path, language=language, formulas=formulas, kpis=kpis, measurements=measurements)
    report = validate([path], as_of=W.AS_OF)
    assert report.errors == []
    assert (report.kpi_count, report.measurement_count) == (1, 3)


# ------------------------------------------------------------------ the worker processes

import os  # noqa: E402 - kept with the tests that use it

def _mixed_files(folder):
    folder.mkdir()
    W.write_workbook(folder / "a.xlsx")
    W.write_workbook(folder / "b.xlsx", kpis=[W.kpi_row(target="12,5")])
    W.write_workbook(folder / "c.xlsx", measurements=[W.measurement_row(period_end=W.MONTH_ENDS[0])])
    (folder / "d.xlsx").write_text("a;b\n1;2\n")
    W.write_workbook(folder / "e.xlsx", kpis=[W.kpi_row("E-1"), W.kpi_row("e-1")], measurements=[])
    W.write_workbook(folder / "f.xlsx", language="da", below={"Measurements": [W.measurement_row(
        period_end=date(2026, 4, 30))]})
    return [folder / n for n in ("a.xlsx", "b.xlsx", "c.xlsx", "d.xlsx", "e.xlsx", "f.xlsx")] + [folder / "gone.xlsx"]


def _one_by_one(files):
    findings, kpis, measurements = [], 0, 0
    for path in files:
        # In the run's one language: English, since the files mix English and Danish workbooks.
        wb = check_workbook(path, W.AS_OF, language="en")
        findings.extend(wb.findings)
        kpis += len(wb.kpis)
        measurements += len(wb.measurements)
    return findings, kpis, measurements


def test_a_run_through_the_workers_equals_checking_each_file_alone(tmp_path):
    files = _mixed_files(tmp_path / "in")
    expected = _one_by_one(files)
    for jobs in (1, 2):
        calls = []
        report = validate(files, as_of=W.AS_OF, jobs=jobs, progress=lambda done, total, item: calls.append(done))
        assert (report.findings, report.kpi_count, report.measurement_count) == expected
        assert report.files == [str(p) for p in files] and calls == list(range(1, len(files) + 1))
        assert {code for code in (f.code for f in report.findings)} >= {"KPX204", "KPX405", "KPX107", "KPX301",
                                                                        "KPX132", "KPX101"}


# ------------------------------------------------------------------ folders (issue 9, item 2)

def test_validate_names_what_folders_hold_and_reads_subfolders_with_recursive(tmp_path):
    folder = tmp_path / "in"
    (folder / "north").mkdir(parents=True)
    W.write_workbook(folder / "a.xlsx")
    # Another department's workbook (not a copy of a.xlsx: other bytes, department and KPI ID).
    W.write_workbook(folder / "north" / "b.xlsx", kpis=[W.kpi_row("NOR-01", department="North")],
                     measurements=W.default_measurements(["NOR-01"]), evaluations=[W.evaluation_row("NOR-01")],
                     metadata_values={"kpixl_department": "North"})
    (folder / "c.ods").write_bytes(b"x")
    (folder / "~$a.xlsx").write_bytes(b"x")
    flat = validate([folder], as_of=W.AS_OF)
    assert flat.files == [str(folder / "a.xlsx")]
    assert [(f.code, f.place.path) for f in flat.findings] == [
        ("KPX134", str(folder / "c.ods")), ("KPX135", str(folder / "north")), ("KPX138", str(folder / "~$a.xlsx"))]
    # The lock file is a note (nothing to fix), not one of the warnings.
    assert flat.summary() == ("1 file(s), 1 KPI(s), 3 measurement(s): 0 error(s), 2 warning(s); 2 file(s) left out "
                              "(1 .ods, 1 lock file) and 1 subfolder(s) left out (use --recursive)")
    assert flat.to_dict()["stats"]["left_out"] == 3
    deep = validate([folder], as_of=W.AS_OF, recursive=True)
    assert deep.files == [str(folder / "a.xlsx"), str(folder / "north" / "b.xlsx")]
    assert deep.summary() == ("2 file(s), 2 KPI(s), 6 measurement(s): 0 error(s), 1 warning(s); 2 file(s) left out "
                              "(1 .ods, 1 lock file)")
    only_others = tmp_path / "others"
    (only_others / "sub").mkdir(parents=True)
    W.write_workbook(only_others / "sub" / "x.xlsx")
    report = validate([only_others], as_of=W.AS_OF)
    assert [f.code for f in report.findings] == ["KPX116", "KPX135"]


# ------------------------------------------------------------------ close of period (issue 9, item 3)

def _months(until: int) -> list[dict]:
    return [W.measurement_row(period_end=date(2026 + month // 12, month % 12 + 1, 1) - timedelta(days=1), value=100.0)
            for month in range(1, until + 1)]


def test_december_missing_at_year_end_is_a_close_of_period_warning(tmp_path):
    rows = _months(11)  # January to November
    wb, _, path = findings_of(tmp_path, measurements=rows, as_of=date(2026, 12, 31))
    assert [str(f) for f in wb.findings] == [
        f"{path}:KPIs!A2: warning KPX406: close of period: no measurement for the last monthly period 2026-12 before "
        "the deadline 2026-12-31; the final actual leaves it out (and rollover would take that as the next baseline); "
        "enter the value in Measurements"]
    # After the deadline December is not also a late period (KPX405): one warning, not two.
    later, _, _ = findings_of(tmp_path, "later.xlsx", measurements=rows, as_of=date(2027, 1, 20))
    assert [f.code for f in later.findings] == ["KPX406"]
    # The day before the deadline the period is still open; with December typed all is well.
    before, _, _ = findings_of(tmp_path, "before.xlsx", measurements=rows, as_of=date(2026, 12, 30))
    assert before.findings == []
    complete, _, _ = findings_of(tmp_path, "complete.xlsx", measurements=_months(12), as_of=date(2026, 12, 31))
    assert complete.findings == []


@pytest.mark.parametrize("frequency, last_end, label", [
    ("weekly", date(2026, 12, 24), "2026-12-25..2026-12-31"),
    ("quarterly", date(2026, 9, 30), "2026-Q4"),
    ("yearly", None, "2026"),
])
def test_close_of_period_follows_the_frequency(tmp_path, frequency, last_end, label):
    rows = [] if last_end is None else [W.measurement_row(period_end=last_end)]
    kpi = W.kpi_row(frequency=frequency)
    wb, _, _ = findings_of(tmp_path, kpis=[kpi], measurements=rows, as_of=date(2027, 1, 1))
    [finding] = by_code(wb, "KPX406")
    assert f"the last {frequency} period {label} before the deadline 2026-12-31" in finding.message
    # One value inside that last period is enough.
    inside = rows + [W.measurement_row(period_end=date(2026, 12, 28), value=5.0)]
    wb, _, _ = findings_of(tmp_path, "inside.xlsx", kpis=[kpi], measurements=inside, as_of=date(2027, 1, 1))
    assert by_code(wb, "KPX406") == []


def test_final_period_start():
    assert final_period_start("monthly", date(2026, 12, 31)) == date(2026, 12, 1)
    assert final_period_start("monthly", date(2026, 2, 28)) == date(2026, 2, 1)
    assert final_period_start("monthly", date(2026, 12, 15)) == date(2026, 11, 16)
    assert final_period_start("quarterly", date(2026, 12, 31)) == date(2026, 10, 1)
    assert final_period_start("quarterly", date(2026, 6, 30)) == date(2026, 4, 1)
    assert final_period_start("yearly", date(2026, 12, 31)) == date(2026, 1, 1)
    assert final_period_start("weekly", date(2026, 12, 31)) == date(2026, 12, 25)
    assert final_period_start("fortnightly", date(2026, 12, 31)) is None


# ------------------------------------------------------------------ plausibility (issue 9, item 4)

@pytest.fixture(scope="module")
def implausible(tmp_path_factory, recalc):
    """A % KPI given 2.1 for 2.1% and a count given 100x its target, re-saved through LibreOffice."""
    path = tmp_path_factory.mktemp("plausible") / "marketing.xlsx"
    kpis = [W.kpi_row("CONV-01", unit="%", aggregation="last", baseline=0.02, target=0.035),
            W.kpi_row("LEADS-01", unit="count", baseline=100.0, target=1200.0)]
    rows = [W.measurement_row("CONV-01", W.MONTH_ENDS[0], 0.021), W.measurement_row("CONV-01", W.MONTH_ENDS[1], 2.1),
            W.measurement_row("CONV-01", W.MONTH_ENDS[2], 0.03),
            W.measurement_row("LEADS-01", W.MONTH_ENDS[0], 110.0),
            W.measurement_row("LEADS-01", W.MONTH_ENDS[1], 150000.0),
            W.measurement_row("LEADS-01", W.MONTH_ENDS[2], 120000.0)]
    W.write_workbook(path, kpis=kpis, measurements=rows, evaluations=[])
    (out,) = recalc(path)
    return out


@pytest.mark.libreoffice
def test_implausible_values_are_warnings_after_a_libreoffice_save(implausible):
    wb = check_workbook(implausible, W.AS_OF)
    assert [str(f) for f in wb.findings] == [
        f"{implausible}:Measurements!C3: warning KPX407: value 2.1 for a % KPI whose target is 3.5% counts as 210%; "
        "if you meant 2.1%, type it with a % sign (2.1%) or as 0.021",
        f"{implausible}:Measurements!C6: warning KPX408: value 150000 is more than 100 times the KPI's target 1200 "
        "and baseline 100; check the value and its unit (a typo, or thousands typed as units?)",
    ]


def test_plausibility_thresholds(tmp_path):
    kpis = [W.kpi_row("P", unit=" % ", aggregation="last", baseline=0.5, target=1.0),
            W.kpi_row("Q", unit="%", aggregation="last", baseline=20.0, target=35.0),  # whole percents: no check
            W.kpi_row("R", direction="decrease", aggregation="last", baseline=1000.0, target=10.0)]
    rows = [W.measurement_row("P", W.MONTH_ENDS[0], 1.5), W.measurement_row("P", W.MONTH_ENDS[1], 1.6),
            W.measurement_row("Q", W.MONTH_ENDS[0], 40.0), W.measurement_row("R", W.MONTH_ENDS[0], 900.0),
            W.measurement_row("R", W.MONTH_ENDS[1], 100001.0)]
    wb, _, _ = findings_of(tmp_path, kpis=kpis, measurements=rows, as_of=date(2026, 2, 1))
    assert [(f.code, f.place.cell) for f in wb.findings if f.code in ("KPX407", "KPX408")] == [
        ("KPX407", "C3"), ("KPX408", "C6")]  # the Value cell


def test_a_percent_kpi_is_one_whose_unit_is_a_percent_unit_as_the_template_formats_it(tmp_path):
    """pst. is a percent unit (kpixl.vocab.PERCENT_UNITS); %-point is not: 2 percentage points is 2, not 200%."""
    kpis = [W.kpi_row("P", unit=" PST. ", aggregation="last", baseline=0.5, target=1.0),
            W.kpi_row("Q", unit="%-point", aggregation="last", baseline=0.5, target=1.0)]
    rows = [W.measurement_row("P", W.MONTH_ENDS[0], 2.0), W.measurement_row("Q", W.MONTH_ENDS[0], 2.0)]
    wb, _, _ = findings_of(tmp_path, kpis=kpis, measurements=rows, as_of=date(2026, 2, 1))
    assert [(f.code, f.place.cell) for f in wb.findings if f.code in ("KPX407", "KPX408")] == [("KPX407", "C2")]


# ------------------------------------------------------------------ phasing (issue 19)

def profile_row(name, weights):
    return {"profile": name, **dict(zip(core_month_keys(), weights))}


def core_month_keys():
    from kpixl import schema
    return schema.MONTH_KEYS


RETAIL = (6, 6, 7, 7, 8, 7, 6, 7, 8, 10, 12, 16)


def test_a_phased_kpi_reads_its_profile_and_is_valid(tmp_path):
    wb, _, _ = findings_of(tmp_path, kpis=[W.kpi_row(phasing=" retail ")], phasing=[profile_row("Retail", RETAIL)])
    assert wb.findings == []
    [kpi] = wb.kpis
    assert kpi.weights == tuple(float(w) for w in RETAIL) and kpi.valid
    assert kpi.definition().phase(date(2026, 1, 31)) > 0


def test_an_unknown_profile_is_named_at_the_kpis_phasing_cell(tmp_path):
    wb, layout, _ = findings_of(tmp_path, kpis=[W.kpi_row(phasing="Seasonal")], phasing=[profile_row("Retail", RETAIL)])
    [finding] = by_code(wb, "KPX320")
    letter = chr(ord("A") + layout.columns["KPIs"].index("phasing"))
    assert (finding.severity, finding.place.sheet, finding.place.cell) == ("error", "KPIs", f"{letter}2")
    assert finding.message == ("phasing profile 'Seasonal' is not in the Phasing table (profiles: 'Retail'); pick a "
                               "profile from the list or leave Phasing blank for a straight line")
    assert not wb.kpis[0].valid


def test_a_negative_blank_or_text_weight_is_named_at_its_cell(tmp_path):
    weights = list(RETAIL)
    weights[1], weights[2], weights[11] = None, "abc", -2
    wb, _, _ = findings_of(tmp_path, kpis=[W.kpi_row(phasing="Retail")], phasing=[profile_row("Retail", weights)])
    found = {(f.code, f.place.sheet, f.place.cell): f.message for f in wb.findings}
    assert found[("KPX321", "Phasing", "M2")] == ("the weight of phasing profile 'Retail' for Dec is -2, below 0; "
                                                  "type 0 or more (0 plans nothing for that month)")
    assert found[("KPX201", "Phasing", "C2")] == ("feb is blank; type the month's weight (0 or more; 0 plans nothing "
                                                  "for that month)")
    assert ("KPX202", "Phasing", "D2") in found
    assert not wb.kpis[0].valid  # its numbers would be meaningless: the weight's finding says why


def test_a_profile_weighing_0_in_every_month_of_the_period_is_named(tmp_path):
    summer = (0, 0, 0, 1, 2, 3, 3, 2, 1, 0, 0, 0)
    kpi = W.kpi_row(phasing="Summer", start=date(2026, 1, 1), deadline=date(2026, 3, 31))
    wb, _, _ = findings_of(tmp_path, kpis=[kpi], phasing=[profile_row("Summer", summer)], measurements=[])
    [finding] = by_code(wb, "KPX322")
    assert finding.message == ("phasing profile 'Summer' weighs 0 in every month from 2026-01-01 to 2026-03-31, so "
                               "nothing is ever planned; give one of these months a weight above 0 in the Phasing "
                               "sheet, or pick another profile")
    assert not wb.kpis[0].valid


def test_a_repeated_profile_name_is_named(tmp_path):
    wb, _, _ = findings_of(tmp_path, kpis=[W.kpi_row(phasing="retail")],
                           phasing=[profile_row("Retail", RETAIL), profile_row("RETAIL ", (1,) * 12)])
    [finding] = by_code(wb, "KPX323")
    assert (finding.place.sheet, finding.place.cell) == ("Phasing", "A3")
    assert finding.message == ("phasing profile 'RETAIL' is named twice (first at Phasing!A2); give each profile its "
                               "own name")
    assert not wb.kpis[0].valid  # which profile does it follow? its numbers wait for the fix


def test_phasing_findings_are_said_in_danish(tmp_path):
    wb, _, _ = findings_of(tmp_path, kpis=[W.kpi_row(phasing="Sæson")], phasing=[profile_row("Detail", RETAIL)],
                           language="da")
    [finding] = by_code(wb, "KPX320")  # check_workbook says a Danish workbook's findings in Danish
    assert finding.message == ("periodiseringsprofilen 'Sæson' findes ikke i tabellen Periodisering (profiler: "
                               "'Detail'); vælg en profil fra listen, eller lad Periodisering stå tom for en lige "
                               "linje")


def test_an_unknown_profile_in_a_workbook_without_profiles_is_said_in_both_languages(tmp_path):
    wb, _, _ = findings_of(tmp_path, kpis=[W.kpi_row(phasing="Retail")], phasing=[])
    [finding] = by_code(wb, "KPX320")
    assert finding.message == ("phasing profile 'Retail' is not in the Phasing table (it has none yet); pick a "
                               "profile from the list or leave Phasing blank for a straight line")
    wb, _, _ = findings_of(tmp_path, "da.xlsx", kpis=[W.kpi_row(phasing="Retail")], phasing=[], language="da")
    [finding] = by_code(wb, "KPX320")
    assert finding.message == (
        "periodiseringsprofilen 'Retail' findes ikke i tabellen Periodisering (den har ingen profiler endnu); skriv "
        "profilen på arket Periodisering, eller lad Periodisering stå tom for en lige linje")

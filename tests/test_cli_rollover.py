"""Test ``kpixl rollover`` on the command line: output lines, error lines and exit codes."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from kpixl import core
from kpixl.cli import cli
from kpixl.model import EvaluationRecord, KpiRecord, MeasurementRecord
from kpixl.reader import read_workbook
from kpixl.template import write_template

START, DEADLINE = date(2025, 1, 1), date(2025, 12, 31)


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="kpixl")


def kpi(kpi_id: str, **fields) -> KpiRecord:
    values = dict(name=f"KPI {kpi_id}", level="high", owner="Mette Kjær", unit="DKK", direction=core.INCREASE,
                  aggregation=core.LAST, frequency="yearly", baseline=100.0, target=200.0, start=START,
                  deadline=DEADLINE, specific="s", measurable="m", attainable="a", relevant="r")
    values.update(fields)
    return KpiRecord(kpi_id=kpi_id, **values)


def workbook(path: Path, decisions: dict[str, tuple[str | None, float | None]], last_value: float = 150.0, *,
             department: str = "Management", language: str = "en") -> Path:
    kpis = [kpi(k) for k in decisions]
    measurements = [MeasurementRecord(k, date(2025, 12, 31), last_value) for k in decisions]
    evaluations = [EvaluationRecord(k, d, t) for k, (d, t) in decisions.items()]
    return write_template(path, department=department, language=language, formulas="native", kpis=kpis,
                          measurements=measurements, evaluations=evaluations, as_of=DEADLINE)


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("in")
    return workbook(folder / "management.xlsx", {"M-1": ("keep", None), "M-2": ("adjust", 180.0),
                                                 "M-3": ("retire", None), "M-4": (None, None)})


def test_rollover_prints_the_summary(source, tmp_path):
    out = tmp_path / "next.xlsx"
    result = run("rollover", source, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.output.split("\n") == [
        f"Rolled over {source} into {out}",
        "4 KPI(s): 1 kept, 1 adjusted, 1 retired, 1 without a decision (kept)",
        "New period: 2026-01-01 to 2026-12-31",
        f"{source}:KPIs!A3: warning KPX704: KPI M-2 has a new target 180 (was 200); check that its SMART texts "
        f"(Specific, Attainable) do not still name the old one",
        f"{source}:Evaluation!E5: warning KPX701: KPI M-4 has no decision, so it was kept as it was; choose Keep, "
        f"Adjust target or Retire on the Evaluation sheet",
        f"{source}:KPIs!A4: warning KPX706: the retired company KPI M-3 may have department KPIs in other workbooks; "
        f"give those a new Parent KPI ID or retire them too (rollover --departments DIR flags them in their next "
        f"workbooks)",
        "",
    ]
    assert [(k.kpi_id, k.baseline, k.target) for k in read_workbook(out).kpis] == [
        ("M-1", 150.0, 200.0), ("M-2", 150.0, 180.0), ("M-4", 150.0, 200.0)]


def test_rollover_dates_from_options(source, tmp_path):
    out = tmp_path / "h1.xlsx"
    result = run("rollover", source, "-o", out, "--start", "2026-01-01", "--deadline", "2026-06-30",
                 "--as-of", "2025-12-31")
    assert result.exit_code == 0, result.output
    assert "New period: 2026-01-01 to 2026-06-30\n" in result.output


def test_a_beaten_kept_target_is_one_error_line_and_exit_1(tmp_path):
    src = workbook(tmp_path / "in.xlsx", {"M-1": ("keep", None)}, last_value=1234.0)
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    result = run("rollover", src, "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 1
    assert result.output == (f"Error: {src}:Evaluation!E2: error KPX732: KPI M-1 (KPI M-1) kept its target 200, but its final "
                             f"actual 1234 already reached it; choose Adjust target with a new target above 1234, "
                             f"or Retire\n")
    assert not (tmp_path / "out.xlsx").exists()
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before


def test_an_invalid_input_exits_1_with_its_findings(tmp_path):
    src = workbook(tmp_path / "in.xlsx", {"M-1": ("adjust", None)})
    result = run("rollover", src, "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 1
    assert result.output == (f"Error: {src}: cannot roll over a workbook with 1 error(s); fix them and run again:\n"
                             f"  {src}:Evaluation!A2: error KPX502: decision Adjust target needs a new target; "
                             f"type it in New target\n")


def test_existing_output_and_force(source, tmp_path):
    out = tmp_path / "next.xlsx"
    out.write_bytes(b"keep me")
    refused = run("rollover", source, "-o", out)
    assert refused.exit_code == 1
    assert refused.output == f"Error: {out}: already exists; use --force to overwrite it\n"
    assert out.read_bytes() == b"keep me"
    forced = run("rollover", source, "-o", out, "--force")
    assert forced.exit_code == 0, forced.output
    assert forced.output.startswith(f"Rolled over {source} into {out}\n")


def test_output_equal_to_input_is_refused(source):
    result = run("rollover", source, "-o", source, "--force")
    assert result.exit_code == 1
    assert result.output == f"Error: {source}: the output is also an input; choose another output path\n"


def test_deadline_before_start_exits_1(source, tmp_path):
    result = run("rollover", source, "-o", tmp_path / "x.xlsx", "--start", "2026-06-01", "--deadline", "2026-01-01")
    assert result.exit_code == 1
    assert result.output == ("Error: the new deadline 2026-01-01 must be after the new start 2026-06-01; "
                             "change --start or --deadline\n")


def test_missing_output_option_is_a_usage_error(source):
    result = run("rollover", source)
    assert result.exit_code == 2
    assert "Missing option '-o' / '--output'" in result.output


def test_a_missing_input_exits_1(tmp_path):
    missing = tmp_path / "nope.xlsx"
    result = run("rollover", missing, "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {missing}: cannot roll over a workbook with 1 error(s); fix them and "
                                    f"run again:\n  {missing}")


def test_a_shorter_period_of_a_sum_kpi_needs_prorate(tmp_path):
    kpis = [kpi("S-1", aggregation=core.SUM, baseline=1000.0, target=1300.0)]
    src = write_template(tmp_path / "in.xlsx", department="Sales", formulas="native", kpis=kpis,
                         measurements=[MeasurementRecord("S-1", date(2025, 12, 31), 1200.0)],
                         evaluations=[EvaluationRecord("S-1", "keep")], as_of=DEADLINE)
    out = tmp_path / "q1.xlsx"
    refused = run("rollover", src, "-o", out, "--deadline", "2026-03-31")
    assert refused.exit_code == 1
    assert refused.output == (
        f"Error: {src}:KPIs!A2: error KPX735: KPI S-1 adds up over its period (sum): its target 1300 and baseline "
        f"1200 are for 364 days (2025-01-01 to 2025-12-31), but the new period has 89 days (2026-01-01 to "
        f"2026-03-31); run rollover with --prorate to scale them by 89/364, or give a --deadline that keeps the "
        f"period's length\n")
    assert not out.exists()
    done = run("rollover", src, "-o", out, "--deadline", "2026-03-31", "--prorate")
    assert done.exit_code == 0, done.output
    assert f"{src}:KPIs!A2: warning KPX709: KPI S-1 adds up over its period (sum): its target 1300 and baseline " \
           f"1200 for 364 days (2025-01-01 to 2025-12-31) are scaled by 89/364 to target 317.8571429 and baseline " \
           f"293.4065934 for 89 days (2026-01-01 to 2026-03-31)\n" in done.output
    [record] = read_workbook(out).kpis
    assert (record.target, record.baseline) == (pytest.approx(1300 * 89 / 364), pytest.approx(1200 * 89 / 364))


def test_rollover_with_departments(source, tmp_path):
    folder = tmp_path / "departments"
    folder.mkdir()
    child = kpi("D-1", level="low", parent_id="M-3", department="Sales")
    write_template(folder / "sales.xlsx", department="Sales", formulas="native", kpis=[child],
                   measurements=[MeasurementRecord("D-1", date(2025, 12, 31), 150.0)],
                   evaluations=[EvaluationRecord("D-1", "keep")], as_of=DEADLINE)
    out, dep_out = tmp_path / "management-2026.xlsx", tmp_path / "departments-2026"
    result = run("rollover", source, "-o", out, "--departments", folder, "--departments-out", dep_out)
    assert result.exit_code == 0, result.output
    lines = result.output.split("\n")
    assert f"Rolled over {folder / 'sales.xlsx'} into {dep_out / 'sales.xlsx'}" in lines
    assert (f"{folder / 'sales.xlsx'}:KPIs!A2: warning KPX710: KPI D-1: Parent KPI M-3 (KPI M-3) was retired in "
            f"the company's rollover (management.xlsx); give this KPI another Parent KPI ID, or retire it. The note "
            f"is in its next Evaluation.") in lines
    assert not any("KPX706" in line for line in lines)  # the children are seen, not guessed at
    assert lines[-2] == ("Rolled over 2 workbook(s); 1 department KPI(s) flagged in their Evaluation notes because "
                         "their company KPI was retired or re-targeted")
    [evaluation] = read_workbook(dep_out / "sales.xlsx").evaluations
    assert evaluation.notes.startswith("Parent KPI M-3 (KPI M-3) was retired in the company's rollover")


def test_departments_without_departments_out_is_a_usage_error(source, tmp_path):
    result = run("rollover", source, "-o", tmp_path / "x.xlsx", "--departments", tmp_path)
    assert result.exit_code == 2
    assert ("--departments and --departments-out go together: give the folder of the department workbooks and "
            "the folder for their next workbooks") in result.output


def test_ids_typed_in_other_case_or_spacing_carry_their_decision_and_final_actual(tmp_path):
    """Issue 9 item 1: Evaluation and Measurements rows match their KPI by kpixl.vocab.kpi_key."""
    kpis = [kpi("m-1"), kpi("M-2"), kpi("M-3", level="low", parent_id="m-2\u00a0")]
    measurements = [MeasurementRecord("M-1\u00a0", date(2025, 11, 30), 140.0),
                    MeasurementRecord(" m-1", date(2025, 12, 31), 160.0),
                    MeasurementRecord("m-3", date(2025, 12, 31), 150.0)]
    evaluations = [EvaluationRecord("M-1 ", "adjust", 250.0), EvaluationRecord("m-2", "retire", None),
                   EvaluationRecord("M-3\u00a0", "keep", None)]
    src = write_template(tmp_path / "in.xlsx", department="Management", language="en", formulas="native",
                         kpis=kpis, measurements=measurements, evaluations=evaluations, as_of=DEADLINE)
    out = tmp_path / "next.xlsx"
    result = run("rollover", src, "-o", out)
    # M-3's parent "m-2\u00a0" is the retired M-2: a kept child of a retired parent is an error (KPX736).
    assert result.exit_code == 1
    assert result.output == (f"Error: {src}:Evaluation!E3: error KPX736: KPI M-2 is retired, but KPI M-3 (KPIs!A4) "
                             f"still rolls up to it; retire M-3 too, or give it another Parent KPI ID (the next "
                             f"consolidate would fail with KPX602)\n")
    evaluations[2] = EvaluationRecord("M-3\u00a0", "retire", None)
    src = write_template(tmp_path / "in2.xlsx", department="Management", language="en", formulas="native",
                         kpis=kpis, measurements=measurements, evaluations=evaluations, as_of=DEADLINE)
    result = run("rollover", src, "-o", out)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1] == "3 KPI(s): 0 kept, 1 adjusted, 2 retired, 0 without a decision (kept)"
    # The final actual (last value 160) is the new baseline; the adjusted target is 250.
    assert [(k.kpi_id, k.baseline, k.target) for k in read_workbook(out).kpis] == [("m-1", 160.0, 250.0)]


def danish_workbook(path: Path, decisions: dict[str, tuple[str | None, float | None]], last_value: float) -> Path:
    return workbook(path, decisions, last_value, department="Ledelse", language="da")


def test_a_danish_workbooks_run_speaks_danish_throughout(tmp_path):
    """The summary, the findings and a refusal of a Danish workbook are all Danish (no English lines around them)."""
    src = danish_workbook(tmp_path / "ledelse.xlsx", {"M-1": ("keep", None), "M-4": (None, None)}, 150.0)
    out = tmp_path / "næste.xlsx"
    result = run("rollover", src, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.output.split("\n") == [
        f"Rullede {src} over til {out}",
        "2 KPI'er: 1 beholdt, 0 justeret, 0 udfaset, 1 uden beslutning (beholdt)",
        "Ny periode: 2026-01-01 til 2026-12-31",
        f"Advarsel: {src}:Evaluering!E3: KPX701: KPI M-4 har ingen beslutning, så den er beholdt uændret; vælg "
        f"Behold, Juster mål eller Udfas på arket Evaluering",
        "",
    ]
    beaten = danish_workbook(tmp_path / "slået.xlsx", {"M-1": ("keep", None)}, 1234.0)
    result = run("rollover", beaten, "-o", tmp_path / "ud.xlsx")
    assert result.exit_code == 1
    assert result.output == (f"Fejl: {beaten}:Evaluering!E2: fejl KPX732: KPI M-1 (KPI M-1) beholdt sin målværdi "
                             f"200, men dens endelige faktiske værdi 1234 har allerede nået den; vælg Juster mål med "
                             f"en ny målværdi over 1234, eller Udfas\n")
    invalid = danish_workbook(tmp_path / "ugyldig.xlsx", {"M-1": ("adjust", None)}, 150.0)
    result = run("rollover", invalid, "-o", tmp_path / "ud.xlsx")
    assert result.exit_code == 1
    assert result.output.startswith(f"Fejl: {invalid}: kan ikke rulle en projektmappe med 1 fejl over; ret dem, og "
                                    f"kør igen:\n  {invalid}:Evaluering!A2: fejl KPX502: ")
    assert not (tmp_path / "ud.xlsx").exists()

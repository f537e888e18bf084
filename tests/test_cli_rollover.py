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
                  aggregation=core.LAST, frequency="monthly", baseline=100.0, target=200.0, start=START,
                  deadline=DEADLINE, specific="s", measurable="m", attainable="a", relevant="r")
    values.update(fields)
    return KpiRecord(kpi_id=kpi_id, **values)


def workbook(path: Path, decisions: dict[str, tuple[str | None, float | None]], last_value: float = 150.0) -> Path:
    kpis = [kpi(k) for k in decisions]
    measurements = [MeasurementRecord(k, date(2025, 12, 31), last_value) for k in decisions]
    evaluations = [EvaluationRecord(k, d, t) for k, (d, t) in decisions.items()]
    return write_template(path, department="Management", language="en", formulas="native", kpis=kpis,
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
        "Warning: 1 KPI(s) had no decision and were kept as they were: M-4",
        "Warning: the adjusted KPIs M-2 have new targets; check that their SMART texts (Specific, Attainable) "
        "do not still name the old ones",
        "Warning: the retired company KPIs M-3 may have department KPIs in other workbooks; give those a new Parent "
        "KPI ID or retire them too",
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
    assert result.output == (f"Error: {src}:Evaluation!E2: KPI M-1 (KPI M-1) kept its target 200, but its final "
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
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1] == "3 KPI(s): 1 kept, 1 adjusted, 1 retired, 0 without a decision (kept)"
    assert "Warning: KPI M-3 rolls up to m-2, which was retired; change its Parent KPI ID" in lines
    # The final actual (last value 160) is the new baseline; the adjusted target is 250.
    assert [(k.kpi_id, k.baseline, k.target) for k in read_workbook(out).kpis] == [
        ("m-1", 160.0, 250.0), ("M-3", 150.0, 200.0)]
